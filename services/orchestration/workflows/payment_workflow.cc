#include "services/orchestration/workflows/payment_workflow.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "libs/logging/log.h"
#include "libs/money/money.h"
#include "libs/money/money_proto.h"
#include "libs/status/status.h"
#include "services/orchestration/domain/fulfillment.h"
#include "services/orchestration/domain/order_math.h"
#include "services/orchestration/domain/order_rules.h"

namespace callcenter::orchestration {

namespace {

// The payment as the order records it.
common::v1::OrderPayment Recorded(const payment::v1::Payment& p) {
  common::v1::OrderPayment op;
  op.set_payment_id(p.payment_id());
  op.set_method(p.method());
  *op.mutable_amount() = p.amount();
  op.set_status(p.status());
  op.set_last4(p.last4());
  op.set_decline_reason(p.decline_reason());
  *op.mutable_installments() = p.installments();
  return op;
}

// The log's line for a payment the payment service answered.
OrderEvent PaymentEvent(const std::string& user, const payment::v1::Payment& p) {
  const bool ok = p.status() == common::v1::PAYMENT_STATUS_AUTHORIZED;
  // VOIDED: a retry arriving after the sweep voided its unrecorded
  // authorisation.
  const bool voided = p.status() == common::v1::PAYMENT_STATUS_VOIDED;
  return MakeOrderEvent(
      user,
      ok       ? common::v1::ORDER_EVENT_KIND_PAYMENT_AUTHORIZED
      : voided ? common::v1::ORDER_EVENT_KIND_PAYMENT_VOIDED
               : common::v1::ORDER_EVENT_KIND_PAYMENT_DECLINED,
      absl::StrCat(common::v1::PaymentMethod_Name(p.method()), " ",
                   money::Format(p.amount().minor_units()),
                   p.last4().empty() ? "" : absl::StrCat(" card ending ", p.last4()),
                   ok       ? ""
                   : voided ? ": voided, as no order had recorded it"
                            : absl::StrCat(": ", p.decline_reason())));
}

}  // namespace

absl::Status PaymentWorkflow::CheckInstallments(const Context& c, const Order& order,
                                                const v1::AddPaymentRequest& req) {
  std::vector<std::string> offered;
  if (!order.source_code().empty()) {
    absl::StatusOr<guidedselling::v1::SourceCode> code =
        clients_->selling.ValidateSourceCode(c.scope(), order.source_code(), clock_.Today());
    // A source code no longer valid offers nothing.
    if (code.ok()) offered.assign(code->payment_schedule_ids().begin(),
                                  code->payment_schedule_ids().end());
    else if (!absl::IsNotFound(code.status()) && !absl::IsFailedPrecondition(code.status()) &&
             !absl::IsInvalidArgument(code.status())) {
      return code.status();
    }
  }
  std::vector<std::string> ineligible;
  std::set<std::string> seen;
  for (const auto& line : order.lines()) {
    if (!seen.insert(line.product_id()).second) continue;
    ASSIGN_OR_RETURN(pricing::v1::Product product,
                     clients_->pricing.GetProduct(c.scope(), line.product_id()));
    if (!product.installment_eligible()) ineligible.push_back(line.product_id());
  }
  return CheckInstallmentsAllowed(order, req.method(), req.schedule_id(), offered,
                                  c.data.customer(), ineligible);
}

absl::Status PaymentWorkflow::Add(const Caller& caller, const v1::AddPaymentRequest& req,
                                  Order* out) {
  common::v1::OrderPayment unsaved;  // the authorised payment, until the order records it
  absl::Status s = changes_->Run(
      kAddPaymentChange, caller, req, req.order_id(),
      [&](Context& c, Order& order, Edit& edit) -> absl::Status {
        const bool draft = order.status() == common::v1::ORDER_STATUS_DRAFT;
        if (!draft) RETURN_IF_ERROR(CheckMayPayBalanceDue(order));
        RETURN_IF_ERROR(RequireFeature(c.data.call_center().order_completion_enabled(),
                                       c.data.call_center(), kOrderCompletion, "payments are"));
        if (req.method() == common::v1::PAYMENT_METHOD_UNSPECIFIED ||
            req.method() == common::v1::PAYMENT_METHOD_RETURN_CREDIT) {
          return InvalidField("method", "must be CARD, CHECK, ON_ACCOUNT or GIFT_CARD");
        }
        // Price first so that "empty amount" means the current balance due
        // (a submitted order keeps its prices).
        if (draft) RETURN_IF_ERROR(changes_->Reprice(c, &order));
        if (!req.schedule_id().empty()) RETURN_IF_ERROR(CheckInstallments(c, order, req));
        ASSIGN_OR_RETURN(const int64_t amount,
                         PaymentAmount(order, req.has_amount() ? &req.amount() : nullptr,
                                       req.percent_of_total_bp()));
        const Tender tender{req.method(),      req.card_token(),  req.check_number(),
                            req.gift_card_number(), req.schedule_id(), clock_.Today()};
        ASSIGN_OR_RETURN(
            payment::v1::Payment p,
            clients_->payments.Authorize(c.scope(), order, MoneyOf(order.currency(), amount),
                                         tender, c.data.call_center(), c.data.customer()));
        common::v1::OrderPayment* op = order.add_payments();
        *op = Recorded(p);
        if (p.status() == common::v1::PAYMENT_STATUS_AUTHORIZED) unsaved = *op;
        // Prices did not change: no second pricing call.
        RETURN_IF_ERROR(RecomputePaid(&order));
        edit.already_priced = true;
        edit.events.push_back(PaymentEvent(c.user_id(), p));
        return absl::OkStatus();
      },
      out);
  if (s.ok() && !out->shipments().empty()) {
    // A payment for a shipped order's balance pays its invoices at once
    // (also on a retry, which finishes what a stopped attempt left).
    ASSIGN_OR_RETURN(*out, invoices_->Settle(req.order_id()));
  }
  if (!s.ok() && !unsaved.payment_id().empty()) {
    absl::Status settled =
        money_->VoidUnsavedPayment(req.order_id(), caller.request_id, unsaved, s);
    if (!settled.ok()) {  // the sweep voids it later
      log::Warning("an authorisation the order did not record is not voided yet",
                   {{"order_id", req.order_id()},
                    {"payment_id", unsaved.payment_id()},
                    {"error", std::string(settled.message())}});
    }
  }
  return s;
}

}  // namespace callcenter::orchestration
