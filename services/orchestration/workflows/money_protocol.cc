#include "services/orchestration/workflows/money_protocol.h"

#include "absl/strings/str_cat.h"
#include "libs/ids/order_event_kind.h"
#include "libs/status/status.h"
#include "services/orchestration/domain/order_math.h"

namespace callcenter::orchestration {

absl::StatusOr<std::optional<Order>> MoneyProtocol::RewriteOrder(
    const std::string& order_id, const std::string& request_id, const char* method,
    const std::function<bool(Order&, OrderEvent&)>& change) {
  const CallScope scope{request_id};
  for (int attempt = 0;; ++attempt) {
    OrderSave save;
    save.method = method;
    ASSIGN_OR_RETURN(save.order, clients_->orders.Get(scope, order_id));
    OrderEvent e;
    e.set_user_id(kSystemUser);
    if (!change(save.order, e)) return std::nullopt;
    save.events.push_back(std::move(e));
    absl::StatusOr<SavedOrder> saved = clients_->orders.Save(scope, std::move(save));
    if (saved.ok()) return std::move(saved->order);
    // A concurrent change: read again.
    if (!absl::IsAborted(saved.status()) || attempt == 2) return saved.status();
  }
}

absl::Status MoneyProtocol::VoidUnsavedPayment(const std::string& order_id,
                                               const std::string& request_id,
                                               const common::v1::OrderPayment& payment,
                                               const absl::Status& why) {
  bool stands = false;
  ASSIGN_OR_RETURN(
      std::optional<Order> recorded,
      RewriteOrder(order_id, absl::StrCat(request_id, ":unsaved"), "VoidUnsavedPayment",
                   [&](Order& order, OrderEvent& e) {
                     for (const auto& p : order.payments()) {
                       // The save did happen (its reply was lost).
                       stands = stands || p.payment_id() == payment.payment_id();
                     }
                     if (stands || order.status() != common::v1::ORDER_STATUS_DRAFT) return false;
                     common::v1::OrderPayment* voided = order.add_payments();
                     *voided = payment;
                     voided->set_status(common::v1::PAYMENT_STATUS_VOIDED);
                     // A VOIDED payment adds nothing to what counts.
                     RecomputePaid(&order).IgnoreError();
                     e.set_kind(OrderEventKindName(common::v1::ORDER_EVENT_KIND_PAYMENT_VOIDED));
                     e.set_detail(absl::StrCat("authorised, but the order could not record it (",
                                               why.message(), "): voided"));
                     return true;
                   }));
  if (stands) return absl::OkStatus();  // the payment stands
  RETURN_IF_ERROR(
      clients_->payments.Void(CallScope{request_id}.Keyed(":void"), payment.payment_id()));
  metrics_->payment_compensations.Increment();
  return absl::OkStatus();
}

absl::Status MoneyProtocol::ReleaseUnrecordedHold(const std::string& order_id,
                                                  const std::string& request_id,
                                                  const common::v1::OrderHold& hold,
                                                  const absl::Status& why) {
  // Nothing to undo when the order does show the hold.
  ASSIGN_OR_RETURN(std::optional<Order> released,
                   RewriteOrder(order_id, absl::StrCat(request_id, ":release-hold"), "ReleaseHold",
                                [&](Order& order, OrderEvent& e) {
                                  for (const auto& h : order.holds()) {
                                    if (h.hold_id() == hold.hold_id()) return false;
                                  }
                                  e.set_kind(OrderEventKindName(
                                      common::v1::ORDER_EVENT_KIND_HOLD_RELEASED));
                                  e.set_detail(absl::StrCat(hold.hold_code(),
                                                            " hold not recorded on the order (",
                                                            why.message(), "): released"));
                                  return true;
                                }));
  if (!released) return absl::OkStatus();
  RETURN_IF_ERROR(clients_->holds.Release(CallScope{request_id}, order_id, hold.hold_id(),
                                          hold.hold_code(),
                                          "placed, but the order could not record it: released"));
  metrics_->hold_compensations.Increment();
  return absl::OkStatus();
}

absl::StatusOr<bool> MoneyProtocol::UndoUnsavedSubmit(const std::string& order_id,
                                                      const std::string& request_id,
                                                      const std::string& why) {
  // First the order: a draft again with its live payments marked VOIDED,
  // saved as a new version, so the submit (if it still runs somewhere) can
  // no longer save its result and nothing counts a payment about to go.
  ASSIGN_OR_RETURN(
      std::optional<Order> undone,
      RewriteOrder(order_id, absl::StrCat(request_id, ":undo"), "UndoSubmit",
                   [&](Order& order, OrderEvent& e) {
                     if (order.status() != common::v1::ORDER_STATUS_DRAFT) return false;
                     MarkLivePaymentsVoided(&order);
                     e.set_kind(
                         OrderEventKindName(common::v1::ORDER_EVENT_KIND_SUBMIT_COMPENSATED));
                     e.set_detail(absl::StrCat(
                         why, ": payments voided, coupon uses released, its fraud hold cleared"));
                     return true;
                   }));
  if (!undone) return false;  // the submit did save
  // Then the money and the rest, each idempotent, so that recovery can
  // finish what a crash here left undone.
  RETURN_IF_ERROR(FinishCancel(order_id, request_id, *undone));
  const CallScope scope{request_id};
  for (const char* code : {kFraudHoldCode, kPendingReturnHoldCode, kCheckHoldCode}) {
    ASSIGN_OR_RETURN(std::vector<common::v1::OrderHold> placed,
                     clients_->holds.OpenHolds(scope, order_id, code));
    for (const auto& h : placed) {
      RETURN_IF_ERROR(clients_->holds.Release(
          scope, order_id, h.hold_id(), h.hold_code(),
          "the submit that placed it was undone; the order is a draft again"));
    }
  }
  metrics_->submit_compensations.Increment();
  return true;
}

absl::Status MoneyProtocol::FinishCancel(const std::string& order_id, const std::string& request_id,
                                         const Order& order) {
  RETURN_IF_ERROR(
      clients_->payments.VoidMarked(CallScope{request_id}.Keyed(":void-marked"), order));
  return clients_->pricing.ReleaseCoupons(CallScope{request_id}, order_id);
}

}  // namespace callcenter::orchestration
