// A sample call-center session against a running suite, printing what an
// agent would see. Also the suite's health check and the end-to-end check.
//
//   sample_session health            every service's readiness is SERVING
//   sample_session session [--check] seed master data, place one order, ship it
//   sample_session verify ORDER_ID   the order is still there, SHIPPED
//   sample_session settled           every live payment is on its order
//
// Services on 127.0.0.1 at CALLCENTER_PORT_BASE (50051) + 0..5 in API.md
// order; the token is signed with CALLCENTER_JWT_SECRET. With TLS_CA_FILE
// (and TLS_CERT_FILE, TLS_KEY_FILE: an admin tool's client certificate) it
// calls over TLS, as the services do (libs/tls).
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "callcenter/guidedselling/v1/guidedselling.grpc.pb.h"
#include "callcenter/orchestration/v1/orchestration.grpc.pb.h"
#include "callcenter/order/v1/order.grpc.pb.h"
#include "callcenter/payment/v1/payment.grpc.pb.h"
#include "callcenter/pricing/v1/pricing.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "libs/auth/jwt.h"
#include "libs/ids/uuid.h"
#include "libs/money/money.h"
#include "libs/tls/tls.h"

namespace cc = callcenter;
using cc::common::v1::Money;
using cc::common::v1::Order;

namespace {

std::string Env(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return (v && *v) ? v : fallback;
}

int PortBase() { return std::atoi(Env("CALLCENTER_PORT_BASE", "50051").c_str()); }

// Address of the service at `offset` from the base (0 = front door, 1 =
// order, 2 = pricing, 3 = guided selling, 4 = payment, 5 = hold).
std::string Addr(int offset) { return absl::StrCat("127.0.0.1:", PortBase() + offset); }

int failures = 0;

void Check(bool ok, const std::string& what) {
  if (!ok) {
    ++failures;
    std::cerr << "CHECK FAILED: " << what << std::endl;
  }
}

void Must(const grpc::Status& s, const std::string& what) {
  if (!s.ok()) {
    std::cerr << what << " failed: " << s.error_code() << " " << s.error_message() << std::endl;
    std::exit(1);
  }
}

Money Usd(int64_t m) {
  Money x;
  x.set_currency("USD");
  x.set_minor_units(m);
  return x;
}

std::string Fmt(const Money& m) { return absl::StrCat(cc::money::Format(m.minor_units()), " ", m.currency()); }

std::shared_ptr<grpc::Channel> Channel(const std::string& addr) {
  static const std::shared_ptr<grpc::ChannelCredentials> credentials = [] {
    cc::Config config;
    cc::tls::Files files = cc::tls::Read(&config);
    config.ExitIfInvalid();
    return cc::tls::ChannelCredentials(files);
  }();
  return grpc::CreateChannel(addr, credentials);
}

class Agent {
 public:
  explicit Agent(std::shared_ptr<grpc::Channel> ch)
      : stub_(cc::orchestration::v1::OrderEntryService::NewStub(ch)),
        token_(cc::auth::SignHs256("agent-ann", absl::Now() + absl::Hours(8),
                                   Env("CALLCENTER_JWT_SECRET", ""))) {}
  std::unique_ptr<grpc::ClientContext> Ctx() {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->AddMetadata("authorization", "Bearer " + token_);
    ctx->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    return ctx;
  }
  cc::orchestration::v1::OrderEntryService::Stub& stub() { return *stub_; }

 private:
  std::unique_ptr<cc::orchestration::v1::OrderEntryService::Stub> stub_;
  std::string token_;
};

void PrintOrder(const Order& o) {
  std::cout << "  order " << o.order_id() << "  status "
            << cc::common::v1::OrderStatus_Name(o.status()) << "  version " << o.version() << "\n";
  for (const auto& l : o.lines()) {
    std::cout << "    " << l.quantity() << " x " << l.product_name() << " (" << l.product_id()
              << ") @ " << Fmt(l.unit_price()) << " = " << Fmt(l.net_amount()) << "\n";
  }
  std::cout << "    subtotal " << Fmt(o.subtotal()) << "  discounts " << Fmt(o.discount_total())
            << "  delivery " << Fmt(o.charges_total()) << "  tax " << Fmt(o.tax_total())
            << "\n    total " << Fmt(o.total()) << "  paid " << Fmt(o.paid_total())
            << "  balance due " << Fmt(o.balance_due()) << "\n";
  for (const auto& p : o.payments()) {
    std::cout << "    payment " << cc::common::v1::PaymentMethod_Name(p.method()) << " "
              << Fmt(p.amount()) << " " << cc::common::v1::PaymentStatus_Name(p.status())
              << (p.last4().empty() ? "" : " card ending " + p.last4()) << "\n";
  }
}

int Health() {
  const char* names[] = {"orchestration", "order", "pricing", "guidedselling", "payment", "hold"};
  int bad = 0;
  for (int i = 0; i < 6; ++i) {
    auto stub = grpc::health::v1::Health::NewStub(Channel(Addr(i)));
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(2)));
    grpc::health::v1::HealthCheckRequest req;
    req.set_service("readiness");
    grpc::health::v1::HealthCheckResponse resp;
    grpc::Status s = stub->Check(&ctx, req, &resp);
    const bool serving = s.ok() && resp.status() == grpc::health::v1::HealthCheckResponse::SERVING;
    std::cout << names[i] << " :" << PortBase() + i << " " << (serving ? "SERVING" : "NOT_SERVING")
              << "\n";
    if (!serving) ++bad;
  }
  return bad == 0 ? 0 : 1;
}

template <typename Req, typename Resp, typename Fn>
void Admin(Fn fn, const Req& req, const char* what) {
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  Resp resp;
  Must(fn(&ctx, req, &resp), what);
}

void Seed() {
  auto order_ch = Channel(Addr(1));
  auto call_centers = cc::order::v1::CallCenterService::NewStub(order_ch);
  auto customers = cc::order::v1::CustomerService::NewStub(order_ch);
  auto pricing = cc::pricing::v1::PricingService::NewStub(Channel(Addr(2)));
  auto selling = cc::guidedselling::v1::GuidedSellingService::NewStub(Channel(Addr(3)));
  using namespace cc::order::v1;
  {
    UpsertCallCenterRequest req;
    auto* c = req.mutable_call_center();
    c->set_call_center_id("cc-east");
    c->set_name("East coast phone sales");
    c->set_currency("USD");
    c->set_default_warehouse("WH-1");
    c->add_payment_methods(cc::common::v1::PAYMENT_METHOD_CARD);
    c->add_payment_methods(cc::common::v1::PAYMENT_METHOD_CHECK);
    c->add_delivery_modes("STANDARD");
    c->add_delivery_modes("EXPRESS");
    (*c->mutable_financial_dimensions())["department"] = "CC1";
    (*c->mutable_financial_dimensions())["cost_center"] = "200";
    c->set_order_completion_enabled(true);
    c->set_directed_selling_enabled(true);
    c->set_price_control_enabled(true);
    c->set_min_fraud_score(100);
    Admin<UpsertCallCenterRequest, UpsertCallCenterResponse>(
        [&](auto* ctx, auto& r, auto* out) { return call_centers->UpsertCallCenter(ctx, r, out); }, req,
        "UpsertCallCenter");
  }
  {
    UpsertUserRequest req;
    req.mutable_user()->set_user_id("agent-ann");
    req.mutable_user()->set_call_center_id("cc-east");
    req.mutable_user()->set_price_override_max_bp(1000);
    req.mutable_user()->set_may_cancel(true);
    Admin<UpsertUserRequest, UpsertUserResponse>(
        [&](auto* ctx, auto& r, auto* out) { return call_centers->UpsertUser(ctx, r, out); }, req,
        "UpsertUser");
  }
  {
    // The warehouse system's user, for FulfillmentService.
    UpsertUserRequest req;
    req.mutable_user()->set_user_id("warehouse-east");
    req.mutable_user()->set_call_center_id("cc-east");
    req.mutable_user()->set_may_record_fulfillment(true);
    Admin<UpsertUserRequest, UpsertUserResponse>(
        [&](auto* ctx, auto& r, auto* out) { return call_centers->UpsertUser(ctx, r, out); }, req,
        "UpsertUser");
  }
  {
    UpsertCustomerRequest req;
    auto* c = req.mutable_customer();
    c->set_customer_id("C-1001");
    c->set_name("Maria Lopez");
    c->set_phone("555-0100");
    c->set_email("maria@example.com");
    c->set_customer_group("RETAIL");
    auto* a = c->mutable_delivery_address();
    a->set_name("Maria Lopez");
    a->set_line1("12 Elm St");
    a->set_city("New York");
    a->set_region("NY");
    a->set_postal_code("10001");
    a->set_country("US");
    *c->mutable_billing_address() = *a;
    Admin<UpsertCustomerRequest, UpsertCustomerResponse>(
        [&](auto* ctx, auto& r, auto* out) { return customers->UpsertCustomer(ctx, r, out); }, req,
        "UpsertCustomer");
  }
  using namespace cc::pricing::v1;
  for (auto [id, name, price] : {std::tuple<const char*, const char*, int64_t>{
                                     "VIT-C", "Vitamin C 500mg, 100 tablets", 1299},
                                 {"TEA-GRN", "Green tea, 50 bags", 850},
                                 {"HONEY", "Wildflower honey, 250 g", 600}}) {
    UpsertProductRequest req;
    req.mutable_product()->set_product_id(id);
    req.mutable_product()->set_name(name);
    *req.mutable_product()->mutable_base_price() = Usd(price);
    *req.mutable_product()->mutable_unit_cost() = Usd(price / 3);
    req.mutable_product()->set_allow_price_override(true);
    Admin<UpsertProductRequest, UpsertProductResponse>(
        [&](auto* ctx, auto& r, auto* out) { return pricing->UpsertProduct(ctx, r, out); }, req,
        "UpsertProduct");
  }
  {
    UpsertPriceGroupRequest req;
    req.mutable_price_group()->set_price_group_id("PG-SPRING");
    req.mutable_price_group()->set_priority(10);
    Admin<UpsertPriceGroupRequest, UpsertPriceGroupResponse>(
        [&](auto* ctx, auto& r, auto* out) { return pricing->UpsertPriceGroup(ctx, r, out); }, req,
        "UpsertPriceGroup");
  }
  {
    UpsertTradeAgreementRequest req;
    auto* t = req.mutable_trade_agreement();
    t->set_trade_agreement_id("TA-SPRING-VIT");
    t->set_product_id("VIT-C");
    t->set_price_group_id("PG-SPRING");
    *t->mutable_price() = Usd(1199);
    Admin<UpsertTradeAgreementRequest, UpsertTradeAgreementResponse>(
        [&](auto* ctx, auto& r, auto* out) { return pricing->UpsertTradeAgreement(ctx, r, out); },
        req, "UpsertTradeAgreement");
  }
  {
    UpsertDiscountRequest req;
    auto* d = req.mutable_discount();
    d->set_discount_id("D-WELCOME10");
    d->set_name("Welcome 10% off tea");
    d->set_kind(DISCOUNT_KIND_SIMPLE);
    d->set_concurrency(CONCURRENCY_BEST_PRICE);
    d->set_priority(1);
    d->add_product_ids("TEA-GRN");
    d->set_percent_bp(1000);
    d->set_requires_coupon(true);
    Admin<UpsertDiscountRequest, UpsertDiscountResponse>(
        [&](auto* ctx, auto& r, auto* out) { return pricing->UpsertDiscount(ctx, r, out); }, req,
        "UpsertDiscount");
    UpsertCouponRequest creq;
    creq.mutable_coupon()->set_coupon_code("WELCOME10");
    creq.mutable_coupon()->set_discount_id("D-WELCOME10");
    creq.mutable_coupon()->set_active(true);
    Admin<UpsertCouponRequest, UpsertCouponResponse>(
        [&](auto* ctx, auto& r, auto* out) { return pricing->UpsertCoupon(ctx, r, out); }, creq,
        "UpsertCoupon");
  }
  {
    UpsertDeliveryChargeRequest req;
    auto* d = req.mutable_delivery_charge();
    d->set_delivery_mode("STANDARD");
    for (auto [from, amount] : {std::pair<int64_t, int64_t>{0, 595}, {5000, 795}, {10000, 0}}) {
      auto* t = d->add_tiers();
      *t->mutable_from_amount() = Usd(from);
      *t->mutable_amount() = Usd(amount);
    }
    Admin<UpsertDeliveryChargeRequest, UpsertDeliveryChargeResponse>(
        [&](auto* ctx, auto& r, auto* out) { return pricing->UpsertDeliveryCharge(ctx, r, out); },
        req, "UpsertDeliveryCharge");
  }
  {
    UpsertTaxRateRequest req;
    req.mutable_tax_rate()->set_tax_rate_id("NY-NYC");
    req.mutable_tax_rate()->set_postal_prefix("100");
    req.mutable_tax_rate()->set_rate_bp(888);
    Admin<UpsertTaxRateRequest, UpsertTaxRateResponse>(
        [&](auto* ctx, auto& r, auto* out) { return pricing->UpsertTaxRate(ctx, r, out); }, req,
        "UpsertTaxRate");
  }
  using namespace cc::guidedselling::v1;
  {
    UpsertSourceCodeRequest req;
    req.mutable_source_code()->set_source_code("SPRING26");
    req.mutable_source_code()->set_catalog_id("CAT-SPRING-2026");
    req.mutable_source_code()->set_price_group_id("PG-SPRING");
    Admin<UpsertSourceCodeRequest, UpsertSourceCodeResponse>(
        [&](auto* ctx, auto& r, auto* out) { return selling->UpsertSourceCode(ctx, r, out); }, req,
        "UpsertSourceCode");
  }
  for (auto [id, timing, source, product, text] :
       {std::tuple<const char*, cc::common::v1::ScriptTiming, const char*, const char*, const char*>{
            "S-WELCOME", cc::common::v1::SCRIPT_TIMING_BEGINNING, "SPRING26", "",
            "Thank you for ordering from our spring catalog! Spring prices apply today."},
        {"S-TEA", cc::common::v1::SCRIPT_TIMING_ITEM, "", "TEA-GRN",
         "Our green tea is organic and fair trade."},
        {"S-END", cc::common::v1::SCRIPT_TIMING_END, "SPRING26", "",
         "Read back the order and the total, then thank the customer."}}) {
    UpsertScriptRequest req;
    auto* sc = req.mutable_script();
    sc->set_script_id(id);
    sc->set_kind(cc::common::v1::SCRIPT_KIND_SCRIPT);
    sc->set_timing(timing);
    sc->set_source_code(source);
    sc->set_product_id(product);
    sc->set_text(text);
    sc->set_active(true);
    Admin<UpsertScriptRequest, UpsertScriptResponse>(
        [&](auto* ctx, auto& r, auto* out) { return selling->UpsertScript(ctx, r, out); }, req,
        "UpsertScript");
  }
  {
    UpsertUpsellRuleRequest req;
    auto* r = req.mutable_upsell_rule();
    r->set_rule_id("R-TEA-HONEY");
    r->set_trigger_product_id("TEA-GRN");
    r->set_suggested_product_id("HONEY");
    r->set_kind(cc::common::v1::PROMPT_KIND_CROSS_SELL);
    r->set_priority(5);
    r->set_script("Many customers enjoy our wildflower honey with green tea.");
    r->set_active(true);
    Admin<UpsertUpsellRuleRequest, UpsertUpsellRuleResponse>(
        [&](auto* ctx, auto& rr, auto* out) { return selling->UpsertUpsellRule(ctx, rr, out); }, req,
        "UpsertUpsellRule");
  }
  {
    cc::guidedselling::v1::UpsertProductMediaRequest req;
    req.mutable_product_media()->set_product_id("HONEY");
    req.mutable_product_media()->add_image_urls("https://img.example.com/honey-jar.jpg");
    req.mutable_product_media()->set_detail_text("Raw, unfiltered, from Oregon; glass jar.");
    Admin<cc::guidedselling::v1::UpsertProductMediaRequest,
          cc::guidedselling::v1::UpsertProductMediaResponse>(
        [&](auto* ctx, auto& r, auto* out) { return selling->UpsertProductMedia(ctx, r, out); },
        req, "UpsertProductMedia");
  }
}

// One line's price details (GetPriceDetails) in the words an agent reads
// to the customer: where the price came from, then each discount.
std::string InWords(const cc::orchestration::v1::LinePriceDetail& d, const std::string& name) {
  using namespace cc::orchestration::v1;
  std::string out = absl::StrCat(name, ": list price ", Fmt(d.base_price()), "; ");
  switch (d.price_source()) {
    case PRICE_SOURCE_TRADE_AGREEMENT:
      absl::StrAppend(&out, "you pay ", Fmt(d.unit_price()), " each under agreement ",
                      d.trade_agreement_id(),
                      d.price_group_id().empty() ? "" : absl::StrCat(" (price group ", d.price_group_id(), ")"),
                      ".");
      break;
    case PRICE_SOURCE_OVERRIDE:
      absl::StrAppend(&out, "the price was set to ", Fmt(d.unit_price()), " by an agent.");
      break;
    default:
      absl::StrAppend(&out, "you pay the list price.");
  }
  if (d.discounts().empty()) absl::StrAppend(&out, " No discount applies to it.");
  for (const DiscountOutcome& o : d.discounts()) {
    absl::StrAppend(&out, " \"", o.name(), "\" ");
    switch (o.outcome()) {
      case DISCOUNT_OUTCOME_KIND_APPLIED:
        absl::StrAppend(&out, "saves you ", Fmt(o.amount()), ".");
        break;
      case DISCOUNT_OUTCOME_KIND_LOST:
        absl::StrAppend(&out, "does not apply: ", o.beaten_by(), " saves you more.");
        break;
      case DISCOUNT_OUTCOME_KIND_BLOCKED:
        absl::StrAppend(&out, "does not apply: it cannot be combined with ", o.beaten_by(), ".");
        break;
      case DISCOUNT_OUTCOME_KIND_IGNORED:
        absl::StrAppend(&out, "does not apply: ", o.beaten_by(), " already applies before it.");
        break;
      case DISCOUNT_OUTCOME_KIND_NO_COUPON:
        absl::StrAppend(&out, "needs a coupon code.");
        break;
      case DISCOUNT_OUTCOME_KIND_BELOW_THRESHOLD:
        absl::StrAppend(&out, "applies with ", Fmt(o.amount_needed()), " more.");
        break;
      default:
        break;
    }
  }
  return out;
}

void PrintScripts(const Order& o) {
  for (const auto& s : o.scripts()) {
    std::cout << "    [" << (s.kind() == cc::common::v1::SCRIPT_KIND_NOTE ? "note" : "read aloud")
              << "] " << s.text() << "\n";
  }
  for (const auto& p : o.prompts()) {
    std::cout << "    [" << (p.kind() == cc::common::v1::PROMPT_KIND_UPSELL ? "upsell" : "cross-sell")
              << " " << p.product_id() << "] " << p.script() << "\n";
  }
}

int Session(bool check) {
  Seed();
  Agent agent(Channel(Addr(0)));
  const std::string run = cc::NewUuid().substr(0, 8);
  std::cout << "Agent agent-ann answers a call.\n";
  {
    auto customers = cc::order::v1::CustomerService::NewStub(Channel(Addr(1)));
    grpc::ClientContext ctx;
    cc::order::v1::SearchCustomersRequest req;
    req.set_query("maria lo");
    cc::order::v1::SearchCustomersResponse resp;
    Must(customers->SearchCustomers(&ctx, req, &resp), "SearchCustomers");
    for (const auto& c : resp.customers()) {
      std::cout << "Customer found: " << c.customer_id() << " " << c.name() << ", " << c.phone()
                << ", " << c.delivery_address().city() << "\n";
    }
    Check(resp.customers_size() >= 1, "customer search finds Maria");
  }
  Order order;
  auto step = [&](const std::string& what, const grpc::Status& s) { Must(s, what); };
  {
    cc::orchestration::v1::StartOrderRequest req;
    req.set_request_id(run + "-start");
    req.set_call_center_id("cc-east");
    req.set_customer_id("C-1001");
    req.set_source_code("SPRING26");
    cc::orchestration::v1::StartOrderResponse resp;
    step("StartOrder", agent.stub().StartOrder(agent.Ctx().get(), req, &resp));
    order = resp.order();
    std::cout << "Order " << order.order_id() << " started from catalog code SPRING26 (department "
              << order.financial_dimensions().at("department") << ")\n";
    PrintScripts(order);
  }
  auto add = [&](const char* product, int qty, cc::common::v1::LineOrigin origin) {
    cc::orchestration::v1::AddLineRequest req;
    req.set_request_id(absl::StrCat(run, "-line-", product));
    req.set_order_id(order.order_id());
    req.set_product_id(product);
    req.set_quantity(qty);
    req.set_origin(origin);
    cc::orchestration::v1::AddLineResponse resp;
    step("AddLine", agent.stub().AddLine(agent.Ctx().get(), req, &resp));
    // A retry of the same request changes nothing.
    cc::orchestration::v1::AddLineResponse again;
    step("AddLine (retry)", agent.stub().AddLine(agent.Ctx().get(), req, &again));
    Check(again.order().lines_size() == resp.order().lines_size(), "AddLine retry adds no line");
    order = resp.order();
    const auto& line = order.lines(order.lines_size() - 1);
    std::cout << "Added " << qty << " x " << line.product_name() << " at " << Fmt(line.unit_price())
              << (line.unit_price().minor_units() != line.base_price().minor_units()
                      ? absl::StrCat(" (catalog price; list ", Fmt(line.base_price()), ")")
                      : "")
              << "; total now " << Fmt(order.total()) << "\n";
    PrintScripts(order);
  };
  add("VIT-C", 2, cc::common::v1::LINE_ORIGIN_NONE);
  add("TEA-GRN", 3, cc::common::v1::LINE_ORIGIN_NONE);
  Check(order.prompts_size() == 1 && order.prompts(0).product_id() == "HONEY", "honey is suggested");
  {
    // The customer asks about the suggestion before taking it.
    cc::orchestration::v1::GetProductDetailsRequest req;
    req.set_product_id("HONEY");
    cc::orchestration::v1::GetProductDetailsResponse resp;
    step("GetProductDetails", agent.stub().GetProductDetails(agent.Ctx().get(), req, &resp));
    const auto& p = resp.product();
    std::cout << "Product details: " << p.name() << ", " << Fmt(p.base_price()) << ". "
              << p.detail_text() << (p.image_urls_size() > 0 ? " Image: " + p.image_urls(0) : "")
              << "\n";
    Check(!p.detail_text().empty() && p.image_urls_size() == 1, "honey's details and image shown");
  }
  std::cout << "The customer takes the suggestion.\n";
  add("HONEY", 1, cc::common::v1::LINE_ORIGIN_CROSS_SELL);
  {
    cc::orchestration::v1::ApplyCouponRequest req;
    req.set_request_id(run + "-coupon");
    req.set_order_id(order.order_id());
    req.set_coupon_code("WELCOME10");
    cc::orchestration::v1::ApplyCouponResponse resp;
    step("ApplyCoupon", agent.stub().ApplyCoupon(agent.Ctx().get(), req, &resp));
    order = resp.order();
    std::cout << "Coupon WELCOME10 applied: discounts now " << Fmt(order.discount_total()) << "\n";
  }
  {
    // "Why is the tea cheaper, and why is the vitamin C not 12.99?"
    cc::orchestration::v1::GetPriceDetailsRequest req;
    req.set_order_id(order.order_id());
    cc::orchestration::v1::GetPriceDetailsResponse resp;
    step("GetPriceDetails", agent.stub().GetPriceDetails(agent.Ctx().get(), req, &resp));
    Check(resp.lines_size() == order.lines_size(), "price details for every line");
    for (int i = 0; i < resp.lines_size(); ++i) {
      const auto& d = resp.lines(i);
      if (d.product_id() != "VIT-C" && d.product_id() != "TEA-GRN") continue;
      std::cout << "Price details, as read to the customer: " << InWords(d, order.lines(i).product_name())
                << "\n";
      if (d.product_id() == "VIT-C") {
        Check(d.price_source() == cc::orchestration::v1::PRICE_SOURCE_TRADE_AGREEMENT &&
                  d.trade_agreement_id() == "TA-SPRING-VIT",
              "vitamin C priced by the spring catalog's trade agreement");
      } else {
        // (Other discounts of the shared tables may be explained beside it.)
        bool welcome = false;
        for (const auto& o : d.discounts()) {
          welcome = welcome || (o.discount_id() == "D-WELCOME10" &&
                                o.outcome() == cc::orchestration::v1::DISCOUNT_OUTCOME_KIND_APPLIED &&
                                o.amount().minor_units() == 255);
        }
        Check(welcome, "the tea's coupon discount explained: applied, 2.55");
      }
    }
  }
  {
    cc::orchestration::v1::SetDeliveryRequest req;
    req.set_request_id(run + "-delivery");
    req.set_order_id(order.order_id());
    req.set_delivery_mode("STANDARD");
    cc::orchestration::v1::SetDeliveryResponse resp;
    step("SetDelivery", agent.stub().SetDelivery(agent.Ctx().get(), req, &resp));
    order = resp.order();
  }
  {
    cc::orchestration::v1::GetOrderSummaryRequest req;
    req.set_order_id(order.order_id());
    cc::orchestration::v1::GetOrderSummaryResponse resp;
    step("GetOrderSummary", agent.stub().GetOrderSummary(agent.Ctx().get(), req, &resp));
    std::cout << "Summary read back to the customer:\n";
    PrintOrder(resp.order());
    for (const auto& l : resp.order().lines()) {
      for (const auto& d : l.discounts()) {
        std::cout << "      " << l.product_id() << ": " << d.name() << " -" << Fmt(d.amount())
                  << (d.coupon_code().empty() ? "" : " (coupon " + d.coupon_code() + ")") << "\n";
      }
    }
    PrintScripts(resp.order());
  }
  // 2 x 11.99 + 3 x 8.50 - 10% (2.55) + 6.00 = 52.93; STANDARD over 50.00 =
  // 7.95; NYC tax 8.88% per line: 2.13 + 2.04 + 0.53, on delivery 0.71.
  Check(order.subtotal().minor_units() == 5548, "subtotal 55.48");
  Check(order.discount_total().minor_units() == 255, "discounts 2.55");
  Check(order.charges_total().minor_units() == 795, "delivery 7.95");
  Check(order.tax_total().minor_units() == 213 + 204 + 53 + 71, "tax 5.41");
  Check(order.total().minor_units() == 5293 + 795 + 541, "total 66.29");
  {
    cc::orchestration::v1::SubmitOrderRequest req;
    req.set_request_id(run + "-early-submit");
    req.set_order_id(order.order_id());
    cc::orchestration::v1::SubmitOrderResponse resp;
    grpc::Status s = agent.stub().SubmitOrder(agent.Ctx().get(), req, &resp);
    Check(s.error_code() == grpc::StatusCode::FAILED_PRECONDITION, "submit without payment refused");
    std::cout << "Submit before payment: " << s.error_message() << "\n";
  }
  {
    cc::orchestration::v1::AddPaymentRequest req;
    req.set_request_id(run + "-pay-declined");
    req.set_order_id(order.order_id());
    req.set_method(cc::common::v1::PAYMENT_METHOD_CARD);
    req.set_card_token("tok_test_0002");
    cc::orchestration::v1::AddPaymentResponse resp;
    step("AddPayment (declined card)", agent.stub().AddPayment(agent.Ctx().get(), req, &resp));
    Check(resp.order().payments(0).status() == cc::common::v1::PAYMENT_STATUS_DECLINED,
          "card ending 0002 is declined");
    Check(resp.order().paid_total().minor_units() == 0, "a declined payment does not count");
    std::cout << "Card ending 0002 declined: " << resp.order().payments(0).decline_reason() << "\n";
  }
  {
    cc::orchestration::v1::AddPaymentRequest req;
    req.set_request_id(run + "-pay");
    req.set_order_id(order.order_id());
    req.set_method(cc::common::v1::PAYMENT_METHOD_CARD);
    req.set_card_token("tok_visa_4242");
    cc::orchestration::v1::AddPaymentResponse resp;
    step("AddPayment", agent.stub().AddPayment(agent.Ctx().get(), req, &resp));
    order = resp.order();
    Check(order.balance_due().minor_units() == 0, "balance due 0 after paying the balance");
    std::cout << "Card ending 4242 authorised for " << Fmt(order.paid_total()) << "\n";
  }
  {
    cc::orchestration::v1::SubmitOrderRequest req;
    req.set_request_id(run + "-submit");
    req.set_order_id(order.order_id());
    cc::orchestration::v1::SubmitOrderResponse resp;
    step("SubmitOrder", agent.stub().SubmitOrder(agent.Ctx().get(), req, &resp));
    cc::orchestration::v1::SubmitOrderResponse again;
    step("SubmitOrder (retry)", agent.stub().SubmitOrder(agent.Ctx().get(), req, &again));
    Check(again.order().version() == resp.order().version(), "submit retry changes nothing");
    order = resp.order();
    Check(order.status() == cc::common::v1::ORDER_STATUS_CONFIRMED, "order CONFIRMED");
    std::cout << "Submitted:\n";
    PrintOrder(order);
    std::cout << "Event log:\n";
    for (const auto& e : order.events()) {
      std::cout << "    " << e.kind() << " by " << (e.user_id().empty() ? "system" : e.user_id())
                << ": " << e.detail() << "\n";
    }
  }
  {
    grpc::ClientContext ctx;  // no token
    cc::orchestration::v1::GetOrderRequest req;
    req.set_order_id(order.order_id());
    cc::orchestration::v1::GetOrderResponse resp;
    Check(agent.stub().GetOrder(&ctx, req, &resp).error_code() == grpc::StatusCode::UNAUTHENTICATED,
          "no token -> UNAUTHENTICATED");
  }
  {
    // The warehouse ships it in two parts: an invoice each, the card
    // captured for each, the rest of the authorisation never needed.
    auto warehouse = cc::orchestration::v1::FulfillmentService::NewStub(Channel(Addr(0)));
    const std::string token = cc::auth::SignHs256("warehouse-east", absl::Now() + absl::Hours(1),
                                                  Env("CALLCENTER_JWT_SECRET", ""));
    auto ship = [&](const std::string& id, const std::vector<std::pair<int, int>>& units) {
      cc::orchestration::v1::RecordShipmentRequest req;
      req.set_request_id(run + "-" + id);
      req.set_order_id(order.order_id());
      req.set_shipment_id(run + "-" + id);
      req.set_carrier("UPS");
      req.set_tracking_number("1Z" + id);
      for (auto [line, qty] : units) {
        auto* l = req.add_lines();
        l->set_line_id(order.lines(line).line_id());
        l->set_quantity(qty);
      }
      grpc::ClientContext ctx;
      ctx.AddMetadata("authorization", "Bearer " + token);
      ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
      cc::orchestration::v1::RecordShipmentResponse resp;
      step("RecordShipment " + id, warehouse->RecordShipment(&ctx, req, &resp));
      const auto& s = resp.order().shipments(resp.order().shipments_size() - 1);
      std::cout << "Shipment " << id << ": "
                << cc::common::v1::OrderStatus_Name(resp.order().status()) << ", invoice "
                << Fmt(s.invoice_amount()) << ", captured " << Fmt(s.captured()) << "\n";
      return resp.order();
    };
    const Order first = ship("S1", {{0, order.lines(0).quantity()}, {1, 1}});
    Check(first.status() == cc::common::v1::ORDER_STATUS_PARTIALLY_SHIPPED, "PARTIALLY_SHIPPED");
    Check(first.payments(1).status() == cc::common::v1::PAYMENT_STATUS_PARTIALLY_CAPTURED,
          "card PARTIALLY_CAPTURED for the first invoice");
    std::vector<std::pair<int, int>> rest;
    for (int i = 1; i < order.lines_size(); ++i) {
      rest.push_back({i, order.lines(i).quantity() - (i == 1 ? 1 : 0)});
    }
    order = ship("S2", rest);
    Check(order.status() == cc::common::v1::ORDER_STATUS_SHIPPED, "SHIPPED");
    Check(order.shipments(0).invoice_amount().minor_units() +
                  order.shipments(1).invoice_amount().minor_units() ==
              order.total().minor_units(),
          "the two invoices add up to the total");
    Check(order.payments(1).status() == cc::common::v1::PAYMENT_STATUS_CAPTURED &&
              order.payments(1).captured().minor_units() == order.total().minor_units(),
          "card CAPTURED for the total, in two captures");
  }
  std::cout << "ORDER_ID=" << order.order_id() << std::endl;
  if (check && failures > 0) return 1;
  return 0;
}

int Verify(const std::string& order_id) {
  Agent agent(Channel(Addr(0)));
  cc::orchestration::v1::GetOrderRequest req;
  req.set_order_id(order_id);
  cc::orchestration::v1::GetOrderResponse resp;
  Must(agent.stub().GetOrder(agent.Ctx().get(), req, &resp), "GetOrder");
  Check(resp.order().status() == cc::common::v1::ORDER_STATUS_SHIPPED, "order still SHIPPED");
  Check(resp.order().lines_size() == 3, "order still has its 3 lines");
  Check(resp.order().shipments_size() == 2, "order still has its 2 shipments");
  PrintOrder(resp.order());
  return failures == 0 ? 0 : 1;
}

// After a crash and recovery: every live payment (authorised, or pending)
// is on its order, and not as voided; none holds a customer's money for
// nothing.
int Settled() {
  auto payments = cc::payment::v1::PaymentService::NewStub(Channel(Addr(4)));
  auto orders = cc::order::v1::SalesOrderService::NewStub(Channel(Addr(1)));
  int live = 0, unrecorded = 0;
  std::string token;
  do {
    grpc::ClientContext ctx;
    cc::payment::v1::ListLivePaymentsRequest req;
    req.set_page_size(500);
    req.set_page_token(token);
    cc::payment::v1::ListLivePaymentsResponse page;
    Must(payments->ListLivePayments(&ctx, req, &page), "ListLivePayments");
    if (page.payments().empty()) break;
    cc::order::v1::ListRecordedPaymentsRequest ask;
    for (const auto& p : page.payments()) ask.add_order_ids(p.order_id());
    grpc::ClientContext ctx2;
    cc::order::v1::ListRecordedPaymentsResponse recorded;
    Must(orders->ListRecordedPayments(&ctx2, ask, &recorded), "ListRecordedPayments");
    std::set<std::string> on_orders;  // recorded and not shown voided
    for (const auto& o : recorded.orders()) {
      std::set<std::string> voided(o.voided_payment_ids().begin(), o.voided_payment_ids().end());
      for (const auto& id : o.payment_ids()) {
        if (voided.count(id) == 0) on_orders.insert(id);
      }
    }
    for (const auto& p : page.payments()) {
      ++live;
      if (on_orders.count(p.payment_id()) == 0) {
        ++unrecorded;
        std::cerr << "live payment " << p.payment_id() << " of order " << p.order_id()
                  << " is not counted by its order\n";
      }
    }
    token = page.next_page_token();
  } while (true);
  std::cout << live << " live payments, " << unrecorded << " not counted by their order\n";
  return unrecorded == 0 ? 0 : 1;
}

// A new draft for the sample customer (no source code: nothing to price).
grpc::Status StartDraft(Agent& agent, cc::orchestration::v1::StartOrderResponse* out) {
  cc::orchestration::v1::StartOrderRequest start;
  start.set_request_id(cc::NewUuid());
  start.set_call_center_id("cc-east");
  start.set_customer_id("C-1001");
  return agent.stub().StartOrder(agent.Ctx().get(), start, out);
}

// While the pricing service is stopped (SIGSTOP, so its socket accepts
// but nothing answers): calls that need it answer DEADLINE_EXCEEDED or
// UNAVAILABLE within the front door's downstream deadline (3 s) rather
// than the caller's (10 s); calls that do not need it still answer at once
// while those wait, so no thread is parked for good.
int Stalled(const std::string& order_id) {
  Agent agent(Channel(Addr(0)));
  cc::orchestration::v1::StartOrderResponse draft;
  Must(StartDraft(agent, &draft), "StartOrder (no pricing)");
  constexpr int kStalled = 8;
  std::vector<std::thread> adders;
  std::vector<grpc::Status> added(kStalled);
  std::vector<double> add_seconds(kStalled);
  for (int i = 0; i < kStalled; ++i) {
    adders.emplace_back([&, i] {
      cc::orchestration::v1::AddLineRequest req;
      req.set_request_id(cc::NewUuid());
      req.set_order_id(draft.order().order_id());
      req.set_product_id("TEA-GRN");
      req.set_quantity(1);
      cc::orchestration::v1::AddLineResponse resp;
      const absl::Time began = absl::Now();
      added[i] = agent.stub().AddLine(agent.Ctx().get(), req, &resp);
      add_seconds[i] = absl::ToDoubleSeconds(absl::Now() - began);
    });
  }
  absl::SleepFor(absl::Milliseconds(300));  // the AddLines are waiting on pricing now
  double slowest_read = 0;
  for (int i = 0; i < 16; ++i) {
    cc::orchestration::v1::GetOrderRequest req;
    req.set_order_id(order_id);
    cc::orchestration::v1::GetOrderResponse resp;
    const absl::Time began = absl::Now();
    Must(agent.stub().GetOrder(agent.Ctx().get(), req, &resp), "GetOrder while pricing stalls");
    slowest_read = std::max(slowest_read, absl::ToDoubleSeconds(absl::Now() - began));
  }
  for (auto& t : adders) t.join();
  std::cout << "16 GetOrder calls while pricing stalls: slowest " << slowest_read << " s\n";
  Check(slowest_read < 1.0, "calls that need no stalled service answer at once meanwhile");
  for (int i = 0; i < kStalled; ++i) {
    std::cout << "AddLine while pricing stalls: " << added[i].error_code() << " "
              << added[i].error_message() << " after " << add_seconds[i] << " s\n";
    Check(added[i].error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ||
              added[i].error_code() == grpc::StatusCode::UNAVAILABLE,
          "AddLine needing the stalled pricing: DEADLINE_EXCEEDED or UNAVAILABLE");
    Check(add_seconds[i] < 5.0, "within the front door's downstream deadline, not the caller's");
  }
  return failures == 0 ? 0 : 1;
}

// While PostgreSQL is down: a change answers UNAVAILABLE at once (a
// service whose database is gone says so), not after the caller's deadline.
int Unavailable() {
  Agent agent(Channel(Addr(0)));
  cc::orchestration::v1::StartOrderResponse resp;
  const absl::Time began = absl::Now();
  const grpc::Status s = StartDraft(agent, &resp);
  const double seconds = absl::ToDoubleSeconds(absl::Now() - began);
  std::cout << "StartOrder while PostgreSQL is down: " << s.error_code() << " " << s.error_message()
            << " after " << seconds << " s\n";
  Check(s.error_code() == grpc::StatusCode::UNAVAILABLE, "UNAVAILABLE while the database is down");
  Check(seconds < 2.0, "at once, not after the caller's deadline");
  return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "session";
  if (mode == "health") return Health();
  if (mode == "session") return Session(argc > 2 && std::string(argv[2]) == "--check");
  if (mode == "verify" && argc > 2) return Verify(argv[2]);
  if (mode == "settled") return Settled();
  if (mode == "stalled" && argc > 2) return Stalled(argv[2]);
  if (mode == "unavailable") return Unavailable();
  std::cerr << "usage: sample_session health | session [--check] | verify ORDER_ID | settled | "
               "stalled ORDER_ID | unavailable\n";
  return 2;
}
