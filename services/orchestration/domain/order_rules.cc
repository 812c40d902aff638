#include "services/orchestration/domain/order_rules.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/money/money.h"
#include "libs/money/money_proto.h"
#include "libs/status/status.h"

namespace callcenter::orchestration {

absl::Status RequireDraft(const Order& order) {
  if (order.status() != common::v1::ORDER_STATUS_DRAFT) {
    return absl::FailedPreconditionError(absl::StrCat(
        "order is ", common::v1::OrderStatus_Name(order.status()), "; only a DRAFT order changes"));
  }
  return absl::OkStatus();
}

absl::Status RequireFeature(bool on, const order::v1::CallCenter& call_center, const char* feature,
                            const std::string& refused) {
  if (on) return absl::OkStatus();
  return WithReason(absl::FailedPreconditionError(
                        absl::StrCat(feature, " is switched off for call center ",
                                     call_center.call_center_id(), ": ", refused, " refused")),
                    kReasonFeatureDisabled, {{"feature", feature}});
}

common::v1::OrderLine* FindLine(Order& order, const std::string& line_id) {
  for (auto& line : *order.mutable_lines()) {
    if (line.line_id() == line_id) return &line;
  }
  return nullptr;
}

std::vector<std::string> ProductsOf(const Order& order) {
  std::vector<std::string> out;
  for (const auto& l : order.lines()) out.push_back(l.product_id());
  return out;
}

Order NewDraft(const order::v1::CallCenter& call_center, const order::v1::Customer& customer,
               const std::string& user) {
  Order o;
  o.set_call_center_id(call_center.call_center_id());
  o.set_customer_id(customer.customer_id());
  o.set_status(common::v1::ORDER_STATUS_DRAFT);
  o.set_currency(call_center.currency());
  o.set_created_by(user);
  *o.mutable_financial_dimensions() = call_center.financial_dimensions();
  *o.mutable_delivery_address() = customer.delivery_address();
  return o;
}

OrderEvent OverridePrice(common::v1::OrderLine& line, const common::v1::Money& unit_price,
                         int64_t system_price, const std::string& reason_code,
                         const std::string& user) {
  *line.mutable_unit_price() = unit_price;
  line.set_price_overridden(true);
  line.set_override_reason_code(reason_code);
  return MakeOrderEvent(
      user, common::v1::ORDER_EVENT_KIND_PRICE_OVERRIDDEN,
      absl::StrCat(line.product_id(), ": ", money::Format(system_price), " -> ",
                   money::Format(unit_price.minor_units()), " (", reason_code, ")"));
}

OrderEvent AddLine(Order& order, const std::string& line_id, const std::string& product_id,
                   int32_t quantity, common::v1::LineOrigin origin, const std::string& user) {
  common::v1::OrderLine* line = order.add_lines();
  line->set_line_id(line_id);
  line->set_product_id(product_id);
  line->set_quantity(quantity);
  line->set_origin(origin == common::v1::LINE_ORIGIN_UNSPECIFIED ? common::v1::LINE_ORIGIN_NONE
                                                                 : origin);
  std::string from;
  if (line->origin() != common::v1::LINE_ORIGIN_NONE) {
    from = absl::StrCat(" from a prompt (", common::v1::LineOrigin_Name(line->origin()), ")");
  }
  return MakeOrderEvent(user, common::v1::ORDER_EVENT_KIND_LINE_ADDED,
                        absl::StrCat(quantity, " x ", product_id, from));
}

absl::StatusOr<OrderEvent> ChangeQuantity(Order& order, const std::string& line_id,
                                          int32_t quantity, const std::string& user) {
  common::v1::OrderLine* line = FindLine(order, line_id);
  if (line == nullptr) return absl::NotFoundError(absl::StrCat("line ", line_id, " not found"));
  OrderEvent e =
      MakeOrderEvent(user, common::v1::ORDER_EVENT_KIND_QUANTITY_CHANGED,
                     absl::StrCat(line->product_id(), ": ", line->quantity(), " -> ", quantity));
  line->set_quantity(quantity);
  return e;
}

absl::StatusOr<OrderEvent> RemoveLine(Order& order, const std::string& line_id,
                                      const std::string& user) {
  auto* lines = order.mutable_lines();
  for (int i = 0; i < lines->size(); ++i) {
    if (lines->Get(i).line_id() == line_id) {
      OrderEvent e = MakeOrderEvent(user, common::v1::ORDER_EVENT_KIND_LINE_REMOVED,
                                    lines->Get(i).product_id());
      lines->DeleteSubrange(i, 1);
      return e;
    }
  }
  return absl::NotFoundError(absl::StrCat("line ", line_id, " not found"));
}

std::vector<OrderEvent> AddFreeSourceLines(Order& order, const std::string& source_code,
                                           const std::vector<std::string>& free_product_ids,
                                           const std::function<std::string()>& new_line_id,
                                           const std::string& user) {
  std::vector<OrderEvent> events;
  std::set<std::string> on_order;
  for (const auto& l : order.lines()) on_order.insert(l.product_id());
  for (const std::string& product : free_product_ids) {
    if (!on_order.insert(product).second) continue;  // once each
    common::v1::OrderLine* line = order.add_lines();
    line->set_line_id(new_line_id());
    line->set_product_id(product);
    line->set_quantity(1);
    line->mutable_unit_price()->set_currency(order.currency());
    line->set_price_overridden(true);
    line->set_override_reason_code("FREE_WITH_SOURCE_CODE");
    line->set_origin(common::v1::LINE_ORIGIN_NONE);
    events.push_back(
        MakeOrderEvent(user, common::v1::ORDER_EVENT_KIND_LINE_ADDED,
                       absl::StrCat("1 x ", product, " free with source code ", source_code)));
  }
  return events;
}

absl::Status CheckDelivery(const order::v1::CallCenter& call_center, const std::string& mode,
                           const common::v1::Address* address) {
  bool allowed = false;
  for (const auto& m : call_center.delivery_modes()) allowed = allowed || m == mode;
  if (!allowed) {
    return InvalidField("delivery_mode",
                        absl::StrCat("\"", mode, "\" is not a delivery mode of this call center"));
  }
  if (address != nullptr && !address->country().empty() && address->country().size() != 2) {
    return InvalidField("address.country", "must be an ISO 3166 alpha-2 code");
  }
  return absl::OkStatus();
}

bool HasCoupon(const Order& order, const std::string& code) {
  for (const auto& c : order.coupon_codes()) {
    if (c == code) return true;
  }
  return false;
}

namespace {

// DOMAIN 5: a payment above the balance due is refused, naming both.
absl::Status AboveBalance(const char* field, int64_t amount, int64_t due) {
  return WithReason(
      InvalidField(field, absl::StrCat("the payment of ", money::Format(amount),
                                       " is above the balance due of ", money::Format(due),
                                       "; an order is never overpaid")),
      "PAYMENT_EXCEEDS_BALANCE",
      {{"amount", absl::StrCat(amount)}, {"balance_due", absl::StrCat(due)}});
}

}  // namespace

absl::StatusOr<int64_t> PaymentAmount(const Order& order, const common::v1::Money* amount,
                                      int32_t percent_bp) {
  const int64_t due = order.balance_due().minor_units();
  if (percent_bp != 0) {
    if (amount != nullptr) {
      return InvalidField("percent_of_total_bp",
                          "give either amount or percent_of_total_bp, not both");
    }
    if (percent_bp < 1 || percent_bp > 10000) {
      return InvalidField("percent_of_total_bp", "must be 1 to 10000 (0.01% to 100%)");
    }
    const int64_t share = money::PercentOf(order.total().minor_units(), percent_bp);
    if (share <= 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("percent_of_total_bp: ", percent_bp, " bp of the order total ",
                       money::Format(order.total().minor_units()), " is nothing to pay"));
    }
    if (share > due) return AboveBalance("percent_of_total_bp", share, due);
    return share;
  }
  if (amount != nullptr) {
    if (amount->currency() != order.currency()) {
      return InvalidField("amount.currency",
                          absl::StrCat("must be the order's currency ", order.currency()));
    }
    if (amount->minor_units() <= 0) return InvalidField("amount", "must be > 0");
    if (amount->minor_units() > due) return AboveBalance("amount", amount->minor_units(), due);
    return amount->minor_units();
  }
  if (due <= 0) return absl::FailedPreconditionError("nothing is due on this order");
  return due;
}

bool HasOpenHold(const Order& order) {
  for (const auto& h : order.holds()) {
    if (h.open()) return true;
  }
  return false;
}

bool HasOpenHoldOf(const Order& order, const std::string& hold_code) {
  for (const auto& h : order.holds()) {
    if (h.open() && h.hold_code() == hold_code) return true;
  }
  return false;
}

common::v1::OrderStatus SubmitOutcome(const Order& order) {
  return HasOpenHold(order) ? common::v1::ORDER_STATUS_ON_HOLD : common::v1::ORDER_STATUS_CONFIRMED;
}

absl::Status CheckMayPayBalanceDue(const Order& order) {
  const auto st = order.status();
  if (st != common::v1::ORDER_STATUS_CONFIRMED &&
      st != common::v1::ORDER_STATUS_PARTIALLY_SHIPPED && st != common::v1::ORDER_STATUS_SHIPPED) {
    return absl::FailedPreconditionError(absl::StrCat("order is ", common::v1::OrderStatus_Name(st),
                                                      ": payments are taken on a draft, or for "
                                                      "a balance due once confirmed or shipped"));
  }
  if (order.balance_due().minor_units() <= 0) {
    return WithReason(absl::FailedPreconditionError(absl::StrCat(
                          "order is ", common::v1::OrderStatus_Name(st), " with no balance due")),
                      "NO_BALANCE_DUE");
  }
  return absl::OkStatus();
}

absl::Status RequireCallCenterUser(const order::v1::GetOrderContextResponse& data,
                                   const std::string& user_id) {
  if (!data.has_user()) {
    return absl::PermissionDeniedError(
        absl::StrCat("user ", user_id, " is not a call-center user"));
  }
  return absl::OkStatus();
}

absl::Status RequireUserOfOrdersCallCenter(const order::v1::GetOrderContextResponse& data,
                                           const std::string& user_id, const char* what) {
  RETURN_IF_ERROR(RequireCallCenterUser(data, user_id));
  if (data.user().call_center_id() != data.order().call_center_id()) {
    return WithReason(absl::PermissionDeniedError(absl::StrCat(
                          "user ", user_id, " is not a user of call center ",
                          data.order().call_center_id(), ", which the ", what, " belongs to")),
                      "OTHER_CALL_CENTER");
  }
  return absl::OkStatus();
}

absl::Status RequireFulfilmentUser(const order::v1::CallCenterUser& user) {
  if (!user.may_record_fulfillment()) {
    return absl::PermissionDeniedError(absl::StrCat(
        "user ", user.user_id(), " may not record fulfilment (may_record_fulfillment)"));
  }
  return absl::OkStatus();
}

absl::Status CheckMayHold(const Order& order) {
  if (order.status() == common::v1::ORDER_STATUS_CANCELED ||
      order.status() == common::v1::ORDER_STATUS_UNSPECIFIED) {
    return absl::FailedPreconditionError(absl::StrCat(
        "order is ", common::v1::OrderStatus_Name(order.status()), " and cannot be put on hold"));
  }
  return absl::OkStatus();
}

absl::Status CheckMayCancel(const Order& order, const order::v1::CallCenterUser& user) {
  if (!user.may_cancel()) {
    return absl::PermissionDeniedError(
        absl::StrCat("user ", user.user_id(), " may not cancel orders (may_cancel)"));
  }
  if (order.status() != common::v1::ORDER_STATUS_DRAFT &&
      order.status() != common::v1::ORDER_STATUS_ON_HOLD) {
    return absl::FailedPreconditionError(absl::StrCat(
        "order is ", common::v1::OrderStatus_Name(order.status()), " and cannot be cancelled"));
  }
  return absl::OkStatus();
}

std::vector<order::v1::ContinuitySchedule> PlanContinuity(
    const pricing::v1::PriceOrderResponse& priced, const Order& order, const std::string& today) {
  std::string token, last4;
  for (const auto& p : order.payments()) {
    if (p.method() == common::v1::PAYMENT_METHOD_CARD &&
        p.status() == common::v1::PAYMENT_STATUS_AUTHORIZED) {
      last4 = p.last4();
      token = p.payment_id();  // the payment whose stored token pays the children
    }
  }
  std::vector<order::v1::ContinuitySchedule> out;
  for (const auto& line : priced.lines()) {
    if (!line.has_continuity()) continue;
    order::v1::ContinuitySchedule s;
    s.set_product_id(line.continuity().product_id().empty() ? line.product_id()
                                                            : line.continuity().product_id());
    s.set_quantity(line.quantity());
    *s.mutable_price() =
        line.continuity().has_price() ? line.continuity().price() : line.net_amount();
    s.set_interval_days(line.continuity().interval_days());
    s.set_repeats(line.continuity().repeats());
    s.set_start_date(today);
    s.set_payment_token(token);
    s.set_payment_last4(last4);
    out.push_back(std::move(s));
  }
  return out;
}

// ---------------------------------------------------------- selling controls

namespace {
constexpr char kReasonMarginBlocked[] = "MARGIN_BLOCKED";

// 2857 -> "28.57 %", -50 -> "-0.50 %".
std::string MarginText(const common::v1::OrderLine& line) {
  const int64_t bp = line.margin_bp();
  const int64_t magnitude = bp < 0 ? -bp : bp;
  return absl::StrFormat("%s%d.%02d %%", bp < 0 ? "-" : "", magnitude / 100, magnitude % 100);
}
}  // namespace

absl::Status CheckNoBlockedMargin(const Order& order) {
  for (const auto& line : order.lines()) {
    if (line.margin_alert() != common::v1::MARGIN_ALERT_BLOCKED) continue;
    return WithReason(
        absl::FailedPreconditionError(absl::StrCat(
            "line ", line.line_id(), " (", line.product_id(), ") has a margin of ",
            MarginText(line),
            ", below the call center's questionable margin: raise its price or remove it "
            "before submitting")),
        kReasonMarginBlocked, {{"line_id", line.line_id()}});
  }
  return absl::OkStatus();
}

absl::Status CheckOverrideMargin(const common::v1::OrderLine& line) {
  if (line.margin_alert() != common::v1::MARGIN_ALERT_BLOCKED) return absl::OkStatus();
  return WithReason(absl::FailedPreconditionError(absl::StrCat(
                        "unit_price ", money::Format(line.unit_price().minor_units()),
                        " leaves line ", line.line_id(), " a margin of ", MarginText(line),
                        ", below the call center's questionable margin")),
                    kReasonMarginBlocked, {{"line_id", line.line_id()}});
}

absl::Status CheckInstallmentsAllowed(const Order& order, common::v1::PaymentMethod method,
                                      const std::string& schedule_id,
                                      const std::vector<std::string>& offered,
                                      const order::v1::Customer& customer,
                                      const std::vector<std::string>& ineligible_products) {
  if (method != common::v1::PAYMENT_METHOD_CARD &&
      method != common::v1::PAYMENT_METHOD_ON_ACCOUNT) {
    return InvalidField("method", "installment billing (schedule_id) takes CARD or ON_ACCOUNT");
  }
  auto refused = [](std::string why) {
    return WithReason(absl::FailedPreconditionError(std::move(why)), "INSTALLMENTS_NOT_ALLOWED");
  };
  if (order.status() != common::v1::ORDER_STATUS_DRAFT) {
    return refused("installment billing is chosen before submit: the order is no longer a draft");
  }
  if (std::find(offered.begin(), offered.end(), schedule_id) == offered.end()) {
    return refused(order.source_code().empty()
                       ? absl::StrCat("payment schedule ", schedule_id,
                                      " needs a source code offering it; the order has none")
                       : absl::StrCat("source code ", order.source_code(),
                                      " does not offer payment schedule ", schedule_id));
  }
  if (!customer.installment_eligible()) {
    return refused(absl::StrCat("customer ", customer.customer_id(),
                                " is not eligible for installment billing"));
  }
  if (!ineligible_products.empty()) {
    return refused(absl::StrCat("product ", ineligible_products.front(),
                                " is not eligible for installment billing"));
  }
  return absl::OkStatus();
}

const common::v1::OrderPayment* CheckNeedingHold(const Order& order,
                                                 const order::v1::CallCenter& call_center) {
  const int64_t threshold = call_center.check_hold_threshold().minor_units();
  if (threshold <= 0) return nullptr;
  for (const auto& p : order.payments()) {
    const bool accepted = p.status() == common::v1::PAYMENT_STATUS_AUTHORIZED ||
                          p.status() == common::v1::PAYMENT_STATUS_CAPTURED;
    if (p.method() == common::v1::PAYMENT_METHOD_CHECK && accepted &&
        p.amount().minor_units() >= threshold) {
      return &p;
    }
  }
  return nullptr;
}

}  // namespace callcenter::orchestration
