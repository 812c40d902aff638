// End to end through the front door: all six services as real gRPC servers
// on 127.0.0.1:0 against a real PostgreSQL, driven as an internal caller
// would drive them. Each test builds its own call center, users, customer
// and products under a unique prefix.
#include <array>
#include <atomic>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "callcenter/order/v1/order_mock.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/e2e/suite_harness.h"

namespace callcenter::testing {
namespace {

namespace fd = orchestration::v1;
using common::v1::Money;
using common::v1::Order;

struct Features {
  bool completion = true, directed = true, price_control = true;
  int64_t min_fraud_score = 50;
};

// A call center with an agent, a supervisor, a customer and products.
class FrontDoorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (suite == nullptr) {
      CC_REQUIRE_DATABASE(static_cast<void*>(nullptr));
    }
    static int counter = 0;
    p_ = absl::StrCat("t", ++counter, "-");
  }

  std::string Id(const std::string& s) const { return p_ + s; }

  // Calls `rpc` twice with the same request as `user`: the retry must answer
  // exactly what the first call did and leave the stored order as it was.
  template <typename Req, typename Resp>
  Order Twice(grpc::Status (fd::OrderEntryService::Stub::*rpc)(grpc::ClientContext*, const Req&,
                                                                Resp*),
              const Req& req, const std::string& user = "agent") {
    Resp first, retried;
    grpc::Status s = (suite->front.get()->*rpc)(suite->As(Id(user)).get(), req, &first);
    EXPECT_TRUE(s.ok()) << s.error_message();
    s = (suite->front.get()->*rpc)(suite->As(Id(user)).get(), req, &retried);
    EXPECT_TRUE(s.ok()) << s.error_message();
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(first.order(), retried.order()))
        << req.GetTypeName();
    EXPECT_EQ(Get(first.order().order_id()).version(), first.order().version())
        << req.GetTypeName();
    return first.order();
  }

  // One series of the front door's metrics, e.g. submits_total{outcome="confirmed"}
  // (0 before its first increment).
  static double Metric(const std::string& series) {
    const std::string text = suite->front_door_metrics().Scrape();
    for (absl::string_view line : absl::StrSplit(text, '\n')) {
      double value = 0;
      if (absl::ConsumePrefix(&line, series + " ") && absl::SimpleAtod(line, &value)) return value;
    }
    return 0;
  }

  void World(Features f = {}) {
    {
      grpc::ClientContext ctx;
      order::v1::UpsertCallCenterRequest req;
      auto* cc = req.mutable_call_center();
      cc->set_call_center_id(Id("cc"));
      cc->set_name("Phone sales");
      cc->set_currency("USD");
      for (auto m : {common::v1::PAYMENT_METHOD_CARD, common::v1::PAYMENT_METHOD_CHECK,
                     common::v1::PAYMENT_METHOD_ON_ACCOUNT, common::v1::PAYMENT_METHOD_GIFT_CARD}) {
        cc->add_payment_methods(m);
      }
      cc->add_delivery_modes("STANDARD");
      (*cc->mutable_financial_dimensions())["department"] = "CC1";
      cc->set_order_completion_enabled(f.completion);
      cc->set_directed_selling_enabled(f.directed);
      cc->set_price_control_enabled(f.price_control);
      cc->set_min_fraud_score(f.min_fraud_score);
      order::v1::UpsertCallCenterResponse resp;
      ASSERT_TRUE(suite->call_centers->UpsertCallCenter(&ctx, req, &resp).ok());
    }
    User("agent", 1000, {}, false);
    User("super", 10000, {"*"}, true);
    {
      grpc::ClientContext ctx;
      order::v1::UpsertCustomerRequest req;
      auto* c = req.mutable_customer();
      c->set_customer_id(Id("cust"));
      c->set_name("Maria Lopez");
      c->set_email(Id("maria@example.com"));
      c->set_customer_group("RETAIL");
      c->mutable_delivery_address()->set_postal_code("90210");
      c->mutable_delivery_address()->set_country("US");
      order::v1::UpsertCustomerResponse resp;
      ASSERT_TRUE(suite->customers->UpsertCustomer(&ctx, req, &resp).ok());
    }
    Product("A", 2000, 800, true);
    Product("B", 1500, 500, false);
  }

  void User(const std::string& id, int32_t max_bp, std::vector<std::string> codes, bool may_cancel) {
    grpc::ClientContext ctx;
    order::v1::UpsertUserRequest req;
    req.mutable_user()->set_user_id(Id(id));
    req.mutable_user()->set_call_center_id(Id("cc"));
    req.mutable_user()->set_price_override_max_bp(max_bp);
    for (auto& c : codes) req.mutable_user()->add_clearable_hold_codes(c);
    req.mutable_user()->set_may_cancel(may_cancel);
    order::v1::UpsertUserResponse resp;
    ASSERT_TRUE(suite->call_centers->UpsertUser(&ctx, req, &resp).ok());
  }

  void Product(const std::string& id, int64_t price, int64_t cost, bool allow_override,
               bool continuity = false) {
    grpc::ClientContext ctx;
    pricing::v1::UpsertProductRequest req;
    auto* p = req.mutable_product();
    p->set_product_id(Id(id));
    p->set_name(id);
    *p->mutable_base_price() = Usd(price);
    *p->mutable_unit_cost() = Usd(cost);
    p->set_allow_price_override(allow_override);
    if (continuity) {
      p->mutable_continuity()->set_interval_days(30);
      p->mutable_continuity()->set_repeats(2);
      *p->mutable_continuity()->mutable_price() = Usd(price - 100);
    }
    pricing::v1::UpsertProductResponse resp;
    ASSERT_TRUE(suite->pricing->UpsertProduct(&ctx, req, &resp).ok());
  }

  Order Start(const std::string& source_code = "", const std::string& request_id = "") {
    fd::StartOrderRequest req;
    req.set_request_id(request_id.empty() ? Id("start") + source_code : request_id);
    req.set_call_center_id(Id("cc"));
    req.set_customer_id(Id("cust"));
    req.set_source_code(source_code);
    fd::StartOrderResponse resp;
    grpc::Status s = suite->front->StartOrder(suite->As(Id("agent")).get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.order();
  }

  grpc::Status AddLine(Order* order, const std::string& product, int qty,
                       const std::string& request_id = "",
                       common::v1::LineOrigin origin = common::v1::LINE_ORIGIN_NONE,
                       fd::OrderEntryService::Stub* stub = nullptr) {
    fd::AddLineRequest req;
    req.set_request_id(request_id.empty() ? Id("line-" + product + std::to_string(qty)) : request_id);
    req.set_order_id(order->order_id());
    req.set_product_id(Id(product));
    req.set_quantity(qty);
    req.set_origin(origin);
    fd::AddLineResponse resp;
    grpc::Status s =
        (stub ? stub : suite->front.get())->AddLine(suite->As(Id("agent")).get(), req, &resp);
    if (s.ok()) *order = resp.order();
    return s;
  }

  grpc::Status Pay(Order* order, const std::string& token, const std::string& request_id,
                   int64_t amount = 0) {
    fd::AddPaymentRequest req;
    req.set_request_id(Id(request_id));
    req.set_order_id(order->order_id());
    req.set_method(common::v1::PAYMENT_METHOD_CARD);
    req.set_card_token(token);
    if (amount > 0) *req.mutable_amount() = Usd(amount);
    fd::AddPaymentResponse resp;
    grpc::Status s = suite->front->AddPayment(suite->As(Id("agent")).get(), req, &resp);
    if (s.ok()) *order = resp.order();
    return s;
  }

  grpc::Status Submit(Order* order, const std::string& request_id = "submit",
                      fd::OrderEntryService::Stub* stub = nullptr) {
    fd::SubmitOrderRequest req;
    req.set_request_id(Id(request_id));
    req.set_order_id(order->order_id());
    fd::SubmitOrderResponse resp;
    grpc::Status s = (stub ? stub : suite->front.get())
                         ->SubmitOrder(suite->As(Id("agent")).get(), req, &resp);
    if (s.ok()) *order = resp.order();
    return s;
  }

  Order Get(const std::string& order_id) {
    fd::GetOrderRequest req;
    req.set_order_id(order_id);
    fd::GetOrderResponse resp;
    EXPECT_TRUE(suite->front->GetOrder(suite->As(Id("agent")).get(), req, &resp).ok());
    return resp.order();
  }

  // The status the payment service holds for one payment of an order.
  common::v1::PaymentStatus PaymentStatus(const std::string& order_id,
                                          const std::string& payment_id) {
    for (const auto& p : PaymentsOf(order_id)) {
      if (p.payment_id() == payment_id) return p.status();
    }
    return common::v1::PAYMENT_STATUS_UNSPECIFIED;
  }

  // An order's payments as the payment service holds them, oldest first.
  std::vector<payment::v1::Payment> PaymentsOf(const std::string& order_id) {
    grpc::ClientContext ctx;
    payment::v1::ListPaymentsRequest list;
    list.set_order_id(order_id);
    payment::v1::ListPaymentsResponse listed;
    EXPECT_TRUE(suite->payments->ListPayments(&ctx, list, &listed).ok());
    return {listed.payments().begin(), listed.payments().end()};
  }

  // World, then a draft with one line of A, coupon `code` (`percent_bp`
  // off, `max_uses`) applied, paid by card: the usual start of a submit test.
  Order PaidDraftWithCoupon(const std::string& code, int32_t percent_bp, int max_uses) {
    World();
    Coupon(code, percent_bp, max_uses);
    Order order = Start();
    EXPECT_TRUE(AddLine(&order, "A", 1).ok());
    EXPECT_TRUE(ApplyCoupon(&order, code).ok());
    EXPECT_TRUE(Pay(&order, "tok_4242", "pay").ok());
    return order;
  }

  // World, then a continuity product VIT (20.00; every 30 days, twice
  // more, at 19.00) sold and submitted: a parent order.
  Order SubmittedContinuityOrder() {
    World();
    Product("VIT", 2000, 500, false, /*continuity=*/true);
    Order order = Start();
    EXPECT_TRUE(AddLine(&order, "VIT", 1).ok());
    EXPECT_TRUE(Pay(&order, "tok_4242", "pay").ok());
    EXPECT_TRUE(Submit(&order).ok());
    return order;
  }

  // The customer's email as static fraud data worth `score`.
  void SuspectEmail(int64_t score) {
    grpc::ClientContext ctx;
    hold::v1::UpsertFraudDataRequest req;
    req.mutable_fraud_data()->set_kind(hold::v1::FRAUD_DATA_KIND_EMAIL);
    req.mutable_fraud_data()->set_value(Id("maria@example.com"));
    req.mutable_fraud_data()->set_score(score);
    hold::v1::UpsertFraudDataResponse resp;
    ASSERT_TRUE(suite->holds->UpsertFraudData(&ctx, req, &resp).ok());
  }

  void PutDiscount(pricing::v1::Discount d) {
    grpc::ClientContext ctx;
    pricing::v1::UpsertDiscountRequest req;
    *req.mutable_discount() = std::move(d);
    pricing::v1::UpsertDiscountResponse resp;
    ASSERT_TRUE(suite->pricing->UpsertDiscount(&ctx, req, &resp).ok());
  }

  void Coupon(const std::string& code, int32_t percent_bp, int max_uses) {
    pricing::v1::Discount d;
    d.set_discount_id(Id(code));
    d.set_name(code);
    d.set_kind(pricing::v1::DISCOUNT_KIND_SIMPLE);
    d.set_concurrency(pricing::v1::CONCURRENCY_BEST_PRICE);
    d.add_product_ids(Id("A"));
    d.set_percent_bp(percent_bp);
    d.set_requires_coupon(true);
    PutDiscount(std::move(d));
    grpc::ClientContext ctx;
    pricing::v1::UpsertCouponRequest creq;
    creq.mutable_coupon()->set_coupon_code(Id(code));
    creq.mutable_coupon()->set_discount_id(Id(code));
    creq.mutable_coupon()->set_active(true);
    creq.mutable_coupon()->set_max_uses(max_uses);
    pricing::v1::UpsertCouponResponse cresp;
    ASSERT_TRUE(suite->pricing->UpsertCoupon(&ctx, creq, &cresp).ok());
  }

  grpc::Status ApplyCoupon(Order* order, const std::string& code) {
    fd::ApplyCouponRequest req;
    req.set_request_id(Id("coupon-" + code + order->order_id()));
    req.set_order_id(order->order_id());
    req.set_coupon_code(Id(code));
    fd::ApplyCouponResponse resp;
    grpc::Status s = suite->front->ApplyCoupon(suite->As(Id("agent")).get(), req, &resp);
    if (s.ok()) *order = resp.order();
    return s;
  }

  // Overrides a line's unit price as `user`; on success *order is the result.
  grpc::Status OverridePrice(Order* order, const std::string& line_id, int64_t price,
                             const std::string& request_id, const std::string& user = "agent",
                             const std::string& reason = "PRICE_MATCH") {
    fd::OverrideLinePriceRequest req;
    req.set_request_id(Id(request_id));
    req.set_order_id(order->order_id());
    req.set_line_id(line_id);
    *req.mutable_unit_price() = Usd(price);
    req.set_reason_code(reason);
    fd::OverrideLinePriceResponse resp;
    grpc::Status s = suite->front->OverrideLinePrice(suite->As(Id(user)).get(), req, &resp);
    if (s.ok()) *order = resp.order();
    return s;
  }

  std::string p_;
};

// ------------------------------------------------------------- the flow

TEST_F(FrontDoorTest, AgentCallFromSourceCodeToConfirmedOrder) {
  World();
  Product("C", 500, 100, false);
  {
    grpc::ClientContext ctx;
    guidedselling::v1::UpsertSourceCodeRequest req;
    req.mutable_source_code()->set_source_code(Id("SPRING"));
    req.mutable_source_code()->set_catalog_id("CAT1");
    req.mutable_source_code()->set_price_group_id(Id("PG"));
    guidedselling::v1::UpsertSourceCodeResponse resp;
    ASSERT_TRUE(suite->selling->UpsertSourceCode(&ctx, req, &resp).ok());
  }
  {
    grpc::ClientContext ctx;
    guidedselling::v1::UpsertScriptRequest req;
    auto* s = req.mutable_script();
    s->set_script_id(Id("welcome"));
    s->set_kind(common::v1::SCRIPT_KIND_SCRIPT);
    s->set_timing(common::v1::SCRIPT_TIMING_BEGINNING);
    s->set_source_code(Id("SPRING"));
    s->set_text("Welcome to the spring catalog!");
    s->set_active(true);
    guidedselling::v1::UpsertScriptResponse resp;
    ASSERT_TRUE(suite->selling->UpsertScript(&ctx, req, &resp).ok());
  }
  {
    grpc::ClientContext ctx;
    guidedselling::v1::UpsertUpsellRuleRequest req;
    auto* r = req.mutable_upsell_rule();
    r->set_rule_id(Id("r1"));
    r->set_trigger_product_id(Id("A"));
    r->set_suggested_product_id(Id("C"));
    r->set_kind(common::v1::PROMPT_KIND_CROSS_SELL);
    r->set_script("C goes well with A");
    r->set_active(true);
    guidedselling::v1::UpsertUpsellRuleResponse resp;
    ASSERT_TRUE(suite->selling->UpsertUpsellRule(&ctx, req, &resp).ok());
  }
  {
    // A trade agreement for the source code's price group.
    grpc::ClientContext ctx;
    pricing::v1::UpsertTradeAgreementRequest req;
    auto* a = req.mutable_trade_agreement();
    a->set_trade_agreement_id(Id("ta"));
    a->set_product_id(Id("B"));
    a->set_price_group_id(Id("PG"));
    *a->mutable_price() = Usd(1200);
    pricing::v1::UpsertTradeAgreementResponse resp;
    ASSERT_TRUE(suite->pricing->UpsertTradeAgreement(&ctx, req, &resp).ok());
  }
  Coupon("SAVE10", 1000, 5);

  Order order = Start(Id("SPRING"));
  EXPECT_EQ(order.status(), common::v1::ORDER_STATUS_DRAFT);
  EXPECT_EQ(order.financial_dimensions().at("department"), "CC1");
  ASSERT_EQ(order.scripts_size(), 1);
  EXPECT_EQ(order.scripts(0).text(), "Welcome to the spring catalog!");

  ASSERT_TRUE(AddLine(&order, "A", 2).ok());
  ASSERT_EQ(order.prompts_size(), 1);
  EXPECT_EQ(order.prompts(0).product_id(), Id("C"));
  EXPECT_EQ(order.prompts(0).kind(), common::v1::PROMPT_KIND_CROSS_SELL);
  ASSERT_TRUE(AddLine(&order, "C", 1, "", common::v1::LINE_ORIGIN_CROSS_SELL).ok());
  EXPECT_EQ(order.lines(1).origin(), common::v1::LINE_ORIGIN_CROSS_SELL);
  EXPECT_EQ(order.prompts_size(), 0);  // C is on the order now
  ASSERT_TRUE(AddLine(&order, "B", 1).ok());
  EXPECT_EQ(order.lines(2).unit_price().minor_units(), 1200);  // the catalog's price group

  ASSERT_TRUE(ApplyCoupon(&order, "SAVE10").ok());
  // 2 x 20.00 - 10% + 5.00 + 12.00 = 36.00 + 17.00
  EXPECT_EQ(order.subtotal().minor_units(), 4000 + 500 + 1200);
  EXPECT_EQ(order.discount_total().minor_units(), 400);
  EXPECT_EQ(order.lines(0).discount().minor_units(), 400);
  EXPECT_EQ(order.lines(0).net_amount().minor_units(), 3600);
  EXPECT_EQ(order.total().minor_units(), 5300);
  EXPECT_EQ(order.balance_due().minor_units(), 5300);

  ASSERT_TRUE(Pay(&order, "tok_visa_4242", "pay").ok());
  EXPECT_EQ(order.paid_total().minor_units(), 5300);
  EXPECT_EQ(order.balance_due().minor_units(), 0);
  ASSERT_TRUE(Submit(&order).ok());
  EXPECT_EQ(order.status(), common::v1::ORDER_STATUS_CONFIRMED);
  EXPECT_EQ(order.fraud_score(), 0);
  std::vector<std::string> kinds;
  for (const auto& e : order.events()) kinds.push_back(e.kind());
  EXPECT_EQ(kinds, (std::vector<std::string>{"created", "source_code_set", "line_added", "line_added",
                                             "line_added", "coupon_applied", "payment_authorized",
                                             "submitted"}));
  // The coupon use was counted once.
  grpc::ClientContext ctx;
  pricing::v1::CheckCouponRequest check;
  check.set_coupon_code(Id("SAVE10"));
  pricing::v1::CheckCouponResponse checked;
  ASSERT_TRUE(suite->pricing->CheckCoupon(&ctx, check, &checked).ok());
  EXPECT_EQ(checked.coupon().uses(), 1);
  // A confirmed order is read-only.
  EXPECT_EQ(AddLine(&order, "B", 1, Id("late")).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

// ------------------------------------------------------------ security

TEST_F(FrontDoorTest, Authentication) {
  World();
  Order order = Start();
  fd::GetOrderRequest req;
  req.set_order_id(order.order_id());
  fd::GetOrderResponse resp;
  grpc::ClientContext none;
  EXPECT_EQ(suite->front->GetOrder(&none, req, &resp).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  grpc::ClientContext garbage;
  garbage.AddMetadata("authorization", "Bearer not.a.jwt");
  EXPECT_EQ(suite->front->GetOrder(&garbage, req, &resp).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(suite->front->GetOrder(suite->As(Id("agent"), absl::Seconds(-5)).get(), req, &resp)
                .error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(suite->front->GetOrder(suite->As("nobody").get(), req, &resp).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // A user of another call center.
  {
    grpc::ClientContext ctx;
    order::v1::UpsertCallCenterRequest cc;
    cc.mutable_call_center()->set_call_center_id(Id("other"));
    cc.mutable_call_center()->set_currency("USD");
    cc.mutable_call_center()->add_payment_methods(common::v1::PAYMENT_METHOD_CARD);
    cc.mutable_call_center()->add_delivery_modes("STANDARD");
    order::v1::UpsertCallCenterResponse r;
    ASSERT_TRUE(suite->call_centers->UpsertCallCenter(&ctx, cc, &r).ok());
    grpc::ClientContext ctx2;
    order::v1::UpsertUserRequest u;
    u.mutable_user()->set_user_id(Id("stranger"));
    u.mutable_user()->set_call_center_id(Id("other"));
    order::v1::UpsertUserResponse ur;
    ASSERT_TRUE(suite->call_centers->UpsertUser(&ctx2, u, &ur).ok());
  }
  EXPECT_EQ(suite->front->GetOrder(suite->As(Id("stranger")).get(), req, &resp).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  fd::StartOrderRequest start;
  start.set_request_id(Id("s"));
  start.set_call_center_id(Id("cc"));
  start.set_customer_id(Id("cust"));
  fd::StartOrderResponse started;
  EXPECT_EQ(suite->front->StartOrder(suite->As(Id("stranger")).get(), start, &started).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

// ------------------------------------------------------------ totals

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
  {
    grpc::ClientContext get_ctx;
    order::v1::GetCallCenterRequest get;
    get.set_call_center_id(Id("cc"));
    order::v1::GetCallCenterResponse got;
    ASSERT_TRUE(suite->call_centers->GetCallCenter(&get_ctx, get, &got).ok());
    grpc::ClientContext ctx;
    order::v1::UpsertCallCenterRequest req;
    *req.mutable_call_center() = got.call_center();
    req.mutable_call_center()->add_delivery_modes(mode);
    order::v1::UpsertCallCenterResponse resp;
    ASSERT_TRUE(suite->call_centers->UpsertCallCenter(&ctx, req, &resp).ok());
  }

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
    EXPECT_EQ(o.total().minor_units(), subtotal - discounts + o.charges_total().minor_units() +
                                           o.tax_total().minor_units());
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
      ASSERT_TRUE(
          suite->front->UpdateLineQuantity(suite->As(Id("agent")).get(), req, &resp).ok());
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

TEST_F(FrontDoorTest, ProductDetailsShowImagesOnlyWithDirectedSelling) {
  auto details = [&](const std::string& product, const std::string& user,
                     fd::ProductDetails* out) {
    fd::GetProductDetailsRequest req;
    req.set_product_id(Id(product));
    fd::GetProductDetailsResponse resp;
    grpc::Status s = suite->front->GetProductDetails(suite->As(Id(user)).get(), req, &resp);
    if (out != nullptr) *out = resp.product();
    return s;
  };
  World();
  {
    grpc::ClientContext ctx;
    pricing::v1::UpsertProductRequest req;
    auto* p = req.mutable_product();
    p->set_product_id(Id("V"));
    p->set_name("Vitamins");
    p->set_description("60 tablets");
    p->set_image_url("https://img.example.com/v.jpg");
    *p->mutable_base_price() = Usd(1299);
    *p->mutable_unit_cost() = Usd(400);
    p->mutable_continuity()->set_interval_days(30);
    p->mutable_continuity()->set_repeats(6);
    *p->mutable_continuity()->mutable_price() = Usd(1199);
    pricing::v1::UpsertProductResponse resp;
    ASSERT_TRUE(suite->pricing->UpsertProduct(&ctx, req, &resp).ok());
  }
  {
    grpc::ClientContext ctx;
    guidedselling::v1::UpsertProductMediaRequest req;
    req.mutable_product_media()->set_product_id(Id("V"));
    req.mutable_product_media()->add_image_urls("https://img.example.com/v-back.jpg");
    req.mutable_product_media()->set_detail_text("Take one a day with food.");
    guidedselling::v1::UpsertProductMediaResponse resp;
    ASSERT_TRUE(suite->selling->UpsertProductMedia(&ctx, req, &resp).ok());
  }
  fd::ProductDetails v;
  ASSERT_TRUE(details("V", "agent", &v).ok());
  EXPECT_EQ(v.name(), "Vitamins");
  EXPECT_EQ(v.description(), "60 tablets");
  EXPECT_EQ(v.base_price().minor_units(), 1299);
  EXPECT_EQ(v.continuity_interval_days(), 30);
  EXPECT_EQ(v.continuity_repeats(), 6);
  EXPECT_EQ(std::vector<std::string>(v.image_urls().begin(), v.image_urls().end()),
            (std::vector<std::string>{"https://img.example.com/v.jpg",
                                      "https://img.example.com/v-back.jpg"}));
  EXPECT_EQ(v.detail_text(), "Take one a day with food.");
  // A product without media: its details, no detail text.
  fd::ProductDetails b;
  ASSERT_TRUE(details("B", "agent", &b).ok());
  EXPECT_EQ(b.base_price().minor_units(), 1500);
  EXPECT_TRUE(b.detail_text().empty());
  EXPECT_EQ(details("nope", "agent", nullptr).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(details("V", "stranger", nullptr).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  fd::GetProductDetailsRequest anonymous;
  anonymous.set_product_id(Id("V"));
  fd::GetProductDetailsResponse ignored;
  grpc::ClientContext no_token;
  EXPECT_EQ(suite->front->GetProductDetails(&no_token, anonymous, &ignored).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  // Directed selling off: the details, without images or detail text.
  Features off;
  off.directed = false;
  World(off);
  ASSERT_TRUE(details("V", "agent", &v).ok());
  EXPECT_EQ(v.name(), "Vitamins");
  EXPECT_EQ(v.image_urls_size(), 0);
  EXPECT_TRUE(v.detail_text().empty());
}

// ---------------------------------------------------------- switches

TEST_F(FrontDoorTest, FeatureSwitchesOff) {
  Features off;
  off.completion = false;
  off.directed = false;
  off.price_control = false;
  World(off);
  fd::StartOrderRequest start;
  start.set_request_id(Id("s"));
  start.set_call_center_id(Id("cc"));
  start.set_customer_id(Id("cust"));
  start.set_source_code("ANY");
  fd::StartOrderResponse started;
  grpc::Status s = suite->front->StartOrder(suite->As(Id("agent")).get(), start, &started);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find("directed selling"), std::string::npos);

  Order order = Start();
  ASSERT_TRUE(AddLine(&order, "A", 1).ok());
  EXPECT_EQ(order.prompts_size(), 0);
  Coupon("OFF", 1000, 0);
  s = ApplyCoupon(&order, "OFF");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find("order completion"), std::string::npos);
  s = Pay(&order, "tok_4242", "pay");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  s = OverridePrice(&order, order.lines(0).line_id(), 1900, "o", "agent", "MATCH");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find("price control"), std::string::npos);
  fd::SetSourceCodeRequest src;
  src.set_request_id(Id("src"));
  src.set_order_id(order.order_id());
  src.set_source_code("ANY");
  fd::SetSourceCodeResponse src_resp;
  EXPECT_EQ(suite->front->SetSourceCode(suite->As(Id("agent")).get(), src, &src_resp).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  fd::RequestCatalogRequest cat;
  cat.set_request_id(Id("cat"));
  cat.set_customer_id(Id("cust"));
  cat.set_source_code("ANY");
  cat.set_quantity(1);
  fd::RequestCatalogResponse cat_resp;
  EXPECT_EQ(suite->front->RequestCatalog(suite->As(Id("agent")).get(), cat, &cat_resp).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  // Without order completion, submit needs no payment.
  ASSERT_TRUE(Submit(&order).ok());
  EXPECT_EQ(order.status(), common::v1::ORDER_STATUS_CONFIRMED);
}

// ------------------------------------------------------- price override

TEST_F(FrontDoorTest, PriceOverrideWithinTheUsersAllowance) {
  World();
  Order order = Start();
  ASSERT_TRUE(AddLine(&order, "A", 2).ok());
  ASSERT_TRUE(AddLine(&order, "B", 1).ok());
  auto override_price = [&](const std::string& line_id, int64_t price, const std::string& rid) {
    return OverridePrice(&order, line_id, price, rid).error_code();
  };
  // The agent may go 10% below 20.00.
  EXPECT_EQ(override_price(order.lines(0).line_id(), 1799, "o1"), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(override_price(order.lines(1).line_id(), 1400, "o2"), grpc::StatusCode::FAILED_PRECONDITION);
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

TEST_F(FrontDoorTest, DeclinedCardsNeverCountAndPaymentsMustCoverTheTotal) {
  World();
  Order order = Start();
  ASSERT_TRUE(AddLine(&order, "A", 6).ok());  // 120.00
  EXPECT_EQ(Submit(&order, "s0").error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(Pay(&order, "tok_0002", "declined").ok());
  EXPECT_EQ(order.payments(0).status(), common::v1::PAYMENT_STATUS_DECLINED);
  EXPECT_EQ(order.paid_total().minor_units(), 0);
  ASSERT_TRUE(Pay(&order, "tok_0005", "funds", 10001).ok());
  EXPECT_EQ(order.payments(1).status(), common::v1::PAYMENT_STATUS_DECLINED);
  EXPECT_EQ(order.payments(1).decline_reason(), "insufficient funds");
  ASSERT_TRUE(Pay(&order, "tok_4242", "part", 6000).ok());
  grpc::Status s = Submit(&order, "s1");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find("60.00 is still due"), std::string::npos);
  ASSERT_TRUE(Pay(&order, "tok_4242", "rest").ok());  // the balance due
  EXPECT_EQ(order.payments(3).amount().minor_units(), 6000);
  const double confirmed_before = Metric("submits_total{outcome=\"confirmed\"}");
  ASSERT_TRUE(Submit(&order, "s2").ok());
  EXPECT_EQ(order.status(), common::v1::ORDER_STATUS_CONFIRMED);
  ASSERT_TRUE(Submit(&order, "s2").ok());  // a retry returns the first result, uncounted
  EXPECT_EQ(Metric("submits_total{outcome=\"confirmed\"}"), confirmed_before + 1);
}

TEST_F(FrontDoorTest, APaymentMayBeAShareOfTheTotal) {
  World();
  Order order = Start();
  ASSERT_TRUE(AddLine(&order, "A", 1).ok());  // 20.00
  ASSERT_EQ(order.total().minor_units(), 2000);
  auto pay_share = [&](const std::string& request_id, int32_t bp, int64_t amount) {
    fd::AddPaymentRequest req;
    req.set_request_id(Id(request_id));
    req.set_order_id(order.order_id());
    req.set_method(common::v1::PAYMENT_METHOD_CARD);
    req.set_card_token("tok_4242");
    req.set_percent_of_total_bp(bp);
    if (amount > 0) *req.mutable_amount() = Usd(amount);
    fd::AddPaymentResponse resp;
    grpc::Status s = suite->front->AddPayment(suite->As(Id("agent")).get(), req, &resp);
    if (s.ok()) order = resp.order();
    return s;
  };
  for (auto [bp, amount] : {std::pair<int32_t, int64_t>{10001, 0}, {-5, 0}, {5000, 1000}}) {
    grpc::Status s = pay_share(absl::StrCat("bad", bp), bp, amount);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bp;
    EXPECT_NE(s.error_message().find("percent_of_total_bp"), std::string::npos)
        << s.error_message();
  }
  EXPECT_EQ(Get(order.order_id()).payments_size(), 0);
  // 33.33% of 20.00 = 6.666 -> 6.67 (half away from zero), fixed once authorised.
  ASSERT_TRUE(pay_share("third", 3333, 0).ok());
  ASSERT_EQ(order.payments_size(), 1);
  EXPECT_EQ(order.payments(0).amount().minor_units(), 667);
  EXPECT_EQ(order.payments(0).status(), common::v1::PAYMENT_STATUS_AUTHORIZED);
  EXPECT_EQ(order.balance_due().minor_units(), 1333);
  ASSERT_TRUE(pay_share("third", 3333, 0).ok());  // a retry: the same payment
  EXPECT_EQ(order.payments_size(), 1);
  ASSERT_TRUE(Pay(&order, "tok_4242", "rest").ok());
  EXPECT_EQ(order.payments(1).amount().minor_units(), 1333);
  ASSERT_TRUE(Submit(&order).ok());
  EXPECT_EQ(order.status(), common::v1::ORDER_STATUS_CONFIRMED);
}

TEST_F(FrontDoorTest, CardNumbersAreRefused) {
  World();
  Order order = Start();
  ASSERT_TRUE(AddLine(&order, "A", 1).ok());
  grpc::Status s = Pay(&order, "4111111111111111", "pan");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message().find("4111111111111111"), std::string::npos);
  EXPECT_EQ(Get(order.order_id()).payments_size(), 0);
}

// ------------------------------------------------------- holds and fraud

TEST_F(FrontDoorTest, FraudHoldClearedOnlyByAPermittedUser) {
  World();
  SuspectEmail(51);  // minimum 50
  Order order = Start();
  ASSERT_TRUE(AddLine(&order, "A", 1).ok());
  ASSERT_TRUE(Pay(&order, "tok_4242", "pay").ok());
  const double held_before = Metric("submits_total{outcome=\"on_hold\"}");
  ASSERT_TRUE(Submit(&order).ok());
  EXPECT_EQ(order.status(), common::v1::ORDER_STATUS_ON_HOLD);
  EXPECT_EQ(Metric("submits_total{outcome=\"on_hold\"}"), held_before + 1);
  EXPECT_EQ(order.fraud_score(), 51);
  ASSERT_EQ(order.holds_size(), 1);
  EXPECT_EQ(order.holds(0).hold_code(), "FRAUD");
  EXPECT_TRUE(order.holds(0).open());
  ASSERT_GE(order.events_size(), 2);
  EXPECT_EQ(order.events(order.events_size() - 2).kind(), "submitted");
  EXPECT_EQ(order.events(order.events_size() - 1).kind(), "held");
  fd::ClearHoldRequest clear;
  clear.set_request_id(Id("clear1"));
  clear.set_order_id(order.order_id());
  clear.set_hold_id(order.holds(0).hold_id());
  clear.set_reason("called the customer back");
  fd::ClearHoldResponse cleared;
  EXPECT_EQ(suite->front->ClearHold(suite->As(Id("agent")).get(), clear, &cleared).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  clear.set_request_id(Id("clear2"));
  ASSERT_TRUE(suite->front->ClearHold(suite->As(Id("super")).get(), clear, &cleared).ok());
  EXPECT_EQ(cleared.order().status(), common::v1::ORDER_STATUS_CONFIRMED);
  EXPECT_FALSE(cleared.order().holds(0).open());
  EXPECT_EQ(cleared.order().holds(0).cleared_by(), Id("super"));
  // Clearing again is harmless.
  clear.set_request_id(Id("clear3"));
  EXPECT_TRUE(suite->front->ClearHold(suite->As(Id("super")).get(), clear, &cleared).ok());
}

TEST_F(FrontDoorTest, ScoreAtTheMinimumPlacesNoHold) {
  Features f;
  f.min_fraud_score = 51;
  World(f);
  SuspectEmail(51);
  Order order = Start();
  ASSERT_TRUE(AddLine(&order, "A", 1).ok());
  ASSERT_TRUE(Pay(&order, "tok_4242", "pay").ok());
  ASSERT_TRUE(Submit(&order).ok());
  EXPECT_EQ(order.status(), common::v1::ORDER_STATUS_CONFIRMED);
  EXPECT_EQ(order.fraud_score(), 51);
}

TEST_F(FrontDoorTest, ManualHoldWithNoteThenCleared) {
  World();
  Order order = Start();
  ASSERT_TRUE(AddLine(&order, "A", 1).ok());
  fd::PlaceHoldRequest place;
  place.set_request_id(Id("hold"));
  place.set_order_id(order.order_id());
  place.set_hold_code("FRAUD");
  fd::PlaceHoldResponse placed;
  EXPECT_EQ(suite->front->PlaceHold(suite->As(Id("agent")).get(), place, &placed).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);  // no note
  place.set_note("customer wants to think it over");
  ASSERT_TRUE(suite->front->PlaceHold(suite->As(Id("agent")).get(), place, &placed).ok());
  EXPECT_EQ(placed.order().status(), common::v1::ORDER_STATUS_ON_HOLD);
  ASSERT_EQ(placed.order().holds_size(), 1);
  fd::ClearHoldRequest clear;
  clear.set_request_id(Id("clear"));
  clear.set_order_id(order.order_id());
  clear.set_hold_id(placed.order().holds(0).hold_id());
  clear.set_reason("customer decided");
  fd::ClearHoldResponse cleared;
  ASSERT_TRUE(suite->front->ClearHold(suite->As(Id("super")).get(), clear, &cleared).ok());
  EXPECT_EQ(cleared.order().status(), common::v1::ORDER_STATUS_CONFIRMED);
}

// ------------------------------------------------------------- cancel

// The front door stops between saving a cancellation and voiding: the
// order shows the payment VOIDED (nothing counts it) while the payment
// service still holds it; recovery finishes the voids.
TEST_F(FrontDoorTest, ACancellationInterruptedBeforeItsVoidsIsFinished) {
  World();
  Order order = Start();
  ASSERT_TRUE(AddLine(&order, "A", 1).ok());
  ASSERT_TRUE(Pay(&order, "tok_4242", "pay").ok());
  orchestration::OrderEntryOptions crashing;
  crashing.crash_after_step = orchestration::kStepCancelSaved;
  auto doomed = suite->ExtraFrontDoor(crashing);
  fd::CancelOrderRequest cancel;
  cancel.set_request_id(Id("cancel"));
  cancel.set_order_id(order.order_id());
  cancel.set_reason("customer changed mind");
  fd::CancelOrderResponse cancelled;
  EXPECT_EQ(doomed->CancelOrder(suite->As(Id("super")).get(), cancel, &cancelled).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  Order after = Get(order.order_id());
  EXPECT_EQ(after.status(), common::v1::ORDER_STATUS_CANCELED);
  EXPECT_EQ(after.payments(0).status(), common::v1::PAYMENT_STATUS_VOIDED);
  const std::string payment_id = after.payments(0).payment_id();
  EXPECT_EQ(PaymentStatus(order.order_id(), payment_id), common::v1::PAYMENT_STATUS_AUTHORIZED);
  auto settled = suite->front_door_service().RecoverSagas(absl::ZeroDuration());
  ASSERT_TRUE(settled.ok()) << settled.status();
  EXPECT_GE(*settled, 1);
  EXPECT_EQ(PaymentStatus(order.order_id(), payment_id), common::v1::PAYMENT_STATUS_VOIDED);
  // A cancellation refused before its save leaves nothing for recovery.
  Order kept = Start("", Id("start-kept"));
  cancel.set_request_id(Id("cancel-refused"));
  cancel.set_order_id(kept.order_id());
  EXPECT_EQ(suite->front->CancelOrder(suite->As(Id("agent")).get(), cancel, &cancelled)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);  // agent may not cancel
  settled = suite->front_door_service().RecoverSagas(absl::ZeroDuration());
  ASSERT_TRUE(settled.ok()) << settled.status();
  EXPECT_EQ(*settled, 0);
}

TEST_F(FrontDoorTest, CancelVoidsPaymentsAndReleasesCoupons) {
  Order order = PaidDraftWithCoupon("ONCE", 1000, 1);
  fd::PlaceHoldRequest place;
  place.set_request_id(Id("hold"));
  place.set_order_id(order.order_id());
  place.set_hold_code("FRAUD");
  place.set_note("check");
  fd::PlaceHoldResponse placed;
  ASSERT_TRUE(suite->front->PlaceHold(suite->As(Id("agent")).get(), place, &placed).ok());
  fd::CancelOrderRequest cancel;
  cancel.set_request_id(Id("cancel"));
  cancel.set_order_id(order.order_id());
  cancel.set_reason("customer changed mind");
  fd::CancelOrderResponse cancelled;
  EXPECT_EQ(suite->front->CancelOrder(suite->As(Id("agent")).get(), cancel, &cancelled).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);  // may_cancel is false
  cancel.set_request_id(Id("cancel2"));
  ASSERT_TRUE(suite->front->CancelOrder(suite->As(Id("super")).get(), cancel, &cancelled).ok());
  EXPECT_EQ(cancelled.order().status(), common::v1::ORDER_STATUS_CANCELED);
  EXPECT_EQ(cancelled.order().payments(0).status(), common::v1::PAYMENT_STATUS_VOIDED);
  EXPECT_EQ(cancelled.order().paid_total().minor_units(), 0);
  // The coupon's one use was released: another order may use it.
  Order other;
  other = Start("", Id("start-2"));
  ASSERT_TRUE(AddLine(&other, "A", 1, Id("l2")).ok());
  fd::ApplyCouponRequest apply;
  apply.set_request_id(Id("c2"));
  apply.set_order_id(other.order_id());
  apply.set_coupon_code(Id("ONCE"));
  fd::ApplyCouponResponse applied;
  EXPECT_TRUE(suite->front->ApplyCoupon(suite->As(Id("agent")).get(), apply, &applied).ok());
}

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

TEST_F(FrontDoorTest, RetriesChangeNothing) {
  World();
  Order order = Start();
  Order again = Start();  // same request id
  EXPECT_EQ(order.order_id(), again.order_id());
  ASSERT_TRUE(AddLine(&order, "A", 1, Id("same")).ok());
  ASSERT_TRUE(AddLine(&order, "A", 1, Id("same")).ok());
  EXPECT_EQ(order.lines_size(), 1);
  ASSERT_TRUE(Pay(&order, "tok_4242", "pay").ok());
  ASSERT_TRUE(Pay(&order, "tok_4242", "pay").ok());
  EXPECT_EQ(order.payments_size(), 1);
  ASSERT_TRUE(Submit(&order, "submit").ok());
  const int64_t version = order.version();
  ASSERT_TRUE(Submit(&order, "submit").ok());
  EXPECT_EQ(order.version(), version);
  EXPECT_EQ(PaymentsOf(order.order_id()).size(), 1u);  // one charge
}

TEST_F(FrontDoorTest, EveryChangeIsIdempotent) {
  World();
  Coupon("TEN", 1000, 0);
  Order order = Start();
  fd::AddLineRequest add;
  add.set_request_id(Id("add-a"));
  add.set_order_id(order.order_id());
  add.set_product_id(Id("A"));
  add.set_quantity(1);
  const Order after_add = Twice(&fd::OrderEntryService::Stub::AddLine, add);
  ASSERT_EQ(after_add.lines_size(), 1);
  const std::string line_a = after_add.lines(0).line_id();
  fd::UpdateLineQuantityRequest update;
  update.set_request_id(Id("qty-a"));
  update.set_order_id(order.order_id());
  update.set_line_id(line_a);
  update.set_quantity(3);
  EXPECT_EQ(Twice(&fd::OrderEntryService::Stub::UpdateLineQuantity, update).lines(0).quantity(), 3);
  add.set_request_id(Id("add-b"));
  add.set_product_id(Id("B"));
  order = Twice(&fd::OrderEntryService::Stub::AddLine, add);
  ASSERT_EQ(order.lines_size(), 2);
  fd::RemoveLineRequest remove;
  remove.set_request_id(Id("remove-b"));
  remove.set_order_id(order.order_id());
  remove.set_line_id(order.lines(1).line_id());
  EXPECT_EQ(Twice(&fd::OrderEntryService::Stub::RemoveLine, remove).lines_size(), 1);
  fd::ApplyCouponRequest coupon;
  coupon.set_request_id(Id("coupon"));
  coupon.set_order_id(order.order_id());
  coupon.set_coupon_code(Id("TEN"));
  EXPECT_EQ(Twice(&fd::OrderEntryService::Stub::ApplyCoupon, coupon).coupon_codes_size(), 1);
  fd::OverrideLinePriceRequest override_price;
  override_price.set_request_id(Id("override"));
  override_price.set_order_id(order.order_id());
  override_price.set_line_id(line_a);
  *override_price.mutable_unit_price() = Usd(1900);
  override_price.set_reason_code("PRICE_MATCH");
  Twice(&fd::OrderEntryService::Stub::OverrideLinePrice, override_price);
  fd::SetDeliveryRequest delivery;
  delivery.set_request_id(Id("delivery"));
  delivery.set_order_id(order.order_id());
  delivery.set_delivery_mode("STANDARD");
  Twice(&fd::OrderEntryService::Stub::SetDelivery, delivery);
  fd::AddPaymentRequest pay;
  pay.set_request_id(Id("pay"));
  pay.set_order_id(order.order_id());
  pay.set_method(common::v1::PAYMENT_METHOD_CARD);
  pay.set_card_token("tok_4242");
  order = Twice(&fd::OrderEntryService::Stub::AddPayment, pay);
  EXPECT_EQ(order.payments_size(), 1);
  // A retry after later changes still answers what it first did, and undoes
  // none of them.
  add.set_request_id(Id("add-a"));  // the very first request again
  add.set_product_id(Id("A"));
  fd::AddLineResponse replay;
  ASSERT_TRUE(suite->front->AddLine(suite->As(Id("agent")).get(), add, &replay).ok());
  const Order& replayed = replay.order();
  EXPECT_EQ(replayed.lines(0).quantity(), 1);
  EXPECT_EQ(replayed.version(), after_add.version());
  const Order stored = Get(order.order_id());
  EXPECT_EQ(stored.version(), order.version());
  EXPECT_EQ(stored.lines(0).quantity(), 3);
  EXPECT_EQ(stored.payments_size(), 1);
  fd::PlaceHoldRequest hold;
  hold.set_request_id(Id("hold"));
  hold.set_order_id(order.order_id());
  hold.set_hold_code("FRAUD");
  hold.set_note("customer will call back");
  order = Twice(&fd::OrderEntryService::Stub::PlaceHold, hold);
  ASSERT_EQ(order.holds_size(), 1);
  fd::ClearHoldRequest clear;
  clear.set_request_id(Id("clear"));
  clear.set_order_id(order.order_id());
  clear.set_hold_id(order.holds(0).hold_id());
  clear.set_reason("called back");
  EXPECT_FALSE(Twice(&fd::OrderEntryService::Stub::ClearHold, clear, "super").holds(0).open());

  // Cancelling twice voids the payment once.
  Order second = Start("", Id("start-2"));
  ASSERT_TRUE(AddLine(&second, "A", 1, Id("add-2")).ok());
  ASSERT_TRUE(Pay(&second, "tok_4242", "pay-2").ok());
  fd::CancelOrderRequest cancel;
  cancel.set_request_id(Id("cancel"));
  cancel.set_order_id(second.order_id());
  cancel.set_reason("customer changed their mind");
  second = Twice(&fd::OrderEntryService::Stub::CancelOrder, cancel, "super");
  EXPECT_EQ(second.status(), common::v1::ORDER_STATUS_CANCELED);
  const auto payments = PaymentsOf(second.order_id());
  ASSERT_EQ(payments.size(), 1u);
  EXPECT_EQ(payments[0].status(), common::v1::PAYMENT_STATUS_VOIDED);
}

TEST_F(FrontDoorTest, ConcurrentChangesToOneOrderAreAllKept) {
  World();
  constexpr int kAgents = 6;
  for (int i = 0; i < kAgents; ++i) Product(absl::StrCat("P", i), 1000 + i, 100, false);
  Order order = Start();
  std::atomic<int> aborted{0};
  std::vector<std::thread> agents;
  for (int i = 0; i < kAgents; ++i) {
    agents.emplace_back([&, i] {
      fd::AddLineRequest req;
      req.set_request_id(Id(absl::StrCat("concurrent-", i)));
      req.set_order_id(order.order_id());
      req.set_product_id(Id(absl::StrCat("P", i)));
      req.set_quantity(1);
      // ABORTED (another change won the race) is retried with the same
      // request id, as a caller would.
      for (int attempt = 0; attempt < 50; ++attempt) {
        fd::AddLineResponse resp;
        grpc::Status s = suite->front->AddLine(suite->As(Id("agent")).get(), req, &resp);
        if (s.error_code() != grpc::StatusCode::ABORTED) {
          EXPECT_TRUE(s.ok()) << s.error_message();
          return;
        }
        ++aborted;
      }
      ADD_FAILURE() << "still ABORTED after 50 attempts";
    });
  }
  for (auto& t : agents) t.join();
  const Order stored = Get(order.order_id());
  ASSERT_EQ(stored.lines_size(), kAgents);
  std::set<std::string> products;
  int64_t expected_subtotal = 0;
  for (const auto& l : stored.lines()) products.insert(l.product_id());
  for (int i = 0; i < kAgents; ++i) expected_subtotal += 1000 + i;
  EXPECT_EQ(products.size(), static_cast<size_t>(kAgents));
  EXPECT_EQ(stored.subtotal().minor_units(), expected_subtotal);
  // Two submits of one request at once: one submit, one charge.
  ASSERT_TRUE(Pay(&order, "tok_4242", "pay-all").ok());
  std::vector<std::thread> submits;
  std::atomic<int> confirmed{0};
  for (int i = 0; i < 2; ++i) {
    submits.emplace_back([&] {
      for (int attempt = 0; attempt < 50; ++attempt) {
        Order copy = order;
        grpc::Status s = Submit(&copy, "submit-once");
        if (s.error_code() == grpc::StatusCode::ABORTED) continue;
        EXPECT_TRUE(s.ok()) << s.error_message();
        if (s.ok() && copy.status() == common::v1::ORDER_STATUS_CONFIRMED) ++confirmed;
        return;
      }
    });
  }
  for (auto& t : submits) t.join();
  EXPECT_EQ(confirmed, 2);  // both answered with the one confirmed order
  EXPECT_EQ(PaymentsOf(order.order_id()).size(), 1u);
  EXPECT_EQ(Get(order.order_id()).status(), common::v1::ORDER_STATUS_CONFIRMED);
}

// The front door keeps each draft's context between changes; these show
// a kept context never decides anything once the stored one has moved on.
TEST_F(FrontDoorTest, ChangesByAnotherFrontDoorAreNeverLost) {
  World();
  Order order = Start();
  auto other = suite->ExtraFrontDoor({});
  ASSERT_TRUE(AddLine(&order, "A", 1, Id("l1")).ok());
  ASSERT_TRUE(AddLine(&order, "B", 1, Id("l2"), common::v1::LINE_ORIGIN_NONE, other.get()).ok());
  const Order after_other = order;
  ASSERT_TRUE(AddLine(&order, "A", 2, Id("l3")).ok());  // this front door's copy is stale
  ASSERT_EQ(order.lines_size(), 3);
  EXPECT_EQ(order.version(), after_other.version() + 1);
  EXPECT_EQ(order.total().minor_units(), Get(order.order_id()).total().minor_units());
  // A retry through the other door of a change made here: the first result.
  Order retried = after_other;
  ASSERT_TRUE(AddLine(&retried, "A", 2, Id("l3"), common::v1::LINE_ORIGIN_NONE, other.get()).ok());
  EXPECT_EQ(retried.version(), order.version());
  EXPECT_EQ(retried.lines_size(), 3);
  // And a retry here of the change made there.
  Order again = order;
  ASSERT_TRUE(AddLine(&again, "B", 1, Id("l2")).ok());
  EXPECT_EQ(again.version(), after_other.version());
  EXPECT_EQ(Get(order.order_id()).lines_size(), 3);
}

TEST_F(FrontDoorTest, MasterDataChangedBetweenChangesIsSeenAtOnce) {
  World();
  Order order = Start();
  ASSERT_TRUE(AddLine(&order, "A", 1).ok());
  // The call center stops offering STANDARD delivery.
  {
    grpc::ClientContext ctx;
    order::v1::GetCallCenterRequest get;
    get.set_call_center_id(Id("cc"));
    order::v1::GetCallCenterResponse got;
    ASSERT_TRUE(suite->call_centers->GetCallCenter(&ctx, get, &got).ok());
    grpc::ClientContext put_ctx;
    order::v1::UpsertCallCenterRequest put;
    *put.mutable_call_center() = got.call_center();
    put.mutable_call_center()->clear_delivery_modes();
    put.mutable_call_center()->add_delivery_modes("EXPRESS");
    order::v1::UpsertCallCenterResponse put_resp;
    ASSERT_TRUE(suite->call_centers->UpsertCallCenter(&put_ctx, put, &put_resp).ok());
  }
  fd::SetDeliveryRequest d;
  d.set_request_id(Id("delivery"));
  d.set_order_id(order.order_id());
  d.set_delivery_mode("STANDARD");
  fd::SetDeliveryResponse dr;
  grpc::Status refused = suite->front->SetDelivery(suite->As(Id("agent")).get(), d, &dr);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(refused.error_message().find("delivery_mode"), std::string::npos);
  // The agent's override allowance drops from 10% to 1%.
  User("agent", 100, {}, false);
  EXPECT_EQ(OverridePrice(&order, order.lines(0).line_id(), 1900, "override").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);  // 5% below 20.00
  const Order stored = Get(order.order_id());
  EXPECT_EQ(stored.version(), order.version());  // nothing written
  EXPECT_FALSE(stored.lines(0).price_overridden());
}

TEST_F(FrontDoorTest, ReusedRequestIdForAnotherRequestIsRefused) {
  World();
  Order order = Start();
  ASSERT_TRUE(AddLine(&order, "A", 1, Id("reused")).ok());
  grpc::Status s = AddLine(&order, "B", 1, Id("reused"));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("request_id"), std::string::npos);
  EXPECT_EQ(Get(order.order_id()).lines_size(), 1);
}

TEST_F(FrontDoorTest, BadInputNamesTheFieldAndWritesNothing) {
  World();
  Order order = Start();
  grpc::Status s = AddLine(&order, "A", 0);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("quantity"), std::string::npos);
  EXPECT_EQ(AddLine(&order, "NOPE", 1).error_code(), grpc::StatusCode::NOT_FOUND);
  Order stored = Get(order.order_id());
  EXPECT_EQ(stored.lines_size(), 0);
  EXPECT_EQ(stored.version(), 1);
  fd::SetDeliveryRequest d;
  d.set_request_id(Id("d"));
  d.set_order_id(order.order_id());
  d.set_delivery_mode("CARRIER_PIGEON");
  fd::SetDeliveryResponse dr;
  s = suite->front->SetDelivery(suite->As(Id("agent")).get(), d, &dr);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("delivery_mode"), std::string::npos);
}

// ------------------------------------------------------------ the saga

TEST_F(FrontDoorTest, SubmitInterruptedAfterAuthorisationIsRecovered) {
  Order order = PaidDraftWithCoupon("SAGA", 1000, 1);
  orchestration::OrderEntryOptions crashing;
  crashing.crash_after_step = orchestration::kStepCouponsRedeemed;
  auto doomed = suite->ExtraFrontDoor(crashing);
  EXPECT_EQ(Submit(&order, "submit", doomed.get()).error_code(), grpc::StatusCode::UNAVAILABLE);
  // The process "died" with the coupon counted and the card authorised.
  const double compensated_before = Metric("sagas_recovered_total{outcome=\"compensated\"}");
  ASSERT_TRUE(suite->front_door_service().RecoverSagas(absl::ZeroDuration()).ok());
  EXPECT_EQ(Metric("sagas_recovered_total{outcome=\"compensated\"}"), compensated_before + 1);
  Order recovered = Get(order.order_id());
  EXPECT_EQ(recovered.status(), common::v1::ORDER_STATUS_DRAFT);
  ASSERT_EQ(recovered.payments_size(), 1);
  EXPECT_EQ(recovered.payments(0).status(), common::v1::PAYMENT_STATUS_VOIDED);
  EXPECT_EQ(recovered.paid_total().minor_units(), 0);
  const auto payments = PaymentsOf(order.order_id());
  ASSERT_FALSE(payments.empty());
  EXPECT_EQ(payments[0].status(), common::v1::PAYMENT_STATUS_VOIDED);  // no live authorisation
  grpc::ClientContext ctx2;
  pricing::v1::CheckCouponRequest check;
  check.set_coupon_code(Id("SAGA"));
  pricing::v1::CheckCouponResponse checked;
  EXPECT_TRUE(suite->pricing->CheckCoupon(&ctx2, check, &checked).ok());  // use released
  // The agent pays again and submits.
  ASSERT_TRUE(Pay(&recovered, "tok_4242", "pay-again").ok());
  ASSERT_TRUE(Submit(&recovered, "submit-again").ok());
  EXPECT_EQ(recovered.status(), common::v1::ORDER_STATUS_CONFIRMED);
}

// The front door died (or its call timed out) after the payment service
// authorised and before the order recorded the payment: the customer's
// money is held for nothing. The sweep voids such authorisations once they
// are old enough, and only those.
TEST_F(FrontDoorTest, AnAuthorisationNoOrderRecordedIsVoidedBySweep) {
  World();
  Order order = Start();
  ASSERT_TRUE(AddLine(&order, "A", 1).ok());
  ASSERT_TRUE(Pay(&order, "tok_4242", "pay").ok());  // recorded on the order
  auto authorise = [&](const std::string& request_id, const std::string& order_id) {
    grpc::ClientContext ctx;
    payment::v1::AuthorizePaymentRequest auth;
    // As the front door would have sent it: scoped to the agent and the RPC.
    auth.set_request_id(
        orchestration::ScopedRequestId(Id("agent"), "AddPayment", Id(request_id)));
    auth.set_order_id(order_id);
    auth.set_customer_id(order.customer_id());
    auth.set_method(common::v1::PAYMENT_METHOD_CARD);
    *auth.mutable_amount() = Usd(1500);
    auth.set_card_token("tok_4242");
    auth.add_allowed_methods(common::v1::PAYMENT_METHOD_CARD);
    payment::v1::AuthorizePaymentResponse resp;
    EXPECT_TRUE(suite->payments->AuthorizePayment(&ctx, auth, &resp).ok());
    EXPECT_EQ(resp.payment().status(), common::v1::PAYMENT_STATUS_AUTHORIZED);
    return resp.payment().payment_id();
  };
  const std::string lost = authorise("lost", order.order_id());
  const std::string orphan = authorise("orphan", "00000000-0000-4000-8000-00000000abcd");

  // Younger than the minimum age: they may still be on their way.
  auto swept = suite->front_door_service().SweepUnrecordedPayments(absl::Hours(1));
  ASSERT_TRUE(swept.ok()) << swept.status();
  EXPECT_EQ(PaymentStatus(order.order_id(), lost), common::v1::PAYMENT_STATUS_AUTHORIZED);

  const double before = Metric("unrecorded_authorizations_voided_total");
  swept = suite->front_door_service().SweepUnrecordedPayments(absl::ZeroDuration());
  ASSERT_TRUE(swept.ok()) << swept.status();
  EXPECT_GE(*swept, 2);
  EXPECT_EQ(Metric("unrecorded_authorizations_voided_total"), before + *swept);
  EXPECT_EQ(PaymentStatus(order.order_id(), lost), common::v1::PAYMENT_STATUS_VOIDED);
  EXPECT_EQ(PaymentStatus("00000000-0000-4000-8000-00000000abcd", orphan),
            common::v1::PAYMENT_STATUS_VOIDED);
  // The payment the order records stands, and the order is as it was.
  EXPECT_EQ(PaymentStatus(order.order_id(), order.payments(0).payment_id()),
            common::v1::PAYMENT_STATUS_AUTHORIZED);
  Order after = Get(order.order_id());
  EXPECT_EQ(after.paid_total().minor_units(), order.total().minor_units());
  ASSERT_TRUE(Submit(&after).ok());
  EXPECT_EQ(after.status(), common::v1::ORDER_STATUS_CONFIRMED);

  // The next sweep goes on from where this one ended: nothing to do.
  swept = suite->front_door_service().SweepUnrecordedPayments(absl::ZeroDuration());
  ASSERT_TRUE(swept.ok()) << swept.status();
  EXPECT_EQ(*swept, 0);
  // A crash between an undo's two steps: the order already shows the
  // payment VOIDED (so nothing counts it), the payment service still holds
  // it. The sweep voids it.
  Order marked = Start("", Id("start-marked"));
  ASSERT_TRUE(AddLine(&marked, "A", 1, "marked-line").ok());
  ASSERT_TRUE(Pay(&marked, "tok_4242", "marked-pay").ok());
  {
    Order stored = Get(marked.order_id());
    stored.mutable_payments(0)->set_status(common::v1::PAYMENT_STATUS_VOIDED);
    grpc::ClientContext ctx;
    order::v1::SaveOrderRequest save;
    save.set_request_id(Id("marked-undo"));
    save.set_method("UndoSubmit");
    *save.mutable_order() = stored;
    order::v1::SaveOrderResponse saved;
    ASSERT_TRUE(suite->orders->SaveOrder(&ctx, save, &saved).ok());
  }
  EXPECT_EQ(PaymentStatus(marked.order_id(), marked.payments(0).payment_id()),
            common::v1::PAYMENT_STATUS_AUTHORIZED);
  swept = suite->front_door_service().SweepUnrecordedPayments(absl::ZeroDuration());
  ASSERT_TRUE(swept.ok()) << swept.status();
  EXPECT_EQ(*swept, 1);
  EXPECT_EQ(PaymentStatus(marked.order_id(), marked.payments(0).payment_id()),
            common::v1::PAYMENT_STATUS_VOIDED);
  // A retry of the lost AddPayment, arriving late, finds its payment voided
  // and the order records it as such: nothing counts toward the total.
  Order late = Start("", Id("start-late"));
  ASSERT_TRUE(AddLine(&late, "A", 1, "late-line").ok());
  const std::string late_payment = authorise("late", late.order_id());
  ASSERT_TRUE(suite->front_door_service().SweepUnrecordedPayments(absl::ZeroDuration()).ok());
  fd::AddPaymentRequest retry;
  retry.set_request_id(Id("late"));
  retry.set_order_id(late.order_id());
  retry.set_method(common::v1::PAYMENT_METHOD_CARD);
  retry.set_card_token("tok_4242");
  *retry.mutable_amount() = Usd(1500);
  fd::AddPaymentResponse retried;
  ASSERT_TRUE(suite->front->AddPayment(suite->As(Id("agent")).get(), retry, &retried).ok());
  ASSERT_EQ(retried.order().payments_size(), 1);
  EXPECT_EQ(retried.order().payments(0).payment_id(), late_payment);
  EXPECT_EQ(retried.order().payments(0).status(), common::v1::PAYMENT_STATUS_VOIDED);
  EXPECT_EQ(retried.order().paid_total().minor_units(), 0);
  EXPECT_EQ(retried.order().events(retried.order().events_size() - 1).kind(), "payment_voided");
}

// The hold service is down: the submit fails after the card was
// authorised. The front door undoes it, and the draft shows what the
// payment service holds: the authorisation voided, nothing paid, so it
// cannot be submitted on a payment that no longer exists.
TEST_F(FrontDoorTest, ASubmitThatFailsAfterAuthorisationLeavesAConsistentDraft) {
  World();
  Order order = Start();
  ASSERT_TRUE(AddLine(&order, "A", 1).ok());
  ASSERT_TRUE(Pay(&order, "tok_4242", "pay").ok());
  auto broken = suite->ExtraFrontDoor({}, [](orchestration::Downstream& d) {
    d.holds = hold::v1::HoldService::NewStub(
        grpc::CreateChannel("127.0.0.1:1", grpc::InsecureChannelCredentials()));
  });
  EXPECT_EQ(Submit(&order, "submit", broken.get()).error_code(), grpc::StatusCode::UNAVAILABLE);
  Order after = Get(order.order_id());
  EXPECT_EQ(after.status(), common::v1::ORDER_STATUS_DRAFT);
  ASSERT_EQ(after.payments_size(), 1);
  EXPECT_EQ(after.payments(0).status(), common::v1::PAYMENT_STATUS_VOIDED);
  EXPECT_EQ(after.paid_total().minor_units(), 0);
  EXPECT_EQ(after.balance_due().minor_units(), after.total().minor_units());
  EXPECT_EQ(Submit(&after, "submit-unpaid").error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(Pay(&after, "tok_4242", "pay-again").ok());
  ASSERT_TRUE(Submit(&after, "submit-again").ok());
  EXPECT_EQ(after.status(), common::v1::ORDER_STATUS_CONFIRMED);
  // The failed submit's undo could not reach the hold service either (to
  // clear a fraud hold), so its saga stayed open; recovery settles it, and
  // as the order has been submitted since, it undoes nothing.
  auto settled = suite->front_door_service().RecoverSagas(absl::ZeroDuration());
  ASSERT_TRUE(settled.ok()) << settled.status();
  EXPECT_EQ(*settled, 1);
  Order final = Get(order.order_id());
  EXPECT_EQ(final.status(), common::v1::ORDER_STATUS_CONFIRMED);
  EXPECT_EQ(final.payments(1).status(), common::v1::PAYMENT_STATUS_AUTHORIZED);
}

// Rewires a front door so that the order service's saves of `method` fail:
// after committing (the reply is lost in a timeout) or without it.
std::function<void(orchestration::Downstream&)> FailingSaves(const std::string& method,
                                                             bool commit) {
  return [method, commit](orchestration::Downstream& d) {
    std::shared_ptr<order::v1::SalesOrderService::StubInterface> real = std::move(d.orders);
    auto stub = std::make_unique<::testing::NiceMock<order::v1::MockSalesOrderServiceStub>>();
    ON_CALL(*stub, GetOrderContext)
        .WillByDefault([real](grpc::ClientContext* ctx, const auto& req, auto* resp) {
          return real->GetOrderContext(ctx, req, resp);
        });
    ON_CALL(*stub, GetOrder).WillByDefault(
        [real](grpc::ClientContext* ctx, const auto& req, auto* resp) {
          return real->GetOrder(ctx, req, resp);
        });
    ON_CALL(*stub, SaveOrder)
        .WillByDefault([real, method, commit](grpc::ClientContext* ctx,
                                              const order::v1::SaveOrderRequest& req,
                                              order::v1::SaveOrderResponse* resp) {
          if (req.method() != method) return real->SaveOrder(ctx, req, resp);
          if (!commit) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "save refused");
          grpc::Status s = real->SaveOrder(ctx, req, resp);
          if (!s.ok()) return s;
          return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "the reply was lost");
        });
    d.orders = std::move(stub);
  };
}

// An AddPayment whose save fails after the card was authorised: the order
// records the payment VOIDED and it is voided, so nothing counts it. One
// whose save committed but whose reply was lost keeps it authorised.
TEST_F(FrontDoorTest, AnAuthorisationTheOrderCouldNotRecordIsVoided) {
  World();
  // A draft with one line, paid by card through a front door whose saves
  // of AddPayment fail as `commit` says; the call's code, then the order.
  auto pay_through_failing_saves = [&](const std::string& name, bool commit, Order* after) {
    Order order = Start("", Id("start-" + name));
    EXPECT_TRUE(AddLine(&order, "A", 1, name + "-line").ok());
    auto front = suite->ExtraFrontDoor({}, FailingSaves("AddPayment", commit));
    fd::AddPaymentRequest pay;
    pay.set_request_id(Id(name + "-pay"));
    pay.set_order_id(order.order_id());
    pay.set_method(common::v1::PAYMENT_METHOD_CARD);
    pay.set_card_token("tok_4242");
    fd::AddPaymentResponse paid;
    const grpc::StatusCode code =
        front->AddPayment(suite->As(Id("agent")).get(), pay, &paid).error_code();
    *after = Get(order.order_id());
    return code;
  };

  Order after;
  EXPECT_EQ(pay_through_failing_saves("refused", /*commit=*/false, &after),
            grpc::StatusCode::UNAVAILABLE);
  ASSERT_EQ(after.payments_size(), 1);
  EXPECT_EQ(after.payments(0).status(), common::v1::PAYMENT_STATUS_VOIDED);
  EXPECT_EQ(after.paid_total().minor_units(), 0);
  EXPECT_EQ(after.events(after.events_size() - 1).kind(), "payment_voided");
  EXPECT_EQ(PaymentStatus(after.order_id(), after.payments(0).payment_id()),
            common::v1::PAYMENT_STATUS_VOIDED);

  EXPECT_EQ(pay_through_failing_saves("lost", /*commit=*/true, &after),
            grpc::StatusCode::DEADLINE_EXCEEDED);
  ASSERT_EQ(after.payments_size(), 1);
  EXPECT_EQ(after.payments(0).status(), common::v1::PAYMENT_STATUS_AUTHORIZED);
  EXPECT_EQ(PaymentStatus(after.order_id(), after.payments(0).payment_id()),
            common::v1::PAYMENT_STATUS_AUTHORIZED);
  ASSERT_TRUE(Submit(&after, "lost-submit").ok());
  EXPECT_EQ(after.status(), common::v1::ORDER_STATUS_CONFIRMED);
}

// The submit time comes from the front door's clock (injected), like every
// date it decides on.
TEST_F(FrontDoorTest, SubmittedAtIsTheFrontDoorsClock) {
  World();
  const absl::Time frozen = absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()) + 60);
  orchestration::OrderEntryOptions options;
  options.clock = [frozen] { return frozen; };
  auto front = suite->ExtraFrontDoor(options);
  Order order = Start();
  ASSERT_TRUE(AddLine(&order, "A", 1).ok());
  ASSERT_TRUE(Pay(&order, "tok_4242", "pay").ok());
  ASSERT_TRUE(Submit(&order, "submit", front.get()).ok());
  EXPECT_EQ(order.submitted_at().seconds(), absl::ToUnixSeconds(frozen));
}

// PlaceHold writes two services: the hold service first, then the order.
// When the order cannot record the hold, the hold is released: a hold
// exists only where its order shows it. When the save did commit (its
// reply lost), the hold stands.
TEST_F(FrontDoorTest, AHoldTheOrderCouldNotRecordIsReleased) {
  World();
  auto hold_through_failing_saves = [&](const std::string& name, bool commit, Order* after) {
    Order order = Start("", Id("start-" + name));
    EXPECT_TRUE(AddLine(&order, "A", 1, name + "-line").ok());
    auto front = suite->ExtraFrontDoor({}, FailingSaves("PlaceHold", commit));
    fd::PlaceHoldRequest place;
    place.set_request_id(Id(name + "-hold"));
    place.set_order_id(order.order_id());
    place.set_hold_code("FRAUD");
    place.set_note("the customer will call back");
    fd::PlaceHoldResponse placed;
    const grpc::StatusCode code =
        front->PlaceHold(suite->As(Id("agent")).get(), place, &placed).error_code();
    *after = Get(order.order_id());
    return code;
  };
  auto open_holds = [&](const std::string& order_id) {
    grpc::ClientContext ctx;
    hold::v1::ListOrderHoldsRequest list;
    list.set_order_id(order_id);
    hold::v1::ListOrderHoldsResponse listed;
    EXPECT_TRUE(suite->holds->ListOrderHolds(&ctx, list, &listed).ok());
    int open = 0;
    for (const auto& h : listed.holds()) open += h.open();
    return open;
  };

  Order after;
  EXPECT_EQ(hold_through_failing_saves("refused", /*commit=*/false, &after),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(after.holds_size(), 0);
  EXPECT_EQ(after.status(), common::v1::ORDER_STATUS_DRAFT);
  EXPECT_EQ(open_holds(after.order_id()), 0);  // released, not orphaned
  EXPECT_EQ(after.events(after.events_size() - 1).kind(), "hold_released");

  EXPECT_EQ(hold_through_failing_saves("lost", /*commit=*/true, &after),
            grpc::StatusCode::DEADLINE_EXCEEDED);
  ASSERT_EQ(after.holds_size(), 1);  // the order shows it: it stands
  EXPECT_EQ(after.status(), common::v1::ORDER_STATUS_ON_HOLD);
  EXPECT_EQ(open_holds(after.order_id()), 1);
}

// The submit's save commits but its reply is lost (a timeout): the caller
// sees an error, yet the order is submitted. Nothing may be undone then:
// the payment stays authorised, the order confirmed.
TEST_F(FrontDoorTest, ASubmitWhoseSaveReplyIsLostIsNotUndone) {
  Order order = PaidDraftWithCoupon("LOST", 500, 10);
  auto lossy = suite->ExtraFrontDoor({}, FailingSaves("SubmitOrder", /*commit=*/true));
  EXPECT_EQ(Submit(&order, "submit", lossy.get()).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);
  Order after = Get(order.order_id());
  EXPECT_EQ(after.status(), common::v1::ORDER_STATUS_CONFIRMED);
  ASSERT_EQ(after.payments_size(), 1);
  EXPECT_EQ(after.payments(0).status(), common::v1::PAYMENT_STATUS_AUTHORIZED);
  EXPECT_EQ(PaymentStatus(order.order_id(), after.payments(0).payment_id()),
            common::v1::PAYMENT_STATUS_AUTHORIZED);
  // The coupon use stays counted; the caller's retry gets the submitted order.
  grpc::ClientContext ctx2;
  pricing::v1::CheckCouponRequest check;
  check.set_coupon_code(Id("LOST"));
  pricing::v1::CheckCouponResponse checked;
  ASSERT_TRUE(suite->pricing->CheckCoupon(&ctx2, check, &checked).ok());
  EXPECT_EQ(checked.coupon().uses(), 1);
  ASSERT_TRUE(Submit(&order, "submit").ok());
  EXPECT_EQ(order.status(), common::v1::ORDER_STATUS_CONFIRMED);
}

TEST_F(FrontDoorTest, AFinishedSubmitIsNeverTakenForAnInterruptedOne) {
  World();
  Order order = Start();
  ASSERT_TRUE(AddLine(&order, "A", 1).ok());
  ASSERT_TRUE(Pay(&order, "tok_4242", "pay").ok());
  ASSERT_TRUE(Submit(&order).ok());
  // Its DONE record may still be queued; recovery writes the queue first and
  // finds nothing to settle, whatever the idle time.
  auto settled = suite->front_door_service().RecoverSagas(absl::ZeroDuration());
  ASSERT_TRUE(settled.ok()) << settled.status();
  EXPECT_EQ(*settled, 0);
  EXPECT_EQ(Get(order.order_id()).status(), common::v1::ORDER_STATUS_CONFIRMED);
  const auto payments = PaymentsOf(order.order_id());
  ASSERT_FALSE(payments.empty());
  EXPECT_EQ(payments[0].status(), common::v1::PAYMENT_STATUS_AUTHORIZED);  // not voided
}

TEST_F(FrontDoorTest, InterruptedSubmitLeavesNoFraudHoldOpen) {
  World();
  SuspectEmail(51);  // minimum 50
  Order order = Start();
  ASSERT_TRUE(AddLine(&order, "A", 1).ok());
  ASSERT_TRUE(Pay(&order, "tok_4242", "pay").ok());
  orchestration::OrderEntryOptions crashing;
  crashing.crash_after_step = orchestration::kStepFraudEvaluated;
  auto doomed = suite->ExtraFrontDoor(crashing);
  EXPECT_EQ(Submit(&order, "submit", doomed.get()).error_code(), grpc::StatusCode::UNAVAILABLE);
  auto holds = [&] {
    grpc::ClientContext ctx;
    hold::v1::ListOrderHoldsRequest list;
    list.set_order_id(order.order_id());
    hold::v1::ListOrderHoldsResponse listed;
    EXPECT_TRUE(suite->holds->ListOrderHolds(&ctx, list, &listed).ok());
    return listed;
  };
  ASSERT_TRUE(holds().has_open_holds());  // placed before the "crash"
  ASSERT_TRUE(suite->front_door_service().RecoverSagas(absl::ZeroDuration()).ok());
  hold::v1::ListOrderHoldsResponse after = holds();
  EXPECT_FALSE(after.has_open_holds());
  ASSERT_EQ(after.holds_size(), 1);
  EXPECT_EQ(after.holds(0).cleared_by(), "system");
  Order recovered = Get(order.order_id());
  EXPECT_EQ(recovered.status(), common::v1::ORDER_STATUS_DRAFT);
  EXPECT_EQ(recovered.holds_size(), 0);
  // Paid again and submitted, the order is held afresh.
  ASSERT_TRUE(Pay(&recovered, "tok_4242", "pay-again").ok());
  ASSERT_TRUE(Submit(&recovered, "submit-again").ok());
  EXPECT_EQ(recovered.status(), common::v1::ORDER_STATUS_ON_HOLD);
  ASSERT_EQ(recovered.holds_size(), 1);
  EXPECT_TRUE(recovered.holds(0).open());
  EXPECT_TRUE(holds().has_open_holds());
}

// ---------------------------------------------------------- continuity

TEST_F(FrontDoorTest, ContinuityParentGetsItsChildren) {
  Order order = SubmittedContinuityOrder();
  grpc::ClientContext ctx;
  order::v1::RunDueRequest run;
  run.set_as_of("2099-01-01");
  order::v1::RunDueResponse ran;
  ASSERT_TRUE(suite->continuity->RunDue(&ctx, run, &ran).ok());
  Order parent = Get(order.order_id());
  ASSERT_EQ(parent.child_order_ids_size(), 2);
  Order child = Get(parent.child_order_ids(0));
  EXPECT_EQ(child.parent_order_id(), order.order_id());
  EXPECT_EQ(child.total().minor_units(), 1900);
}

// The customer stops the subscription after the first child: the agent
// cancels the rest; no further children come, the log says who and why.
TEST_F(FrontDoorTest, ContinuityCancelledAfterTheFirstChild) {
  Order order = SubmittedContinuityOrder();
  auto run_due = [&](absl::Duration ahead) {
    grpc::ClientContext ctx;
    order::v1::RunDueRequest run;
    run.set_as_of(absl::FormatTime("%Y-%m-%d", absl::Now() + ahead, absl::UTCTimeZone()));
    order::v1::RunDueResponse ran;
    EXPECT_TRUE(suite->continuity->RunDue(&ctx, run, &ran).ok());
  };
  run_due(absl::Hours(24 * 31));  // the first child, 30 days on
  ASSERT_EQ(Get(order.order_id()).child_order_ids_size(), 1);

  fd::CancelContinuityRequest cancel;
  cancel.set_request_id(Id("stop"));
  cancel.set_order_id(order.order_id());
  cancel.set_reason("customer request");
  fd::CancelContinuityResponse stopped;
  // Someone who is no user of the call center may not; the reason is required.
  EXPECT_EQ(suite->front->CancelContinuity(suite->As(Id("outsider")).get(), cancel, &stopped)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  fd::CancelContinuityRequest no_reason = cancel;
  no_reason.clear_reason();
  grpc::Status s = suite->front->CancelContinuity(suite->As(Id("agent")).get(), no_reason, &stopped);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("reason"), std::string::npos);

  ASSERT_TRUE(suite->front->CancelContinuity(suite->As(Id("agent")).get(), cancel, &stopped).ok());
  const auto& events = stopped.order().events();
  ASSERT_GT(events.size(), 0);
  EXPECT_EQ(events[events.size() - 1].kind(), "continuity_cancelled");
  EXPECT_EQ(events[events.size() - 1].user_id(), Id("agent"));
  EXPECT_EQ(events[events.size() - 1].detail(), "1 remaining shipments cancelled: customer request");
  // A retry changes nothing more; no further child ever comes.
  fd::CancelContinuityResponse again;
  ASSERT_TRUE(suite->front->CancelContinuity(suite->As(Id("agent")).get(), cancel, &again).ok());
  EXPECT_EQ(again.order().events_size(), stopped.order().events_size());
  run_due(absl::Hours(24 * 365));
  EXPECT_EQ(Get(order.order_id()).child_order_ids_size(), 1);

  // An order without a schedule has nothing to cancel.
  Order plain = Start("", Id("plain"));
  cancel.set_request_id(Id("stop-plain"));
  cancel.set_order_id(plain.order_id());
  EXPECT_EQ(suite->front->CancelContinuity(suite->As(Id("agent")).get(), cancel, &stopped)
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

// ------------------------------------------------------------- history

TEST_F(FrontDoorTest, CustomerHistoryNewestFirstPaged) {
  World();
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(Start("", Id("h" + std::to_string(i))).order_id());
  std::vector<std::string> seen;
  std::string token;
  do {
    fd::ListCustomerOrdersRequest req;
    req.set_customer_id(Id("cust"));
    req.set_page_size(2);
    req.set_page_token(token);
    fd::ListCustomerOrdersResponse resp;
    ASSERT_TRUE(suite->front->ListCustomerOrders(suite->As(Id("agent")).get(), req, &resp).ok());
    for (const auto& o : resp.orders()) seen.push_back(o.order_id());
    token = resp.next_page_token();
  } while (!token.empty());
  EXPECT_EQ(seen, (std::vector<std::string>{ids[2], ids[1], ids[0]}));
}

TEST_F(FrontDoorTest, CatalogRequest) {
  World();
  grpc::ClientContext ctx;
  guidedselling::v1::UpsertSourceCodeRequest req;
  req.mutable_source_code()->set_source_code(Id("FALL"));
  req.mutable_source_code()->set_catalog_id("CAT-FALL");
  guidedselling::v1::UpsertSourceCodeResponse resp;
  ASSERT_TRUE(suite->selling->UpsertSourceCode(&ctx, req, &resp).ok());
  fd::RequestCatalogRequest cat;
  cat.set_request_id(Id("cat"));
  cat.set_customer_id(Id("cust"));
  cat.set_source_code(Id("FALL"));
  cat.set_quantity(2);
  fd::RequestCatalogResponse done;
  ASSERT_TRUE(suite->front->RequestCatalog(suite->As(Id("agent")).get(), cat, &done).ok());
  EXPECT_EQ(done.catalog_request().quantity(), 2);
  EXPECT_FALSE(done.catalog_request().requested_on().empty());
  EXPECT_FALSE(done.catalog_request().catalog_request_id().empty());
}

}  // namespace
}  // namespace callcenter::testing
