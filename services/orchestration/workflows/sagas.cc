#include "services/orchestration/workflows/sagas.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "libs/ids/system_names.h"
#include "libs/logging/log.h"
#include "libs/money/money.h"
#include "libs/status/status.h"
#include "services/orchestration/domain/fulfillment.h"
#include "services/orchestration/domain/order_math.h"
#include "services/orchestration/domain/order_rules.h"

namespace callcenter::orchestration {

absl::Status SubmitSaga::EvaluateFraud(const Context& c, Order& order,
                                       std::vector<OrderEvent>& events) {
  ASSIGN_OR_RETURN(hold::v1::EvaluateFraudResponse fraud,
                   clients_->holds.EvaluateFraud(c.scope(), order, c.data.customer(),
                                                 c.data.call_center().min_fraud_score()));
  order.set_fraud_score(fraud.score());
  if (fraud.has_hold()) {
    bool known = false;
    for (const auto& h : order.holds()) known = known || h.hold_id() == fraud.hold().hold_id();
    if (!known) *order.add_holds() = fraud.hold();
    events.push_back(MakeOrderEvent(kSystemUser, common::v1::ORDER_EVENT_KIND_HELD,
                                    absl::StrCat(kFraudHoldCode, " hold: ", fraud.hold().note())));
  }
  return absl::OkStatus();
}

absl::Status SubmitSaga::TakePrepaid(Order& order, std::vector<OrderEvent>& events) {
  // Checks and gift cards are taken at submit (DOMAIN 9); undone with the
  // submit, should it fail (their voids give them back).
  const std::vector<std::string> taken = MarkPrepaidTaken(order);
  for (const auto& p : order.payments()) {
    if (std::find(taken.begin(), taken.end(), p.payment_id()) == taken.end()) continue;
    const CallScope key{ScopedRequestId(kSystemUser, "TakePrepaid",
                                        absl::StrCat(order.order_id(), "/", p.payment_id()))};
    ASSIGN_OR_RETURN(
        payment::v1::CapturePaymentResponse capture,
        clients_->payments.Capture(key, p.payment_id(), p.amount(), absl::UnixEpoch()));
    if (capture.declined()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "payment ", p.payment_id(), " could not be taken: ", capture.decline_reason()));
    }
    events.push_back(
        MakeOrderEvent(kSystemUser, common::v1::ORDER_EVENT_KIND_PAYMENT_CAPTURED,
                       absl::StrCat(common::v1::PaymentMethod_Name(p.method()), " ",
                                    money::Format(p.amount().minor_units()), " taken at submit")));
  }
  // The first installment of each payment taken with a schedule (DOMAIN
  // 11), which dates the schedule from today; given back with the submit
  // should it be undone (the payment service's void of the payment).
  for (auto& p : *order.mutable_payments()) {
    if (!HasInstallments(p) || p.status() != common::v1::PAYMENT_STATUS_AUTHORIZED) continue;
    const CallScope key{ScopedRequestId(kSystemUser, "FirstInstallment",
                                        absl::StrCat(order.order_id(), "/", p.payment_id()))};
    ASSIGN_OR_RETURN(payment::v1::CapturePaymentResponse capture,
                     clients_->payments.CaptureInstallment(key, p.payment_id(), 1, clock_.Today()));
    if (capture.declined()) {
      return WithReason(
          absl::FailedPreconditionError(absl::StrCat(
              "the first installment of payment ", p.payment_id(),
              " could not be taken: ", capture.decline_reason(), "; take another payment")),
          "PAYMENT_DECLINED");
    }
    p.set_status(capture.payment().status());
    *p.mutable_captured() = capture.payment().captured();
    *p.mutable_installments() = capture.payment().installments();
    events.push_back(MakeOrderEvent(
        kSystemUser, common::v1::ORDER_EVENT_KIND_PAYMENT_CAPTURED,
        absl::StrCat(common::v1::PaymentMethod_Name(p.method()), " installment 1 of ",
                     p.installments_size(), ", ",
                     money::Format(capture.captured().minor_units()), ", taken at submit")));
  }
  return RecomputePaid(&order);
}

absl::Status SubmitSaga::HoldForReturn(const Context& c, Order& order,
                                       std::vector<OrderEvent>& events) {
  ASSIGN_OR_RETURN(v1::ReturnOrder ret, returns_->ReturnOfExchange(c.caller, order));
  if (ret.status() != v1::RETURN_STATUS_AWAITING_RECEIPT) return absl::OkStatus();
  const std::string note = absl::StrCat("exchange for return ", ret.return_id(),
                                        ": held until the returned goods are received");
  ASSIGN_OR_RETURN(common::v1::OrderHold hold,
                   clients_->holds.Place(CallScope{ScopedRequestId(kSystemUser, "PendingReturnHold",
                                                                   order.order_id())},
                                         order, kPendingReturnHoldCode, note, kSystemUser));
  bool known = false;
  for (const auto& h : order.holds()) known = known || h.hold_id() == hold.hold_id();
  if (!known) *order.add_holds() = hold;
  events.push_back(MakeOrderEvent(kSystemUser, common::v1::ORDER_EVENT_KIND_HELD,
                                  absl::StrCat(kPendingReturnHoldCode, " hold: ", note)));
  return absl::OkStatus();
}

absl::Status SubmitSaga::HoldForCheck(const Context& c, Order& order,
                                      std::vector<OrderEvent>& events) {
  const common::v1::OrderPayment* check = CheckNeedingHold(order, c.data.call_center());
  if (check == nullptr) return absl::OkStatus();
  const std::string note = absl::StrCat(
      "check of ", money::Format(check->amount().minor_units()), " at or above the threshold of ",
      money::Format(c.data.call_center().check_hold_threshold().minor_units()),
      ": held until the check clears");
  ASSIGN_OR_RETURN(
      common::v1::OrderHold hold,
      clients_->holds.Place(CallScope{ScopedRequestId(kSystemUser, "CheckHold", order.order_id())},
                            order, kCheckHoldCode, note, kSystemUser));
  bool known = false;
  for (const auto& h : order.holds()) known = known || h.hold_id() == hold.hold_id();
  if (!known) *order.add_holds() = hold;
  events.push_back(MakeOrderEvent(kSystemUser, common::v1::ORDER_EVENT_KIND_HELD,
                                  absl::StrCat(kCheckHoldCode, " hold: ", note)));
  return absl::OkStatus();
}

absl::Status SubmitSaga::Run(const Caller& caller, const google::protobuf::Message& request,
                             const std::string& order_id, Order* out) {
  std::string saga_id;
  bool crashed = false;
  // The steps inside the submit are not written to the saga: recovery
  // undoes an unfinished submit the same way whichever step it reached
  // (UndoUnsavedSubmit voids, releases and clears all of it, each
  // idempotently), so a record of each would cost a commit per step and
  // guard nothing. Tests stop the submit after one, as a crash would.
  auto step = [&](const char* name) -> absl::Status {
    if (crash_after_step_ == name) {
      crashed = true;
      return absl::UnavailableError(absl::StrCat("injected crash after ", name));
    }
    return absl::OkStatus();
  };
  absl::Status s = changes_->Run(
      kSubmitOrderChange, caller, request, order_id,
      [&](Context&, Order& order, Edit&) -> absl::Status {
        RETURN_IF_ERROR(RequireDraft(order));
        if (order.lines_size() == 0) {
          return absl::FailedPreconditionError("the order has no lines to submit");
        }
        return absl::OkStatus();
      },
      out,
      [&](Context& c, Order& order, Edit& edit) -> absl::Status {
        const bool completion = c.data.call_center().order_completion_enabled();
        RETURN_IF_ERROR(CheckNoBlockedMargin(order));
        if (completion) RETURN_IF_ERROR(CheckPaymentsCoverTotal(order));
        if (sagas_ != nullptr) {
          ASSIGN_OR_RETURN(Saga saga,
                           sagas_->Begin(order.order_id(), c.caller.request_id, kSagaSubmit));
          saga_id = saga.saga_id;
        }
        // The log reads "submitted" before what the submit led to (a hold).
        std::vector<OrderEvent> outcome;
        if (completion) {
          RETURN_IF_ERROR(clients_->pricing.RedeemCoupons(c.scope(), order));
          RETURN_IF_ERROR(step(kStepCouponsRedeemed));
          RETURN_IF_ERROR(EvaluateFraud(c, order, outcome));
          RETURN_IF_ERROR(step(kStepFraudEvaluated));
          RETURN_IF_ERROR(TakePrepaid(order, outcome));
          RETURN_IF_ERROR(HoldForCheck(c, order, outcome));
        }
        if (!order.exchange_for_return_id().empty() && returns_ != nullptr) {
          RETURN_IF_ERROR(HoldForReturn(c, order, outcome));
        }
        edit.new_schedules = PlanContinuity(c.priced, order, clock_.Today());
        *order.mutable_submitted_at() = clock_.Timestamp();
        order.set_expected_ship_date(ExpectedShipDate(clock_.Today(), c.data.call_center()));
        order.set_status(SubmitOutcome(order));
        const bool held = order.status() == common::v1::ORDER_STATUS_ON_HOLD;
        edit.events.push_back(
            MakeOrderEvent(c.user_id(), common::v1::ORDER_EVENT_KIND_SUBMITTED,
                           absl::StrCat("total ", money::Format(order.total().minor_units()),
                                        held ? "; on hold" : "; confirmed")));
        for (OrderEvent& e : outcome) edit.events.push_back(std::move(e));
        return absl::OkStatus();
      });
  if (s.ok()) {
    if (sagas_ != nullptr && !saga_id.empty()) sagas_->MarkDone(saga_id);
    if (!out->exchange_for_return_id().empty() && returns_ != nullptr) {
      // The return learns what its credit paid (also on a retry, which
      // finishes what a stopped attempt left); the rest is refunded.
      RETURN_IF_ERROR(returns_->ExchangeSubmitted(caller, request, *out));
    }
    if (!saga_id.empty()) {  // a submit done now, not a replayed one
      const bool held = out->status() == common::v1::ORDER_STATUS_ON_HOLD;
      (held ? metrics_->submits_on_hold : metrics_->submits_confirmed).Increment();
    }
    return absl::OkStatus();
  }
  if (!saga_id.empty() && !crashed) {
    // A failure after the submit began changing things: undo it now,
    // unless its save did happen (e.g. the reply was lost in a timeout).
    absl::StatusOr<bool> undone = money_->UndoUnsavedSubmit(
        order_id, caller.request_id,
        absl::StrCat("the submit failed (", s.message(), ") and was undone"));
    if (undone.ok()) {
      sagas_->Record(saga_id, *undone ? kStepCompensated : kStepDone).IgnoreError();
    } else {
      log::Error("submit compensation failed; recovery will retry",
                 {{"order_id", order_id}, {"error", std::string(undone.status().message())}});
    }
  }
  return s;
}

absl::Status CancelSaga::Run(const Caller& caller, const google::protobuf::Message& request,
                             const std::string& order_id, const std::string& reason, Order* out) {
  std::string saga_id;
  RETURN_IF_ERROR(changes_->Run(
      kCancelOrderChange, caller, request, order_id,
      [&](Context& c, Order& order, Edit& edit) -> absl::Status {
        RETURN_IF_ERROR(CheckMayCancel(order, c.data.user()));
        // Logged before the save, so that recovery finishes the voids
        // should this process stop between the save and the voids.
        if (sagas_ != nullptr) {
          ASSIGN_OR_RETURN(Saga saga,
                           sagas_->Begin(order.order_id(), c.caller.request_id, kSagaCancel));
          saga_id = saga.saga_id;
        }
        // The order first: its payments show VOIDED from now on.
        MarkLivePaymentsVoided(&order);
        order.set_status(common::v1::ORDER_STATUS_CANCELED);
        edit.events.push_back(
            MakeOrderEvent(c.user_id(), common::v1::ORDER_EVENT_KIND_CANCELLED, reason));
        return absl::OkStatus();
      },
      out));
  // (Not saved, or its reply lost: recovery looks at the order later.)
  if (crash_after_step_ == kStepCancelSaved) {
    return absl::UnavailableError("injected crash after the cancellation was saved");
  }
  // Then the money, also on a retry (which finishes a cancel that stopped
  // here): the authorisations voided, coupon uses released.
  RETURN_IF_ERROR(money_->FinishCancel(order_id, caller.request_id, *out));
  if (!saga_id.empty()) sagas_->MarkDone(saga_id);
  return absl::OkStatus();
}

}  // namespace callcenter::orchestration
