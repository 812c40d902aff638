#include "services/orchestration/domain/returns.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "libs/money/money.h"
#include "libs/money/money_proto.h"
#include "libs/status/status.h"
#include "services/orchestration/domain/fulfillment.h"
#include "services/orchestration/domain/order_math.h"

namespace callcenter::orchestration {
namespace {

using common::v1::OrderLine;
using common::v1::PaymentMethod;

const OrderLine* LineOf(const Order& order, const std::string& line_id) {
  for (const OrderLine& l : order.lines()) {
    if (l.line_id() == line_id) return &l;
  }
  return nullptr;
}

int64_t Captured(const common::v1::OrderPayment& p) {
  return p.has_captured() ? p.captured().minor_units() : 0;
}

int64_t CanRefund(const common::v1::OrderPayment& p) {
  if (p.method() == common::v1::PAYMENT_METHOD_RETURN_CREDIT) return 0;
  return std::max<int64_t>(0, Captured(p) - p.refunded().minor_units());
}

// The payments that paid the order: every one that captured something.
std::vector<const common::v1::OrderPayment*> Paying(const Order& order) {
  std::vector<const common::v1::OrderPayment*> paying;
  for (const auto& p : order.payments()) {
    if (p.method() != common::v1::PAYMENT_METHOD_RETURN_CREDIT && Captured(p) > 0) {
      paying.push_back(&p);
    }
  }
  return paying;
}

}  // namespace

int64_t ReturnedUnitsCredit(const OrderLine& line, int32_t returned_before, int32_t units) {
  const int32_t from = line.shipped_quantity() - returned_before - units;
  return UnitsShare(line.net_amount().minor_units(), line.quantity(), from, units) +
         UnitsShare(line.tax().minor_units(), line.quantity(), from, units);
}

const order::v1::ReturnReason* FindReturnReason(const order::v1::CallCenter& call_center,
                                                const std::string& code) {
  for (const auto& r : call_center.return_reasons()) {
    if (r.reason_code() == code) return &r;
  }
  return nullptr;
}

int64_t ReturnCharge(const order::v1::ReturnReason& reason, int64_t credit) {
  money::Amount charge = money::Amount(credit).Percent(reason.charge_bp());
  charge += reason.charge_amount().minor_units();
  const int64_t c = charge.Get("charge").value_or(credit);
  return std::clamp<int64_t>(c, 0, std::max<int64_t>(credit, 0));
}

absl::StatusOr<ReturnOrder> PlanReturn(const Order& order, const order::v1::CallCenter& call_center,
                                       const v1::StartReturnRequest& request) {
  if (order.status() != common::v1::ORDER_STATUS_PARTIALLY_SHIPPED &&
      order.status() != common::v1::ORDER_STATUS_SHIPPED) {
    return WithReason(
        absl::FailedPreconditionError(absl::StrCat("order ", order.order_id(), " is ",
                                                   common::v1::OrderStatus_Name(order.status()),
                                                   ": only shipped lines can be returned")),
        "NOT_SHIPPED");
  }
  const order::v1::ReturnReason* reason = FindReturnReason(call_center, request.reason_code());
  if (reason == nullptr) {
    return InvalidField("reason_code",
                        absl::StrCat("\"", request.reason_code(), "\" is not one of call center ",
                                     call_center.call_center_id(), "'s return reasons"));
  }
  if (request.lines().empty()) return InvalidField("lines", "at least one line to return");
  ReturnOrder ret;
  ret.set_order_id(order.order_id());
  ret.set_customer_id(order.customer_id());
  ret.set_call_center_id(order.call_center_id());
  ret.set_reason_code(request.reason_code());
  std::map<std::string, bool> named;
  money::Amount credit;
  bool awaits_goods = false;
  for (int i = 0; i < request.lines_size(); ++i) {
    const v1::ReturnLineRequest& r = request.lines(i);
    const std::string field = absl::StrCat("lines[", i, "]");
    const OrderLine* line = LineOf(order, r.line_id());
    if (line == nullptr) {
      return absl::NotFoundError(
          absl::StrCat("line ", r.line_id(), " is not on order ", order.order_id()));
    }
    if (!named.emplace(r.line_id(), true).second) {
      return InvalidField(absl::StrCat(field, ".line_id"), "each line at most once per return");
    }
    if (r.disposition() == v1::DISPOSITION_UNSPECIFIED ||
        !v1::Disposition_IsValid(r.disposition())) {
      return InvalidField(absl::StrCat(field, ".disposition"),
                          "required: CREDIT_ONLY, CREDIT or REPLACE");
    }
    if (r.quantity() < 1) return InvalidField(absl::StrCat(field, ".quantity"), "must be >= 1");
    const int32_t returnable = line->shipped_quantity() - line->returned_quantity();
    if (r.quantity() > returnable) {
      return WithReason(
          absl::FailedPreconditionError(absl::StrCat("line ", r.line_id(), " has ", returnable,
                                                     " units to return (", line->shipped_quantity(),
                                                     " shipped, ", line->returned_quantity(),
                                                     " returned), not ", r.quantity())),
          line->shipped_quantity() == 0 ? "LINE_NOT_SHIPPED" : "QUANTITY_NOT_RETURNABLE");
    }
    v1::ReturnLine* l = ret.add_lines();
    l->set_line_id(r.line_id());
    l->set_product_id(line->product_id());
    l->set_quantity(r.quantity());
    l->set_disposition(r.disposition());
    const int64_t line_credit = ReturnedUnitsCredit(*line, line->returned_quantity(), r.quantity());
    *l->mutable_credit() = MoneyOf(order.currency(), line_credit);
    credit += line_credit;
    awaits_goods = awaits_goods || r.disposition() != v1::DISPOSITION_CREDIT_ONLY;
  }
  ASSIGN_OR_RETURN(const int64_t gross, credit.Get("credit"));
  const int64_t charge = ReturnCharge(*reason, gross);
  *ret.mutable_charge() = MoneyOf(order.currency(), charge);
  *ret.mutable_computed_credit() = MoneyOf(order.currency(), gross - charge);
  *ret.mutable_credit_total() = ret.computed_credit();
  *ret.mutable_refunded() = MoneyOf(order.currency(), 0);
  ret.set_status(awaits_goods ? v1::RETURN_STATUS_AWAITING_RECEIPT : v1::RETURN_STATUS_RECEIVED);
  return ret;
}

void BookReturnedUnits(Order& order, const ReturnOrder& ret, int sign) {
  for (const v1::ReturnLine& r : ret.lines()) {
    for (OrderLine& l : *order.mutable_lines()) {
      if (l.line_id() == r.line_id()) {
        l.set_returned_quantity(l.returned_quantity() + sign * r.quantity());
      }
    }
  }
  auto* ids = order.mutable_return_ids();
  if (std::find(ids->begin(), ids->end(), ret.return_id()) == ids->end()) {
    order.add_return_ids(ret.return_id());
  }
}

absl::Status CheckCreditAdjustment(int64_t computed, int64_t requested, int32_t max_bp,
                                   const std::string& user_id) {
  if (requested < 0) return InvalidField("credit", "must be >= 0");
  const int64_t allowed = money::PercentOf(computed, max_bp);
  const int64_t change = requested > computed ? requested - computed : computed - requested;
  if (change > allowed) {
    return WithReason(
        absl::PermissionDeniedError(absl::StrCat(
            "user ", user_id, " may adjust this return's credit of ", money::Format(computed),
            " by at most ", money::Format(allowed), " (credit_adjustment_max_bp ", max_bp,
            "), not to ", money::Format(requested))),
        "CREDIT_ADJUSTMENT_EXCEEDED");
  }
  return absl::OkStatus();
}

namespace {

bool NothingReceived(const ReturnOrder& ret) {
  for (const auto& l : ret.lines()) {
    if (l.received_quantity() > 0) return false;
  }
  return true;
}

absl::Status WrongState(const ReturnOrder& ret, const char* what) {
  return WithReason(
      absl::FailedPreconditionError(absl::StrCat("return ", ret.return_id(), " is ",
                                                 v1::ReturnStatus_Name(ret.status()), ": ", what)),
      "RETURN_STATE");
}

}  // namespace

absl::Status CheckMayCancelReturn(const ReturnOrder& ret) {
  const bool waiting = ret.status() == v1::RETURN_STATUS_AWAITING_RECEIPT ||
                       ret.status() == v1::RETURN_STATUS_PENDING_APPROVAL;
  if (!waiting || !NothingReceived(ret) || ret.refunds_size() > 0) {
    return WrongState(ret, "a return can be canceled only while nothing was received or refunded");
  }
  return absl::OkStatus();
}

absl::Status CheckMayAdjustReturn(const ReturnOrder& ret) {
  if (ret.status() != v1::RETURN_STATUS_AWAITING_RECEIPT &&
      ret.status() != v1::RETURN_STATUS_PENDING_APPROVAL) {
    return WrongState(ret, "its credit can be adjusted only before it is refunded");
  }
  return absl::OkStatus();
}

absl::StatusOr<int32_t> ReceiveReturnedUnits(
    ReturnOrder& ret, const google::protobuf::RepeatedPtrField<common::v1::ShipmentLine>& lines) {
  if (ret.status() != v1::RETURN_STATUS_AWAITING_RECEIPT) {
    return WrongState(ret, "it awaits no goods");
  }
  if (lines.empty()) return InvalidField("lines", "at least one line received");
  int32_t units = 0;
  std::map<std::string, int32_t> receiving;
  for (int i = 0; i < lines.size(); ++i) {
    const std::string field = absl::StrCat("lines[", i, "]");
    if (lines[i].quantity() < 1)
      return InvalidField(absl::StrCat(field, ".quantity"), "must be >= 1");
    receiving[lines[i].line_id()] += lines[i].quantity();
  }
  for (const auto& [line_id, quantity] : receiving) {
    v1::ReturnLine* line = nullptr;
    for (auto& l : *ret.mutable_lines()) {
      if (l.line_id() == line_id) line = &l;
    }
    if (line == nullptr) {
      return absl::NotFoundError(
          absl::StrCat("line ", line_id, " is not on return ", ret.return_id()));
    }
    if (line->disposition() == v1::DISPOSITION_CREDIT_ONLY) {
      return InvalidField(
          "lines", absl::StrCat("line ", line_id, " is CREDIT_ONLY: no goods come back for it"));
    }
    const int32_t left = line->quantity() - line->received_quantity();
    if (quantity > left) {
      return WithReason(
          absl::FailedPreconditionError(absl::StrCat("line ", line_id, " has ", left,
                                                     " units still to receive, not ", quantity)),
          "QUANTITY_NOT_EXPECTED");
    }
    line->set_received_quantity(line->received_quantity() + quantity);
    units += quantity;
  }
  bool all = true;
  for (const auto& l : ret.lines()) {
    if (l.disposition() != v1::DISPOSITION_CREDIT_ONLY && l.received_quantity() < l.quantity()) {
      all = false;
    }
  }
  if (all) ret.set_status(v1::RETURN_STATUS_RECEIVED);
  return units;
}

int64_t Refundable(const Order& order) {
  money::Amount total;
  for (const auto& p : order.payments()) total += CanRefund(p);
  return total.Get("refundable").value_or(0);
}

PaymentMethod RefundMethodFor(const Order& order, const order::v1::CallCenter& call_center) {
  const std::vector<const common::v1::OrderPayment*> paying = Paying(order);
  if (paying.size() == 1 && (paying[0]->method() == common::v1::PAYMENT_METHOD_CARD ||
                             paying[0]->method() == common::v1::PAYMENT_METHOD_GIFT_CARD)) {
    return paying[0]->method();
  }
  return call_center.refund_method() == common::v1::PAYMENT_METHOD_ON_ACCOUNT
             ? common::v1::PAYMENT_METHOD_ON_ACCOUNT
             : common::v1::PAYMENT_METHOD_CHECK;
}

std::vector<v1::ReturnRefund> PlanRefunds(Order& order, int64_t amount, PaymentMethod method) {
  std::vector<v1::ReturnRefund> refunds;
  int64_t left = std::min(amount, Refundable(order));
  for (int i = order.payments_size() - 1; i >= 0 && left > 0; --i) {
    common::v1::OrderPayment& p = *order.mutable_payments(i);
    const int64_t take = std::min(left, CanRefund(p));
    if (take <= 0) continue;
    if (method == common::v1::PAYMENT_METHOD_CARD ||
        method == common::v1::PAYMENT_METHOD_GIFT_CARD) {
      if (p.method() != method) continue;  // to a card or gift card: only its own payment
    }
    left -= take;
    *p.mutable_refunded() = MoneyOf(order.currency(), p.refunded().minor_units() + take);
    if (p.status() == common::v1::PAYMENT_STATUS_CAPTURED && CanRefund(p) == 0) {
      p.set_status(common::v1::PAYMENT_STATUS_REFUNDED);
    }
    v1::ReturnRefund& r = refunds.emplace_back();
    r.set_payment_id(p.payment_id());
    r.set_method(method);
    *r.mutable_amount() = MoneyOf(order.currency(), take);
  }
  return refunds;
}

int64_t CreditInstallments(Order& order, int64_t amount) {
  if (amount <= 0) return 0;
  money::Amount still_due;
  bool scheduled = false;
  for (const auto& p : order.payments()) {
    if (!HasInstallments(p) || p.status() == common::v1::PAYMENT_STATUS_VOIDED) continue;
    scheduled = true;
    if (p.status() != common::v1::PAYMENT_STATUS_AUTHORIZED &&
        p.status() != common::v1::PAYMENT_STATUS_PARTIALLY_CAPTURED) {
      continue;  // nothing left to take
    }
    const int64_t planned = PendingInstallments(p);
    const std::optional<int64_t> may = InstallmentsMayStillTake(order, p.payment_id(), Captured(p));
    still_due += may ? std::min(planned, *may) : planned;
  }
  // A declined installment's amount is due again (the balance due): the
  // customer owes that less too.
  if (scheduled) still_due += std::max<int64_t>(0, order.balance_due().minor_units());
  const int64_t off = std::min(amount, still_due.Get("installments").value_or(0));
  if (off <= 0) return 0;
  *order.mutable_installments_credit() =
      MoneyOf(order.currency(), order.installments_credit().minor_units() + off);
  return off;
}

bool NeedsApproval(const order::v1::CallCenter& call_center, int64_t amount) {
  const int64_t threshold = call_center.refund_approval_threshold().minor_units();
  return threshold > 0 && amount >= threshold;
}

bool IsOpen(const ReturnOrder& ret) {
  if (ret.status() == v1::RETURN_STATUS_DECLINED || ret.status() == v1::RETURN_STATUS_CANCELED) {
    return false;
  }
  if (ret.status() != v1::RETURN_STATUS_REFUNDED) return true;
  for (const auto& r : ret.refunds()) {
    if (!r.done()) return true;
  }
  return false;
}

absl::StatusOr<std::vector<ReturnOrder>> ParseReturns(
    const google::protobuf::RepeatedPtrField<order::v1::StoredReturn>& stored) {
  std::vector<ReturnOrder> out;
  for (const auto& s : stored) {
    if (!out.emplace_back().ParseFromString(s.record())) {
      return absl::DataLossError(absl::StrCat("return ", s.return_id(), " is unreadable"));
    }
  }
  return out;
}

order::v1::StoredReturn StoreReturn(const ReturnOrder& ret) {
  order::v1::StoredReturn s;
  s.set_return_id(ret.return_id());
  s.set_record(ret.SerializeAsString());
  s.set_open(IsOpen(ret));
  return s;
}

absl::StatusOr<int64_t> PriceMatchCredit(const Order& order,
                                         const order::v1::CallCenter& call_center,
                                         const OrderLine& line, int64_t new_price) {
  if (line.shipped_quantity() <= 0) {
    return WithReason(
        absl::FailedPreconditionError(absl::StrCat("line ", line.line_id(),
                                                   " has not shipped: a price match is made on "
                                                   "shipped units")),
        "LINE_NOT_SHIPPED");
  }
  const int64_t invoiced =
      line.has_matched_unit_price()
          ? line.matched_unit_price().minor_units()
          : money::DivideRounded(line.net_amount().minor_units(), std::max(line.quantity(), 1));
  if (new_price < 0 || new_price >= invoiced) {
    return InvalidField("unit_price",
                        absl::StrCat("a price match must be below the invoiced unit price of ",
                                     money::Format(invoiced), ", not ", money::Format(new_price)));
  }
  ASSIGN_OR_RETURN(const int64_t credit,
                   (money::Amount(invoiced - new_price) * line.shipped_quantity()).Get("credit"));
  ASSIGN_OR_RETURN(const int64_t total,
                   (money::Amount(order.credits_total().minor_units()) + credit).Get("credit"));
  const int64_t max = call_center.max_order_credit().minor_units();
  if (total > max) {
    return WithReason(absl::FailedPreconditionError(absl::StrCat(
                          "a credit of ", money::Format(credit), " would bring order ",
                          order.order_id(), "'s price-match credits to ", money::Format(total),
                          ", above the call center's max_order_credit of ", money::Format(max))),
                      "MAX_ORDER_CREDIT_EXCEEDED");
  }
  return credit;
}

}  // namespace callcenter::orchestration
