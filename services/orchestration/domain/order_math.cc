#include "services/orchestration/domain/order_math.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "libs/money/money.h"
#include "libs/money/money_proto.h"
#include "libs/priced_line/fingerprint.h"
#include "libs/status/status.h"
#include "services/orchestration/domain/fulfillment.h"

namespace callcenter::orchestration {
namespace {

bool SameMoney(const common::v1::Money& a, const common::v1::Money& b) {
  return a.minor_units() == b.minor_units() && a.currency() == b.currency();
}

// Equal lists, each discount present where the other's is (as a copy
// would leave them).
bool SameDiscounts(const google::protobuf::RepeatedPtrField<common::v1::AppliedDiscount>& a,
                   const google::protobuf::RepeatedPtrField<common::v1::AppliedDiscount>& b) {
  if (a.size() != b.size()) return false;
  for (int i = 0; i < a.size(); ++i) {
    const auto& x = a.Get(i);
    const auto& y = b.Get(i);
    if (x.discount_id() != y.discount_id() || x.name() != y.name() ||
        x.coupon_code() != y.coupon_code() || x.has_amount() != y.has_amount() ||
        !SameMoney(x.amount(), y.amount())) {
      return false;
    }
  }
  return true;
}

bool Counts(common::v1::PaymentStatus s) {
  return s == common::v1::PAYMENT_STATUS_AUTHORIZED ||
         s == common::v1::PAYMENT_STATUS_PARTIALLY_CAPTURED ||
         s == common::v1::PAYMENT_STATUS_CAPTURED ||
         s == common::v1::PAYMENT_STATUS_REFUNDED;  // it paid; the refund was for returns
}

// What a counting payment pays: its amount, or for a CAPTURED one whose
// rest was released, what it took.
int64_t Pays(const common::v1::OrderPayment& p) {
  if (!p.installments().empty()) {
    // Taken with a schedule: all of it but the installments declined
    // (whose balance is due again, DOMAIN 11).
    int64_t declined = 0;
    for (const auto& i : p.installments()) {
      if (i.status() == common::v1::PAYMENT_STATUS_DECLINED) declined += i.amount().minor_units();
    }
    return p.amount().minor_units() - declined;
  }
  if ((p.status() == common::v1::PAYMENT_STATUS_CAPTURED ||
       p.status() == common::v1::PAYMENT_STATUS_REFUNDED) &&
      p.has_captured()) {
    return p.captured().minor_units();
  }
  return p.amount().minor_units();
}

// What the order's counting payments pay, but for `except` (a payment id;
// "" = none): checked sums, never a wrap.
money::Amount PaidBy(const Order& order, const std::string& except = "") {
  money::Amount paid;
  for (const auto& p : order.payments()) {
    if (Counts(p.status()) && (except.empty() || p.payment_id() != except)) paid += Pays(p);
  }
  return paid;
}

}  // namespace

pricing::v1::PriceOrderRequest BuildPriceRequest(const Order& order,
                                                 const order::v1::CallCenter& call_center,
                                                 const order::v1::Customer& customer) {
  pricing::v1::PriceOrderRequest r;
  r.set_currency(order.currency());
  for (const std::string& g : call_center.price_groups()) r.add_call_center_price_groups(g);
  r.set_customer_id(customer.customer_id());
  r.set_customer_price_group(customer.price_group());
  for (const common::v1::OrderLine& line : order.lines()) {
    pricing::v1::PriceLineInput* in = r.add_lines();
    in->set_line_id(line.line_id());
    in->set_product_id(line.product_id());
    in->set_quantity(line.quantity());
    if (line.price_overridden()) *in->mutable_manual_unit_price() = line.unit_price();
  }
  for (const std::string& c : order.coupon_codes()) r.add_coupon_codes(c);
  r.set_delivery_mode(order.delivery_mode());
  *r.mutable_delivery_address() = order.delivery_address();
  r.set_concurrency_model(call_center.concurrency_model());
  if (call_center.price_control_enabled() && call_center.margin_acceptable_bp() > 0) {
    // Margin alerts are part of price control (DOMAIN 11).
    r.set_margin_acceptable_bp(call_center.margin_acceptable_bp());
    r.set_margin_questionable_bp(call_center.margin_questionable_bp());
  }
  return r;
}

void AddPricedFingerprints(const Order& order, pricing::v1::PriceOrderRequest* request) {
  for (int i = 0; i < order.lines_size() && i < request->lines_size(); ++i) {
    request->mutable_lines(i)->set_priced_fingerprint(priced_line::Fingerprint(order.lines(i)));
  }
}

absl::Status ApplyPricing(const pricing::v1::PriceOrderResponse& priced, Order* order) {
  // Most lines keep their prices when one line changes: a field already
  // holding the price is left alone rather than copied again, so repricing
  // a large order allocates only for what changed.
  absl::flat_hash_map<absl::string_view, const pricing::v1::PricedLine*> by_id;
  by_id.reserve(static_cast<size_t>(priced.lines_size()));
  for (const auto& l : priced.lines()) by_id[l.line_id()] = &l;
  // Lines pricing left out priced to the fingerprint we sent: they stand.
  const bool left_out = priced.unchanged_lines() > 0;
  if (left_out && priced.lines_size() + priced.unchanged_lines() != order->lines_size()) {
    return absl::InternalError(absl::StrCat("pricing answered ", priced.lines_size(), " and left out ",
                                            priced.unchanged_lines(), " of ", order->lines_size(),
                                            " lines"));
  }
  for (common::v1::OrderLine& line : *order->mutable_lines()) {
    auto it = by_id.find(line.line_id());
    if (it == by_id.end()) {
      if (left_out) continue;
      return absl::InternalError(absl::StrCat("pricing returned no price for line ", line.line_id()));
    }
    const pricing::v1::PricedLine& p = *it->second;
    if (line.product_name() != p.product_name()) line.set_product_name(p.product_name());
    if (!line.has_base_price() || !SameMoney(line.base_price(), p.base_price()))
      *line.mutable_base_price() = p.base_price();
    if (!line.has_unit_price() || !SameMoney(line.unit_price(), p.unit_price()))
      *line.mutable_unit_price() = p.unit_price();
    if (!line.has_discount() || !SameMoney(line.discount(), p.discount()))
      *line.mutable_discount() = p.discount();
    if (!line.has_net_amount() || !SameMoney(line.net_amount(), p.net_amount()))
      *line.mutable_net_amount() = p.net_amount();
    if (!line.has_tax() || !SameMoney(line.tax(), p.tax())) *line.mutable_tax() = p.tax();
    if (!SameDiscounts(line.discounts(), p.discounts())) *line.mutable_discounts() = p.discounts();
    line.set_margin_bp(p.margin_bp());
    line.set_margin_alert(p.margin_alert());
  }
  *order->mutable_subtotal() = priced.subtotal();
  *order->mutable_discount_total() = priced.discount_total();
  *order->mutable_charges_total() = priced.charges_total();
  *order->mutable_tax_total() = priced.tax_total();
  *order->mutable_total() = priced.total();
  return RecomputePaid(order);
}

bool HasNothingToPrice(const Order& order) {
  return order.lines_size() == 0 && order.delivery_mode().empty();
}

absl::Status ApplyZeroPricing(Order* order) {
  const common::v1::Money zero = MoneyOf(order->currency(), 0);
  *order->mutable_subtotal() = zero;
  *order->mutable_discount_total() = zero;
  *order->mutable_charges_total() = zero;
  *order->mutable_tax_total() = zero;
  *order->mutable_total() = zero;
  return RecomputePaid(order);
}

absl::Status RecomputePaid(Order* order) {
  if (order->status() == common::v1::ORDER_STATUS_DRAFT) {
    // An exchange's return credit pays as much of the total as it can,
    // kept current as the draft changes (DOMAIN 10).
    for (auto& p : *order->mutable_payments()) {
      if (p.method() != common::v1::PAYMENT_METHOD_RETURN_CREDIT ||
          p.status() != common::v1::PAYMENT_STATUS_AUTHORIZED) {
        continue;
      }
      *p.mutable_amount() =
          MoneyOf(order->currency(), std::clamp<int64_t>(order->total().minor_units(), 0,
                                                         order->exchange_credit().minor_units()));
    }
  }
  ASSIGN_OR_RETURN(const int64_t paid_total, PaidBy(*order).Get("paid_total"));
  // Canceled units (a cancellation notice) are no longer owed, nor a
  // return's credit taken off the installments; what their authorisations
  // covered beyond that is released once nothing is open.
  ASSIGN_OR_RETURN(const int64_t owed,
                   (money::Amount(order->total().minor_units()) - CanceledValue(*order) -
                    order->installments_credit().minor_units())
                       .Get("balance_due"));
  const int64_t due = std::max<int64_t>(0, owed - paid_total);
  *order->mutable_paid_total() = MoneyOf(order->currency(), paid_total);
  *order->mutable_balance_due() = MoneyOf(order->currency(), due);
  return absl::OkStatus();
}

absl::Status CheckPaymentsCoverTotal(const Order& order) {
  bool any = false;
  for (const auto& p : order.payments()) any = any || Counts(p.status());
  if (!any) {
    return absl::FailedPreconditionError(
        "payment missing: order completion needs at least one accepted payment before submit");
  }
  if (order.paid_total().minor_units() < order.total().minor_units()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "payment missing: payments cover ", money::Format(order.paid_total().minor_units()), " of ",
        money::Format(order.total().minor_units()), "; ",
        money::Format(order.total().minor_units() - order.paid_total().minor_units()),
        " is still due"));
  }
  return absl::OkStatus();
}

int64_t PendingInstallments(const common::v1::OrderPayment& payment) {
  money::Amount pending;
  for (const auto& i : payment.installments()) {
    if (i.status() == common::v1::PAYMENT_STATUS_PENDING) pending += i.amount().minor_units();
  }
  return pending.Get("installments").value_or(0);
}

std::optional<int64_t> InstallmentsMayStillTake(const Order& order,
                                                const std::string& payment_id, int64_t taken) {
  const int64_t canceled = CanceledValue(order);
  const int64_t credited = order.installments_credit().minor_units();
  if (canceled <= 0 && credited <= 0) return std::nullopt;
  const money::Amount left = money::Amount(order.total().minor_units()) - canceled - credited -
                             taken - PaidBy(order, payment_id);
  // Sums of stored amounts: an overflow would be a corrupt order; it takes nothing.
  return std::max<int64_t>(0, left.Get("installments").value_or(0));
}

void MarkLivePaymentsVoided(Order* order) {
  for (auto& p : *order->mutable_payments()) {
    // A check or gift card taken at submit goes back too while nothing
    // shipped (after a shipment an order is not canceled or undone).
    // So do the installments a payment schedule took (given back by the
    // payment service's void).
    if (p.status() == common::v1::PAYMENT_STATUS_AUTHORIZED ||
        p.status() == common::v1::PAYMENT_STATUS_PENDING ||
        ((TakenAtSubmit(p) || (HasInstallments(p) &&
                               p.status() == common::v1::PAYMENT_STATUS_PARTIALLY_CAPTURED)) &&
         order->shipments_size() == 0)) {
      p.set_status(common::v1::PAYMENT_STATUS_VOIDED);
    }
  }
  // Voiding only lowers what counts: a sum that fit before still fits.
  RecomputePaid(order).IgnoreError();
}

}  // namespace callcenter::orchestration
