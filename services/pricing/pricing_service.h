#ifndef CALLCENTER_SERVICES_PRICING_PRICING_SERVICE_H_
#define CALLCENTER_SERVICES_PRICING_PRICING_SERVICE_H_

#include <memory>
#include <mutex>

#include "callcenter/pricing/v1/pricing.grpc.pb.h"
#include "libs/db/entity_table.h"
#include "libs/db/pool.h"
#include "libs/metrics/metrics.h"
#include "libs/server/crud.h"
#include "services/pricing/domain/engine.h"

namespace callcenter::pricing {

// Tables of the pricing schema.
std::vector<db::Query> PricingQueries();

class PricingServiceImpl final : public v1::PricingService::Service {
 public:
  PricingServiceImpl(db::Pool* pool, metrics::Metrics* metrics);

  // Rebuilds the snapshot from PostgreSQL and swaps it in.
  absl::Status Refresh();

#define CC_CRUD_RPCS(Entity, Plural)                                                      \
  grpc::Status Upsert##Entity(grpc::ServerContext*, const v1::Upsert##Entity##Request*,   \
                              v1::Upsert##Entity##Response*) override;                    \
  grpc::Status Get##Entity(grpc::ServerContext*, const v1::Get##Entity##Request*,         \
                           v1::Get##Entity##Response*) override;                          \
  grpc::Status List##Plural(grpc::ServerContext*, const v1::List##Plural##Request*,       \
                            v1::List##Plural##Response*) override;
  CC_CRUD_RPCS(Product, Products)
  CC_CRUD_RPCS(PriceGroup, PriceGroups)
  CC_CRUD_RPCS(TradeAgreement, TradeAgreements)
  CC_CRUD_RPCS(Discount, Discounts)
  CC_CRUD_RPCS(Coupon, Coupons)
  CC_CRUD_RPCS(DeliveryCharge, DeliveryCharges)
  CC_CRUD_RPCS(TaxRate, TaxRates)
#undef CC_CRUD_RPCS

  grpc::Status PriceOrder(grpc::ServerContext*, const v1::PriceOrderRequest*,
                          v1::PriceOrderResponse*) override;

 private:
  std::shared_ptr<const Snapshot> snapshot() const;

  db::Pool* pool_;
  metrics::Metrics* metrics_;
  mutable std::mutex mu_;
  std::shared_ptr<const Snapshot> snapshot_;
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
