#ifndef CALLCENTER_SERVICES_ORCHESTRATION_CLIENTS_CALL_H_
#define CALLCENTER_SERVICES_ORCHESTRATION_CLIENTS_CALL_H_

#include <algorithm>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"

namespace callcenter::orchestration {

// On whose behalf a downstream call is made: the request id every
// downstream service sees (the caller's, scoped; see ScopedRequestId) and
// the caller's deadline. Work the front door does as the system (undoing,
// recovery, the sweep) has no caller deadline.
struct CallScope {
  std::string request_id;
  absl::Time deadline = absl::InfiniteFuture();

  // The same caller under a derived idempotency key (`request_id` + suffix),
  // for a second write the same request makes (a void, a release).
  CallScope Keyed(absl::string_view suffix) const;
};

// Makes the client context of every downstream call, with the one deadline
// rule: the earlier of the caller's deadline and the call's own default.
// The request id goes along as metadata (x-request-id) for the logs.
class CallFactory {
 public:
  explicit CallFactory(absl::Duration per_call) : per_call_(per_call) {}

  absl::Time DeadlineFor(const CallScope& scope, absl::Time now) const {
    return std::min(scope.deadline, now + per_call_);
  }
  std::unique_ptr<grpc::ClientContext> New(const CallScope& scope) const;

 private:
  absl::Duration per_call_;
};

// A downstream call's status as the front door's caller may see it: codes
// and our services' own messages and details pass; transport and server
// faults (UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL, ...) say which service
// failed, never an address or a database's text (that is logged).
absl::Status FromDownstream(const char* service, const grpc::Status& status);

}  // namespace callcenter::orchestration

#endif  // CALLCENTER_SERVICES_ORCHESTRATION_CLIENTS_CALL_H_
