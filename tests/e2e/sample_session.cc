// A sample call-center session against a running suite, printing what an
// agent would see. Also the suite's health check and the end-to-end check.
//
//   sample_session health            every service's readiness is SERVING
//   sample_session session [--check] seed master data, place one order
//   sample_session verify ORDER_ID   the order is still there, CONFIRMED
//
// Services on 127.0.0.1 at CALLCENTER_PORT_BASE (50051) + 0..5 in API.md
// order; the token is signed with CALLCENTER_JWT_SECRET.
#include <cstdlib>
#include <iostream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "callcenter/orchestration/v1/orchestration.grpc.pb.h"
#include "callcenter/order/v1/order.grpc.pb.h"
#include "callcenter/pricing/v1/pricing.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "libs/auth/jwt.h"
#include "libs/ids/uuid.h"
#include "libs/money/money.h"

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
  return grpc::CreateChannel(addr, grpc::InsecureChannelCredentials());
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

void Seed() {
  auto order_ch = Channel(Addr(1));
  auto call_centers = cc::order::v1::CallCenterService::NewStub(order_ch);
  auto customers = cc::order::v1::CustomerService::NewStub(order_ch);
  auto pricing = cc::pricing::v1::PricingService::NewStub(Channel(Addr(2)));
  {
    grpc::ClientContext ctx;
    cc::order::v1::UpsertCallCenterRequest req;
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
    c->set_min_fraud_score(100);
    cc::order::v1::UpsertCallCenterResponse resp;
    Must(call_centers->UpsertCallCenter(&ctx, req, &resp), "UpsertCallCenter");
  }
  {
    grpc::ClientContext ctx;
    cc::order::v1::UpsertUserRequest req;
    req.mutable_user()->set_user_id("agent-ann");
    req.mutable_user()->set_call_center_id("cc-east");
    req.mutable_user()->set_may_cancel(true);
    cc::order::v1::UpsertUserResponse resp;
    Must(call_centers->UpsertUser(&ctx, req, &resp), "UpsertUser");
  }
  {
    grpc::ClientContext ctx;
    cc::order::v1::UpsertCustomerRequest req;
    auto* c = req.mutable_customer();
    c->set_customer_id("C-1001");
    c->set_name("Maria Lopez");
    c->set_phone("555-0100");
    c->set_email("maria@example.com");
    auto* a = c->mutable_delivery_address();
    a->set_name("Maria Lopez");
    a->set_line1("12 Elm St");
    a->set_city("New York");
    a->set_region("NY");
    a->set_postal_code("10001");
    a->set_country("US");
    *c->mutable_billing_address() = *a;
    cc::order::v1::UpsertCustomerResponse resp;
    Must(customers->UpsertCustomer(&ctx, req, &resp), "UpsertCustomer");
  }
  for (auto [id, name, price] : {std::tuple<const char*, const char*, int64_t>{
                                     "VIT-C", "Vitamin C 500mg, 100 tablets", 1299},
                                 {"TEA-GRN", "Green tea, 50 bags", 850}}) {
    grpc::ClientContext ctx;
    cc::pricing::v1::UpsertProductRequest req;
    req.mutable_product()->set_product_id(id);
    req.mutable_product()->set_name(name);
    *req.mutable_product()->mutable_base_price() = Usd(price);
    *req.mutable_product()->mutable_unit_cost() = Usd(price / 3);
    cc::pricing::v1::UpsertProductResponse resp;
    Must(pricing->UpsertProduct(&ctx, req, &resp), "UpsertProduct");
  }
  {
    grpc::ClientContext ctx;
    cc::pricing::v1::UpsertDeliveryChargeRequest req;
    auto* d = req.mutable_delivery_charge();
    d->set_delivery_mode("STANDARD");
    for (auto [from, amount] : {std::pair<int64_t, int64_t>{0, 595}, {5000, 795}, {10000, 0}}) {
      auto* t = d->add_tiers();
      *t->mutable_from_amount() = Usd(from);
      *t->mutable_amount() = Usd(amount);
    }
    cc::pricing::v1::UpsertDeliveryChargeResponse resp;
    Must(pricing->UpsertDeliveryCharge(&ctx, req, &resp), "UpsertDeliveryCharge");
  }
  {
    grpc::ClientContext ctx;
    cc::pricing::v1::UpsertTaxRateRequest req;
    req.mutable_tax_rate()->set_tax_rate_id("NY-NYC");
    req.mutable_tax_rate()->set_postal_prefix("100");
    req.mutable_tax_rate()->set_rate_bp(888);
    cc::pricing::v1::UpsertTaxRateResponse resp;
    Must(pricing->UpsertTaxRate(&ctx, req, &resp), "UpsertTaxRate");
  }
}

int Session(bool check) {
  Seed();
  Agent agent(Channel(Addr(0)));
  const std::string run = cc::NewUuid().substr(0, 8);
  std::cout << "Agent agent-ann takes a call from Maria Lopez (customer C-1001)\n";
  Order order;
  {
    cc::orchestration::v1::StartOrderRequest req;
    req.set_request_id(run + "-start");
    req.set_call_center_id("cc-east");
    req.set_customer_id("C-1001");
    cc::orchestration::v1::StartOrderResponse resp;
    Must(agent.stub().StartOrder(agent.Ctx().get(), req, &resp), "StartOrder");
    order = resp.order();
    std::cout << "Order started: " << order.order_id() << " (department "
              << order.financial_dimensions().at("department") << ")\n";
  }
  for (auto [product, qty] : {std::pair<const char*, int>{"VIT-C", 2}, {"TEA-GRN", 3}}) {
    cc::orchestration::v1::AddLineRequest req;
    req.set_request_id(absl::StrCat(run, "-line-", product));
    req.set_order_id(order.order_id());
    req.set_product_id(product);
    req.set_quantity(qty);
    cc::orchestration::v1::AddLineResponse resp;
    Must(agent.stub().AddLine(agent.Ctx().get(), req, &resp), "AddLine");
    // A retry of the same request changes nothing.
    cc::orchestration::v1::AddLineResponse again;
    Must(agent.stub().AddLine(agent.Ctx().get(), req, &again), "AddLine (retry)");
    Check(again.order().lines_size() == resp.order().lines_size(), "AddLine retry adds no line");
    order = resp.order();
    std::cout << "Added " << qty << " x " << product << "; total now " << Fmt(order.total()) << "\n";
  }
  {
    cc::orchestration::v1::SetDeliveryRequest req;
    req.set_request_id(run + "-delivery");
    req.set_order_id(order.order_id());
    req.set_delivery_mode("STANDARD");
    cc::orchestration::v1::SetDeliveryResponse resp;
    Must(agent.stub().SetDelivery(agent.Ctx().get(), req, &resp), "SetDelivery");
    order = resp.order();
  }
  {
    cc::orchestration::v1::GetOrderSummaryRequest req;
    req.set_order_id(order.order_id());
    cc::orchestration::v1::GetOrderSummaryResponse resp;
    Must(agent.stub().GetOrderSummary(agent.Ctx().get(), req, &resp), "GetOrderSummary");
    std::cout << "Summary read back to the customer:\n";
    PrintOrder(resp.order());
  }
  // 2 x 12.99 + 3 x 8.50 = 51.48; STANDARD over 50.00 = 7.95; NYC tax 8.88%.
  Check(order.subtotal().minor_units() == 5148, "subtotal 51.48");
  Check(order.charges_total().minor_units() == 795, "delivery 7.95");
  Check(order.tax_total().minor_units() == 231 + 226 + 71, "tax 2.31 + 2.26 + 0.71");
  Check(order.total().minor_units() == 5148 + 795 + 528, "total 64.71");
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
    Must(agent.stub().AddPayment(agent.Ctx().get(), req, &resp), "AddPayment (declined card)");
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
    Must(agent.stub().AddPayment(agent.Ctx().get(), req, &resp), "AddPayment");
    order = resp.order();
    Check(order.balance_due().minor_units() == 0, "balance due 0 after paying the balance");
    std::cout << "Card ending 4242 authorised for " << Fmt(order.paid_total()) << "\n";
  }
  {
    cc::orchestration::v1::SubmitOrderRequest req;
    req.set_request_id(run + "-submit");
    req.set_order_id(order.order_id());
    cc::orchestration::v1::SubmitOrderResponse resp;
    Must(agent.stub().SubmitOrder(agent.Ctx().get(), req, &resp), "SubmitOrder");
    cc::orchestration::v1::SubmitOrderResponse again;
    Must(agent.stub().SubmitOrder(agent.Ctx().get(), req, &again), "SubmitOrder (retry)");
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
  Check(resp.order().status() == cc::common::v1::ORDER_STATUS_CONFIRMED, "order still CONFIRMED");
  Check(resp.order().lines_size() == 2, "order still has its 2 lines");
  PrintOrder(resp.order());
  return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "session";
  if (mode == "health") return Health();
  if (mode == "session") return Session(argc > 2 && std::string(argv[2]) == "--check");
  if (mode == "verify" && argc > 2) return Verify(argv[2]);
  std::cerr << "usage: sample_session health | session [--check] | verify ORDER_ID\n";
  return 2;
}
