#ifndef CALLCENTER_SERVICES_ORCHESTRATION_CLIENTS_ORDER_CLIENT_H_
#define CALLCENTER_SERVICES_ORCHESTRATION_CLIENTS_ORDER_CLIENT_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "callcenter/order/v1/order.grpc.pb.h"
#include "services/orchestration/clients/call.h"

namespace callcenter::orchestration {

using common::v1::Order;
using common::v1::OrderEvent;

// An order's first `count` events as its serialization carries them (each
// an Order.events entry: tag, length, the event), kept with a draft's
// context so that the next save does not serialize the whole log again.
// The log only grows (events are only ever appended, by this client), so
// the first `count` events of a later state of the order are these bytes.
struct EventsRun {
  std::string bytes;
  int count = 0;
};

// What a change saves (SaveOrder): the order, what its log gains, the
// continuity schedules a submit starts, and the request it answers (a
// replay with the same request id returns the first result).
struct OrderSave {
  std::string method;
  std::string fingerprint;
  Order order;
  std::vector<OrderEvent> events;
  std::vector<order::v1::ContinuitySchedule> schedules;
  // Set when the change was decided on a kept context: the order service
  // refuses the save unless the user and master data are still the same.
  std::optional<std::string> kept_by_user;
  std::string master_data_token;
  // Returns created or changed with the order (DOMAIN 10).
  std::vector<order::v1::StoredReturn> returns;
  // `order`'s events serialized at its last save, if kept (else empty).
  EventsRun events_run;
};

struct SavedOrder {
  Order order;
  bool replayed = false;  // an earlier save's answer to the same request
  // `order`'s serialization, when the save stored the order as sent, in
  // pieces to concatenate: the bytes sent, then the save's stamps (SaveStamps).
  // Empty when the answer came whole from the order service.
  std::vector<std::string> doc;
  // With `doc`: every event of `order`, serialized, for the next save.
  EventsRun events_run;
};

// The bytes that, appended to an order's serialization, make it the order
// a save stamped with `version` and `updated_at` and appended `events` to
// (already stamped and serialized as Order.events entries), without
// serializing the order again. A later value of a field replaces an
// earlier one, a later message merges into an earlier one (so both of the
// time's fields are written, zero included), a repeated field appends.
std::string SaveStamps(int64_t version, const google::protobuf::Timestamp& updated_at,
                       absl::string_view events);

// `order` serialized with its events last, their bytes taken from `run`
// as far as it holds them (`run` is then extended to every event of
// `order`; one that holds more events than `order` has is rebuilt). The
// bytes parse to `order`. `order` is unchanged when this returns.
std::string SerializeWithEventsRun(Order* order, EventsRun* run);

// The order service (SalesOrderService and ContinuityService, one binary).
class OrderClient {
 public:
  OrderClient(order::v1::SalesOrderService::StubInterface* orders,
              order::v1::ContinuityService::StubInterface* continuity, CallFactory calls)
      : orders_(orders), continuity_(continuity), calls_(calls) {}

  // The order with its call center, `user_id`'s record and its customer's;
  // with a `method`, a replay of scope.request_id answers replayed_order.
  absl::StatusOr<order::v1::GetOrderContextResponse> OrderContext(
      const CallScope& scope, const std::string& order_id, const std::string& user_id,
      const std::string& method, const std::string& fingerprint, bool with_returns = false);
  // The context of the order of return `return_id`, with its returns
  // (NOT_FOUND when there is no such return).
  absl::StatusOr<order::v1::GetOrderContextResponse> ReturnContext(const CallScope& scope,
                                                                   const std::string& return_id,
                                                                   const std::string& user_id);
  // What StartOrder needs before the order exists (CreateOrder's replay first).
  absl::StatusOr<order::v1::GetOrderContextResponse> StartContext(const CallScope& scope,
                                                                  const std::string& user_id,
                                                                  const std::string& call_center_id,
                                                                  const std::string& customer_id,
                                                                  const std::string& fingerprint);
  // The user, their call center and (when given) a customer: calls on no order.
  absl::StatusOr<order::v1::GetOrderContextResponse> CallerContext(const CallScope& scope,
                                                                   const std::string& user_id,
                                                                   const std::string& customer_id);
  absl::StatusOr<Order> Create(const CallScope& scope, Order order, std::vector<OrderEvent> events,
                               const std::string& fingerprint);
  // Saved with its version checked (ABORTED on a concurrent change).
  absl::StatusOr<SavedOrder> Save(const CallScope& scope, OrderSave save);
  absl::StatusOr<Order> Get(const CallScope& scope, const std::string& order_id);
  absl::StatusOr<order::v1::ListCustomerOrdersResponse> ListCustomerOrders(
      const CallScope& scope, const std::string& customer_id, const std::string& call_center_id,
      int32_t page_size, const std::string& page_token);
  // One page of a call center's orders with units to ship, created on or
  // before a date.
  absl::StatusOr<order::v1::ListOpenOrdersResponse> ListOpenOrders(
      const CallScope& scope, const std::string& call_center_id,
      const std::string& created_on_or_before, const std::string& page_token);
  // Archives a call center's finished orders (order service PurgeOrders).
  absl::StatusOr<std::vector<std::string>> PurgeOrders(const CallScope& scope,
                                                       const std::string& call_center_id,
                                                       const std::string& created_on_or_before,
                                                       const std::string& customer_id);
  // The payments each order counts and those it shows VOIDED.
  absl::StatusOr<order::v1::ListRecordedPaymentsResponse> RecordedPayments(
      const CallScope& scope, const std::vector<std::string>& order_ids);
  // Cancels what remains of a parent order's continuity schedules.
  absl::Status CancelSchedules(const CallScope& scope, const std::string& parent_order_id,
                               const std::string& user_id, const std::string& reason);

 private:
  order::v1::SalesOrderService::StubInterface* orders_;
  order::v1::ContinuityService::StubInterface* continuity_;
  CallFactory calls_;
};

}  // namespace callcenter::orchestration

#endif  // CALLCENTER_SERVICES_ORCHESTRATION_CLIENTS_ORDER_CLIENT_H_
