#ifndef CALLCENTER_LIBS_STATUS_STATUS_H_
#define CALLCENTER_LIBS_STATUS_STATUS_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/support/status.h"

namespace callcenter {

// Every error carries, as Google's AIP-193 asks, a google.rpc.ErrorInfo
// (a stable UPPER_SNAKE_CASE reason, domain "callcenter") and, when it is
// INVALID_ARGUMENT, a google.rpc.BadRequest naming each bad field. Inside a
// process they ride on the absl::Status as payloads keyed by their type
// URLs; on the wire they are the google.rpc.Status in the trailer
// `grpc-status-details-bin`, so they survive every hop between services.
inline constexpr char kErrorDomain[] = "callcenter";

// Stable reasons used in more than one place.
inline constexpr char kReasonInvalidField[] = "INVALID_FIELD";
inline constexpr char kReasonLimitExceeded[] = "LIMIT_EXCEEDED";
inline constexpr char kReasonFeatureDisabled[] = "FEATURE_DISABLED";
inline constexpr char kReasonRequestIdReused[] = "REQUEST_ID_REUSED";
inline constexpr char kReasonAmountOverflow[] = "AMOUNT_OVERFLOW";
inline constexpr char kReasonDatabaseUnavailable[] = "DATABASE_UNAVAILABLE";
inline constexpr char kReasonServiceUnavailable[] = "SERVICE_UNAVAILABLE";
inline constexpr char kReasonInternal[] = "INTERNAL";

// The one mapping between absl::Status and grpc::Status (same code
// numbers). ToGrpcStatus always attaches the details (an ErrorInfo whose
// reason defaults to the code's name); FromGrpcStatus restores them.
grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

// INVALID_ARGUMENT "field: problem" naming `field` in its BadRequest.
absl::Status InvalidField(absl::string_view field, absl::string_view problem,
                          absl::string_view reason = kReasonInvalidField);

// `status` with its ErrorInfo reason (and metadata) set; OK stays OK.
absl::Status WithReason(absl::Status status, absl::string_view reason,
                        const std::map<std::string, std::string>& metadata = {});

// The ErrorInfo reason: the one set, else the code's name ("NOT_FOUND").
std::string ReasonOf(const absl::Status& status);
// Whether a reason was set explicitly (by our code, here or downstream).
bool HasReason(const absl::Status& status);
// The ErrorInfo metadata (empty when none was set).
std::map<std::string, std::string> MetadataOf(const absl::Status& status);
// The BadRequest's (field, description) pairs.
std::vector<std::pair<std::string, std::string>> FieldViolationsOf(const absl::Status& status);

// `status` with a new message, its details kept.
absl::Status WithMessage(const absl::Status& status, absl::string_view message);

}  // namespace callcenter

#define CC_STATUS_CONCAT_INNER_(a, b) a##b
#define CC_STATUS_CONCAT_(a, b) CC_STATUS_CONCAT_INNER_(a, b)

// Returns from the current function when `expr` is not OK.
#define RETURN_IF_ERROR(expr)                      \
  do {                                             \
    const ::absl::Status cc_status_ = (expr);      \
    if (!cc_status_.ok()) return cc_status_;       \
  } while (0)

// `ASSIGN_OR_RETURN(auto x, Foo());` unwraps a StatusOr or returns its error.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL_(CC_STATUS_CONCAT_(cc_statusor_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                           \
  if (!tmp.ok()) return tmp.status();          \
  lhs = std::move(tmp).value()

#endif  // CALLCENTER_LIBS_STATUS_STATUS_H_
