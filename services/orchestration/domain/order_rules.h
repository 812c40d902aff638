#ifndef CALLCENTER_SERVICES_ORCHESTRATION_DOMAIN_ORDER_RULES_H_
#define CALLCENTER_SERVICES_ORCHESTRATION_DOMAIN_ORDER_RULES_H_

// The front door's order edits and decisions (DOMAIN 1, 4, 5, 6, 7, 8) as
// plain functions: no gRPC, no SQL, no clock. Each edit changes the order
// and returns the event(s) its log records; each check returns the status
// the caller gets.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "callcenter/common/v1/common.pb.h"
#include "callcenter/order/v1/order.pb.h"
#include "callcenter/pricing/v1/pricing.pb.h"
#include "libs/ids/order_event_kind.h"

namespace callcenter::orchestration {

using common::v1::Order;
using common::v1::OrderEvent;

// The feature groups a call center switches (DOMAIN 1).
inline constexpr char kOrderCompletion[] = "order completion";
inline constexpr char kDirectedSelling[] = "directed selling";
inline constexpr char kPriceControl[] = "order price control";

// Only a DRAFT order changes: FAILED_PRECONDITION otherwise.
absl::Status RequireDraft(const Order& order);

// FAILED_PRECONDITION (reason FEATURE_DISABLED) naming `feature` and what
// was `refused` when the call center has it off.
absl::Status RequireFeature(bool on, const order::v1::CallCenter& call_center, const char* feature,
                            const std::string& refused);

// The line `line_id`, or nullptr.
common::v1::OrderLine* FindLine(Order& order, const std::string& line_id);

// The products of the order's lines, in line order.
std::vector<std::string> ProductsOf(const Order& order);

// A new draft of `customer`'s in `call_center`, started by `user`: the
// call center's currency and financial dimensions, the customer's
// delivery address (DOMAIN 1, 2).
Order NewDraft(const order::v1::CallCenter& call_center, const order::v1::Customer& customer,
               const std::string& user);

// ------------------------------------------------------------ line edits

// Appends a line (origin UNSPECIFIED is NONE).
OrderEvent AddLine(Order& order, const std::string& line_id, const std::string& product_id,
                   int32_t quantity, common::v1::LineOrigin origin, const std::string& user);

// NOT_FOUND for a line the order lacks.
absl::StatusOr<OrderEvent> ChangeQuantity(Order& order, const std::string& line_id,
                                          int32_t quantity, const std::string& user);
absl::StatusOr<OrderEvent> RemoveLine(Order& order, const std::string& line_id,
                                      const std::string& user);

// A source code's free products not yet on the order, once each: a line of
// one at a manual price of 0 (FREE_WITH_SOURCE_CODE). One event per line.
std::vector<OrderEvent> AddFreeSourceLines(Order& order, const std::string& source_code,
                                           const std::vector<std::string>& free_product_ids,
                                           const std::function<std::string()>& new_line_id,
                                           const std::string& user);

// Sets the line's price to `unit_price` (allowed by the pricing service
// against `system_price`), marked overridden with `reason_code`: overridden
// lines take no discount (DOMAIN 4).
OrderEvent OverridePrice(common::v1::OrderLine& line, const common::v1::Money& unit_price,
                         int64_t system_price, const std::string& reason_code,
                         const std::string& user);

// ------------------------------------------------------- delivery, coupons

// The mode must be one of the call center's; a given country ISO alpha-2.
absl::Status CheckDelivery(const order::v1::CallCenter& call_center, const std::string& mode,
                           const common::v1::Address* address);

// Whether `code` is already applied to the order.
bool HasCoupon(const Order& order, const std::string& code);

// --------------------------------------------------------------- payments

// What AddPayment authorises on a priced order (DOMAIN 5): `percent_bp` of
// the total (1..10000, rounded half away from zero), or `amount` (the
// order's currency, > 0), or, with neither, the balance due (> 0). Never
// above the balance due: INVALID_ARGUMENT (PAYMENT_EXCEEDS_BALANCE) naming
// the field and both amounts.
absl::StatusOr<int64_t> PaymentAmount(const Order& order, const common::v1::Money* amount,
                                      int32_t percent_bp);

// After submit, a payment is taken only for a balance due, on an order
// CONFIRMED, PARTIALLY_SHIPPED or SHIPPED (FAILED_PRECONDITION otherwise).
absl::Status CheckMayPayBalanceDue(const Order& order);

// ------------------------------------------------- submit, holds, cancel

// Margin alerts (DOMAIN 11): an order with a line whose margin is BLOCKED
// cannot be submitted (FAILED_PRECONDITION, reason MARGIN_BLOCKED, naming
// the first such line).
absl::Status CheckNoBlockedMargin(const Order& order);

// An override may not set a price whose margin is BLOCKED
// (FAILED_PRECONDITION, reason MARGIN_BLOCKED); `line` as repriced.
absl::Status CheckOverrideMargin(const common::v1::OrderLine& line);

// A check payment of at least the call center's check_hold_threshold puts
// the submitted order on hold code CHECK (0 = off): the first such check,
// or nullptr.
const common::v1::OrderPayment* CheckNeedingHold(const Order& order,
                                                 const order::v1::CallCenter& call_center);

// Installment billing (DOMAIN 11) for a payment of `order`: CARD or
// ON_ACCOUNT (INVALID_ARGUMENT naming method); a draft, its source code
// offering the schedule (`offered`: the source code's payment_schedule_ids),
// the customer installment_eligible, and no product in
// `ineligible_products` (FAILED_PRECONDITION, reason
// INSTALLMENTS_NOT_ALLOWED, saying which).
absl::Status CheckInstallmentsAllowed(const Order& order, common::v1::PaymentMethod method,
                                      const std::string& schedule_id,
                                      const std::vector<std::string>& offered,
                                      const order::v1::Customer& customer,
                                      const std::vector<std::string>& ineligible_products);

// Whether any hold on the order is open.
bool HasOpenHold(const Order& order);
// Whether a hold of `hold_code` on the order is open.
bool HasOpenHoldOf(const Order& order, const std::string& hold_code);

// What a submit makes of the order: ON_HOLD while a hold is open, else
// CONFIRMED (DOMAIN 7).
common::v1::OrderStatus SubmitOutcome(const Order& order);

// A hold may be placed on a DRAFT (it goes ON_HOLD as it stands), on an
// order ON_HOLD or CONFIRMED (it goes ON_HOLD), and after a shipment (the
// status stays; further shipments wait until it is cleared);
// FAILED_PRECONDITION on a CANCELED order.
absl::Status CheckMayHold(const Order& order);

// The caller (`user_id`) is a user the order service knows: its context
// carries them (PERMISSION_DENIED otherwise).
absl::Status RequireCallCenterUser(const order::v1::GetOrderContextResponse& data,
                                   const std::string& user_id);

// As RequireCallCenterUser, and the user is of the order's call center
// (PERMISSION_DENIED, reason OTHER_CALL_CENTER, naming `what` the caller
// reached: "order" or "return").
absl::Status RequireUserOfOrdersCallCenter(const order::v1::GetOrderContextResponse& data,
                                           const std::string& user_id, const char* what);

// Fulfilment systems act through a user with may_record_fulfillment
// (PERMISSION_DENIED otherwise).
absl::Status RequireFulfilmentUser(const order::v1::CallCenterUser& user);

// Cancelling needs the user's may_cancel (PERMISSION_DENIED) and a DRAFT or
// ON_HOLD order (FAILED_PRECONDITION).
absl::Status CheckMayCancel(const Order& order, const order::v1::CallCenterUser& user);

// -------------------------------------------------------------- continuity

// The schedules a submit starts (DOMAIN 8): one per priced continuity line,
// from `today`, paid from the order's last authorised card payment.
std::vector<order::v1::ContinuitySchedule> PlanContinuity(
    const pricing::v1::PriceOrderResponse& priced, const Order& order, const std::string& today);

}  // namespace callcenter::orchestration

#endif  // CALLCENTER_SERVICES_ORCHESTRATION_DOMAIN_ORDER_RULES_H_
