#include "services/orchestration/workflows/invoice_settler.h"

#include "absl/strings/str_cat.h"
#include "libs/ids/order_event_kind.h"
#include "libs/ids/system_names.h"
#include "libs/money/money.h"
#include "libs/money/money_proto.h"
#include "libs/status/status.h"
#include "services/orchestration/domain/fulfillment.h"
#include "services/orchestration/domain/order_rules.h"

namespace callcenter::orchestration {
namespace {

constexpr int kDefaultAuthValidityDays = 7;

// How the log names a payment: "CARD 50.00 card ending 4242".
std::string Describe(const Order& order, const std::string& payment_id, int64_t amount) {
  for (const auto& p : order.payments()) {
    if (p.payment_id() != payment_id) continue;
    return absl::StrCat(common::v1::PaymentMethod_Name(p.method()), " ", money::Format(amount),
                        p.last4().empty() ? "" : absl::StrCat(" card ending ", p.last4()));
  }
  return absl::StrCat("payment ", payment_id, " ", money::Format(amount));
}

}  // namespace

absl::Status PlacePaymentHold(Clients* clients, Order& order, const std::string& at_version,
                              const std::string& what, std::vector<OrderEvent>& events) {
  if (HasOpenHoldOf(order, kPaymentHoldCode)) return absl::OkStatus();
  const std::string note =
      absl::StrCat(what, ": take another payment for the balance due, then clear this hold");
  ASSIGN_OR_RETURN(
      common::v1::OrderHold hold,
      clients->holds.Place(CallScope{ScopedRequestId(kSystemUser, "PaymentHold", at_version)},
                           order, kPaymentHoldCode, note, kSystemUser));
  *order.add_holds() = hold;
  events.push_back(MakeOrderEvent(kSystemUser, common::v1::ORDER_EVENT_KIND_HELD,
                                  absl::StrCat(kPaymentHoldCode, ": ", note)));
  return absl::OkStatus();
}

absl::StatusOr<Order> InvoiceSettler::Settle(const std::string& order_id) {
  const CallScope read{ScopedRequestId(kSystemUser, "SettleInvoices", order_id)};
  for (int attempt = 0;; ++attempt) {
    ASSIGN_OR_RETURN(order::v1::GetOrderContextResponse data,
                     clients_->orders.OrderContext(read, order_id, kSystemUser, "", ""));
    const order::v1::CallCenter& call_center = data.call_center();
    Order order = std::move(*data.mutable_order());
    const std::string at_version = absl::StrCat(order_id, "@", order.version());
    const int validity = call_center.auth_validity_days() > 0 ? call_center.auth_validity_days()
                                                              : kDefaultAuthValidityDays;
    const absl::Time reauthorize_before = clock_.Now() - absl::Hours(24) * validity;
    std::vector<OrderEvent> events;
    bool changed = false;
    std::string declines;  // what was declined this time, for the hold's note
    for (common::v1::Shipment& s : *order.mutable_shipments()) {
      while (std::optional<PlannedCapture> next = NextCapture(order, s)) {
        const CallScope key{
            ScopedRequestId(kSystemUser, "CaptureInvoice",
                            absl::StrCat(order_id, "/", s.shipment_id(), "/", next->payment_id))};
        absl::StatusOr<payment::v1::CapturePaymentResponse> r;
        if (next->taken_at_submit) {
          // Taken at submit: applied to the invoice, nothing to capture.
          payment::v1::CapturePaymentResponse applied;
          *applied.mutable_captured() = MoneyOf(order.currency(), next->amount);
          r = applied;
        } else {
          r = clients_->payments.Capture(
              key, next->payment_id, MoneyOf(order.currency(), next->amount), reauthorize_before);
        }
        if (absl::IsFailedPrecondition(r.status())) {
          // The payment can no longer be captured at all: as a decline.
          payment::v1::CapturePaymentResponse refused;
          refused.set_declined(true);
          refused.set_decline_reason(std::string(r.status().message()));
          r = refused;
        }
        RETURN_IF_ERROR(r.status());
        const std::string what = Describe(order, next->payment_id, next->amount);
        RecordCapture(order, s, *next, r->declined(), r->decline_reason(),
                      r->captured().minor_units());
        if (r->declined()) {
          metrics_->captures_declined.Increment();
          absl::StrAppend(&declines, declines.empty() ? "" : "; ", what, " for shipment ",
                          s.shipment_id(), ": ", r->decline_reason());
          events.push_back(MakeOrderEvent(
              kSystemUser, common::v1::ORDER_EVENT_KIND_CAPTURE_DECLINED,
              absl::StrCat(what, " for shipment ", s.shipment_id(), " declined: ",
                           r->decline_reason(), "; released, the invoice's balance is due")));
        } else {
          metrics_->captures_taken.Increment();
          events.push_back(MakeOrderEvent(
              kSystemUser, common::v1::ORDER_EVENT_KIND_PAYMENT_CAPTURED,
              absl::StrCat(Describe(order, next->payment_id, r->captured().minor_units()),
                           " captured for shipment ", s.shipment_id())));
        }
        changed = true;
      }
      if (s.capture_pending()) {
        s.set_capture_pending(false);
        changed = true;
      }
    }
    if (!declines.empty()) {
      RETURN_IF_ERROR(PlacePaymentHold(clients_, order, at_version,
                                       absl::StrCat("capture declined (", declines, ")"), events));
    }
    const int64_t released = ReleaseUnneeded(order);
    if (released > 0) {
      events.push_back(
          MakeOrderEvent(kSystemUser, common::v1::ORDER_EVENT_KIND_PAYMENT_RELEASED,
                         absl::StrCat(money::Format(released),
                                      " that no invoice needs released: nothing more can ship")));
      changed = true;
    }
    const CallScope scope{ScopedRequestId(kSystemUser, "SettleInvoices", at_version)};
    if (!changed) {
      // Nothing new, but a release saved before may not have reached the
      // payment service (a crash, or the void failed): voided again, only
      // what is still live there (recovery of a shipment saga comes here).
      RETURN_IF_ERROR(clients_->payments.VoidMarked(scope.Keyed(":release"), order));
      order.set_backordered(IsBackordered(order, call_center, clock_.Today()));
      return order;
    }
    OrderSave save;
    save.method = "SettleInvoices";
    save.order = std::move(order);
    save.events = std::move(events);
    absl::StatusOr<SavedOrder> saved = clients_->orders.Save(scope, std::move(save));
    if (!saved.ok()) {
      // A concurrent change: read again (the captures made answer again).
      if (absl::IsAborted(saved.status()) && attempt < 2) continue;
      return saved.status();
    }
    // Then the releases: each payment the order shows released and still
    // live at the payment service.
    if (!declines.empty() || released > 0) {
      RETURN_IF_ERROR(clients_->payments.VoidMarked(scope.Keyed(":release"), saved->order));
    }
    saved->order.set_backordered(IsBackordered(saved->order, call_center, clock_.Today()));
    return std::move(saved->order);
  }
}

}  // namespace callcenter::orchestration
