#ifndef CALLCENTER_SERVICES_ORDER_DOMAIN_CONTINUITY_H_
#define CALLCENTER_SERVICES_ORDER_DOMAIN_CONTINUITY_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "callcenter/order/v1/order.pb.h"

namespace callcenter::order {

// Due dates (YYYY-MM-DD) of a schedule's children: start + k * interval for
// k = 1..repeats.
absl::StatusOr<std::vector<std::string>> ContinuityDueDates(const v1::ContinuitySchedule& s);

// The child order of event `seq`: the parent's call center, customer,
// delivery and financial dimensions; one line priced at the schedule's
// price; marked with its parent; CONFIRMED, with the parent's card token as
// a PENDING payment (authorised by the payment run, never counted as paid).
common::v1::Order MakeChildOrder(const common::v1::Order& parent,
                                 const v1::ContinuitySchedule& schedule, int seq,
                                 const std::string& child_order_id, const std::string& line_id);

}  // namespace callcenter::order

#endif  // CALLCENTER_SERVICES_ORDER_DOMAIN_CONTINUITY_H_
