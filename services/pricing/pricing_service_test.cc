// Service tests: real gRPC servers on 127.0.0.1:0 against a real PostgreSQL.
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/db/listener.h"
#include "libs/db/migrate.h"
#include "libs/db/testing.h"
#include "libs/priced_line/fingerprint.h"
#include "libs/server/host.h"
#include "services/pricing/migrations.h"
#include "services/pricing/pricing_service.h"

namespace callcenter::pricing {
namespace {

common::v1::Money Usd(int64_t m) {
  common::v1::Money x;
  x.set_currency("USD");
  x.set_minor_units(m);
  return x;
}

struct Replica {
  std::unique_ptr<db::Pool> pool;
  std::unique_ptr<PricingServiceImpl> service;
  std::unique_ptr<server::ServiceHost> host;
  std::unique_ptr<v1::PricingService::Stub> stub;
};

class PricingServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = db::TestDatabase::Create();
    CC_REQUIRE_DATABASE(db_);
    ASSERT_TRUE(db::Migrate(db_->conninfo(), "pricing_svc", migrations::PricingMigrations()).ok());
    a_ = Start();
  }
  void TearDown() override {
    for (Replica* r : {&a_, &b_}) {
      if (r->host) r->host->Shutdown();
    }
  }

  Replica Start() {
    Replica r;
    db::PoolOptions po;
    po.conninfo = db_->conninfo();
    po.schema = "pricing_svc";
    r.pool = std::make_unique<db::Pool>(po);
    r.service = std::make_unique<PricingServiceImpl>(
        r.pool.get(), nullptr, [] { return absl::FromCivil(absl::CivilDay(2026, 6, 15), absl::UTCTimeZone()); });
    EXPECT_TRUE(r.service->Refresh(true).ok());
    server::HostOptions ho;
    ho.listen_address = "127.0.0.1:0";
    ho.drain_delay = absl::ZeroDuration();
    r.host = std::make_unique<server::ServiceHost>(ho);
    r.host->Register(r.service.get());
    EXPECT_TRUE(r.host->Start().ok());
    r.stub = v1::PricingService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", r.host->port()), grpc::InsecureChannelCredentials()));
    return r;
  }

  grpc::Status UpsertProduct(Replica& r, const std::string& id, int64_t price) {
    grpc::ClientContext ctx;
    v1::UpsertProductRequest req;
    req.mutable_product()->set_product_id(id);
    req.mutable_product()->set_name(id);
    *req.mutable_product()->mutable_base_price() = Usd(price);
    v1::UpsertProductResponse resp;
    return r.stub->UpsertProduct(&ctx, req, &resp);
  }

  absl::StatusOr<v1::PriceOrderResponse> Price(Replica& r, const std::string& product, int qty,
                                               std::vector<std::string> coupons = {},
                                               const std::string& check_coupon = "",
                                               const std::string& customer = "C1") {
    grpc::ClientContext ctx;
    v1::PriceOrderRequest req;
    req.set_currency("USD");
    req.set_customer_id(customer);
    req.set_check_coupon_code(check_coupon);
    auto* l = req.add_lines();
    l->set_line_id("L1");
    l->set_product_id(product);
    l->set_quantity(qty);
    for (auto& c : coupons) req.add_coupon_codes(c);
    v1::PriceOrderResponse resp;
    grpc::Status s = r.stub->PriceOrder(&ctx, req, &resp);
    if (!s.ok()) return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
    return resp;
  }

  void SetupCoupon(int max_uses, int per_customer) {
    ASSERT_TRUE(UpsertProduct(a_, "A", 1000).ok());
    grpc::ClientContext ctx;
    v1::UpsertDiscountRequest req;
    auto* d = req.mutable_discount();
    d->set_discount_id("spring");
    d->set_kind(v1::DISCOUNT_KIND_SIMPLE);
    d->set_concurrency(v1::CONCURRENCY_BEST_PRICE);
    d->set_percent_bp(2000);
    d->set_requires_coupon(true);
    v1::UpsertDiscountResponse resp;
    ASSERT_TRUE(a_.stub->UpsertDiscount(&ctx, req, &resp).ok());
    grpc::ClientContext ctx2;
    v1::UpsertCouponRequest creq;
    creq.mutable_coupon()->set_coupon_code("SPRING20");
    creq.mutable_coupon()->set_discount_id("spring");
    creq.mutable_coupon()->set_active(true);
    creq.mutable_coupon()->set_max_uses(max_uses);
    creq.mutable_coupon()->set_max_uses_per_customer(per_customer);
    v1::UpsertCouponResponse cresp;
    ASSERT_TRUE(a_.stub->UpsertCoupon(&ctx2, creq, &cresp).ok());
  }

  grpc::Status Redeem(const std::string& order, const std::string& customer) {
    grpc::ClientContext ctx;
    v1::RedeemCouponsRequest req;
    req.set_order_id(order);
    req.set_customer_id(customer);
    req.add_coupon_codes("SPRING20");
    v1::RedeemCouponsResponse resp;
    return a_.stub->RedeemCoupons(&ctx, req, &resp);
  }

  grpc::Status Check(const std::string& code, const std::string& customer,
                     v1::CheckCouponResponse* out) {
    grpc::ClientContext ctx;
    v1::CheckCouponRequest check;
    check.set_coupon_code(code);
    check.set_customer_id(customer);
    return a_.stub->CheckCoupon(&ctx, check, out);
  }

  // With C1's one use spent: pricing with SPRING20 checked refuses it for C1
  // as redeeming would (uses counted in PostgreSQL), and accepts it for C2.
  void ExpectPricingChecksTheCoupon() {
    EXPECT_EQ(Price(a_, "A", 1, {"SPRING20"}, "SPRING20").status().code(),
              absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(Price(a_, "A", 1, {"NOPE"}, "NOPE").status().code(), absl::StatusCode::kNotFound);
    auto for_c2 = Price(a_, "A", 1, {"SPRING20"}, "SPRING20", "C2");
    ASSERT_TRUE(for_c2.ok()) << for_c2.status();
    EXPECT_EQ(for_c2->discount_total().minor_units(), 200);
  }

  std::unique_ptr<db::TestDatabase> db_;
  Replica a_, b_;
};

TEST_F(PricingServiceTest, BadMasterDataIsRefusedAndNothingStored) {
  grpc::ClientContext ctx;
  v1::UpsertDiscountRequest req;
  req.mutable_discount()->set_discount_id("d");
  req.mutable_discount()->set_kind(v1::DISCOUNT_KIND_SIMPLE);
  req.mutable_discount()->set_concurrency(v1::CONCURRENCY_BEST_PRICE);
  req.mutable_discount()->set_percent_bp(12000);
  v1::UpsertDiscountResponse resp;
  grpc::Status s = a_.stub->UpsertDiscount(&ctx, req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("discount.percent_bp"), std::string::npos);
  grpc::ClientContext get_ctx;
  v1::GetDiscountRequest get;
  get.set_discount_id("d");
  v1::GetDiscountResponse got;
  EXPECT_EQ(a_.stub->GetDiscount(&get_ctx, get, &got).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(PricingServiceTest, UpsertIsIdempotentAndPricesAtOnce) {
  ASSERT_TRUE(UpsertProduct(a_, "A", 1000).ok());
  ASSERT_TRUE(UpsertProduct(a_, "A", 1200).ok());
  auto priced = Price(a_, "A", 2);
  ASSERT_TRUE(priced.ok()) << priced.status();
  EXPECT_EQ(priced->total().minor_units(), 2400);
  grpc::ClientContext ctx;
  v1::ListProductsRequest list;
  v1::ListProductsResponse listed;
  ASSERT_TRUE(a_.stub->ListProducts(&ctx, list, &listed).ok());
  EXPECT_EQ(listed.products_size(), 1);
}

// Through the service, orders of every size (a quantity discount moving
// one line's price) are answered as a full pricing answers them, less the
// lines whose fingerprint the caller already holds.
TEST_F(PricingServiceTest, OrdersOfEverySizeAnswerTheirChangedLinesAsAFullPricingDoes) {
  for (int p = 0; p < 5; ++p) ASSERT_TRUE(UpsertProduct(a_, absl::StrCat("P", p), 199 + 37 * p).ok());
  {
    // 10 % off 3 or more of P2: a quantity change moves the price of its
    // line only.
    grpc::ClientContext ctx;
    v1::UpsertDiscountRequest req;
    auto* d = req.mutable_discount();
    d->set_discount_id("P2-three");
    d->set_kind(v1::DISCOUNT_KIND_QUANTITY);
    d->set_concurrency(v1::CONCURRENCY_BEST_PRICE);
    d->add_product_ids("P2");
    auto* tier = d->add_tiers();
    tier->set_min_quantity(3);
    tier->set_percent_bp(1000);
    v1::UpsertDiscountResponse resp;
    ASSERT_TRUE(a_.stub->UpsertDiscount(&ctx, req, &resp).ok());
  }
  auto price = [&](const v1::PriceOrderRequest& req) {
    grpc::ClientContext ctx;
    v1::PriceOrderResponse resp;
    EXPECT_TRUE(a_.stub->PriceOrder(&ctx, req, &resp).ok());
    return resp;
  };
  for (int lines : {3, 10, 130}) {
    SCOPED_TRACE(absl::StrCat(lines, " lines"));
    v1::PriceOrderRequest req;
    req.set_currency("USD");
    req.set_customer_id("C1");
    for (int i = 0; i < lines; ++i) {
      auto* l = req.add_lines();
      l->set_line_id(absl::StrCat("L", i));
      l->set_product_id(absl::StrCat("P", i % 5));
      l->set_quantity(1 + i % 2);
    }
    const v1::PriceOrderResponse first = price(req);
    ASSERT_EQ(first.lines_size(), lines);
    ASSERT_EQ(first.unchanged_lines(), 0);
    // The caller holds the first answer's prices; line 2 (P2) goes to 3.
    for (int i = 0; i < lines; ++i) {
      req.mutable_lines(i)->set_priced_fingerprint(priced_line::Fingerprint(first.lines(i)));
    }
    req.mutable_lines(2)->set_quantity(3);
    const v1::PriceOrderResponse answered = price(req);
    v1::PriceOrderRequest without = req;
    for (auto& l : *without.mutable_lines()) l.clear_priced_fingerprint();
    const v1::PriceOrderResponse full = price(without);
    ASSERT_EQ(full.lines_size(), lines);
    ASSERT_EQ(answered.lines_size(), 1);
    EXPECT_EQ(answered.unchanged_lines(), lines - 1);
    EXPECT_EQ(answered.lines(0).SerializeAsString(), full.lines(2).SerializeAsString());
    EXPECT_EQ(answered.lines(0).discount().minor_units(), 82);  // 10 % of 3 × 2.73, half away from zero
    v1::PriceOrderResponse totals = full;
    totals.clear_lines();
    v1::PriceOrderResponse answered_totals = answered;
    answered_totals.clear_lines();
    answered_totals.clear_unchanged_lines();
    EXPECT_EQ(answered_totals.SerializeAsString(), totals.SerializeAsString());
  }
}

TEST_F(PricingServiceTest, AnotherReplicaSeesChangesThroughNotify) {
  b_ = Start();
  db::ChangeListener listener(db_->conninfo() + " options='-csearch_path=pricing_svc'",
                              "pricing_changed", absl::Hours(1),
                              [this] { b_.service->Refresh().IgnoreError(); });
  listener.Start();
  absl::SleepFor(absl::Milliseconds(300));  // let it LISTEN
  ASSERT_TRUE(UpsertProduct(a_, "NEW", 777).ok());
  absl::StatusOr<v1::PriceOrderResponse> priced = absl::NotFoundError("not yet");
  for (int i = 0; i < 100 && !priced.ok(); ++i) {  // wide margin, not a timing assertion
    absl::SleepFor(absl::Milliseconds(50));
    priced = Price(b_, "NEW", 1);
  }
  ASSERT_TRUE(priced.ok()) << priced.status();
  EXPECT_EQ(priced->total().minor_units(), 777);
  listener.Stop();
}

TEST_F(PricingServiceTest, CouponLifecycle) {
  SetupCoupon(/*max_uses=*/2, /*per_customer=*/1);
  auto priced = Price(a_, "A", 1, {"SPRING20"});
  ASSERT_TRUE(priced.ok());
  EXPECT_EQ(priced->discount_total().minor_units(), 200);
  ASSERT_TRUE(Redeem("o1", "C1").ok());
  ASSERT_TRUE(Redeem("o1", "C1").ok());  // same order again: counted once
  // C1 used its one use.
  v1::CheckCouponResponse checked;
  grpc::Status s = Check("SPRING20", "C1", &checked);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find("used up"), std::string::npos);
  EXPECT_EQ(Redeem("o2", "C1").error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  ExpectPricingChecksTheCoupon();
  ASSERT_TRUE(Redeem("o3", "C2").ok());
  EXPECT_EQ(Redeem("o4", "C3").error_code(), grpc::StatusCode::FAILED_PRECONDITION);  // 2 in all
  // Cancelling o1 releases its use.
  grpc::ClientContext rel_ctx;
  v1::ReleaseCouponsRequest rel;
  rel.set_order_id("o1");
  v1::ReleaseCouponsResponse released;
  ASSERT_TRUE(a_.stub->ReleaseCoupons(&rel_ctx, rel, &released).ok());
  EXPECT_EQ(released.released_codes_size(), 1);
  EXPECT_TRUE(Redeem("o5", "C1").ok());
  EXPECT_EQ(Check("NOPE", "C1", &checked).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(PricingServiceTest, PerCustomerLimitAloneAndUnlimitedCoupons) {
  // Only a per-customer limit: counted per customer, not in all.
  SetupCoupon(/*max_uses=*/0, /*per_customer=*/1);
  ASSERT_TRUE(Redeem("o1", "C1").ok());
  ASSERT_TRUE(Redeem("o1", "C1").ok());  // the same order again
  EXPECT_EQ(Redeem("o2", "C1").error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  ExpectPricingChecksTheCoupon();
  ASSERT_TRUE(Redeem("o3", "C2").ok());
  ASSERT_TRUE(Redeem("o4", "C3").ok());
  // No limit at all: any number of uses, none counted.
  SetupCoupon(/*max_uses=*/0, /*per_customer=*/0);
  for (const char* order : {"o5", "o6", "o7"}) ASSERT_TRUE(Redeem(order, "C1").ok()) << order;
  v1::CheckCouponResponse checked;
  ASSERT_TRUE(Check("SPRING20", "C1", &checked).ok());
  EXPECT_EQ(checked.coupon().uses(), 0);
  // A limit set later counts every use made before it: C1 has four.
  SetupCoupon(/*max_uses=*/0, /*per_customer=*/4);
  EXPECT_EQ(Redeem("o8", "C1").error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(Redeem("o9", "C2").ok());
}

TEST_F(PricingServiceTest, ValidatePriceOverride) {
  grpc::ClientContext ctx;
  v1::UpsertProductRequest req;
  auto* p = req.mutable_product();
  p->set_product_id("A");
  p->set_name("A");
  *p->mutable_base_price() = Usd(1000);
  *p->mutable_unit_cost() = Usd(600);
  p->set_allow_price_override(true);
  v1::UpsertProductResponse resp;
  ASSERT_TRUE(a_.stub->UpsertProduct(&ctx, req, &resp).ok());
  auto check = [&](int64_t price, int32_t bp) {
    grpc::ClientContext c;
    v1::ValidatePriceOverrideRequest r;
    r.set_product_id("A");
    *r.mutable_system_unit_price() = Usd(1000);
    *r.mutable_unit_price() = Usd(price);
    r.set_price_override_max_bp(bp);
    v1::ValidatePriceOverrideResponse out;
    return a_.stub->ValidatePriceOverride(&c, r, &out).error_code();
  };
  EXPECT_EQ(check(900, 1000), grpc::StatusCode::OK);
  EXPECT_EQ(check(899, 1000), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(check(599, 5000), grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace callcenter::pricing
