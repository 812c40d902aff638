#ifndef CALLCENTER_SERVICES_PRICING_DOMAIN_ENGINE_H_
#define CALLCENTER_SERVICES_PRICING_DOMAIN_ENGINE_H_

#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "callcenter/pricing/v1/pricing.pb.h"
#include "libs/snapshot/shared_rows.h"

namespace callcenter::pricing {

// An immutable copy of the pricing tables, indexed for pricing. Built from
// PostgreSQL (the truth) with Snapshot::Build and swapped atomically after
// each change; pricing reads nothing else.
class Snapshot {
 public:
  struct Tables {
    // Shared with the table's reader and the snapshot before (the one
    // table that grows with the business: 100,000 products and more).
    snapshot::SharedRows<v1::Product> products;
    std::vector<v1::PriceGroup> price_groups;
    std::vector<v1::TradeAgreement> trade_agreements;
    std::vector<v1::Discount> discounts;
    std::vector<v1::Coupon> coupons;
    std::vector<v1::DeliveryCharge> delivery_charges;
    std::vector<v1::TaxRate> tax_rates;
    // Coupon uses counted so far: per code, and per code and customer.
    std::unordered_map<std::string, int> coupon_uses;
    std::unordered_map<std::string, int> coupon_uses_by_customer;  // key: UsesKey(code, customer)
    static std::string UsesKey(const std::string& code, const std::string& customer) {
      return code + '\n' + customer;
    }
  };

  static std::shared_ptr<const Snapshot> Build(Tables tables);

  const v1::Product* FindProduct(const std::string& id) const;
  const v1::Coupon* FindCoupon(const std::string& code) const;
  const v1::Discount* FindDiscount(const std::string& id) const;
  int PriceGroupPriority(const std::string& id) const;
  int CouponUses(const std::string& code) const;
  int CouponUsesBy(const std::string& code, const std::string& customer) const;

  const Tables& tables() const { return tables_; }

 private:
  friend class Engine;
  Tables tables_;
  // Keyed by each product's own id (the products outlive the map: tables_).
  absl::flat_hash_map<absl::string_view, const v1::Product*> products_;
  std::unordered_map<std::string, int> price_group_priority_;
  std::unordered_map<std::string, std::vector<const v1::TradeAgreement*>> agreements_by_product_;
  std::unordered_map<std::string, std::vector<const v1::Discount*>> line_discounts_by_product_;
  std::vector<const v1::Discount*> line_discounts_all_products_;
  std::vector<const v1::Discount*> threshold_discounts_;
  std::unordered_map<std::string, const v1::Discount*> discounts_;
  std::unordered_map<std::string, const v1::Coupon*> coupons_;
  std::unordered_map<std::string, const v1::DeliveryCharge*> delivery_charges_;
};

// Prices a whole order against a snapshot (DOMAIN.md section 3). Pure: no
// I/O and no clock (`request.pricing_date()` must be set, YYYY-MM-DD).
//
// Per line: base price; the lowest valid trade agreement (customer, all
// customers, and the highest-priority price group that has any) replaces it;
// a manual (overridden) price replaces both and takes no discount. Line
// discounts (simple, quantity, mix and match) at the highest priority that
// has one: the best exclusive wins alone; otherwise the compound ones
// combine (fixed price, amount off, then percent off the reduced amount) and
// compete with each best-price one. Across priorities the call center's
// concurrency model decides. Threshold discounts then apply on the subtotal
// after line discounts. Each discount amount is rounded half away from zero
// per line. Ties go to the compound combination, then to the lowest id.
absl::StatusOr<v1::PriceOrderResponse> PriceOrder(const Snapshot& snapshot,
                                                  const v1::PriceOrderRequest& request);
// The same on `pricing_date` (YYYY-MM-DD) whatever the request's says,
// answered in `out` (cleared first): the service fills its reply in place
// and prices a request without a date as of today without copying it.
absl::Status PriceOrder(const Snapshot& snapshot, const v1::PriceOrderRequest& request,
                        const std::string& pricing_date, v1::PriceOrderResponse* out);

// A line's margin (DOMAIN 11): (net unit price - unit cost) / net unit
// price in basis points, truncated toward zero, with the net unit price
// taken exactly as net_amount / quantity. A line sold for nothing (or less)
// has no meaningful ratio and gets kMarginFloorBp, as does any margin below
// it (a price far under cost).
inline constexpr int32_t kMarginFloorBp = -1000000;  // -10,000 %
int32_t MarginBp(int64_t net_amount, int64_t unit_cost, int32_t quantity);

// The band of a margin: OK at or above `acceptable_bp`, WARNING at or above
// `questionable_bp`, else BLOCKED; UNSPECIFIED when alerts are off
// (acceptable_bp 0).
common::v1::MarginAlert MarginAlertFor(int32_t margin_bp, int32_t acceptable_bp,
                                       int32_t questionable_bp);

// Whether a coupon may be used on `date` by `customer_id`: OK, NOT_FOUND
// (unknown) or FAILED_PRECONDITION (inactive, expired, not yet valid, used
// up), each naming the reason.
absl::Status CheckCoupon(const Snapshot& snapshot, const std::string& code,
                         const std::string& customer_id, const std::string& date);

// A price override: the product must allow it (FAILED_PRECONDITION), the
// price may not be below unit cost (INVALID_ARGUMENT) nor more than
// `max_bp` below the system price (PERMISSION_DENIED).
absl::Status CheckPriceOverride(const v1::Product& product, int64_t system_unit_price,
                                int64_t unit_price, int32_t max_bp);

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
