#ifndef CALLCENTER_SERVICES_ORDER_DOMAIN_ORDER_RULES_H_
#define CALLCENTER_SERVICES_ORDER_DOMAIN_ORDER_RULES_H_

#include "absl/status/status.h"
#include "callcenter/common/v1/common.pb.h"
#include "callcenter/order/v1/order.pb.h"

namespace callcenter::order {

using common::v1::OrderStatus;

// The order lifecycle (DOMAIN.md sections 7 and 9), enforced in this one
// place: DRAFT -> CONFIRMED | ON_HOLD | CANCELED; ON_HOLD -> CONFIRMED |
// CANCELED; CONFIRMED -> ON_HOLD | PARTIALLY_SHIPPED | SHIPPED | CANCELED
// (nothing shipped and nothing left open); PARTIALLY_SHIPPED -> SHIPPED.
// An order may change while staying in its state (what the front door lets
// change after submit: payments for a balance due, shipments, holds,
// notices, the expected ship date), except CANCELED, which is read-only.
// Anything else is FAILED_PRECONDITION.
absl::Status CheckTransition(OrderStatus from, OrderStatus to);

// Master data checks; INVALID_ARGUMENT naming the field.
absl::Status ValidateCallCenter(const v1::CallCenter& call_center);
absl::Status ValidateUser(const v1::CallCenterUser& user);
absl::Status ValidateCustomer(const v1::Customer& customer);

}  // namespace callcenter::order

#endif  // CALLCENTER_SERVICES_ORDER_DOMAIN_ORDER_RULES_H_
