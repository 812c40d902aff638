#include "services/orchestration/workflows/return_workflow.h"

#include "absl/strings/str_cat.h"
#include "libs/ids/digest.h"
#include "libs/ids/order_event_kind.h"
#include "libs/ids/system_names.h"
#include "libs/logging/log.h"
#include "libs/money/money.h"
#include "libs/money/money_proto.h"
#include "libs/status/status.h"
#include "services/orchestration/domain/order_math.h"
#include "services/orchestration/domain/order_rules.h"
#include "services/orchestration/domain/returns.h"

namespace callcenter::orchestration {
namespace {

using v1::ReturnOrder;

// A return's id, made from the request that starts it: a replay (whose
// answer is the stored order) still knows which return it made.
std::string ReturnIdFor(const std::string& scoped_request_id) {
  const std::string h = Digest({"return", scoped_request_id}, 32);
  return absl::StrCat(h.substr(0, 8), "-", h.substr(8, 4), "-5", h.substr(13, 3), "-8",
                      h.substr(17, 3), "-", h.substr(20, 12));
}

ReturnOrder* FindReturn(std::vector<ReturnOrder>& returns, const std::string& return_id) {
  for (ReturnOrder& r : returns) {
    if (r.return_id() == return_id) return &r;
  }
  return nullptr;
}

std::string MethodName(common::v1::PaymentMethod method) {
  switch (method) {
    case common::v1::PAYMENT_METHOD_CARD:
      return "the card";
    case common::v1::PAYMENT_METHOD_GIFT_CARD:
      return "the gift card";
    case common::v1::PAYMENT_METHOD_ON_ACCOUNT:
      return "the customer's account";
    default:
      return "a refund check";
  }
}

// What an exchange order's return credit paid (captured at its submit).
int64_t ExchangeTook(const Order& exchange) {
  int64_t took = 0;
  for (const auto& p : exchange.payments()) {
    if (p.method() == common::v1::PAYMENT_METHOD_RETURN_CREDIT &&
        p.status() == common::v1::PAYMENT_STATUS_CAPTURED) {
      took += p.captured().minor_units();
    }
  }
  return took;
}

int32_t Units(const ReturnOrder& ret) {
  int32_t units = 0;
  for (const auto& l : ret.lines()) units += l.quantity();
  return units;
}

}  // namespace

void ReturnWorkflow::Log(ReturnOrder& ret, Edit& edit, const std::string& user,
                         common::v1::OrderEventKind kind, const std::string& detail) {
  OrderEvent e = MakeOrderEvent(user, kind, absl::StrCat("return ", ret.return_id(), ": ", detail));
  *e.mutable_at() = clock_.Timestamp();
  *ret.add_events() = e;
  edit.events.push_back(std::move(e));
}

absl::Status ReturnWorkflow::Settle(Context& c, Order& order, ReturnOrder& ret, Edit& edit,
                                    bool approved, std::string* saga_id) {
  if (ret.status() != v1::RETURN_STATUS_RECEIVED) return absl::OkStatus();
  if (!ret.exchange_order_id().empty() && !ret.has_exchange_credit()) {
    // Its exchange is not submitted yet: refunded once it says what it took.
    Log(ret, edit, c.user_id(), common::v1::ORDER_EVENT_KIND_RETURN_RECEIVED,
        absl::StrCat("the refund waits for exchange order ", ret.exchange_order_id()));
    return absl::OkStatus();
  }
  const order::v1::CallCenter& call_center = c.data.call_center();
  const int64_t due =
      std::max<int64_t>(0, ret.credit_total().minor_units() - ret.exchange_credit().minor_units());
  if (!approved && NeedsApproval(call_center, due)) {
    ret.set_status(v1::RETURN_STATUS_PENDING_APPROVAL);
    Log(ret, edit, c.user_id(), common::v1::ORDER_EVENT_KIND_REFUND_PENDING_APPROVAL,
        absl::StrCat("refund of ", money::Format(due), " waits for approval (threshold ",
                     money::Format(call_center.refund_approval_threshold().minor_units()), ")"));
    return absl::OkStatus();
  }
  // Beyond all that was captured, a credit is owed back from the
  // installments still to come (DOMAIN 11): taken off them.
  const int64_t beyond_captured = std::max<int64_t>(0, due - Refundable(order));
  std::vector<v1::ReturnRefund> refunds = PlanRefunds(order, due, ret.refund_method());
  money::Amount refunded;
  for (auto& r : refunds) {
    refunded += r.amount().minor_units();
    *ret.add_refunds() = std::move(r);
  }
  ASSIGN_OR_RETURN(const int64_t total, refunded.Get("refunded"));
  *ret.mutable_refunded() = MoneyOf(order.currency(), total);
  ret.set_status(v1::RETURN_STATUS_REFUNDED);
  Log(ret, edit, c.user_id(), common::v1::ORDER_EVENT_KIND_REFUNDED,
      absl::StrCat(money::Format(total), " refunded to ", MethodName(ret.refund_method()),
                   total < due ? absl::StrCat(" (all the order's payments can still give of ",
                                              money::Format(due), ")")
                               : ""));
  if (const int64_t off = CreditInstallments(order, beyond_captured); off > 0) {
    *ret.mutable_installments_credit() = MoneyOf(order.currency(), off);
    Log(ret, edit, c.user_id(), common::v1::ORDER_EVENT_KIND_REFUNDED,
        absl::StrCat(money::Format(off), " taken off the installments still due"));
  }
  RETURN_IF_ERROR(RecomputePaid(&order));
  if (ret.refunds_size() > 0 && sagas_ != nullptr) {
    // Logged before the save: recovery makes the refunds should this
    // process stop after it.
    ASSIGN_OR_RETURN(Saga saga, sagas_->Begin(order.order_id(), c.caller.request_id, kSagaRefund));
    *saga_id = saga.saga_id;
  } else if (ret.refunds_size() > 0) {
    *saga_id = "(no saga log)";
  }
  return absl::OkStatus();
}

absl::StatusOr<ReturnWorkflow::Refunded> ReturnWorkflow::FinishRefunds(
    const std::string& order_id) {
  for (int attempt = 0;; ++attempt) {
    const CallScope read{ScopedRequestId(kSystemUser, "FinishRefunds", order_id)};
    ASSIGN_OR_RETURN(order::v1::GetOrderContextResponse data,
                     clients_->orders.OrderContext(read, order_id, kSystemUser, "", "", true));
    Refunded now;
    ASSIGN_OR_RETURN(now.returns, ParseReturns(data.returns()));
    now.order = std::move(*data.mutable_order());
    std::vector<OrderEvent> events;
    std::vector<order::v1::StoredReturn> changed;
    for (ReturnOrder& ret : now.returns) {
      bool made = false;
      for (v1::ReturnRefund& r : *ret.mutable_refunds()) {
        if (r.done()) continue;
        const CallScope key{ScopedRequestId(kSystemUser, "Refund",
                                            absl::StrCat(ret.return_id(), "/", r.payment_id()))};
        ASSIGN_OR_RETURN(payment::v1::RefundPaymentResponse answer,
                         clients_->payments.Refund(key, r.payment_id(), r.amount(), r.method(),
                                                   absl::StrCat("return ", ret.return_id())));
        r.set_done(true);
        made = true;
        metrics_->refunds_made.Increment();
        OrderEvent e = MakeOrderEvent(
            kSystemUser, common::v1::ORDER_EVENT_KIND_REFUNDED,
            absl::StrCat("return ", ret.return_id(), ": ",
                         money::Format(answer.refunded().minor_units()), " given back to ",
                         MethodName(r.method()), " from payment ", r.payment_id()));
        *e.mutable_at() = clock_.Timestamp();
        *ret.add_events() = e;
        events.push_back(std::move(e));
      }
      if (made) changed.push_back(StoreReturn(ret));
    }
    if (changed.empty()) return now;
    OrderSave save;
    save.method = "FinishRefunds";
    save.order = now.order;
    save.events = std::move(events);
    save.returns = std::move(changed);
    const CallScope scope{ScopedRequestId(kSystemUser, "FinishRefunds",
                                          absl::StrCat(order_id, "@", now.order.version()))};
    absl::StatusOr<SavedOrder> saved = clients_->orders.Save(scope, std::move(save));
    if (!saved.ok()) {
      // A concurrent change: read again (the refunds made answer again).
      if (absl::IsAborted(saved.status()) && attempt < 2) continue;
      return saved.status();
    }
    now.order = std::move(saved->order);
    return now;
  }
}

std::optional<Order> ReturnWorkflow::LimitPlans(const std::string& order_id) {
  if (installments_ == nullptr) return std::nullopt;
  absl::StatusOr<Order> limited = installments_->LimitPlans(order_id);
  if (!limited.ok()) {
    // The credit is on the order and each run's capture is capped by it:
    // only the plan's display waits for the next run.
    log::Warning("the installments still due were not lowered after a credit",
                 {{"order_id", order_id}, {"error", std::string(limited.status().message())}});
    return std::nullopt;
  }
  return *std::move(limited);
}

absl::Status ReturnWorkflow::Conclude(const Caller& caller, const std::string& saga_id,
                                      const std::string& order_id, const std::string& return_id,
                                      const ReturnOrder* changed, ReturnOrder* out) {
  if (!saga_id.empty()) {
    if (crash_after_step_ == kStepRefundPlanned) {
      return absl::UnavailableError("injected crash after the refund was planned");
    }
    ASSIGN_OR_RETURN(Refunded now, FinishRefunds(order_id));
    if (sagas_ != nullptr) sagas_->MarkDone(saga_id);
    for (ReturnOrder& r : now.returns) {
      if (r.return_id() == return_id) {
        *out = std::move(r);
        return absl::OkStatus();
      }
    }
  }
  if (changed != nullptr) {
    *out = *changed;
    return absl::OkStatus();
  }
  // A replay (or nothing to change): the return as it stands, its refunds
  // finished if a stopped attempt left them planned (the saga's recovery
  // would too; each is made once either way).
  RETURN_IF_ERROR(Get(caller, return_id, out));
  for (const v1::ReturnRefund& r : out->refunds()) {
    if (r.done()) continue;
    ASSIGN_OR_RETURN(Refunded now, FinishRefunds(order_id));
    for (ReturnOrder& finished : now.returns) {
      if (finished.return_id() == return_id) *out = std::move(finished);
    }
    break;
  }
  return absl::OkStatus();
}

absl::Status ReturnWorkflow::Get(const Caller& caller, const std::string& return_id,
                                 ReturnOrder* out) {
  if (return_id.empty()) return InvalidField("return_id", "required");
  ASSIGN_OR_RETURN(order::v1::GetOrderContextResponse data,
                   clients_->orders.ReturnContext(caller.scope(), return_id, caller.user_id));
  RETURN_IF_ERROR(RequireUserOfOrdersCallCenter(data, caller.user_id, "return"));
  ASSIGN_OR_RETURN(std::vector<ReturnOrder> returns, ParseReturns(data.returns()));
  ReturnOrder* ret = FindReturn(returns, return_id);
  if (ret == nullptr) return absl::NotFoundError(absl::StrCat("return ", return_id, " not found"));
  *out = std::move(*ret);
  return absl::OkStatus();
}

absl::Status ReturnWorkflow::Start(const Caller& caller, const v1::StartReturnRequest& req,
                                   ReturnOrder* out) {
  if (req.reason_code().empty()) return InvalidField("reason_code", "required");
  const std::string return_id = ReturnIdFor(caller.request_id);
  ReturnOrder made;
  bool changed = false;
  std::string saga_id;
  Order saved;
  RETURN_IF_ERROR(changes_->Run(
      kStartReturnChange, caller, req, req.order_id(),
      [&](Context& c, Order& order, Edit& edit) -> absl::Status {
        ASSIGN_OR_RETURN(made, PlanReturn(order, c.data.call_center(), req));
        made.set_return_id(return_id);
        made.set_refund_method(RefundMethodFor(order, c.data.call_center()));
        BookReturnedUnits(order, made);
        Log(made, edit, c.user_id(), common::v1::ORDER_EVENT_KIND_RETURN_STARTED,
            absl::StrCat(Units(made), " units, reason ", req.reason_code(), ", credit ",
                         money::Format(made.credit_total().minor_units()), " after a charge of ",
                         money::Format(made.charge().minor_units()), ", refund to ",
                         MethodName(made.refund_method())));
        if (made.status() == v1::RETURN_STATUS_RECEIVED) {
          Log(made, edit, c.user_id(), common::v1::ORDER_EVENT_KIND_RETURN_RECEIVED,
              "credit only: nothing comes back, credited at once");
        }
        RETURN_IF_ERROR(Settle(c, order, made, edit, false, &saga_id));
        edit.returns.push_back(StoreReturn(made));
        changed = true;
        return absl::OkStatus();
      },
      &saved));
  if (changed) metrics_->returns_started.Increment();
  RETURN_IF_ERROR(
      Conclude(caller, saga_id, req.order_id(), return_id, changed ? &made : nullptr, out));
  if (out->installments_credit().minor_units() > 0) LimitPlans(req.order_id());
  return absl::OkStatus();
}

absl::Status ReturnWorkflow::RunOnReturn(const ChangeSpec& spec, const Caller& caller,
                                         const google::protobuf::Message& request,
                                         const std::string& return_id, const ReturnChange& change,
                                         ReturnOrder* out) {
  if (return_id.empty()) return InvalidField("return_id", "required");
  ASSIGN_OR_RETURN(order::v1::GetOrderContextResponse of,
                   clients_->orders.ReturnContext(caller.scope(), return_id, caller.user_id));
  const std::string order_id = of.order().order_id();
  ReturnOrder result;
  bool changed = false;
  std::string saga_id;
  Order saved;
  RETURN_IF_ERROR(changes_->Run(
      spec, caller, request, order_id,
      [&](Context& c, Order& order, Edit& edit) -> absl::Status {
        ASSIGN_OR_RETURN(std::vector<ReturnOrder> returns, ParseReturns(c.data.returns()));
        ReturnOrder* ret = FindReturn(returns, return_id);
        if (ret == nullptr) {
          return absl::NotFoundError(absl::StrCat("return ", return_id, " not found"));
        }
        RETURN_IF_ERROR(change(c, order, *ret, edit, &saga_id));
        if (edit.unchanged) return absl::OkStatus();
        edit.returns.push_back(StoreReturn(*ret));
        result = *ret;
        changed = true;
        return absl::OkStatus();
      },
      &saved));
  RETURN_IF_ERROR(Conclude(caller, saga_id, order_id, return_id, changed ? &result : nullptr, out));
  if (out->installments_credit().minor_units() > 0) LimitPlans(order_id);
  return absl::OkStatus();
}

absl::Status ReturnWorkflow::Cancel(const Caller& caller, const v1::CancelReturnRequest& req,
                                    ReturnOrder* out) {
  return RunOnReturn(
      kCancelReturnChange, caller, req, req.return_id(),
      [&](Context& c, Order& order, ReturnOrder& ret, Edit& edit, std::string*) -> absl::Status {
        if (ret.status() == v1::RETURN_STATUS_CANCELED) {
          edit.unchanged = true;
          return absl::OkStatus();
        }
        RETURN_IF_ERROR(CheckMayCancelReturn(ret));
        BookReturnedUnits(order, ret, -1);
        ret.set_status(v1::RETURN_STATUS_CANCELED);
        Log(ret, edit, c.user_id(), common::v1::ORDER_EVENT_KIND_RETURN_CANCELED,
            absl::StrCat("canceled; ", Units(ret), " units may be returned again"));
        return absl::OkStatus();
      },
      out);
}

absl::Status ReturnWorkflow::AdjustCredit(const Caller& caller,
                                          const v1::AdjustReturnCreditRequest& req,
                                          ReturnOrder* out) {
  if (!req.has_credit()) return InvalidField("credit", "required");
  return RunOnReturn(
      kAdjustReturnCreditChange, caller, req, req.return_id(),
      [&](Context& c, Order& order, ReturnOrder& ret, Edit& edit,
          std::string* saga_id) -> absl::Status {
        RETURN_IF_ERROR(CheckMayAdjustReturn(ret));
        if (req.credit().currency() != order.currency()) {
          return InvalidField("credit.currency",
                              absl::StrCat("the order is in ", order.currency()));
        }
        const int64_t computed = ret.computed_credit().minor_units();
        RETURN_IF_ERROR(CheckCreditAdjustment(computed, req.credit().minor_units(),
                                              c.data.user().credit_adjustment_max_bp(),
                                              c.user_id()));
        const int64_t before = ret.credit_total().minor_units();
        *ret.mutable_credit_total() = MoneyOf(order.currency(), req.credit().minor_units());
        Log(ret, edit, c.user_id(), common::v1::ORDER_EVENT_KIND_RETURN_CREDIT_ADJUSTED,
            absl::StrCat("credit ", money::Format(before), " -> ",
                         money::Format(req.credit().minor_units()), " (computed ",
                         money::Format(computed), ")"));
        if (ret.status() == v1::RETURN_STATUS_PENDING_APPROVAL &&
            !NeedsApproval(c.data.call_center(), req.credit().minor_units())) {
          // Now below the threshold: refunded without approval.
          ret.set_status(v1::RETURN_STATUS_RECEIVED);
          RETURN_IF_ERROR(Settle(c, order, ret, edit, false, saga_id));
        }
        return absl::OkStatus();
      },
      out);
}

absl::Status ReturnWorkflow::ApproveRefund(const Caller& caller,
                                           const v1::ApproveRefundRequest& req, ReturnOrder* out) {
  if (!req.approve() && req.reason().empty()) {
    return InvalidField("reason", "required to decline a refund");
  }
  return RunOnReturn(
      kApproveRefundChange, caller, req, req.return_id(),
      [&](Context& c, Order& order, ReturnOrder& ret, Edit& edit,
          std::string* saga_id) -> absl::Status {
        if (!c.data.user().may_approve_refunds()) {
          return absl::PermissionDeniedError(absl::StrCat(
              "user ", c.user_id(), " may not approve or decline refunds (may_approve_refunds)"));
        }
        if (ret.status() != v1::RETURN_STATUS_PENDING_APPROVAL) {
          return WithReason(
              absl::FailedPreconditionError(absl::StrCat("return ", ret.return_id(), " is ",
                                                         v1::ReturnStatus_Name(ret.status()),
                                                         ": no refund awaits approval")),
              "RETURN_STATE");
        }
        ret.set_decided_by(c.user_id());
        if (!req.approve()) {
          ret.set_status(v1::RETURN_STATUS_DECLINED);
          ret.set_decline_reason(req.reason());
          Log(ret, edit, c.user_id(), common::v1::ORDER_EVENT_KIND_REFUND_DECLINED,
              absl::StrCat("refund of ", money::Format(ret.credit_total().minor_units()),
                           " declined: ", req.reason()));
          return absl::OkStatus();
        }
        Log(ret, edit, c.user_id(), common::v1::ORDER_EVENT_KIND_REFUND_APPROVED,
            absl::StrCat("refund of ", money::Format(ret.credit_total().minor_units()), " approved",
                         req.reason().empty() ? "" : ": ", req.reason()));
        ret.set_status(v1::RETURN_STATUS_RECEIVED);
        return Settle(c, order, ret, edit, true, saga_id);
      },
      out);
}

absl::Status ReturnWorkflow::RecordReceipt(const Caller& caller,
                                           const v1::RecordReturnReceiptRequest& req,
                                           ReturnOrder* out) {
  RETURN_IF_ERROR(RunOnReturn(
      kRecordReturnReceiptChange, caller, req, req.return_id(),
      [&](Context& c, Order& order, ReturnOrder& ret, Edit& edit,
          std::string* saga_id) -> absl::Status {
        RETURN_IF_ERROR(RequireFulfilmentUser(c.data.user()));
        ASSIGN_OR_RETURN(const int32_t units, ReceiveReturnedUnits(ret, req.lines()));
        Log(ret, edit, c.user_id(), common::v1::ORDER_EVENT_KIND_RETURN_RECEIVED,
            absl::StrCat(units, " units received",
                         ret.status() == v1::RETURN_STATUS_RECEIVED ? ": all goods back" : ""));
        if (ret.status() == v1::RETURN_STATUS_RECEIVED && !ret.exchange_order_id().empty() &&
            !ret.has_exchange_credit()) {
          // What the exchange took, if it was submitted (a canceled one took
          // nothing; a draft's is not known yet).
          ASSIGN_OR_RETURN(Order exchange,
                           clients_->orders.Get(c.scope(), ret.exchange_order_id()));
          if (exchange.status() == common::v1::ORDER_STATUS_CANCELED) {
            *ret.mutable_exchange_credit() = MoneyOf(order.currency(), 0);
          } else if (exchange.status() != common::v1::ORDER_STATUS_DRAFT) {
            *ret.mutable_exchange_credit() = MoneyOf(order.currency(), ExchangeTook(exchange));
          }
        }
        return Settle(c, order, ret, edit, false, saga_id);
      },
      out));
  if (!out->exchange_order_id().empty() &&
      (out->status() == v1::RETURN_STATUS_RECEIVED || out->status() == v1::RETURN_STATUS_REFUNDED ||
       out->status() == v1::RETURN_STATUS_PENDING_APPROVAL)) {
    RETURN_IF_ERROR(ReleasePendingReturn(out->exchange_order_id()));
  }
  return absl::OkStatus();
}

absl::StatusOr<ReturnOrder> ReturnWorkflow::ExchangeableReturn(const Caller& caller,
                                                               const std::string& return_id,
                                                               const std::string& customer_id) {
  ReturnOrder ret;
  absl::Status s = Get(caller, return_id, &ret);
  if (absl::IsNotFound(s) || absl::IsInvalidArgument(s)) {
    return InvalidField("exchange_for_return_id", std::string(s.message()));
  }
  RETURN_IF_ERROR(s);
  if (ret.customer_id() != customer_id) {
    return InvalidField("exchange_for_return_id",
                        absl::StrCat("return ", return_id, " is customer ", ret.customer_id(),
                                     "'s, not ", customer_id, "'s"));
  }
  bool replace = false;
  for (const auto& l : ret.lines()) replace = replace || l.disposition() == v1::DISPOSITION_REPLACE;
  if (!replace || !ret.price_match_line_id().empty()) {
    return WithReason(absl::FailedPreconditionError(absl::StrCat(
                          "return ", return_id, " has no REPLACE line: nothing to exchange")),
                      "NOT_AN_EXCHANGE");
  }
  if (!ret.exchange_order_id().empty()) {
    return WithReason(
        absl::FailedPreconditionError(absl::StrCat("return ", return_id, " is exchanged by order ",
                                                   ret.exchange_order_id(), " already")),
        "ALREADY_EXCHANGED");
  }
  if (ret.status() != v1::RETURN_STATUS_AWAITING_RECEIPT &&
      !(ret.status() == v1::RETURN_STATUS_RECEIVED && ret.refunds_size() == 0)) {
    return WithReason(absl::FailedPreconditionError(absl::StrCat(
                          "return ", return_id, " is ", v1::ReturnStatus_Name(ret.status()),
                          ": its credit is no longer free for an exchange")),
                      "RETURN_STATE");
  }
  return ret;
}

absl::Status ReturnWorkflow::LinkExchange(const Caller& caller, const std::string& return_id,
                                          const std::string& exchange_order_id) {
  v1::StartOrderRequest link;  // what the link answers to: the exchange order
  link.set_exchange_for_return_id(return_id);
  link.set_request_id(exchange_order_id);
  ReturnOrder out;
  return RunOnReturn(
      kLinkExchangeChange, caller, link, return_id,
      [&](Context& c, Order&, ReturnOrder& ret, Edit& edit, std::string*) -> absl::Status {
        if (ret.exchange_order_id() == exchange_order_id) {
          edit.unchanged = true;
          return absl::OkStatus();
        }
        if (!ret.exchange_order_id().empty()) {
          return WithReason(absl::FailedPreconditionError(
                                absl::StrCat("return ", ret.return_id(), " is exchanged by order ",
                                             ret.exchange_order_id(), " already")),
                            "ALREADY_EXCHANGED");
        }
        ret.set_exchange_order_id(exchange_order_id);
        Log(ret, edit, c.user_id(), common::v1::ORDER_EVENT_KIND_RETURN_STARTED,
            absl::StrCat("exchange order ", exchange_order_id, " started with its credit of ",
                         money::Format(ret.credit_total().minor_units())));
        return absl::OkStatus();
      },
      &out);
}

absl::StatusOr<ReturnOrder> ReturnWorkflow::ReturnOfExchange(const Caller& caller,
                                                             const Order& exchange) {
  ReturnOrder ret;
  RETURN_IF_ERROR(Get(caller, exchange.exchange_for_return_id(), &ret));
  if (ret.exchange_order_id() != exchange.order_id()) {
    return WithReason(absl::FailedPreconditionError(absl::StrCat(
                          "return ", ret.return_id(), " is exchanged by order ",
                          ret.exchange_order_id().empty() ? "(none)" : ret.exchange_order_id(),
                          ", not this one: its credit cannot pay this order")),
                      "ALREADY_EXCHANGED");
  }
  return ret;
}

absl::Status ReturnWorkflow::ExchangeSubmitted(const Caller& caller,
                                               const google::protobuf::Message& request,
                                               const Order& exchange) {
  ReturnOrder out;
  return RunOnReturn(
      kExchangeSubmittedChange, caller, request, exchange.exchange_for_return_id(),
      [&](Context& c, Order& order, ReturnOrder& ret, Edit& edit,
          std::string* saga_id) -> absl::Status {
        if (ret.exchange_order_id() != exchange.order_id() || ret.has_exchange_credit()) {
          edit.unchanged = true;
          return absl::OkStatus();
        }
        *ret.mutable_exchange_credit() = MoneyOf(order.currency(), ExchangeTook(exchange));
        Log(ret, edit, c.user_id(), common::v1::ORDER_EVENT_KIND_RETURN_CREDIT_ADJUSTED,
            absl::StrCat("exchange order ", exchange.order_id(), " submitted: it took ",
                         money::Format(ret.exchange_credit().minor_units()), " of the credit"));
        return Settle(c, order, ret, edit, false, saga_id);
      },
      &out);
}

absl::Status ReturnWorkflow::ReleasePendingReturn(const std::string& exchange_order_id) {
  const CallScope key{ScopedRequestId(kSystemUser, "ReleasePendingReturn", exchange_order_id)};
  for (int attempt = 0;; ++attempt) {
    ASSIGN_OR_RETURN(order::v1::GetOrderContextResponse data,
                     clients_->orders.OrderContext(key, exchange_order_id, kSystemUser, "", ""));
    Order order = std::move(*data.mutable_order());
    std::vector<OrderEvent> events;
    bool released = false;
    for (common::v1::OrderHold& h : *order.mutable_holds()) {
      if (!h.open() || h.hold_code() != kPendingReturnHoldCode) continue;
      const std::string reason = "the returned goods were received";
      RETURN_IF_ERROR(
          clients_->holds.Release(key, order.order_id(), h.hold_id(), h.hold_code(), reason));
      h.set_open(false);
      h.set_cleared_by(kSystemUser);
      h.set_cleared_reason(reason);
      events.push_back(MakeOrderEvent(kSystemUser, common::v1::ORDER_EVENT_KIND_HOLD_CLEARED,
                                      absl::StrCat(kPendingReturnHoldCode, ": ", reason)));
      released = true;
    }
    if (!released) return absl::OkStatus();
    if (order.status() == common::v1::ORDER_STATUS_ON_HOLD && !HasOpenHold(order)) {
      order.set_status(common::v1::ORDER_STATUS_CONFIRMED);
      events.push_back(
          MakeOrderEvent(kSystemUser, common::v1::ORDER_EVENT_KIND_CONFIRMED, "all holds cleared"));
    }
    OrderSave save;
    save.method = "ReleasePendingReturn";
    save.order = std::move(order);
    save.events = std::move(events);
    absl::StatusOr<SavedOrder> saved = clients_->orders.Save(
        CallScope{ScopedRequestId(kSystemUser, "ReleasePendingReturn",
                                  absl::StrCat(exchange_order_id, "@", save.order.version()))},
        std::move(save));
    if (absl::IsAborted(saved.status()) && attempt < 2) continue;
    return saved.status();
  }
}

absl::Status ReturnWorkflow::PriceMatch(const Caller& caller, const v1::PriceMatchRequest& req,
                                        Order* out) {
  if (req.line_id().empty()) return InvalidField("line_id", "required");
  if (req.reason_code().empty()) return InvalidField("reason_code", "required");
  if (!req.has_unit_price()) return InvalidField("unit_price", "required");
  if (req.unit_price().minor_units() < 0) {
    return InvalidField("unit_price.minor_units", "must be >= 0");
  }
  const std::string record_id = ReturnIdFor(caller.request_id);
  std::string saga_id;
  bool credited = false;  // the credit came off the installments
  RETURN_IF_ERROR(changes_->Run(
      kPriceMatchChange, caller, req, req.order_id(),
      [&](Context& c, Order& order, Edit& edit) -> absl::Status {
        const order::v1::CallCenter& call_center = c.data.call_center();
        RETURN_IF_ERROR(RequireFeature(call_center.price_control_enabled(), call_center,
                                       kPriceControl, "price matches are"));
        common::v1::OrderLine* line = FindLine(order, req.line_id());
        if (line == nullptr) {
          return absl::NotFoundError(absl::StrCat("line ", req.line_id(), " not found"));
        }
        if (req.unit_price().currency() != order.currency()) {
          return InvalidField("unit_price.currency",
                              absl::StrCat("the order is in ", order.currency()));
        }
        ASSIGN_OR_RETURN(const int64_t credit, PriceMatchCredit(order, call_center, *line,
                                                                req.unit_price().minor_units()));
        *line->mutable_matched_unit_price() = req.unit_price();
        *order.mutable_credits_total() =
            MoneyOf(order.currency(), order.credits_total().minor_units() + credit);
        // The refund is kept as a record like a return's (no lines), so
        // that it is made once, approved if it must be, and recovered.
        ReturnOrder rec;
        rec.set_return_id(record_id);
        rec.set_order_id(order.order_id());
        rec.set_customer_id(order.customer_id());
        rec.set_call_center_id(order.call_center_id());
        rec.set_reason_code(req.reason_code());
        rec.set_price_match_line_id(req.line_id());
        *rec.mutable_computed_credit() = MoneyOf(order.currency(), credit);
        *rec.mutable_credit_total() = rec.computed_credit();
        *rec.mutable_charge() = MoneyOf(order.currency(), 0);
        *rec.mutable_refunded() = MoneyOf(order.currency(), 0);
        rec.set_refund_method(RefundMethodFor(order, call_center));
        rec.set_status(v1::RETURN_STATUS_RECEIVED);
        Log(rec, edit, c.user_id(), common::v1::ORDER_EVENT_KIND_PRICE_MATCHED,
            absl::StrCat("price match of line ", req.line_id(), " (", line->product_id(), ") to ",
                         money::Format(req.unit_price().minor_units()), " for ",
                         line->shipped_quantity(), " shipped units, reason ", req.reason_code(),
                         ": credit ", money::Format(credit)));
        RETURN_IF_ERROR(Settle(c, order, rec, edit, false, &saga_id));
        credited = rec.installments_credit().minor_units() > 0;
        edit.returns.push_back(StoreReturn(rec));
        return absl::OkStatus();
      },
      out));
  if (!saga_id.empty()) {
    if (crash_after_step_ == kStepRefundPlanned) {
      return absl::UnavailableError("injected crash after the refund was planned");
    }
    ASSIGN_OR_RETURN(Refunded now, FinishRefunds(req.order_id()));
    if (sagas_ != nullptr) sagas_->MarkDone(saga_id);
    *out = std::move(now.order);
  }
  if (credited) {
    // The answer shows the plans lowered.
    if (std::optional<Order> limited = LimitPlans(req.order_id())) *out = *std::move(limited);
  }
  return absl::OkStatus();
}

}  // namespace callcenter::orchestration
