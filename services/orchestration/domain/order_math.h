#ifndef CALLCENTER_SERVICES_ORCHESTRATION_DOMAIN_ORDER_MATH_H_
#define CALLCENTER_SERVICES_ORCHESTRATION_DOMAIN_ORDER_MATH_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "callcenter/common/v1/common.pb.h"
#include "callcenter/order/v1/order.pb.h"
#include "callcenter/pricing/v1/pricing.pb.h"

namespace callcenter::orchestration {

using common::v1::Order;

// The pricing request for an order in its call center, for its customer.
pricing::v1::PriceOrderRequest BuildPriceRequest(const Order& order,
                                                 const order::v1::CallCenter& call_center,
                                                 const order::v1::Customer& customer);

// Copies prices, discounts and totals from a pricing result onto the order
// (lines matched by line_id), then recomputes paid_total and balance_due.
// Lines the answer left out as unchanged (their fingerprint matched) keep
// their prices.
absl::Status ApplyPricing(const pricing::v1::PriceOrderResponse& priced, Order* order);

// Each line's priced_fingerprint in `request` (built from `order`, lines in
// order): pricing then answers only the lines whose prices changed.
void AddPricedFingerprints(const Order& order, pricing::v1::PriceOrderRequest* request);

// Whether the order costs nothing without asking pricing: no lines and no
// delivery mode, so no line price, discount, charge or tax applies.
bool HasNothingToPrice(const Order& order);

// Zero totals in the order's currency (what pricing answers for an order
// with nothing to price), then paid_total and balance_due.
absl::Status ApplyZeroPricing(Order* order);

// paid_total = authorised or captured payments (a CAPTURED one whose rest
// was released: what it took); balance_due = total - paid
// (checked sums: INVALID_ARGUMENT, reason AMOUNT_OVERFLOW, never a wrap).
absl::Status RecomputePaid(Order* order);

// What a payment schedule's installments still PENDING add up to (sums of
// stored amounts: an overflow would be a corrupt order; it counts nothing).
int64_t PendingInstallments(const common::v1::OrderPayment& payment);

// What payment `payment_id` (taken with a schedule, `taken` of it captured
// so far) may still take once lines were canceled or credit was taken off
// the installments: what the order owes (total less the canceled units'
// value and installments_credit) less what its other payments pay and
// `taken`, never below 0. nullopt when neither happened (the plan stands
// as it is).
std::optional<int64_t> InstallmentsMayStillTake(const Order& order,
                                                const std::string& payment_id, int64_t taken);

// Marks the order's live (authorised or pending) payments VOIDED, before
// they are voided at the payment service, so that the order never counts
// a payment that may no longer hold; recomputes what is paid.
void MarkLivePaymentsVoided(Order* order);

// Whether submit may go ahead when order completion is on: at least one
// accepted payment and payments covering the total. FAILED_PRECONDITION
// saying what is missing otherwise.
absl::Status CheckPaymentsCoverTotal(const Order& order);

}  // namespace callcenter::orchestration

#endif  // CALLCENTER_SERVICES_ORCHESTRATION_DOMAIN_ORDER_MATH_H_
