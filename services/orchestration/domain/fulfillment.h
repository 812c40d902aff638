#ifndef CALLCENTER_SERVICES_ORCHESTRATION_DOMAIN_FULFILLMENT_H_
#define CALLCENTER_SERVICES_ORCHESTRATION_DOMAIN_FULFILLMENT_H_

// After submit (DOMAIN 9) as plain functions: shipments and their invoices,
// which payment pays which invoice, the order's status, the expected ship
// date and backorders. No gRPC, no SQL, no clock.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "callcenter/common/v1/common.pb.h"
#include "callcenter/order/v1/order.pb.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace callcenter::orchestration {

using common::v1::Order;
using ShipmentLines = google::protobuf::RepeatedPtrField<common::v1::ShipmentLine>;

// Units of a line neither shipped nor canceled.
int32_t OpenQuantity(const common::v1::OrderLine& line);

// A submitted order whose units may still ship or be canceled: CONFIRMED,
// ON_HOLD or PARTIALLY_SHIPPED (what ListOpenOrders lists).
bool AwaitsShipment(common::v1::OrderStatus status);

// Whether any line has open units.
bool HasOpenQuantity(const Order& order);

// What units shipped_before+1 .. shipped_before+units of a line of
// `quantity` units get of `amount` (its net amount, or its tax): each unit
// ⌊amount/quantity⌋, the last (amount mod quantity) units one cent more,
// so that all the units together get exactly `amount`.
int64_t UnitsShare(int64_t amount, int32_t quantity, int32_t shipped_before, int32_t units);

// A shipment may be recorded: the order CONFIRMED or PARTIALLY_SHIPPED
// with no open hold (FAILED_PRECONDITION), each line named once with 1 or
// more units (INVALID_ARGUMENT), known (NOT_FOUND) and with that many
// units open (FAILED_PRECONDITION, reason QUANTITY_NOT_OPEN).
absl::Status CheckShipment(const Order& order, const ShipmentLines& lines);

// The invoice of shipping `lines` (checked) now: the units' shares of
// their lines' net amounts and tax, plus, on the order's first shipment,
// what the order has beyond its lines (its charges and their tax), so that
// the invoices of a fully shipped order add up to its total.
absl::StatusOr<int64_t> InvoiceAmount(const Order& order, const ShipmentLines& lines);

// The status that the shipped and canceled units make: SHIPPED when no
// line has open units, PARTIALLY_SHIPPED when some units shipped, else
// CONFIRMED (ON_HOLD stays ON_HOLD while nothing shipped).
common::v1::OrderStatus FulfilmentStatus(const Order& order);

// Records `shipment` (its lines checked, its invoice amount set) on the
// order: the lines' shipped units, the shipment (capture pending) and the
// status.
void ApplyShipment(Order& order, common::v1::Shipment shipment);

// Checks, gift cards and an exchange's return credit: taken at submit
// (captured whole), then applied to the invoices first-come like any
// payment, with no capture of their own.
bool IsPrepaid(const common::v1::OrderPayment& payment);
// A prepaid payment taken at submit (CAPTURED).
bool TakenAtSubmit(const common::v1::OrderPayment& payment);

// Taken with a payment schedule (DOMAIN 11): its installments are captured
// at submit and by the installment runs, never per invoice.
bool HasInstallments(const common::v1::OrderPayment& payment);

// What a payment can still give an invoice: its authorised amount not yet
// captured, if it is live (AUTHORIZED or PARTIALLY_CAPTURED) and has no
// installments; else 0.
int64_t Uncaptured(const common::v1::OrderPayment& payment);

// The same within `order`: a prepaid payment taken at submit can give what
// the order's invoices have not used of it yet.
int64_t Available(const Order& order, const common::v1::OrderPayment& payment);

// Takes the order's prepaid payments at submit: each check, gift card and
// return credit still AUTHORIZED shown CAPTURED for its amount. Returns the
// ids of those the payment service takes (not the return credit, which is
// the order's own).
std::vector<std::string> MarkPrepaidTaken(Order& order);

// The next capture a shipment's invoice needs: from the first payment, in
// the order they were added, that can still give and has not been asked
// for this invoice, at most what it can give and what the invoice still
// lacks. None when the invoice is paid or nothing can pay it.
struct PlannedCapture {
  std::string payment_id;
  int64_t amount = 0;
  // A check or gift card taken at submit: applied, nothing to capture.
  bool taken_at_submit = false;
};
std::optional<PlannedCapture> NextCapture(const Order& order, const common::v1::Shipment& shipment);

// What the invoice of `shipment` still lacks.
int64_t InvoiceDue(const common::v1::Shipment& shipment);

// Records the answer to a planned capture on the shipment and its payment:
// taken (the payment's captured and status follow), or declined (the
// payment is released on the order, VOIDED, or CAPTURED at what it took,
// with the reason).
void RecordCapture(Order& order, common::v1::Shipment& shipment, const PlannedCapture& planned,
                   bool declined, const std::string& decline_reason, int64_t captured);

// Once nothing more can ship: each live payment's uncaptured rest is
// released on the order (VOIDED when nothing was taken, else CAPTURED at
// what it took). Returns how much was released; 0 when the order still
// has open units or nothing is live.
int64_t ReleaseUnneeded(Order& order);

// The day (UTC) a submitted order was submitted.
absl::CivilDay SubmitDay(const Order& order);

// The expected ship date of an order submitted on `submit_date`
// (YYYY-MM-DD): plus the call center's lead time (0 means 2 days).
std::string ExpectedShipDate(const std::string& submit_date,
                             const order::v1::CallCenter& call_center);

// Backordered: open units and `today` later than the expected ship date
// plus the call center's backorder_days.
bool IsBackordered(const Order& order, const order::v1::CallCenter& call_center,
                   const std::string& today);

// What the canceled units of the order's lines were worth (their shares of
// net and tax, the last units of each line): what the order no longer owes.
int64_t CanceledValue(const Order& order);

// The delayed-order notices (DOMAIN 9) of call-center parameters
// first/second/cancellation_notice_days.
inline constexpr char kFirstNotice[] = "first";
inline constexpr char kSecondNotice[] = "second";
inline constexpr char kCancellationNotice[] = "cancellation";

// The notices due for `order` on `as_of` (YYYY-MM-DD), in the order first,
// second, cancellation: each switched on (days > 0), not recorded on the
// order yet, and with its day (submit date + days) on or before as_of,
// while the order (CONFIRMED, ON_HOLD or PARTIALLY_SHIPPED) has open units
// on lines whose product is not in `exempt_products`. None for an exempt
// customer.
std::vector<std::string> DueNotices(const Order& order, const order::v1::CallCenter& call_center,
                                    bool customer_exempt,
                                    const std::vector<std::string>& exempt_products,
                                    const std::string& as_of);

// The cancellation notice: cancels the open units of every line whose
// product is not exempt; the order is CANCELED when nothing shipped and
// nothing is left open, else its status follows the shipped units.
// Returns the units canceled.
int32_t CancelOpenQuantity(Order& order, const std::vector<std::string>& exempt_products);

// INVALID_ARGUMENT naming `field` unless `date` is a real YYYY-MM-DD date.
absl::Status CheckDate(const std::string& field, const std::string& date);

}  // namespace callcenter::orchestration

#endif  // CALLCENTER_SERVICES_ORCHESTRATION_DOMAIN_FULFILLMENT_H_
