#include "services/orchestration/clients/pricing_client.h"

#include "libs/status/status.h"
#include "services/orchestration/domain/order_math.h"

namespace callcenter::orchestration {

namespace {
constexpr char kService[] = "pricing";
}  // namespace

absl::StatusOr<pricing::v1::PriceOrderResponse> PricingClient::PriceOrder(
    const CallScope& scope, const Order& order, const order::v1::CallCenter& call_center,
    const order::v1::Customer& customer, const std::string& pricing_date,
    const std::string& check_coupon) {
  pricing::v1::PriceOrderRequest req = BuildPriceRequest(order, call_center, customer);
  AddPricedFingerprints(order, &req);  // answered: only the lines whose prices changed
  req.set_source_price_group(order.source_price_group());
  req.set_pricing_date(pricing_date);
  req.set_check_coupon_code(check_coupon);
  pricing::v1::PriceOrderResponse resp;
  RETURN_IF_ERROR(
      FromDownstream(kService, pricing_->PriceOrder(calls_.New(scope).get(), req, &resp)));
  return resp;
}

absl::StatusOr<pricing::v1::PriceOrderResponse> PricingClient::Explain(
    const CallScope& scope, const Order& order, const order::v1::CallCenter& call_center,
    const order::v1::Customer& customer, const std::string& pricing_date,
    bool coupons_redeemed) {
  pricing::v1::PriceOrderRequest req = BuildPriceRequest(order, call_center, customer);
  req.set_source_price_group(order.source_price_group());
  req.set_pricing_date(pricing_date);
  req.set_explain(true);
  req.set_coupons_redeemed(coupons_redeemed);
  pricing::v1::PriceOrderResponse resp;
  RETURN_IF_ERROR(
      FromDownstream(kService, pricing_->PriceOrder(calls_.New(scope).get(), req, &resp)));
  return resp;
}

absl::Status PricingClient::ValidateOverride(const CallScope& scope, const std::string& product_id,
                                             const common::v1::Money& system_price,
                                             const common::v1::Money& unit_price,
                                             int32_t user_max_bp) {
  pricing::v1::ValidatePriceOverrideRequest req;
  req.set_product_id(product_id);
  *req.mutable_system_unit_price() = system_price;
  *req.mutable_unit_price() = unit_price;
  req.set_price_override_max_bp(user_max_bp);
  pricing::v1::ValidatePriceOverrideResponse resp;
  return FromDownstream(kService,
                        pricing_->ValidatePriceOverride(calls_.New(scope).get(), req, &resp));
}

absl::Status PricingClient::RedeemCoupons(const CallScope& scope, const Order& order) {
  if (order.coupon_codes().empty()) return absl::OkStatus();
  pricing::v1::RedeemCouponsRequest req;
  req.set_order_id(order.order_id());
  req.set_customer_id(order.customer_id());
  *req.mutable_coupon_codes() = order.coupon_codes();
  pricing::v1::RedeemCouponsResponse resp;
  return FromDownstream(kService, pricing_->RedeemCoupons(calls_.New(scope).get(), req, &resp));
}

absl::Status PricingClient::ReleaseCoupons(const CallScope& scope, const std::string& order_id) {
  pricing::v1::ReleaseCouponsRequest req;
  req.set_order_id(order_id);
  pricing::v1::ReleaseCouponsResponse resp;
  return FromDownstream(kService, pricing_->ReleaseCoupons(calls_.New(scope).get(), req, &resp));
}

absl::StatusOr<pricing::v1::Product> PricingClient::GetProduct(const CallScope& scope,
                                                               const std::string& product_id) {
  pricing::v1::GetProductRequest req;
  req.set_product_id(product_id);
  pricing::v1::GetProductResponse resp;
  RETURN_IF_ERROR(
      FromDownstream(kService, pricing_->GetProduct(calls_.New(scope).get(), req, &resp)));
  return std::move(*resp.mutable_product());
}

}  // namespace callcenter::orchestration
