#include "libs/logging/log.h"

#include <iostream>
#include <mutex>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace callcenter::log {
namespace {

std::mutex& Mu() {
  static std::mutex mu;
  return mu;
}
std::string& ServiceName() {
  static std::string name = "callcenter";
  return name;
}
std::ostream*& Sink() {
  static std::ostream* sink = nullptr;
  return sink;
}

const char* SeverityName(Severity s) {
  switch (s) {
    case Severity::kDebug:
      return "DEBUG";
    case Severity::kInfo:
      return "INFO";
    case Severity::kWarning:
      return "WARNING";
    case Severity::kError:
      return "ERROR";
  }
  return "INFO";
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

void Init(absl::string_view service) {
  std::lock_guard<std::mutex> lock(Mu());
  ServiceName() = std::string(service);
}

void SetSinkForTesting(std::ostream* sink) {
  std::lock_guard<std::mutex> lock(Mu());
  Sink() = sink;
}

std::string Redact(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (!IsDigit(text[i])) {
      out.push_back(text[i++]);
      continue;
    }
    // A run of digits, allowing single spaces or dashes between groups.
    size_t j = i;
    size_t digits = 0;
    size_t last_digit_end = i;
    while (j < text.size()) {
      if (IsDigit(text[j])) {
        ++digits;
        ++j;
        last_digit_end = j;
      } else if ((text[j] == ' ' || text[j] == '-') && j + 1 < text.size() &&
                 IsDigit(text[j + 1])) {
        ++j;
      } else {
        break;
      }
    }
    if (digits >= 13 && digits <= 19) {
      out += "[redacted]";
    } else if (digits > 19) {
      out += "[redacted]";
    } else {
      out.append(text.data() + i, last_digit_end - i);
    }
    i = last_digit_end;
  }
  return out;
}

void Write(Severity severity, absl::string_view message, absl::string_view request_id,
           const std::map<std::string, std::string>& fields) {
  nlohmann::json line;
  line["timestamp"] = absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", absl::Now(), absl::UTCTimeZone());
  line["severity"] = SeverityName(severity);
  std::lock_guard<std::mutex> lock(Mu());
  line["service"] = ServiceName();
  line["message"] = Redact(message);
  line["request_id"] = Redact(request_id);
  for (const auto& [key, value] : fields) line[key] = Redact(value);
  std::ostream& out = Sink() ? *Sink() : std::cerr;
  out << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  out.flush();
}

}  // namespace callcenter::log
