#include "services/pricing/pricing_service.h"

#include "absl/strings/str_cat.h"
#include "libs/logging/log.h"
#include "libs/server/serve.h"
#include "libs/status/status.h"

namespace callcenter::pricing {

PricingServiceImpl::PricingServiceImpl(db::Pool* pool, metrics::Metrics* metrics,
                                       std::function<absl::Time()> clock)
    : store_(pool),
      metrics_(metrics),
      clock_(std::move(clock)),
      catalog_(
          "pricing", [this] { return store_.SnapshotVersion(); }, [this] { return Load(); },
          Snapshot::Build({})),
      products_(
          &PricingStore::Table("products"), pool, metrics,
          [](const v1::Product& p) { return p.product_id(); }, ValidateProduct,
          [this] { catalog_.Invalidate(); }),
      price_groups_(
          &PricingStore::Table("price_groups"), pool, metrics,
          [](const v1::PriceGroup& g) { return g.price_group_id(); }, ValidatePriceGroup,
          [this] { catalog_.Invalidate(); }),
      trade_agreements_(
          &PricingStore::Table("trade_agreements"), pool, metrics,
          [](const v1::TradeAgreement& a) { return a.trade_agreement_id(); },
          ValidateTradeAgreement, [this] { catalog_.Invalidate(); }),
      discounts_(
          &PricingStore::Table("discounts"), pool, metrics,
          [](const v1::Discount& d) { return d.discount_id(); }, ValidateDiscount,
          [this] { catalog_.Invalidate(); }),
      coupons_(
          &PricingStore::Table("coupons"), pool, metrics,
          [](const v1::Coupon& c) { return c.coupon_code(); }, ValidateCoupon,
          [this] { catalog_.Invalidate(); }),
      delivery_charges_(
          &PricingStore::Table("delivery_charges"), pool, metrics,
          [](const v1::DeliveryCharge& c) { return c.delivery_mode(); }, ValidateDeliveryCharge,
          [this] { catalog_.Invalidate(); }),
      tax_rates_(
          &PricingStore::Table("tax_rates"), pool, metrics,
          [](const v1::TaxRate& t) { return t.tax_rate_id(); }, ValidateTaxRate,
          [this] { catalog_.Invalidate(); }) {}

absl::Status PricingServiceImpl::Refresh(bool force) { return catalog_.Refresh(force); }

absl::StatusOr<std::shared_ptr<const Snapshot>> PricingServiceImpl::Load() {
  ASSIGN_OR_RETURN(Snapshot::Tables tables, store_.LoadTables());
  return std::shared_ptr<const Snapshot>(Snapshot::Build(std::move(tables)));
}

std::string PricingServiceImpl::Today() const {
  return absl::FormatTime("%Y-%m-%d", clock_(), absl::UTCTimeZone());
}

CC_CRUD_IMPL(PricingServiceImpl, Product, Products, product, products, product_id, products_)
CC_CRUD_IMPL(PricingServiceImpl, PriceGroup, PriceGroups,
             price_group, price_groups, price_group_id, price_groups_)
CC_CRUD_IMPL(PricingServiceImpl, TradeAgreement, TradeAgreements,
             trade_agreement, trade_agreements, trade_agreement_id, trade_agreements_)
CC_CRUD_IMPL(PricingServiceImpl, Discount, Discounts, discount, discounts, discount_id, discounts_)
CC_CRUD_IMPL(PricingServiceImpl, Coupon, Coupons, coupon, coupons, coupon_code, coupons_)
CC_CRUD_IMPL(PricingServiceImpl, DeliveryCharge, DeliveryCharges,
             delivery_charge, delivery_charges, delivery_mode, delivery_charges_)
CC_CRUD_IMPL(PricingServiceImpl, TaxRate, TaxRates, tax_rate, tax_rates, tax_rate_id, tax_rates_)

grpc::Status PricingServiceImpl::PriceOrder(grpc::ServerContext*,
                                            const v1::PriceOrderRequest* req,
                                            v1::PriceOrderResponse* resp) {
  return server::Serve(metrics_, "PriceOrder", "", [&]() -> absl::Status {
    const std::string date = req->pricing_date().empty() ? Today() : req->pricing_date();
    if (!req->check_coupon_code().empty()) {
      absl::Status usable = CheckCouponNow(req->check_coupon_code(), req->customer_id(), date)
                                .status();
      if (usable.code() == absl::StatusCode::kInvalidArgument) {
        return InvalidField("check_coupon_code", usable.message());
      }
      RETURN_IF_ERROR(usable);
    }
    return pricing::PriceOrder(*snapshot(), *req, date, resp);
  });
}

grpc::Status PricingServiceImpl::ValidatePriceOverride(grpc::ServerContext*,
                                                       const v1::ValidatePriceOverrideRequest* req,
                                                       v1::ValidatePriceOverrideResponse* resp) {
  return server::Serve(metrics_, "ValidatePriceOverride", "", [&]() -> absl::Status {
    if (req->product_id().empty()) return InvalidField("product_id", "required");
    auto snap = snapshot();
    const v1::Product* product = snap->FindProduct(req->product_id());
    if (product == nullptr) {
      return absl::NotFoundError(absl::StrCat("product \"", req->product_id(), "\" not found"));
    }
    if (req->unit_price().currency() != product->base_price().currency()) {
      return InvalidField("unit_price.currency",
                          absl::StrCat("must be ", product->base_price().currency()));
    }
    RETURN_IF_ERROR(CheckPriceOverride(*product, req->system_unit_price().minor_units(),
                                       req->unit_price().minor_units(),
                                       req->price_override_max_bp()));
    resp->set_allowed(true);
    return absl::OkStatus();
  });
}

namespace {

// A snapshot holding one coupon and the uses counted for it (none where it
// has no limit to check).
std::shared_ptr<const Snapshot> OneCoupon(const v1::Coupon& coupon, Snapshot::Tables uses = {}) {
  uses.coupons = {coupon};
  return Snapshot::Build(std::move(uses));
}

// One coupon with the uses `counted` for it by `customer_id`.
std::shared_ptr<const Snapshot> CouponWithUses(const v1::Coupon& coupon,
                                               const std::string& customer_id,
                                               const PricingStore::CouponUses& counted) {
  Snapshot::Tables t;
  t.coupon_uses[coupon.coupon_code()] = counted.uses;
  t.coupon_uses_by_customer[Snapshot::Tables::UsesKey(coupon.coupon_code(), customer_id)] =
      counted.customer_uses;
  return OneCoupon(coupon, std::move(t));
}

}  // namespace

absl::StatusOr<v1::Coupon> PricingServiceImpl::CheckCouponNow(const std::string& code,
                                                               const std::string& customer_id,
                                                               const std::string& date) {
  if (code.empty()) return InvalidField("coupon_code", "required");
  const std::shared_ptr<const Snapshot> snap = snapshot();  // keeps the coupon alive
  const v1::Coupon* coupon = snap->FindCoupon(code);
  if (coupon == nullptr) return absl::NotFoundError(absl::StrCat("coupon ", code, " is unknown"));
  std::shared_ptr<const Snapshot> counted;
  if (HasLimit(*coupon)) {
    ASSIGN_OR_RETURN(PricingStore::CouponUses uses, store_.CountUses(*coupon, customer_id, ""));
    counted = CouponWithUses(*coupon, customer_id, uses);
  } else {
    counted = OneCoupon(*coupon);
  }
  RETURN_IF_ERROR(pricing::CheckCoupon(*counted, code, customer_id, date));
  v1::Coupon out = *coupon;
  out.set_uses(counted->CouponUses(code));
  return out;
}

grpc::Status PricingServiceImpl::CheckCoupon(grpc::ServerContext*, const v1::CheckCouponRequest* req,
                                             v1::CheckCouponResponse* resp) {
  return server::Serve(metrics_, "CheckCoupon", "", [&]() -> absl::Status {
    ASSIGN_OR_RETURN(*resp->mutable_coupon(),
                     CheckCouponNow(req->coupon_code(), req->customer_id(),
                                    req->on_date().empty() ? Today() : req->on_date()));
    return absl::OkStatus();
  });
}

grpc::Status PricingServiceImpl::RedeemCoupons(grpc::ServerContext*,
                                               const v1::RedeemCouponsRequest* req,
                                               v1::RedeemCouponsResponse* resp) {
  return server::Serve(metrics_, "RedeemCoupons", req->order_id(), [&]() -> absl::Status {
    if (req->order_id().empty()) return InvalidField("order_id", "required");
    const std::string today = Today();
    const std::shared_ptr<const Snapshot> snap = snapshot();  // keeps the coupon alive
    const v1::Coupon* unlimited =
        req->coupon_codes_size() == 1 ? snap->FindCoupon(req->coupon_codes(0)) : nullptr;
    if (unlimited != nullptr && !HasLimit(*unlimited)) {
      // The usual order has one coupon, and most coupons have no limit: no
      // count and no lock, so the snapshot's copy (kept current through
      // NOTIFY) decides and the use is one insert. A limit set this very
      // moment applies from the next redemption.
      const std::string& code = unlimited->coupon_code();
      RETURN_IF_ERROR(pricing::CheckCoupon(*OneCoupon(*unlimited), code, req->customer_id(), today));
      RETURN_IF_ERROR(store_.RecordUse(req->order_id(), code, req->customer_id()));
      resp->add_redeemed_codes(code);
      return absl::OkStatus();
    }
    const std::vector<std::string> codes(req->coupon_codes().begin(), req->coupon_codes().end());
    RETURN_IF_ERROR(store_.RedeemAll(
        req->order_id(), req->customer_id(), codes,
        [&](const v1::Coupon& coupon, const PricingStore::CouponUses& counted) {
          return pricing::CheckCoupon(*CouponWithUses(coupon, req->customer_id(), counted),
                                      coupon.coupon_code(), req->customer_id(), today);
        }));
    for (const std::string& code : codes) resp->add_redeemed_codes(code);
    return absl::OkStatus();
  });
}

grpc::Status PricingServiceImpl::ReleaseCoupons(grpc::ServerContext*,
                                                const v1::ReleaseCouponsRequest* req,
                                                v1::ReleaseCouponsResponse* resp) {
  return server::Serve(metrics_, "ReleaseCoupons", req->order_id(), [&]() -> absl::Status {
    if (req->order_id().empty()) return InvalidField("order_id", "required");
    ASSIGN_OR_RETURN(std::vector<std::string> released, store_.ReleaseUses(req->order_id()));
    for (const std::string& code : released) resp->add_released_codes(code);
    return absl::OkStatus();
  });
}

}  // namespace callcenter::pricing
