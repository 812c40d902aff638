#include "services/pricing/pricing_service.h"

#include "libs/logging/log.h"
#include "libs/server/serve.h"

namespace callcenter::pricing {
namespace {

const db::EntityTable& Table(const char* name) {
  static std::mutex mu;
  static auto* tables = new std::map<std::string, std::unique_ptr<db::EntityTable>>();
  std::lock_guard<std::mutex> lock(mu);
  auto& slot = (*tables)[name];
  if (!slot) slot = std::make_unique<db::EntityTable>(name);
  return *slot;
}

constexpr const char* kTables[] = {"products",  "price_groups",     "trade_agreements", "discounts",
                                   "coupons",   "delivery_charges", "tax_rates"};

}  // namespace

std::vector<db::Query> PricingQueries() {
  std::vector<db::Query> q;
  for (const char* t : kTables) {
    for (const db::Query& x : Table(t).Queries()) q.push_back(x);
  }
  return q;
}

PricingServiceImpl::PricingServiceImpl(db::Pool* pool, metrics::Metrics* metrics)
    : pool_(pool),
      metrics_(metrics),
      snapshot_(std::make_shared<Snapshot>()),
      products_(&Table("products"), pool, metrics,
                [](const v1::Product& p) { return p.product_id(); }, ValidateProduct,
                [this] { Refresh().IgnoreError(); }),
      price_groups_(&Table("price_groups"), pool, metrics,
                    [](const v1::PriceGroup& g) { return g.price_group_id(); }, ValidatePriceGroup,
                    [this] { Refresh().IgnoreError(); }),
      trade_agreements_(&Table("trade_agreements"), pool, metrics,
                        [](const v1::TradeAgreement& a) { return a.trade_agreement_id(); },
                        ValidateTradeAgreement, [this] { Refresh().IgnoreError(); }),
      discounts_(&Table("discounts"), pool, metrics,
                 [](const v1::Discount& d) { return d.discount_id(); }, ValidateDiscount,
                 [this] { Refresh().IgnoreError(); }),
      coupons_(&Table("coupons"), pool, metrics,
               [](const v1::Coupon& c) { return c.coupon_code(); }, ValidateCoupon,
               [this] { Refresh().IgnoreError(); }),
      delivery_charges_(&Table("delivery_charges"), pool, metrics,
                        [](const v1::DeliveryCharge& c) { return c.delivery_mode(); },
                        ValidateDeliveryCharge, [this] { Refresh().IgnoreError(); }),
      tax_rates_(&Table("tax_rates"), pool, metrics,
                 [](const v1::TaxRate& t) { return t.tax_rate_id(); }, ValidateTaxRate,
                 [this] { Refresh().IgnoreError(); }) {}

absl::Status PricingServiceImpl::Refresh() {
  auto next = std::make_shared<Snapshot>();
  absl::Status s = pool_->Read([&](pqxx::work& txn) -> absl::Status {
    v1::Product product;
    RETURN_IF_ERROR(Table("products").All(txn, [&]() -> google::protobuf::Message* {
      if (!product.product_id().empty()) next->products[product.product_id()] = product;
      product.Clear();
      return &product;
    }));
    if (!product.product_id().empty()) next->products[product.product_id()] = product;
    v1::DeliveryCharge charge;
    RETURN_IF_ERROR(Table("delivery_charges").All(txn, [&]() -> google::protobuf::Message* {
      if (!charge.delivery_mode().empty()) next->delivery_charges[charge.delivery_mode()] = charge;
      charge.Clear();
      return &charge;
    }));
    if (!charge.delivery_mode().empty()) next->delivery_charges[charge.delivery_mode()] = charge;
    return Table("tax_rates").All(txn, [&]() -> google::protobuf::Message* {
      next->tax_rates.emplace_back();
      return &next->tax_rates.back();
    });
  });
  if (!s.ok()) {
    log::Warning("pricing snapshot refresh failed", {{"error", std::string(s.message())}});
    return s;
  }
  std::lock_guard<std::mutex> lock(mu_);
  snapshot_ = std::move(next);
  return absl::OkStatus();
}

std::shared_ptr<const Snapshot> PricingServiceImpl::snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return snapshot_;
}

#define CC_CRUD_IMPL(Entity, Plural, field, plural_field, id_field, member)                    \
  grpc::Status PricingServiceImpl::Upsert##Entity(                                             \
      grpc::ServerContext*, const v1::Upsert##Entity##Request* req,                            \
      v1::Upsert##Entity##Response* resp) {                                                    \
    return member.Upsert("Upsert" #Entity, req->field(), resp->mutable_##field());             \
  }                                                                                            \
  grpc::Status PricingServiceImpl::Get##Entity(grpc::ServerContext*,                           \
                                               const v1::Get##Entity##Request* req,            \
                                               v1::Get##Entity##Response* resp) {              \
    return member.Get("Get" #Entity, #id_field, req->id_field(), resp->mutable_##field());     \
  }                                                                                            \
  grpc::Status PricingServiceImpl::List##Plural(grpc::ServerContext*,                          \
                                                const v1::List##Plural##Request* req,          \
                                                v1::List##Plural##Response* resp) {            \
    return member.List("List" #Plural, req->page_size(), req->page_token(),                    \
                       resp->mutable_##plural_field(), resp->mutable_next_page_token());       \
  }
CC_CRUD_IMPL(Product, Products, product, products, product_id, products_)
CC_CRUD_IMPL(PriceGroup, PriceGroups, price_group, price_groups, price_group_id, price_groups_)
CC_CRUD_IMPL(TradeAgreement, TradeAgreements, trade_agreement, trade_agreements,
             trade_agreement_id, trade_agreements_)
CC_CRUD_IMPL(Discount, Discounts, discount, discounts, discount_id, discounts_)
CC_CRUD_IMPL(Coupon, Coupons, coupon, coupons, coupon_code, coupons_)
CC_CRUD_IMPL(DeliveryCharge, DeliveryCharges, delivery_charge, delivery_charges, delivery_mode,
             delivery_charges_)
CC_CRUD_IMPL(TaxRate, TaxRates, tax_rate, tax_rates, tax_rate_id, tax_rates_)
#undef CC_CRUD_IMPL

grpc::Status PricingServiceImpl::PriceOrder(grpc::ServerContext*,
                                            const v1::PriceOrderRequest* req,
                                            v1::PriceOrderResponse* resp) {
  return server::Serve(metrics_, "PriceOrder", "", [&]() -> absl::Status {
    ASSIGN_OR_RETURN(*resp, pricing::PriceOrder(*snapshot(), *req));
    return absl::OkStatus();
  });
}

}  // namespace callcenter::pricing
