// Prices at the front door: totals to the cent after every change, price
// overrides within the allowance, coupons. End to end through the front door
// (front_door_fixture.h).
#include "tests/e2e/front_door_fixture.h"

namespace callcenter::testing {
namespace {

// API.md's amounts hold after every change, whatever the mix of discounts
// (quantity, threshold spread over lines, coupon), charges and tax:
// subtotal = sum of quantity x unit price, discount_total = sum of the lines'
// discounts, net = quantity x unit price - discount, total = subtotal -
// discounts + charges + tax, balance due = total - paid.
TEST_F(FrontDoorTest, TotalsAddUpAfterEveryChange) {
  World();
  Product("C", 333, 100, false);  // 3.33: thirds that do not divide evenly
  {
    pricing::v1::Discount d;  // B: 1.00 off each unit from 3 units
    d.set_discount_id(Id("QTY-B"));
    d.set_kind(pricing::v1::DISCOUNT_KIND_QUANTITY);
    d.set_concurrency(pricing::v1::CONCURRENCY_COMPOUND);
    d.add_product_ids(Id("B"));
    auto* tier = d.add_tiers();
    tier->set_min_quantity(3);
    *tier->mutable_amount_off() = Usd(100);
    PutDiscount(d);
  }
  {
    pricing::v1::Discount d;  // 10.00 off orders from 50.00, spread over the lines
    d.set_discount_id(Id("THRESHOLD"));
    d.set_kind(pricing::v1::DISCOUNT_KIND_THRESHOLD);
    d.set_concurrency(pricing::v1::CONCURRENCY_COMPOUND);
    for (const char* p : {"A", "B", "C"}) d.add_product_ids(Id(p));
    auto* tier = d.add_tiers();
    *tier->mutable_min_amount() = Usd(5000);
    *tier->mutable_amount_off() = Usd(1000);
    PutDiscount(d);
  }
  Coupon("TEN", 1000, 0);  // 10 % off A
  const std::string mode = Id("EXPRESS");
  {
    grpc::ClientContext ctx;
    pricing::v1::UpsertDeliveryChargeRequest req;
    req.mutable_delivery_charge()->set_delivery_mode(mode);
    auto* low = req.mutable_delivery_charge()->add_tiers();
    *low->mutable_from_amount() = Usd(0);
    *low->mutable_amount() = Usd(995);
    auto* high = req.mutable_delivery_charge()->add_tiers();
    *high->mutable_from_amount() = Usd(10000);
    high->set_percent_bp(350);  // 3.5 % of the order value
    pricing::v1::UpsertDeliveryChargeResponse resp;
    ASSERT_TRUE(suite->pricing->UpsertDeliveryCharge(&ctx, req, &resp).ok());
  }
  {
    grpc::ClientContext ctx;
    pricing::v1::UpsertTaxRateRequest req;
    req.mutable_tax_rate()->set_tax_rate_id(Id("TAX"));
    req.mutable_tax_rate()->set_postal_prefix(Id("ZIP"));
    req.mutable_tax_rate()->set_rate_bp(825);
    pricing::v1::UpsertTaxRateResponse resp;
    ASSERT_TRUE(suite->pricing->UpsertTaxRate(&ctx, req, &resp).ok());
  }
  EditCallCenter([&](order::v1::CallCenter& cc) { cc.add_delivery_modes(mode); });

  auto check = [&](const Order& o, const std::string& step) {
    SCOPED_TRACE(step);
    int64_t subtotal = 0, discounts = 0;
    for (const auto& l : o.lines()) {
      const int64_t gross = l.quantity() * l.unit_price().minor_units();
      EXPECT_EQ(l.net_amount().minor_units(), gross - l.discount().minor_units());
      EXPECT_GE(l.net_amount().minor_units(), 0);
      EXPECT_EQ(l.unit_price().currency(), "USD");
      subtotal += gross;
      discounts += l.discount().minor_units();
    }
    EXPECT_EQ(o.subtotal().minor_units(), subtotal);
    EXPECT_EQ(o.discount_total().minor_units(), discounts);
    EXPECT_EQ(o.total().minor_units(),
              subtotal - discounts + o.charges_total().minor_units() + o.tax_total().minor_units());
    EXPECT_EQ(o.balance_due().minor_units(),
              o.total().minor_units() - o.paid_total().minor_units());
  };

  Order order = Start();
  std::mt19937 random(20261127);
  bool threshold_seen = false, taxed = false, coupon = false;
  for (int step = 0; step < 30; ++step) {
    const int op = std::uniform_int_distribution<int>(0, 9)(random);
    const std::string rid = absl::StrCat("step-", step);
    const int qty = std::uniform_int_distribution<int>(1, 6)(random);
    if (step == 3) {  // delivery to the taxed region, by the tiered mode
      fd::SetDeliveryRequest req;
      req.set_request_id(Id(rid));
      req.set_order_id(order.order_id());
      req.set_delivery_mode(mode);
      req.mutable_address()->set_postal_code(Id("ZIP") + "-001");
      req.mutable_address()->set_country("US");
      fd::SetDeliveryResponse resp;
      ASSERT_TRUE(suite->front->SetDelivery(suite->As(Id("agent")).get(), req, &resp).ok());
      order = resp.order();
    } else if (step == 8 && !coupon) {
      ASSERT_TRUE(ApplyCoupon(&order, "TEN").ok());
      coupon = true;
    } else if (op < 5 || order.lines_size() < 2) {
      const char* product = std::array<const char*, 3>{"A", "B", "C"}[op % 3];
      ASSERT_TRUE(AddLine(&order, product, qty, Id(rid)).ok());
    } else if (op < 8) {
      fd::UpdateLineQuantityRequest req;
      req.set_request_id(Id(rid));
      req.set_order_id(order.order_id());
      req.set_line_id(order.lines(op % order.lines_size()).line_id());
      req.set_quantity(qty);
      fd::UpdateLineQuantityResponse resp;
      ASSERT_TRUE(suite->front->UpdateLineQuantity(suite->As(Id("agent")).get(), req, &resp).ok());
      order = resp.order();
    } else {
      fd::RemoveLineRequest req;
      req.set_request_id(Id(rid));
      req.set_order_id(order.order_id());
      req.set_line_id(order.lines(op % order.lines_size()).line_id());
      fd::RemoveLineResponse resp;
      ASSERT_TRUE(suite->front->RemoveLine(suite->As(Id("agent")).get(), req, &resp).ok());
      order = resp.order();
    }
    check(order, rid);
    threshold_seen = threshold_seen || order.subtotal().minor_units() >= 5000;
    taxed = taxed || order.tax_total().minor_units() > 0;
  }
  EXPECT_TRUE(threshold_seen) << "the walk never reached the threshold";
  EXPECT_TRUE(taxed) << "the walk never taxed the order";
  // The summary, the payment of the balance and the submit keep the amounts.
  fd::GetOrderSummaryRequest sreq;
  sreq.set_order_id(order.order_id());
  fd::GetOrderSummaryResponse summary;
  ASSERT_TRUE(suite->front->GetOrderSummary(suite->As(Id("agent")).get(), sreq, &summary).ok());
  EXPECT_EQ(summary.order().total().minor_units(), order.total().minor_units());
  check(summary.order(), "summary");
  ASSERT_TRUE(Pay(&order, "tok_4242", "pay").ok());
  EXPECT_EQ(order.balance_due().minor_units(), 0);
  check(order, "paid");
  const int64_t total = order.total().minor_units();
  ASSERT_TRUE(Submit(&order).ok());
  EXPECT_EQ(order.status(), common::v1::ORDER_STATUS_CONFIRMED);
  EXPECT_EQ(order.total().minor_units(), total);
  check(order, "submitted");
}

// ------------------------------------------------------ product details

TEST_F(FrontDoorTest, PriceOverrideWithinTheUsersAllowance) {
  World();
  Order order = Start();
  ASSERT_TRUE(AddLine(&order, "A", 2).ok());
  ASSERT_TRUE(AddLine(&order, "B", 1).ok());
  auto override_price = [&](const std::string& line_id, int64_t price, const std::string& rid) {
    return OverridePrice(&order, line_id, price, rid).error_code();
  };
  // The agent may go 10% below 20.00.
  EXPECT_EQ(override_price(order.lines(0).line_id(), 1799, "o1"),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(override_price(order.lines(1).line_id(), 1400, "o2"),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(override_price(order.lines(0).line_id(), 1800, "o3"), grpc::StatusCode::OK);
  EXPECT_TRUE(order.lines(0).price_overridden());
  EXPECT_EQ(order.lines(0).net_amount().minor_units(), 3600);
  // The overridden line keeps its price when the order is repriced.
  fd::UpdateLineQuantityRequest q;
  q.set_request_id(Id("q"));
  q.set_order_id(order.order_id());
  q.set_line_id(order.lines(0).line_id());
  q.set_quantity(3);
  fd::UpdateLineQuantityResponse qr;
  ASSERT_TRUE(suite->front->UpdateLineQuantity(suite->As(Id("agent")).get(), q, &qr).ok());
  EXPECT_EQ(qr.order().lines(0).unit_price().minor_units(), 1800);
  EXPECT_EQ(qr.order().lines(0).net_amount().minor_units(), 5400);
}

TEST_F(FrontDoorTest, OverrideBelowUnitCostIsRefused) {
  World();
  User("boss", 10000, {}, false);
  Order order = Start();
  ASSERT_TRUE(AddLine(&order, "A", 1).ok());
  grpc::Status s =
      OverridePrice(&order, order.lines(0).line_id(), 799, "o", "boss", "X");  // cost 8.00
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("unit cost"), std::string::npos);
}

// --------------------------------------------------------------- payments

TEST_F(FrontDoorTest, CouponErrors) {
  World();
  Order order = Start();
  ASSERT_TRUE(AddLine(&order, "A", 1).ok());
  EXPECT_EQ(ApplyCoupon(&order, "UNKNOWN").error_code(), grpc::StatusCode::NOT_FOUND);
  Coupon("USED", 1000, 1);
  ASSERT_TRUE(ApplyCoupon(&order, "USED").ok());
  ASSERT_TRUE(Pay(&order, "tok_4242", "pay").ok());
  ASSERT_TRUE(Submit(&order).ok());
  Order second;
  second = Start("", Id("start-2"));
  grpc::Status s = ApplyCoupon(&second, "USED");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find("used up"), std::string::npos);
}

// ------------------------------------------------------------ idempotency

}  // namespace
}  // namespace callcenter::testing
