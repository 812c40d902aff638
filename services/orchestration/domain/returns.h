#ifndef CALLCENTER_SERVICES_ORCHESTRATION_DOMAIN_RETURNS_H_
#define CALLCENTER_SERVICES_ORCHESTRATION_DOMAIN_RETURNS_H_

// Returns, refunds and price matches (DOMAIN 10) as plain functions: what
// a return credits, what the reason code charges, how far an agent may
// adjust, how the refund goes back and from which payments. No gRPC, no
// SQL, no clock.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "callcenter/common/v1/common.pb.h"
#include "callcenter/orchestration/v1/orchestration.pb.h"
#include "callcenter/order/v1/order.pb.h"

namespace callcenter::orchestration {

using common::v1::Order;
using v1::ReturnOrder;

// The credit of returning `units` more of `line` when `returned_before`
// were returned already: those units' invoiced shares of the line's net
// amount and tax (DOMAIN 9's allocation), counted back from the last
// invoiced unit, so that returning every shipped unit gives back exactly
// what they were invoiced.
int64_t ReturnedUnitsCredit(const common::v1::OrderLine& line, int32_t returned_before,
                            int32_t units);

// The call center's reason `code`, or nullptr.
const order::v1::ReturnReason* FindReturnReason(const order::v1::CallCenter& call_center,
                                                const std::string& code);

// What the reason charges on a return of `credit`: its percent of the
// credit (rounded half away from zero) plus its fixed amount, never more
// than the credit (the credit never goes below zero).
int64_t ReturnCharge(const order::v1::ReturnReason& reason, int64_t credit);

// A return of `request`'s lines of `order` (checked): the order
// PARTIALLY_SHIPPED or SHIPPED, the reason one of the call center's,
// each line named once, shipped, with a disposition and at most its
// shipped less returned units. The return's lines carry their credits; its
// charge, computed credit and credit total are set; its status is
// AWAITING_RECEIPT, or RECEIVED when every line is CREDIT_ONLY (credit at
// once). Ids, events and the refund method are the caller's to set.
absl::StatusOr<ReturnOrder> PlanReturn(const Order& order, const order::v1::CallCenter& call_center,
                                       const v1::StartReturnRequest& request);

// Books `ret`'s units as returned on the order's lines (`sign` -1 undoes
// it, for a canceled return) and lists the return on the order.
void BookReturnedUnits(Order& order, const ReturnOrder& ret, int sign = 1);

// An adjustment of a computed credit to `requested`: at least 0 and
// within `max_bp` of the computed credit either way (PERMISSION_DENIED
// beyond the allowance; an allowance of 0 allows none).
absl::Status CheckCreditAdjustment(int64_t computed, int64_t requested, int32_t max_bp,
                                   const std::string& user_id);

// Whether the return is in a state where `what` may still change it:
// FAILED_PRECONDITION otherwise.
absl::Status CheckMayCancelReturn(const ReturnOrder& ret);
absl::Status CheckMayAdjustReturn(const ReturnOrder& ret);

// Records received units (`lines` checked: CREDIT or REPLACE lines of the
// return, at most what is still to receive); the return becomes RECEIVED
// once every such line is received in full. Returns the units received.
absl::StatusOr<int32_t> ReceiveReturnedUnits(
    ReturnOrder& ret, const google::protobuf::RepeatedPtrField<common::v1::ShipmentLine>& lines);

// What the order's payments can still refund: captured less refunded,
// over every payment but a RETURN_CREDIT.
int64_t Refundable(const Order& order);

// How a refund goes back (D365's rule): an order paid by one card, to that
// card; by one gift card, to it; otherwise (several payments, checks, on
// account) by the call center's refund_method (CHECK when unset).
common::v1::PaymentMethod RefundMethodFor(const Order& order,
                                          const order::v1::CallCenter& call_center);

// Refunds `amount` (capped at Refundable) of the order's payments by
// `method`: from the payments in the reverse of the order they were added,
// each at most what it can still refund. The payments show the refunded
// amounts (REFUNDED once all they captured is back); the refunds are
// returned not done (the payment service makes them).
std::vector<v1::ReturnRefund> PlanRefunds(Order& order, int64_t amount,
                                          common::v1::PaymentMethod method);

// Takes `amount`, the part of a credit beyond all that the order's payments
// captured (so beyond any refund), off what an order paid by a payment
// schedule still owes: the installments still to take (at most what they
// would still take) and its balance due (a declined installment's amount).
// Added to the order's installments_credit, which the installment runs and
// the balance due count. Returns what was taken off.
int64_t CreditInstallments(Order& order, int64_t amount);

// A refund needs approval: the call center's threshold is set and the
// amount at least that.
bool NeedsApproval(const order::v1::CallCenter& call_center, int64_t amount);

// The return is finished (refunded, declined or canceled): the purge may
// archive its order.
bool IsOpen(const ReturnOrder& ret);

// What the order's returns stored with it say, parsed.
absl::StatusOr<std::vector<ReturnOrder>> ParseReturns(
    const google::protobuf::RepeatedPtrField<order::v1::StoredReturn>& stored);
// The stored form of `ret`, for a save.
order::v1::StoredReturn StoreReturn(const ReturnOrder& ret);

// A price match (DOMAIN 10): `new_price` below the line's invoiced unit
// price (its net amount over its quantity, or the last matched price) on a
// shipped line; the credit is the difference times the shipped quantity,
// and the order's price-match credits stay within the call center's
// max_order_credit (FAILED_PRECONDITION beyond). Returns the credit.
absl::StatusOr<int64_t> PriceMatchCredit(const Order& order,
                                         const order::v1::CallCenter& call_center,
                                         const common::v1::OrderLine& line, int64_t new_price);

}  // namespace callcenter::orchestration

#endif  // CALLCENTER_SERVICES_ORCHESTRATION_DOMAIN_RETURNS_H_
