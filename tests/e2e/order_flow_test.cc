// The agent's order flow: the call from source code to a confirmed order,
// identity, feature switches, bad input, product details, history, catalog
// requests. End to end through the front door (front_door_fixture.h).
#include "tests/e2e/front_door_fixture.h"

namespace callcenter::testing {
namespace {

// An active cross-sell rule: `trigger` on an order suggests `suggested`.
grpc::Status UpsertCrossSell(const std::string& rule_id, const std::string& trigger,
                             const std::string& suggested, const std::string& script) {
  grpc::ClientContext ctx;
  guidedselling::v1::UpsertUpsellRuleRequest req;
  auto* r = req.mutable_upsell_rule();
  r->set_rule_id(rule_id);
  r->set_trigger_product_id(trigger);
  r->set_suggested_product_id(suggested);
  r->set_kind(common::v1::PROMPT_KIND_CROSS_SELL);
  r->set_script(script);
  r->set_active(true);
  guidedselling::v1::UpsertUpsellRuleResponse resp;
  return suite->selling->UpsertUpsellRule(&ctx, req, &resp);
}

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
  ASSERT_TRUE(UpsertCrossSell(Id("r1"), Id("A"), Id("C"), "C goes well with A").ok());
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
  EXPECT_EQ(kinds, (std::vector<std::string>{"created", "source_code_set", "line_added",
                                             "line_added", "line_added", "coupon_applied",
                                             "payment_authorized", "submitted"}));
  // The coupon use was counted once.
  grpc::ClientContext ctx;
  pricing::v1::CheckCouponRequest check;
  check.set_coupon_code(Id("SAVE10"));
  pricing::v1::CheckCouponResponse checked;
  ASSERT_TRUE(suite->pricing->CheckCoupon(&ctx, check, &checked).ok());
  EXPECT_EQ(checked.coupon().uses(), 1);
  // A confirmed order is read-only.
  EXPECT_EQ(AddLine(&order, "B", 1, Id("late")).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

// ------------------------------------------------------------ security

// A product already on the order is never suggested: A's rule suggests C
// on an order without C, and nothing once C is on it.
TEST_F(FrontDoorTest, PromptsNeverSuggestAProductOnTheOrder) {
  World();
  Product("C", 500, 100, false);
  ASSERT_TRUE(UpsertCrossSell(Id("a-suggests-c"), Id("A"), Id("C"), "C goes well with A").ok());
  Order without = Start("", Id("start-without-c"));
  ASSERT_TRUE(AddLine(&without, "A", 1, Id("without-c-a")).ok());
  ASSERT_EQ(without.prompts_size(), 1);
  EXPECT_EQ(without.prompts(0).product_id(), Id("C"));
  Order with = Start("", Id("start-with-c"));
  ASSERT_TRUE(AddLine(&with, "C", 1, Id("with-c-c")).ok());
  ASSERT_TRUE(AddLine(&with, "A", 1, Id("with-c-a")).ok());
  EXPECT_EQ(with.prompts_size(), 0);
}

// A change keeps the draft's context for the next one (no read). The kept
// contexts are bounded by memory: a front door with a 64 kB budget keeps a
// small draft's, and reads a large one's again at each change.
TEST_F(FrontDoorTest, KeptContextsAreBoundedByMemory) {
  World();
  auto reads = std::make_shared<std::atomic<int>>(0);
  orchestration::OrderEntryOptions small;
  small.kept_contexts_max_bytes = 64 << 10;
  auto door = suite->ExtraFrontDoor(small, CountingContextReads(reads));
  Order order = Start();
  int n = 0;
  auto add = [&] {
    ++n;
    return AddLine(&order, "A", 1, Id(absl::StrCat("kept-", n)), common::v1::LINE_ORIGIN_NONE,
                   door.get());
  };
  ASSERT_TRUE(add().ok());  // read (nothing kept yet), then kept
  int before = *reads;
  ASSERT_TRUE(add().ok());
  EXPECT_EQ(*reads, before) << "a small draft's change starts from its kept context";
  // Twice the serialized order (about its parsed size) beyond the budget.
  while (order.ByteSizeLong() < (40 << 10)) ASSERT_TRUE(add().ok());
  before = *reads;
  ASSERT_TRUE(add().ok());
  EXPECT_EQ(*reads, before + 1) << "a draft too large to keep is read again";
  EXPECT_EQ(Get(order.order_id()).lines_size(), n);
  // The main front door shows what it keeps in its metrics.
  Order kept = Start("", Id("start-kept"));
  ASSERT_TRUE(AddLine(&kept, "A", 1, Id("kept-main")).ok());
  EXPECT_GE(Metric("kept_order_contexts{measure=\"entries\"}"), 1);
  EXPECT_GT(Metric("kept_order_contexts{measure=\"bytes\"}"), 4096);
}

TEST_F(FrontDoorTest, Authentication) {
  World();
  Order order = Start();
  fd::GetOrderRequest req;
  req.set_order_id(order.order_id());
  fd::GetOrderResponse resp;
  grpc::ClientContext none;
  EXPECT_EQ(suite->front->GetOrder(&none, req, &resp).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
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

TEST_F(FrontDoorTest, ProductDetailsShowImagesOnlyWithDirectedSelling) {
  auto details = [&](const std::string& product, const std::string& user, fd::ProductDetails* out) {
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

}  // namespace
}  // namespace callcenter::testing
