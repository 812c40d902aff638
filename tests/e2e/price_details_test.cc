// GetPriceDetails (DOMAIN 3, price details) through the front door: D365's
// worked example explained line by line under both concurrency models, the
// price's source (base, trade agreement, override), coupons, a submitted
// order explained as it was priced; refusals (price control off, another
// call center, an unknown order), and nothing ever written.
#include "absl/strings/str_replace.h"
#include "tests/e2e/front_door_fixture.h"

namespace callcenter::testing {
namespace {

using pricing::v1::CONCURRENCY_BEST_PRICE;
using pricing::v1::CONCURRENCY_COMPOUND;
constexpr auto kApplied = fd::DISCOUNT_OUTCOME_KIND_APPLIED;
constexpr auto kLost = fd::DISCOUNT_OUTCOME_KIND_LOST;
constexpr auto kBlocked = fd::DISCOUNT_OUTCOME_KIND_BLOCKED;
constexpr auto kIgnored = fd::DISCOUNT_OUTCOME_KIND_IGNORED;
constexpr auto kNoCoupon = fd::DISCOUNT_OUTCOME_KIND_NO_COUPON;

class PriceDetailsTest : public FrontDoorTest {
 protected:
  grpc::Status Details(const Order& order, fd::GetPriceDetailsResponse* out,
                       const std::string& user = "agent") {
    fd::GetPriceDetailsRequest req;
    req.set_order_id(order.order_id());
    *out = fd::GetPriceDetailsResponse();
    return suite->front->GetPriceDetails(suite->As(Id(user)).get(), req, out);
  }

  pricing::v1::Discount Simple(const std::string& id, pricing::v1::Concurrency c, int priority,
                               std::vector<std::string> products) {
    pricing::v1::Discount d;
    d.set_discount_id(Id(id));
    d.set_name(id);
    d.set_kind(pricing::v1::DISCOUNT_KIND_SIMPLE);
    d.set_concurrency(c);
    d.set_priority(priority);
    for (const auto& p : products) d.add_product_ids(Id(p));
    return d;
  }

  // D365's worked example (DOMAIN 3), its discounts limited to this test's
  // three products (the pricing tables are shared by every test).
  void WorkedExample() {
    World();
    Product("Prod1", 1000, 300, false);
    Product("Prod2", 2000, 600, false);
    Product("Prod3", 1000, 300, false);
    const std::vector<std::string> all = {"Prod1", "Prod2", "Prod3"};
    const std::vector<std::string> one_two = {"Prod1", "Prod2"};
    auto percent = [&](const std::string& id, pricing::v1::Concurrency c, int priority, int bp,
                       const std::vector<std::string>& products) {
      pricing::v1::Discount d = Simple(id, c, priority, products);
      d.set_percent_bp(bp);
      PutDiscount(d);
    };
    percent("BP1", CONCURRENCY_BEST_PRICE, 10, 1500, one_two);
    percent("BP2", CONCURRENCY_BEST_PRICE, 5, 2000, all);
    pricing::v1::Discount c1 = Simple("C1", CONCURRENCY_COMPOUND, 10, one_two);
    *c1.mutable_amount_off() = Usd(100);
    PutDiscount(c1);
    percent("C2", CONCURRENCY_COMPOUND, 10, 1000, one_two);
    percent("C3", CONCURRENCY_COMPOUND, 5, 2500, all);
    pricing::v1::Discount c4 = Simple("C4", CONCURRENCY_COMPOUND, 5, all);
    c4.set_kind(pricing::v1::DISCOUNT_KIND_THRESHOLD);
    *c4.add_tiers()->mutable_min_amount() = Usd(1);
    c4.mutable_tiers(0)->set_percent_bp(1000);
    PutDiscount(c4);
  }

  Order ThreeLines() {
    Order order = Start();
    EXPECT_TRUE(AddLine(&order, "Prod1", 1).ok());
    EXPECT_TRUE(AddLine(&order, "Prod2", 1).ok());
    EXPECT_TRUE(AddLine(&order, "Prod3", 1).ok());
    return order;
  }

  struct Want {
    std::string discount;
    fd::DiscountOutcomeKind outcome;
    int64_t amount = 0;
    std::string beaten_by;
  };
  void Expect(const fd::LinePriceDetail& line, const std::vector<Want>& wants,
              const std::string& where) {
    ASSERT_EQ(line.discounts_size(), static_cast<int>(wants.size())) << where;
    for (const Want& w : wants) {
      const fd::DiscountOutcome* got = nullptr;
      for (const auto& d : line.discounts()) {
        if (d.discount_id() == Id(w.discount)) got = &d;
      }
      ASSERT_NE(got, nullptr) << where << " " << w.discount;
      EXPECT_EQ(got->outcome(), w.outcome) << where << " " << w.discount;
      EXPECT_EQ(got->amount().minor_units(), w.amount) << where << " " << w.discount;
      std::string by = w.beaten_by;
      for (const char* id : {"BP1", "C1", "C2", "C3"}) {
        by = absl::StrReplaceAll(by, {{id, Id(id)}});
      }
      EXPECT_EQ(got->beaten_by(), by) << where << " " << w.discount;
    }
  }
};

TEST_F(PriceDetailsTest, D365WorkedExampleFirstModel) {
  WorkedExample();
  Order order = ThreeLines();
  ASSERT_EQ(order.lines(0).net_amount().minor_units(), 729);
  fd::GetPriceDetailsResponse details;
  ASSERT_TRUE(Details(order, &details).ok());
  ASSERT_EQ(details.lines_size(), 3);
  const fd::LinePriceDetail& prod1 = details.lines(0);
  EXPECT_EQ(prod1.line_id(), order.lines(0).line_id());
  EXPECT_EQ(prod1.product_id(), Id("Prod1"));
  EXPECT_EQ(prod1.base_price().minor_units(), 1000);
  EXPECT_EQ(prod1.unit_price().minor_units(), 1000);
  EXPECT_EQ(prod1.price_source(), fd::PRICE_SOURCE_BASE);
  EXPECT_EQ(prod1.margin_bp(), (729 - 300) * 10000 / 729);
  Expect(prod1,
         {{"C1", kApplied, 100}, {"C2", kApplied, 90}, {"BP1", kLost, 0, "C1+C2"},
          {"C4", kApplied, 81}, {"BP2", kIgnored, 0, "C1+C2"}, {"C3", kIgnored, 0, "C1+C2"}},
         "Prod1");
  Expect(details.lines(1),
         {{"BP1", kApplied, 300}, {"C1", kLost, 0, "BP1"}, {"C2", kLost, 0, "BP1"},
          {"C4", kBlocked, 0, "BP1"}, {"BP2", kIgnored, 0, "BP1"}, {"C3", kIgnored, 0, "BP1"}},
         "Prod2");
  Expect(details.lines(2), {{"C3", kApplied, 250}, {"BP2", kLost, 0, "C3"}, {"C4", kApplied, 75}},
         "Prod3");
  // What it explains is what the order was charged, line by line.
  for (int i = 0; i < 3; ++i) {
    int64_t applied = 0;
    for (const auto& d : details.lines(i).discounts()) {
      if (d.outcome() == kApplied) applied += d.amount().minor_units();
    }
    EXPECT_EQ(applied, order.lines(i).discount().minor_units()) << i;
  }
  // Asking changed nothing.
  EXPECT_EQ(Get(order.order_id()).version(), order.version());
}

TEST_F(PriceDetailsTest, D365WorkedExampleSecondModel) {
  WorkedExample();
  EditCallCenter([](order::v1::CallCenter& cc) {
    cc.set_concurrency_model(common::v1::CONCURRENCY_MODEL_BEST_PRICE_COMPOUND_ACROSS);
  });
  Order order = ThreeLines();
  EXPECT_EQ(order.lines(0).net_amount().minor_units(), 637);
  EXPECT_EQ(order.lines(1).net_amount().minor_units(), 1275);
  EXPECT_EQ(order.lines(2).net_amount().minor_units(), 750);
  fd::GetPriceDetailsResponse details;
  ASSERT_TRUE(Details(order, &details).ok());
  Expect(details.lines(0),
         {{"BP1", kApplied, 150}, {"C1", kLost, 0, "BP1"}, {"C2", kLost, 0, "BP1"},
          {"C3", kApplied, 213}, {"BP2", kLost, 0, "C3"}, {"C4", kBlocked, 0, "BP1"}},
         "Prod1");
  Expect(details.lines(2), {{"C3", kApplied, 250}, {"BP2", kLost, 0, "C3"}, {"C4", kBlocked, 0, "C3"}},
         "Prod3");
}

TEST_F(PriceDetailsTest, PriceSourcesCouponsAndASubmittedOrder) {
  World();
  {
    grpc::ClientContext ctx;
    pricing::v1::UpsertTradeAgreementRequest req;
    auto* a = req.mutable_trade_agreement();
    a->set_trade_agreement_id(Id("TA"));
    a->set_product_id(Id("B"));
    a->set_customer_id(Id("cust"));
    *a->mutable_price() = Usd(1200);
    pricing::v1::UpsertTradeAgreementResponse resp;
    ASSERT_TRUE(suite->pricing->UpsertTradeAgreement(&ctx, req, &resp).ok());
  }
  Coupon("SAVE10", 1000, 1);
  Order order = Start();
  ASSERT_TRUE(AddLine(&order, "A", 2).ok());
  ASSERT_TRUE(AddLine(&order, "B", 1).ok());
  fd::GetPriceDetailsResponse details;
  ASSERT_TRUE(Details(order, &details).ok());
  EXPECT_EQ(details.lines(0).price_source(), fd::PRICE_SOURCE_BASE);
  ASSERT_EQ(details.lines(0).discounts_size(), 1);
  EXPECT_EQ(details.lines(0).discounts(0).outcome(), kNoCoupon);
  EXPECT_EQ(details.lines(1).price_source(), fd::PRICE_SOURCE_TRADE_AGREEMENT);
  EXPECT_EQ(details.lines(1).trade_agreement_id(), Id("TA"));
  EXPECT_EQ(details.lines(1).base_price().minor_units(), 1500);
  EXPECT_EQ(details.lines(1).unit_price().minor_units(), 1200);

  ASSERT_TRUE(ApplyCoupon(&order, "SAVE10").ok());
  ASSERT_TRUE(OverridePrice(&order, order.lines(0).line_id(), 1900, "override", "super").ok());
  ASSERT_TRUE(Details(order, &details).ok());
  EXPECT_EQ(details.lines(0).price_source(), fd::PRICE_SOURCE_OVERRIDE);
  EXPECT_EQ(details.lines(0).unit_price().minor_units(), 1900);
  EXPECT_EQ(details.lines(0).discounts(0).outcome(), kBlocked);
  EXPECT_EQ(details.lines(0).discounts(0).beaten_by(), "OVERRIDE");

  // A submitted order is explained as it was priced, though its one-use
  // coupon is now used up (by itself).
  Order second = Start("", Id("start-2"));
  ASSERT_TRUE(AddLine(&second, "A", 1, Id("line-2")).ok());
  ASSERT_TRUE(ApplyCoupon(&second, "SAVE10").ok());
  ASSERT_TRUE(Pay(&second, "tok_4242", "pay-2").ok());
  ASSERT_TRUE(Submit(&second, "submit-2").ok());
  ASSERT_EQ(second.lines(0).discount().minor_units(), 200);
  ASSERT_TRUE(Details(second, &details).ok());
  ASSERT_EQ(details.lines(0).discounts_size(), 1);
  EXPECT_EQ(details.lines(0).discounts(0).outcome(), kApplied);
  EXPECT_EQ(details.lines(0).discounts(0).amount().minor_units(), 200);
  EXPECT_EQ(Get(second.order_id()).version(), second.version());
}

TEST_F(PriceDetailsTest, RefusedWithoutPriceControlForOtherCallCentersAndUnknownOrders) {
  World();
  Order order = Start();
  ASSERT_TRUE(AddLine(&order, "A", 1).ok());
  fd::GetPriceDetailsResponse details;
  // Another call center's user.
  OtherCallCenter(Id("other-cc"), /*price_control=*/true);
  {
    grpc::ClientContext uctx;
    order::v1::UpsertUserRequest user;
    user.mutable_user()->set_user_id(Id("stranger"));
    user.mutable_user()->set_call_center_id(Id("other-cc"));
    order::v1::UpsertUserResponse uresp;
    ASSERT_TRUE(suite->call_centers->UpsertUser(&uctx, user, &uresp).ok());
  }
  EXPECT_EQ(Details(order, &details, "stranger").error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(details.lines_size(), 0);
  Order unknown;
  unknown.set_order_id("00000000-0000-4000-8000-000000000000");
  EXPECT_EQ(Details(unknown, &details).error_code(), grpc::StatusCode::NOT_FOUND);
  EditCallCenter([](order::v1::CallCenter& cc) { cc.set_price_control_enabled(false); });
  grpc::Status off = Details(order, &details);
  EXPECT_EQ(off.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(off.error_message().find("price control"), std::string::npos) << off.error_message();
  EXPECT_EQ(Get(order.order_id()).version(), order.version());
}

}  // namespace
}  // namespace callcenter::testing
