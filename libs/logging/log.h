#ifndef CALLCENTER_LIBS_LOGGING_LOG_H_
#define CALLCENTER_LIBS_LOGGING_LOG_H_

#include <map>
#include <ostream>
#include <string>

#include "absl/strings/string_view.h"

namespace callcenter::log {

enum class Severity { kDebug, kInfo, kWarning, kError };

// Structured JSON logs, one object per line on stderr: timestamp, severity,
// service, message, request_id and any extra fields. Every string passes
// through Redact, so card numbers never reach the log.

// Sets the service name stamped on each line (call once from main).
void Init(absl::string_view service);
// Redirects output (tests); nullptr restores stderr.
void SetSinkForTesting(std::ostream* sink);

void Write(Severity severity, absl::string_view message, absl::string_view request_id = "",
           const std::map<std::string, std::string>& fields = {});

inline void Info(absl::string_view message, const std::map<std::string, std::string>& fields = {}) {
  Write(Severity::kInfo, message, "", fields);
}
inline void Warning(absl::string_view message,
                    const std::map<std::string, std::string>& fields = {}) {
  Write(Severity::kWarning, message, "", fields);
}
inline void Error(absl::string_view message, const std::map<std::string, std::string>& fields = {}) {
  Write(Severity::kError, message, "", fields);
}

// Replaces anything that looks like a payment card number (13 to 19 digits,
// possibly separated by spaces or dashes) with "[redacted]".
std::string Redact(absl::string_view text);

}  // namespace callcenter::log

#endif  // CALLCENTER_LIBS_LOGGING_LOG_H_
