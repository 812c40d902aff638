#ifndef CALLCENTER_SERVICES_ORDER_DOMAIN_ORDER_RULES_H_
#define CALLCENTER_SERVICES_ORDER_DOMAIN_ORDER_RULES_H_

#include "absl/status/status.h"
#include "callcenter/common/v1/common.pb.h"
#include "callcenter/order/v1/order.pb.h"

namespace callcenter::order {

using common::v1::OrderStatus;

// The order lifecycle (DOMAIN.md section 7), enforced in this one place:
// DRAFT -> CONFIRMED | ON_HOLD | CANCELED; ON_HOLD -> CONFIRMED | CANCELED;
// DRAFT and ON_HOLD may change while staying in their state; CONFIRMED and
// CANCELED are read-only. Anything else is FAILED_PRECONDITION.
absl::Status CheckTransition(OrderStatus from, OrderStatus to);

// Master data checks; INVALID_ARGUMENT naming the field.
absl::Status ValidateCallCenter(const v1::CallCenter& call_center);
absl::Status ValidateUser(const v1::CallCenterUser& user);
absl::Status ValidateCustomer(const v1::Customer& customer);

}  // namespace callcenter::order

#endif  // CALLCENTER_SERVICES_ORDER_DOMAIN_ORDER_RULES_H_
