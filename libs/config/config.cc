#include "libs/config/config.h"

#include <cstdlib>
#include <iostream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace callcenter {

Config::Config(Lookup lookup) : lookup_(std::move(lookup)) {
  if (!lookup_) lookup_ = [](const char* name) { return std::getenv(name); };
}

const char* Config::Get(const std::string& name) const {
  const char* value = lookup_(name.c_str());
  return (value != nullptr && *value != '\0') ? value : nullptr;
}

bool Config::IsSecretName(const std::string& name) {
  const std::string upper = absl::AsciiStrToUpper(name);
  return absl::StrContains(upper, "SECRET") || absl::StrContains(upper, "PASSWORD") ||
         absl::StrContains(upper, "TOKEN") || absl::StrContains(upper, "KEY") ||
         upper == "DATABASE_URL";
}

void Config::Record(const std::string& name, const std::string& value) {
  effective_[name] = IsSecretName(name) ? (value.empty() ? "" : "[redacted]") : value;
}

std::string Config::String(const std::string& name, const std::string& default_value) {
  const char* value = Get(name);
  std::string result = value ? value : default_value;
  defaults_[name] = IsSecretName(name) && !default_value.empty() ? "[redacted]" : default_value;
  Record(name, result);
  return result;
}

std::string Config::Required(const std::string& name) {
  required_.push_back(name);
  const char* value = Get(name);
  if (value == nullptr) {
    errors_.push_back(absl::StrCat(name, " is required but not set"));
    Record(name, "");
    return "";
  }
  Record(name, value);
  return value;
}

int64_t Config::Int(const std::string& name, int64_t default_value, int64_t min, int64_t max) {
  const char* value = Get(name);
  int64_t result = default_value;
  defaults_[name] = absl::StrCat(default_value);
  if (value != nullptr) {
    if (!absl::SimpleAtoi(value, &result)) {
      errors_.push_back(absl::StrCat(name, "=\"", value, "\" is not an integer"));
      result = default_value;
    } else if (result < min || result > max) {
      errors_.push_back(absl::StrCat(name, "=", result, " is outside [", min, ", ", max, "]"));
      result = default_value;
    }
  }
  Record(name, absl::StrCat(result));
  return result;
}

bool Config::Bool(const std::string& name, bool default_value) {
  const char* value = Get(name);
  bool result = default_value;
  defaults_[name] = default_value ? "true" : "false";
  if (value != nullptr) {
    const std::string v = absl::AsciiStrToLower(value);
    if (v == "1" || v == "true" || v == "yes" || v == "on") {
      result = true;
    } else if (v == "0" || v == "false" || v == "no" || v == "off") {
      result = false;
    } else {
      errors_.push_back(absl::StrCat(name, "=\"", value, "\" is not a boolean (true/false)"));
    }
  }
  Record(name, result ? "true" : "false");
  return result;
}

int Config::Port(const std::string& name, int default_value) {
  return static_cast<int>(Int(name, default_value, 0, 65535));
}

void Config::Invalid(const std::string& name, const std::string& problem) {
  errors_.push_back(absl::StrCat(name, ": ", problem));
}

absl::Status Config::status() const {
  if (errors_.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("invalid configuration: ", absl::StrJoin(errors_, "; ")));
}

void Config::ExitIfInvalid() const {
  absl::Status s = status();
  if (s.ok()) return;
  std::cerr << s.message() << std::endl;
  std::exit(2);
}

}  // namespace callcenter
