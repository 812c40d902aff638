#ifndef CALLCENTER_SERVICES_PRICING_PRICING_SERVICE_H_
#define CALLCENTER_SERVICES_PRICING_PRICING_SERVICE_H_

#include <functional>
#include <memory>

#include "absl/time/time.h"
#include "callcenter/pricing/v1/pricing.grpc.pb.h"
#include "libs/db/entity_table.h"
#include "libs/db/pool.h"
#include "libs/metrics/metrics.h"
#include "libs/server/crud.h"
#include "libs/snapshot/snapshot.h"
#include "services/pricing/domain/engine.h"
#include "services/pricing/store.h"

namespace callcenter::pricing {

class PricingServiceImpl final : public v1::PricingService::Service {
 public:
  PricingServiceImpl(db::Pool* pool, metrics::Metrics* metrics,
                     std::function<absl::Time()> clock = [] { return absl::Now(); });

  // Rebuilds the snapshot from PostgreSQL when its version changed (or
  // always with force) and swaps it in.
  absl::Status Refresh(bool force = false);

  CC_CRUD_RPCS(Product, Products)
  CC_CRUD_RPCS(PriceGroup, PriceGroups)
  CC_CRUD_RPCS(TradeAgreement, TradeAgreements)
  CC_CRUD_RPCS(Discount, Discounts)
  CC_CRUD_RPCS(Coupon, Coupons)
  CC_CRUD_RPCS(DeliveryCharge, DeliveryCharges)
  CC_CRUD_RPCS(TaxRate, TaxRates)

  grpc::Status PriceOrder(grpc::ServerContext*, const v1::PriceOrderRequest*,
                          v1::PriceOrderResponse*) override;
  grpc::Status ValidatePriceOverride(grpc::ServerContext*, const v1::ValidatePriceOverrideRequest*,
                                     v1::ValidatePriceOverrideResponse*) override;
  grpc::Status CheckCoupon(grpc::ServerContext*, const v1::CheckCouponRequest*,
                           v1::CheckCouponResponse*) override;
  grpc::Status RedeemCoupons(grpc::ServerContext*, const v1::RedeemCouponsRequest*,
                             v1::RedeemCouponsResponse*) override;
  grpc::Status ReleaseCoupons(grpc::ServerContext*, const v1::ReleaseCouponsRequest*,
                              v1::ReleaseCouponsResponse*) override;

 private:
  // As of this process's last write (Snapshot::GetFresh).
  std::shared_ptr<const Snapshot> snapshot() const { return catalog_.GetFresh(); }
  // The tables as they are now, built into a snapshot.
  absl::StatusOr<std::shared_ptr<const Snapshot>> Load();
  std::string Today() const;
  // The coupon as CheckCoupon answers it: refused unless it may be used by
  // the customer on `date`; its uses counted where a limit needs them.
  absl::StatusOr<v1::Coupon> CheckCouponNow(const std::string& code, const std::string& customer_id,
                                            const std::string& date);

  PricingStore store_;
  metrics::Metrics* metrics_;
  std::function<absl::Time()> clock_;
  // Products, prices, discounts, coupons, charges and tax as one snapshot.
  // Mutable: a const reader may rebuild it first (GetFresh).
  mutable ::callcenter::snapshot::Snapshot<Snapshot> catalog_;
  server::Crud<v1::Product> products_;
  server::Crud<v1::PriceGroup> price_groups_;
  server::Crud<v1::TradeAgreement> trade_agreements_;
  server::Crud<v1::Discount> discounts_;
  server::Crud<v1::Coupon> coupons_;
  server::Crud<v1::DeliveryCharge> delivery_charges_;
  server::Crud<v1::TaxRate> tax_rates_;
};

}  // namespace callcenter::pricing

#endif  // CALLCENTER_SERVICES_PRICING_PRICING_SERVICE_H_
