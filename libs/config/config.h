#ifndef CALLCENTER_LIBS_CONFIG_CONFIG_H_
#define CALLCENTER_LIBS_CONFIG_CONFIG_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace callcenter {

// Reads settings from environment variables with defaults and collects every
// bad value, so a service can report them all at once and exit with code 2.
class Config {
 public:
  using Lookup = std::function<const char*(const char*)>;

  // `lookup` defaults to getenv; tests inject their own.
  explicit Config(Lookup lookup = nullptr);

  std::string String(const std::string& name, const std::string& default_value);
  // A string that must be set (no default).
  std::string Required(const std::string& name);
  int64_t Int(const std::string& name, int64_t default_value, int64_t min, int64_t max);
  bool Bool(const std::string& name, bool default_value);
  // A listen port: 0..65535.
  int Port(const std::string& name, int default_value);

  // Records a problem found by the caller (e.g. two settings that only go
  // together), reported with the others.
  void Invalid(const std::string& name, const std::string& problem);

  // OK, or INVALID_ARGUMENT listing every bad or missing variable.
  absl::Status status() const;
  // Logs the error and exits with code 2 when any value was bad.
  void ExitIfInvalid() const;

  // Every variable read and its effective value, secrets redacted.
  const std::map<std::string, std::string>& effective() const { return effective_; }

  // Every variable read with a default and that default (required ones
  // have none): what `--list-config` prints.
  const std::map<std::string, std::string>& defaults() const { return defaults_; }

  // Names of the variables marked required.
  const std::vector<std::string>& required() const { return required_; }

  // Names that hold secrets (their values are never logged).
  static bool IsSecretName(const std::string& name);

 private:
  const char* Get(const std::string& name) const;
  void Record(const std::string& name, const std::string& value);

  Lookup lookup_;
  std::vector<std::string> errors_;
  std::vector<std::string> required_;
  std::map<std::string, std::string> effective_;
  std::map<std::string, std::string> defaults_;
};

}  // namespace callcenter

#endif  // CALLCENTER_LIBS_CONFIG_CONFIG_H_
