#ifndef CALLCENTER_SERVICES_ORCHESTRATION_CLIENTS_PRICING_CLIENT_H_
#define CALLCENTER_SERVICES_ORCHESTRATION_CLIENTS_PRICING_CLIENT_H_

#include <string>

#include "absl/status/statusor.h"
#include "callcenter/order/v1/order.pb.h"
#include "callcenter/pricing/v1/pricing.grpc.pb.h"
#include "services/orchestration/clients/call.h"

namespace callcenter::orchestration {

using common::v1::Order;

// The pricing service: prices, price overrides, coupon uses, products.
class PricingClient {
 public:
  PricingClient(pricing::v1::PricingService::StubInterface* pricing, CallFactory calls)
      : pricing_(pricing), calls_(calls) {}

  // Prices `order` for its call center and customer on `pricing_date`
  // (YYYY-MM-DD); with `check_coupon`, refuses unless that coupon may be used.
  absl::StatusOr<pricing::v1::PriceOrderResponse> PriceOrder(
      const CallScope& scope, const Order& order, const order::v1::CallCenter& call_center,
      const order::v1::Customer& customer, const std::string& pricing_date,
      const std::string& check_coupon);
  // Prices `order` as PriceOrder does and explains each line (price
  // details: price source, every matching discount's outcome, margin);
  // `coupons_redeemed` for an order submitted with its coupons counted.
  absl::StatusOr<pricing::v1::PriceOrderResponse> Explain(
      const CallScope& scope, const Order& order, const order::v1::CallCenter& call_center,
      const order::v1::Customer& customer, const std::string& pricing_date,
      bool coupons_redeemed);
  // Whether `user_max_bp` allows `unit_price` for a product whose system
  // price is `system_price` (refused with the reason otherwise).
  absl::Status ValidateOverride(const CallScope& scope, const std::string& product_id,
                                const common::v1::Money& system_price,
                                const common::v1::Money& unit_price, int32_t user_max_bp);
  // Counts one use of each of the order's coupons (idempotent per order).
  absl::Status RedeemCoupons(const CallScope& scope, const Order& order);
  // Gives back the order's coupon uses (idempotent).
  absl::Status ReleaseCoupons(const CallScope& scope, const std::string& order_id);
  absl::StatusOr<pricing::v1::Product> GetProduct(const CallScope& scope,
                                                  const std::string& product_id);

 private:
  pricing::v1::PricingService::StubInterface* pricing_;
  CallFactory calls_;
};

}  // namespace callcenter::orchestration

#endif  // CALLCENTER_SERVICES_ORCHESTRATION_CLIENTS_PRICING_CLIENT_H_
