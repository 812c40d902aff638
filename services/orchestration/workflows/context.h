#ifndef CALLCENTER_SERVICES_ORCHESTRATION_WORKFLOWS_CONTEXT_H_
#define CALLCENTER_SERVICES_ORCHESTRATION_WORKFLOWS_CONTEXT_H_

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "callcenter/order/v1/order.pb.h"
#include "callcenter/pricing/v1/pricing.pb.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"
#include "services/orchestration/clients/call.h"
#include "services/orchestration/clients/order_client.h"

namespace callcenter::orchestration {

using common::v1::Order;
using common::v1::OrderEvent;

// The front door's business clock (injected; tests set the day): order
// times, pricing dates, continuity dates, token checks. Deadlines are real
// time (see CallFactory).
class Clock {
 public:
  explicit Clock(std::function<absl::Time()> now) : now_(std::move(now)) {}
  absl::Time Now() const { return now_(); }
  google::protobuf::Timestamp Timestamp() const;
  // Today's date, YYYY-MM-DD, UTC.
  std::string Today() const;

 private:
  std::function<absl::Time()> now_;
};

// The request id every downstream service sees: the caller's, scoped to
// the calling user and the RPC (API.md), so that two users (or two RPCs)
// never share one; 41 characters.
std::string ScopedRequestId(const std::string& user_id, const char* method,
                            const std::string& request_id);

// A digest of a request's every field: a retry must repeat it exactly.
std::string Fingerprint(const google::protobuf::Message& request);

// Who calls: the authenticated user, the request id as scoped for
// downstream services (empty for reads) and the caller's deadline.
struct Caller {
  std::string user_id;
  std::string request_id;
  absl::Time deadline = absl::InfiniteFuture();

  CallScope scope() const { return CallScope{request_id, deadline}; }
};

// What a change sees: the caller, the order's context and its pricing.
struct Context {
  explicit Context(const Caller& caller) : caller(caller) {}

  const std::string& user_id() const { return caller.user_id; }
  // Downstream calls on the caller's behalf: its request id and deadline.
  CallScope scope() const { return caller.scope(); }

  Caller caller;
  // The request's Fingerprint, which the save stores for replays.
  std::string fingerprint;
  // The order with its user, call center and customer, as read (or kept).
  order::v1::GetOrderContextResponse data;
  // The last pricing of the order (a submit plans continuity from it).
  pricing::v1::PriceOrderResponse priced;
  // `data` came from the ContextCache: the save checks it is still current.
  bool kept = false;
  // With a kept context: its order's events as its last save serialized them.
  EventsRun events_run;
  // The save answered an earlier save of the same request id (another
  // process made this change first): nothing of this attempt was written.
  bool replayed = false;
};

// What a change decides besides the order it edits.
struct Edit {
  // What the order's log gains.
  std::vector<OrderEvent> events;
  // Nothing to do: the order is returned as it is and nothing is saved.
  bool unchanged = false;
  // The change priced the order itself and changed no price after.
  bool already_priced = false;
  // A coupon being applied: pricing refuses the change unless it may be used.
  std::string coupon_to_check;
  // Continuity schedules the save starts (a submit's).
  std::vector<order::v1::ContinuitySchedule> new_schedules;
  // Returns the save creates or changes.
  std::vector<order::v1::StoredReturn> returns;
};

// A change: edits `order` (the context's, moved out) and says what else it
// decided in `edit`. An error leaves nothing saved.
using Change = std::function<absl::Status(Context&, Order&, Edit&)>;

}  // namespace callcenter::orchestration

#endif  // CALLCENTER_SERVICES_ORCHESTRATION_WORKFLOWS_CONTEXT_H_
