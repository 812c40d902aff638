#include "services/pricing/domain/engine.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/money/money.h"
#include "libs/status/status.h"

namespace callcenter::pricing {
namespace {

using common::v1::Money;

Money Make(const std::string& currency, int64_t minor) {
  Money m;
  m.set_currency(currency);
  m.set_minor_units(minor);
  return m;
}

absl::Status CheckMoney(const Money& m, const std::string& field, bool positive) {
  if (m.currency().size() != 3) return InvalidField(field, "currency must be an ISO 4217 code");
  if (positive ? m.minor_units() <= 0 : m.minor_units() < 0) {
    return InvalidField(field, positive ? "must be > 0" : "must be >= 0");
  }
  return absl::OkStatus();
}

bool ValidDate(const std::string& d) {
  if (d.empty()) return true;
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (d[i] < '0' || d[i] > '9') return false;
  }
  return true;
}

// The tax rate for an address: the longest matching postal prefix, else the
// country's rate, else none.
int32_t TaxRateFor(const Snapshot& s, const common::v1::Address& address) {
  int32_t rate = 0;
  size_t best_prefix = 0;
  bool have_prefix = false;
  int32_t country_rate = 0;
  for (const v1::TaxRate& t : s.tax_rates) {
    if (!t.postal_prefix().empty()) {
      if (absl::StartsWith(address.postal_code(), t.postal_prefix()) &&
          t.postal_prefix().size() > best_prefix) {
        best_prefix = t.postal_prefix().size();
        rate = t.rate_bp();
        have_prefix = true;
      }
    } else if (!t.country().empty() && t.country() == address.country()) {
      country_rate = t.rate_bp();
    }
  }
  return have_prefix ? rate : country_rate;
}

}  // namespace

absl::StatusOr<v1::PriceOrderResponse> PriceOrder(const Snapshot& snapshot,
                                                  const v1::PriceOrderRequest& request) {
  const std::string& currency = request.currency();
  if (currency.size() != 3) return InvalidField("currency", "must be an ISO 4217 code");
  if (request.coupon_codes_size() > 0) {
    return absl::UnimplementedError("coupon_codes: coupons are not priced yet");
  }
  v1::PriceOrderResponse out;
  int64_t subtotal = 0, discount_total = 0;
  for (int i = 0; i < request.lines_size(); ++i) {
    const v1::PriceLineInput& in = request.lines(i);
    if (in.quantity() <= 0) {
      return InvalidField(absl::StrCat("lines[", i, "].quantity"), "must be > 0");
    }
    auto it = snapshot.products.find(in.product_id());
    if (it == snapshot.products.end()) {
      return absl::NotFoundError(absl::StrCat("product \"", in.product_id(), "\" not found"));
    }
    const v1::Product& product = it->second;
    if (product.base_price().currency() != currency) {
      return absl::FailedPreconditionError(absl::StrCat(
          "product ", product.product_id(), " is priced in ", product.base_price().currency(),
          ", the order in ", currency));
    }
    v1::PricedLine* line = out.add_lines();
    line->set_line_id(in.line_id());
    line->set_product_id(in.product_id());
    line->set_product_name(product.name());
    line->set_quantity(in.quantity());
    *line->mutable_base_price() = product.base_price();
    int64_t unit = product.base_price().minor_units();
    if (in.has_manual_unit_price()) {
      unit = in.manual_unit_price().minor_units();
      line->set_price_overridden(true);
    }
    *line->mutable_unit_price() = Make(currency, unit);
    const int64_t gross = unit * in.quantity();
    *line->mutable_discount() = Make(currency, 0);
    *line->mutable_net_amount() = Make(currency, gross);
    subtotal += gross;
  }
  const int64_t net = subtotal - discount_total;

  int64_t charges = 0;
  if (!request.delivery_mode().empty()) {
    auto it = snapshot.delivery_charges.find(request.delivery_mode());
    if (it != snapshot.delivery_charges.end()) {
      const v1::ChargeTier* tier = nullptr;
      for (const v1::ChargeTier& t : it->second.tiers()) {
        if (net >= t.from_amount().minor_units()) tier = &t;  // tiers increase
      }
      if (tier != nullptr) {
        charges = tier->percent_bp() > 0 ? money::PercentOf(net, tier->percent_bp())
                                         : tier->amount().minor_units();
      }
    }
  }

  const int32_t tax_bp = TaxRateFor(snapshot, request.delivery_address());
  int64_t tax = 0;
  for (v1::PricedLine& line : *out.mutable_lines()) {
    const int64_t line_tax = money::PercentOf(line.net_amount().minor_units(), tax_bp);
    *line.mutable_tax() = Make(currency, line_tax);
    tax += line_tax;
  }
  tax += money::PercentOf(charges, tax_bp);

  *out.mutable_subtotal() = Make(currency, subtotal);
  *out.mutable_discount_total() = Make(currency, discount_total);
  *out.mutable_threshold_discount_total() = Make(currency, 0);
  *out.mutable_charges_total() = Make(currency, charges);
  *out.mutable_tax_total() = Make(currency, tax);
  *out.mutable_total() = Make(currency, subtotal - discount_total + charges + tax);
  return out;
}

absl::Status ValidateProduct(const v1::Product& p) {
  if (p.product_id().empty()) return InvalidField("product.product_id", "required");
  if (p.name().empty()) return InvalidField("product.name", "required");
  RETURN_IF_ERROR(CheckMoney(p.base_price(), "product.base_price", false));
  if (p.has_unit_cost()) {
    RETURN_IF_ERROR(CheckMoney(p.unit_cost(), "product.unit_cost", false));
    if (p.unit_cost().currency() != p.base_price().currency()) {
      return InvalidField("product.unit_cost", "currency differs from base_price");
    }
  }
  if (p.has_continuity()) {
    if (p.continuity().interval_days() <= 0) {
      return InvalidField("product.continuity.interval_days", "must be > 0");
    }
    if (p.continuity().repeats() <= 0) return InvalidField("product.continuity.repeats", "must be > 0");
  }
  return absl::OkStatus();
}

absl::Status ValidateDeliveryCharge(const v1::DeliveryCharge& c) {
  if (c.delivery_mode().empty()) return InvalidField("delivery_charge.delivery_mode", "required");
  int64_t previous = -1;
  for (int i = 0; i < c.tiers_size(); ++i) {
    const v1::ChargeTier& t = c.tiers(i);
    const std::string field = absl::StrCat("delivery_charge.tiers[", i, "]");
    if (t.from_amount().minor_units() <= previous) {
      return InvalidField(field + ".from_amount", "tiers must increase");
    }
    previous = t.from_amount().minor_units();
    if (t.has_amount() && t.percent_bp() != 0) {
      return InvalidField(field, "set amount or percent_bp, not both");
    }
    if (t.amount().minor_units() < 0) return InvalidField(field + ".amount", "must be >= 0");
    if (t.percent_bp() < 0 || t.percent_bp() > 10000) {
      return InvalidField(field + ".percent_bp", "must be within [0, 10000]");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateTaxRate(const v1::TaxRate& t) {
  if (t.tax_rate_id().empty()) return InvalidField("tax_rate.tax_rate_id", "required");
  if (t.postal_prefix().empty() == t.country().empty()) {
    return InvalidField("tax_rate.postal_prefix", "set exactly one of postal_prefix and country");
  }
  if (t.rate_bp() < 0 || t.rate_bp() > 10000) {
    return InvalidField("tax_rate.rate_bp", "must be within [0, 10000]");
  }
  return absl::OkStatus();
}

absl::Status ValidatePriceGroup(const v1::PriceGroup& g) {
  if (g.price_group_id().empty()) return InvalidField("price_group.price_group_id", "required");
  return absl::OkStatus();
}

absl::Status ValidateTradeAgreement(const v1::TradeAgreement& a) {
  if (a.trade_agreement_id().empty()) {
    return InvalidField("trade_agreement.trade_agreement_id", "required");
  }
  if (a.product_id().empty()) return InvalidField("trade_agreement.product_id", "required");
  if (!a.customer_id().empty() && !a.price_group_id().empty()) {
    return InvalidField("trade_agreement.customer_id", "set customer_id or price_group_id, not both");
  }
  RETURN_IF_ERROR(CheckMoney(a.price(), "trade_agreement.price", false));
  if (a.from_quantity() < 0) return InvalidField("trade_agreement.from_quantity", "must be >= 0");
  if (!ValidDate(a.valid_from())) return InvalidField("trade_agreement.valid_from", "not YYYY-MM-DD");
  if (!ValidDate(a.valid_to())) return InvalidField("trade_agreement.valid_to", "not YYYY-MM-DD");
  return absl::OkStatus();
}

absl::Status ValidateDiscount(const v1::Discount& d) {
  if (d.discount_id().empty()) return InvalidField("discount.discount_id", "required");
  if (d.kind() == v1::DISCOUNT_KIND_UNSPECIFIED) return InvalidField("discount.kind", "required");
  if (d.concurrency() == v1::CONCURRENCY_UNSPECIFIED) {
    return InvalidField("discount.concurrency", "required");
  }
  if (d.percent_bp() < 0 || d.percent_bp() > 10000) {
    return InvalidField("discount.percent_bp", "must be within (0, 10000]");
  }
  if (d.kind() == v1::DISCOUNT_KIND_MIX_AND_MATCH && d.mix_match_needed() <= 1) {
    return InvalidField("discount.mix_match_needed", "must be > 1");
  }
  if (!ValidDate(d.valid_from())) return InvalidField("discount.valid_from", "not YYYY-MM-DD");
  if (!ValidDate(d.valid_to())) return InvalidField("discount.valid_to", "not YYYY-MM-DD");
  return absl::OkStatus();
}

absl::Status ValidateCoupon(const v1::Coupon& c) {
  if (c.coupon_code().empty()) return InvalidField("coupon.coupon_code", "required");
  if (c.discount_id().empty()) return InvalidField("coupon.discount_id", "required");
  if (c.max_uses() < 0) return InvalidField("coupon.max_uses", "must be >= 0");
  if (c.max_uses_per_customer() < 0) {
    return InvalidField("coupon.max_uses_per_customer", "must be >= 0");
  }
  if (!ValidDate(c.valid_from())) return InvalidField("coupon.valid_from", "not YYYY-MM-DD");
  if (!ValidDate(c.valid_to())) return InvalidField("coupon.valid_to", "not YYYY-MM-DD");
  return absl::OkStatus();
}

}  // namespace callcenter::pricing
