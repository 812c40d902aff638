// Putting money back: undoing a submit, a payment or a cancellation, the
// order always saved first (a payment shown VOIDED before it is voided);
// recovery of interrupted sagas; the sweep of authorisations no order
// counts. Members of OrderEntryServiceImpl, kept apart from the handlers.
#include "services/orchestration/order_entry_service.h"

#include <optional>
#include <set>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "libs/logging/log.h"
#include "libs/money/money.h"
#include "libs/status/status.h"
#include "services/orchestration/domain/order_math.h"

namespace callcenter::orchestration {

absl::Status OrderEntryServiceImpl::VoidMarkedPayments(const std::string& order_id,
                                                       const std::string& request_id,
                                                       const Order& order) {
  payment::v1::VoidAllForOrderRequest v;
  v.set_request_id(absl::StrCat(request_id, ":void-marked"));
  v.set_order_id(order_id);
  for (const auto& p : order.payments()) {
    if (p.status() == common::v1::PAYMENT_STATUS_VOIDED) v.add_payment_ids(p.payment_id());
  }
  if (v.payment_ids().empty()) return absl::OkStatus();  // empty would mean all of them
  payment::v1::VoidAllForOrderResponse voided;
  return FromDownstream("payment",
                        downstream_.payments->VoidAllForOrder(Call(request_id).get(), v, &voided));
}

absl::Status OrderEntryServiceImpl::VoidPayment(const std::string& payment_id,
                                                const std::string& request_id) {
  payment::v1::VoidPaymentRequest v;
  v.set_request_id(request_id);
  v.set_payment_id(payment_id);
  payment::v1::VoidPaymentResponse voided;
  return FromDownstream("payment",
                        downstream_.payments->VoidPayment(Call(request_id).get(), v, &voided));
}

absl::StatusOr<std::optional<Order>> OrderEntryServiceImpl::RewriteOrder(
    const std::string& order_id, const std::string& request_id, const char* method,
    const std::function<bool(Order&, OrderEvent&)>& change) {
  for (int attempt = 0;; ++attempt) {
    order::v1::GetOrderRequest get;
    get.set_order_id(order_id);
    order::v1::GetOrderResponse got;
    RETURN_IF_ERROR(
        FromDownstream("order", downstream_.orders->GetOrder(Call(request_id).get(), get, &got)));
    order::v1::SaveOrderRequest save;
    save.set_request_id(request_id);
    save.set_method(method);
    *save.mutable_order() = std::move(*got.mutable_order());
    OrderEvent* e = save.add_new_events();
    e->set_user_id("system");
    if (!change(*save.mutable_order(), *e)) return std::nullopt;
    order::v1::SaveOrderResponse saved;
    absl::Status s = FromDownstream(
        "order", downstream_.orders->SaveOrder(Call(request_id).get(), save, &saved));
    if (s.ok()) return std::move(*saved.mutable_order());
    if (!absl::IsAborted(s) || attempt == 2) return s;  // a concurrent change: read again
  }
}

absl::Status OrderEntryServiceImpl::VoidUnsavedPayment(const std::string& order_id,
                                                       const std::string& request_id,
                                                       const common::v1::OrderPayment& payment,
                                                       const absl::Status& why) {
  bool stands = false;
  // The order first, as for every void: the draft shows the payment VOIDED
  // (a new version, so the failed save cannot land later), then the money.
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
                     e.set_kind("payment_voided");
                     e.set_detail(absl::StrCat("authorised, but the order could not record it (",
                                               why.message(), "): voided"));
                     return true;
                   }));
  if (stands) return absl::OkStatus();  // the payment stands
  RETURN_IF_ERROR(VoidPayment(payment.payment_id(), absl::StrCat(request_id, ":void")));
  if (metrics_) {
    metrics_->Increment("saga_compensations_total", "Compensations run.", {{"step", "add_payment"}});
  }
  return absl::OkStatus();
}

absl::Status OrderEntryServiceImpl::ReleaseCouponUses(const std::string& order_id,
                                                      const std::string& request_id) {
  pricing::v1::ReleaseCouponsRequest r;
  r.set_order_id(order_id);
  pricing::v1::ReleaseCouponsResponse released;
  return FromDownstream("pricing",
                        downstream_.pricing->ReleaseCoupons(Call(request_id).get(), r, &released));
}

absl::StatusOr<bool> OrderEntryServiceImpl::UndoUnsavedSubmit(const std::string& order_id,
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
                     e.set_kind("submit_compensated");
                     e.set_detail(absl::StrCat(
                         why, ": payments voided, coupon uses released, its fraud hold cleared"));
                     return true;
                   }));
  if (!undone) return false;  // the submit did save
  // Then the money and the rest, each idempotent, so that recovery can
  // finish what a crash here left undone.
  RETURN_IF_ERROR(VoidMarkedPayments(order_id, request_id, *undone));
  RETURN_IF_ERROR(ReleaseCouponUses(order_id, request_id));
  hold::v1::ListOrderHoldsRequest list;
  list.set_order_id(order_id);
  hold::v1::ListOrderHoldsResponse listed;
  RETURN_IF_ERROR(FromDownstream(
      "hold", downstream_.holds->ListOrderHolds(Call(request_id).get(), list, &listed)));
  for (const auto& h : listed.holds()) {
    if (!h.open() || h.hold_code() != "FRAUD") continue;
    RETURN_IF_ERROR(
        ReleaseHold(order_id, request_id, h.hold_id(), h.hold_code(),
                    "the submit that placed it was undone; the order is a draft again"));
  }
  if (metrics_) {
    metrics_->Increment("saga_compensations_total", "Compensations run.", {{"step", "submit"}});
  }
  return true;
}

absl::Status OrderEntryServiceImpl::ReleaseHold(const std::string& order_id,
                                                const std::string& request_id,
                                                const std::string& hold_id,
                                                const std::string& hold_code,
                                                const std::string& reason) {
  hold::v1::ClearHoldRequest clear;
  clear.set_request_id(absl::StrCat(request_id, ":release:", hold_id));
  clear.set_order_id(order_id);
  clear.set_hold_id(hold_id);
  clear.set_reason(reason);
  clear.set_user_id("system");
  clear.add_clearable_hold_codes(hold_code);
  hold::v1::ClearHoldResponse cleared;
  return FromDownstream("hold",
                        downstream_.holds->ClearHold(Call(request_id).get(), clear, &cleared));
}

absl::Status OrderEntryServiceImpl::ReleaseUnrecordedHold(const std::string& order_id,
                                                          const std::string& request_id,
                                                          const common::v1::OrderHold& hold,
                                                          const absl::Status& why) {
  // First the order, with a new version (a late save of the PlaceHold can
  // no longer land); nothing to undo when the order does show the hold.
  ASSIGN_OR_RETURN(std::optional<Order> released,
                   RewriteOrder(order_id, absl::StrCat(request_id, ":release-hold"), "ReleaseHold",
                                [&](Order& order, OrderEvent& e) {
                                  for (const auto& h : order.holds()) {
                                    if (h.hold_id() == hold.hold_id()) return false;
                                  }
                                  e.set_kind("hold_released");
                                  e.set_detail(absl::StrCat(hold.hold_code(),
                                                            " hold not recorded on the order (",
                                                            why.message(), "): released"));
                                  return true;
                                }));
  if (!released) return absl::OkStatus();
  RETURN_IF_ERROR(ReleaseHold(order_id, request_id, hold.hold_id(), hold.hold_code(),
                              "placed, but the order could not record it: released"));
  if (metrics_) {
    metrics_->Increment("saga_compensations_total", "Compensations run.", {{"step", "hold"}});
  }
  return absl::OkStatus();
}

absl::StatusOr<int> OrderEntryServiceImpl::RecoverSagas(absl::Duration idle) {
  if (sagas_ == nullptr) return 0;
  auto count = [&](const char* outcome) {
    if (metrics_ == nullptr) return;
    metrics_->Increment("sagas_recovered_total",
                        "Interrupted submits and cancellations settled by recovery: finished "
                        "(the order was saved) or compensated (undone).",
                        {{"outcome", outcome}});
  };
  return sagas_->RecoverIdle(idle, [&](const Saga& saga) -> absl::StatusOr<std::string> {
    if (saga.kind == kSagaCancel) {
      // Saved CANCELED: finish the voids; never saved: nothing to do.
      order::v1::GetOrderRequest get;
      get.set_order_id(saga.order_id);
      order::v1::GetOrderResponse got;
      RETURN_IF_ERROR(FromDownstream(
          "order", downstream_.orders->GetOrder(Call(saga.request_id).get(), get, &got)));
      if (got.order().status() == common::v1::ORDER_STATUS_CANCELED) {
        RETURN_IF_ERROR(FinishCancel(saga.order_id, saga.request_id, got.order()));
      }
      count("finished");
      return std::string(kStepDone);
    }
    ASSIGN_OR_RETURN(bool undone, UndoUnsavedSubmit(saga.order_id, saga.request_id,
                                                    "an interrupted submit was undone"));
    if (!undone) {  // its save happened: only the DONE record was missing
      count("finished");
      return std::string(kStepDone);
    }
    log::Info("interrupted submit compensated", {{"order_id", saga.order_id}});
    count("compensated");
    return std::string(kStepCompensated);
  });
}

absl::StatusOr<int> OrderEntryServiceImpl::SweepUnrecordedPayments(absl::Duration min_age) {
  if (sagas_ == nullptr) return 0;
  constexpr int kPageSize = 500;
  constexpr int kMaxPages = 20;  // per sweep; the next one goes on from there
  int voided = 0;
  payment::v1::ListLivePaymentsRequest list;
  *list.mutable_min_age() =
      google::protobuf::util::TimeUtil::MicrosecondsToDuration(absl::ToInt64Microseconds(min_age));
  list.set_page_size(kPageSize);
  auto sweep = [&](const std::string& from) -> absl::StatusOr<std::string> {
    std::string token = from;
    for (int page = 0; page < kMaxPages; ++page) {
      list.set_page_token(token);
      payment::v1::ListLivePaymentsResponse listed;
      RETURN_IF_ERROR(FromDownstream(
          "payment", downstream_.payments->ListLivePayments(Call("").get(), list, &listed)));
      if (listed.payments().empty()) break;
      order::v1::ListRecordedPaymentsRequest ask;
      std::set<std::string> asked;
      for (const auto& p : listed.payments()) {
        if (asked.insert(p.order_id()).second) ask.add_order_ids(p.order_id());
      }
      order::v1::ListRecordedPaymentsResponse answer;
      RETURN_IF_ERROR(FromDownstream(
          "order", downstream_.orders->ListRecordedPayments(Call("").get(), ask, &answer)));
      // Live at the payment service but on no order, or shown VOIDED by
      // its order (a crash between marking and voiding): void it.
      std::set<std::string> recorded, marked_voided;
      for (const auto& o : answer.orders()) {
        recorded.insert(o.payment_ids().begin(), o.payment_ids().end());
        marked_voided.insert(o.voided_payment_ids().begin(), o.voided_payment_ids().end());
      }
      for (const auto& p : listed.payments()) {
        if (recorded.count(p.payment_id()) > 0 && marked_voided.count(p.payment_id()) == 0) {
          continue;
        }
        RETURN_IF_ERROR(VoidPayment(p.payment_id(), absl::StrCat("unrecorded:", p.payment_id())));
        ++voided;
        log::Warning("voided a payment authorisation that no order counts",
                     {{"order_id", p.order_id()},
                      {"payment_id", p.payment_id()},
                      {"amount", money::Format(p.amount().minor_units())}});
        if (metrics_ != nullptr) {
          metrics_->Increment("unrecorded_authorizations_voided_total",
                              "Payment authorisations that no order counts (on no order after "
                              "a crash or timeout before saving, or shown voided by their order "
                              "after a crash before voiding), voided by the sweep.",
                              {});
        }
      }
      token = listed.next_page_token();
      if (listed.payments_size() < kPageSize) break;
    }
    return token;
  };
  RETURN_IF_ERROR(sagas_->AdvancePaymentSweep(sweep).status());
  return voided;
}

absl::Status OrderEntryServiceImpl::FinishCancel(const std::string& order_id,
                                                 const std::string& request_id,
                                                 const Order& order) {
  RETURN_IF_ERROR(VoidMarkedPayments(order_id, request_id, order));
  return ReleaseCouponUses(order_id, request_id);
}

}  // namespace callcenter::orchestration
