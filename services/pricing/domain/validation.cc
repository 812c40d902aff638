// Master-data checks of the pricing service: INVALID_ARGUMENT naming the
// field; nothing is stored when one fails.
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "libs/status/status.h"
#include "services/pricing/domain/engine.h"

namespace callcenter::pricing {
namespace {

using common::v1::Money;

bool IsCurrency(const std::string& c) {
  if (c.size() != 3) return false;
  for (char ch : c) {
    if (ch < 'A' || ch > 'Z') return false;
  }
  return true;
}

absl::Status CheckMoney(const Money& m, const std::string& field, bool positive) {
  if (!IsCurrency(m.currency())) return InvalidField(field, "currency must be an ISO 4217 code");
  if (positive ? m.minor_units() <= 0 : m.minor_units() < 0) {
    return InvalidField(field, positive ? "must be > 0" : "must be >= 0");
  }
  return absl::OkStatus();
}

absl::Status CheckDates(const std::string& from, const std::string& to, const std::string& prefix) {
  absl::Time t;
  std::string err;
  if (!from.empty() && (from.size() != 10 || !absl::ParseTime("%Y-%m-%d", from, &t, &err))) {
    return InvalidField(prefix + ".valid_from", "must be YYYY-MM-DD");
  }
  if (!to.empty() && (to.size() != 10 || !absl::ParseTime("%Y-%m-%d", to, &t, &err))) {
    return InvalidField(prefix + ".valid_to", "must be YYYY-MM-DD");
  }
  if (!from.empty() && !to.empty() && to < from) {
    return InvalidField(prefix + ".valid_to", "is before valid_from");
  }
  return absl::OkStatus();
}

absl::Status CheckPercent(int32_t bp, const std::string& field) {
  if (bp <= 0 || bp > 10000) return InvalidField(field, "must be in (0, 10000] basis points");
  return absl::OkStatus();
}

}  // namespace

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
    if (p.continuity().has_price()) {
      RETURN_IF_ERROR(CheckMoney(p.continuity().price(), "product.continuity.price", false));
    }
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
  return CheckDates(a.valid_from(), a.valid_to(), "trade_agreement");
}

absl::Status ValidateDiscount(const v1::Discount& d) {
  if (d.discount_id().empty()) return InvalidField("discount.discount_id", "required");
  if (d.kind() == v1::DISCOUNT_KIND_UNSPECIFIED || !v1::DiscountKind_IsValid(d.kind())) {
    return InvalidField("discount.kind", "required (SIMPLE, QUANTITY, MIX_AND_MATCH, THRESHOLD)");
  }
  if (d.concurrency() == v1::CONCURRENCY_UNSPECIFIED || !v1::Concurrency_IsValid(d.concurrency())) {
    return InvalidField("discount.concurrency", "required (EXCLUSIVE, BEST_PRICE, COMPOUND)");
  }
  RETURN_IF_ERROR(CheckDates(d.valid_from(), d.valid_to(), "discount"));
  const int deals = (d.percent_bp() != 0) + d.has_amount_off() + d.has_fixed_price();
  auto one_deal = [&]() -> absl::Status {
    if (deals != 1) {
      return InvalidField("discount.percent_bp", "set exactly one of percent_bp, amount_off, fixed_price");
    }
    if (d.percent_bp() != 0) return CheckPercent(d.percent_bp(), "discount.percent_bp");
    if (d.has_amount_off()) return CheckMoney(d.amount_off(), "discount.amount_off", true);
    return CheckMoney(d.fixed_price(), "discount.fixed_price", false);
  };
  auto tier_deal = [&](const v1::DiscountTier& t, const std::string& field) -> absl::Status {
    const bool pct = t.percent_bp() != 0;
    const bool amt = t.has_amount_off();
    if (pct == amt) return InvalidField(field, "set exactly one of percent_bp and amount_off");
    if (pct) return CheckPercent(t.percent_bp(), field + ".percent_bp");
    return CheckMoney(t.amount_off(), field + ".amount_off", true);
  };
  switch (d.kind()) {
    case v1::DISCOUNT_KIND_SIMPLE:
      return one_deal();
    case v1::DISCOUNT_KIND_MIX_AND_MATCH:
      if (d.mix_match_needed() <= 1) return InvalidField("discount.mix_match_needed", "must be > 1");
      return one_deal();
    case v1::DISCOUNT_KIND_QUANTITY: {
      if (d.tiers().empty()) return InvalidField("discount.tiers", "at least one tier is required");
      int32_t previous = 0;
      for (int i = 0; i < d.tiers_size(); ++i) {
        const std::string field = absl::StrCat("discount.tiers[", i, "]");
        const auto& t = d.tiers(i);
        if (t.min_quantity() <= previous) {
          return InvalidField(field + ".min_quantity", "must be > 0 and increasing");
        }
        previous = t.min_quantity();
        RETURN_IF_ERROR(tier_deal(t, field));
      }
      return absl::OkStatus();
    }
    case v1::DISCOUNT_KIND_THRESHOLD: {
      if (d.tiers().empty()) return InvalidField("discount.tiers", "at least one tier is required");
      int64_t previous = -1;
      for (int i = 0; i < d.tiers_size(); ++i) {
        const std::string field = absl::StrCat("discount.tiers[", i, "]");
        const auto& t = d.tiers(i);
        RETURN_IF_ERROR(CheckMoney(t.min_amount(), field + ".min_amount", false));
        if (t.min_amount().minor_units() < previous) {
          return InvalidField(field + ".min_amount", "tiers must not decrease");
        }
        previous = t.min_amount().minor_units();
        RETURN_IF_ERROR(tier_deal(t, field));
      }
      return absl::OkStatus();
    }
    default:
      return absl::OkStatus();
  }
}

absl::Status ValidateCoupon(const v1::Coupon& c) {
  if (c.coupon_code().empty()) return InvalidField("coupon.coupon_code", "required");
  if (c.discount_id().empty()) return InvalidField("coupon.discount_id", "required");
  if (c.max_uses() < 0) return InvalidField("coupon.max_uses", "must be >= 0");
  if (c.max_uses_per_customer() < 0) {
    return InvalidField("coupon.max_uses_per_customer", "must be >= 0");
  }
  return CheckDates(c.valid_from(), c.valid_to(), "coupon");
}

absl::Status ValidateDeliveryCharge(const v1::DeliveryCharge& c) {
  if (c.delivery_mode().empty()) return InvalidField("delivery_charge.delivery_mode", "required");
  int64_t previous = -1;
  for (int i = 0; i < c.tiers_size(); ++i) {
    const v1::ChargeTier& t = c.tiers(i);
    const std::string field = absl::StrCat("delivery_charge.tiers[", i, "]");
    RETURN_IF_ERROR(CheckMoney(t.from_amount(), field + ".from_amount", false));
    if (t.from_amount().minor_units() <= previous) {
      return InvalidField(field + ".from_amount", "tiers must increase");
    }
    previous = t.from_amount().minor_units();
    if (t.has_amount() && t.percent_bp() != 0) {
      return InvalidField(field, "set amount or percent_bp, not both");
    }
    if (t.has_amount()) RETURN_IF_ERROR(CheckMoney(t.amount(), field + ".amount", false));
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

}  // namespace callcenter::pricing
