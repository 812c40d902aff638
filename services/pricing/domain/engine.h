#ifndef CALLCENTER_SERVICES_PRICING_DOMAIN_ENGINE_H_
#define CALLCENTER_SERVICES_PRICING_DOMAIN_ENGINE_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "callcenter/pricing/v1/pricing.pb.h"

namespace callcenter::pricing {

// An immutable copy of the pricing tables, indexed for pricing. Built from
// PostgreSQL (the truth) and swapped atomically after each change.
struct Snapshot {
  std::map<std::string, v1::Product> products;
  std::map<std::string, v1::DeliveryCharge> delivery_charges;  // by delivery mode
  std::vector<v1::TaxRate> tax_rates;
};

// Prices a whole order against a snapshot. Pure: no I/O, no clock (the
// pricing date comes in the request).
//
// What it does today: unit price = manual price (override) or the product's
// base price; delivery charge by order-amount tiers (fixed or percent);
// tax by the longest matching postal-code prefix, else the country, applied
// per line and to charges, rounded half away from zero. Trade agreements,
// discounts and coupons are the pricing issue's work: a request with coupon
// codes is refused with UNIMPLEMENTED rather than priced wrong.
absl::StatusOr<v1::PriceOrderResponse> PriceOrder(const Snapshot& snapshot,
                                                  const v1::PriceOrderRequest& request);

// Master data checks: INVALID_ARGUMENT naming the field.
absl::Status ValidateProduct(const v1::Product& product);
absl::Status ValidateDeliveryCharge(const v1::DeliveryCharge& charge);
absl::Status ValidateTaxRate(const v1::TaxRate& rate);
absl::Status ValidatePriceGroup(const v1::PriceGroup& group);
absl::Status ValidateTradeAgreement(const v1::TradeAgreement& agreement);
absl::Status ValidateDiscount(const v1::Discount& discount);
absl::Status ValidateCoupon(const v1::Coupon& coupon);

}  // namespace callcenter::pricing

#endif  // CALLCENTER_SERVICES_PRICING_DOMAIN_ENGINE_H_
