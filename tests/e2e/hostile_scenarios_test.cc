// A hostile caller's scenarios at the front door: other call centers'
// orders, replays as another user, overflowing payments, the limits on
// lines and the event log, internal addresses in errors, a stalled service.
#include <atomic>
#include <string>
#include <vector>

#include "tests/e2e/hostile_input_fixture.h"

namespace callcenter::testing {
namespace {

TEST_F(HostileInputTest, OrdersOfAnotherCallCenterAreNeverListed) {
  Order mine = Draft("mine");
  fd::ListCustomerOrdersRequest req;
  req.set_customer_id(Id("cust"));
  req.set_page_size(50);
  fd::ListCustomerOrdersResponse own, foreign;
  ASSERT_TRUE(suite->front->ListCustomerOrders(As("agent").get(), req, &own).ok());
  ASSERT_EQ(own.orders_size(), 1);
  EXPECT_EQ(own.orders(0).order_id(), mine.order_id());
  // The customer is shared master data; the orders are not.
  ASSERT_TRUE(suite->front->ListCustomerOrders(As("stranger").get(), req, &foreign).ok());
  EXPECT_EQ(foreign.orders_size(), 0);
}

TEST_F(HostileInputTest, RequestIdsAreScopedToTheCallingUser) {
  Order first = Draft("shared");
  // Another agent of the same call center with the same request id and
  // body: a new order of their own, never the first agent's.
  fd::StartOrderRequest start;
  start.set_request_id(Id("start-shared"));
  start.set_call_center_id(Id("cc"));
  start.set_customer_id(Id("cust"));
  fd::StartOrderResponse other;
  ASSERT_TRUE(suite->front->StartOrder(As("agent2").get(), start, &other).ok());
  EXPECT_NE(other.order().order_id(), first.order_id());
  EXPECT_EQ(other.order().created_by(), Id("agent2"));
  // A user of another call center replaying it learns nothing.
  fd::StartOrderResponse stolen;
  grpc::Status s = suite->front->StartOrder(As("stranger").get(), start, &stolen);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_FALSE(stolen.has_order());
  // The first agent's retry still gets the first result.
  fd::StartOrderResponse again;
  ASSERT_TRUE(suite->front->StartOrder(As("agent").get(), start, &again).ok());
  EXPECT_EQ(again.order().order_id(), first.order_id());
}

TEST_F(HostileInputTest, HugePaymentsCanNeverWrapTheTotal) {
  // The attack: four card payments of about 4.6e16 each summed, unchecked,
  // to exactly the order total. Each is refused at the edge, and a payment
  // may never exceed what is due.
  Order order = Draft("wrap");
  for (int i = 0; i < 4; ++i) {
    fd::AddPaymentRequest r;
    r.set_request_id(Id(absl::StrCat("wrap", i)));
    r.set_order_id(order.order_id());
    r.set_method(common::v1::PAYMENT_METHOD_CARD);
    r.set_card_token("tok_4242");
    *r.mutable_amount() = Usd(i < 3 ? 4611686018427387904 : 4611686018427387904 + 2000);
    fd::AddPaymentResponse out;
    EXPECT_EQ(suite->front->AddPayment(As("agent").get(), r, &out).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
  }
  fd::SubmitOrderRequest submit;
  submit.set_request_id(Id("wrap-submit"));
  submit.set_order_id(order.order_id());
  fd::SubmitOrderResponse submitted;
  EXPECT_EQ(suite->front->SubmitOrder(As("agent").get(), submit, &submitted).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(PaymentsOf(order.order_id()), 0u);
  // Exactly the balance due is accepted; a cent more after it is not.
  fd::AddPaymentRequest exact;
  exact.set_request_id(Id("exact"));
  exact.set_order_id(order.order_id());
  exact.set_method(common::v1::PAYMENT_METHOD_CARD);
  exact.set_card_token("tok_4242");
  *exact.mutable_amount() = Usd(2000);
  fd::AddPaymentResponse paid;
  ASSERT_TRUE(suite->front->AddPayment(As("agent").get(), exact, &paid).ok());
  EXPECT_EQ(paid.order().balance_due().minor_units(), 0);
  exact.set_request_id(Id("cent"));
  *exact.mutable_amount() = Usd(1);
  grpc::Status s = suite->front->AddPayment(As("agent").get(), exact, &paid);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(DetailsOf(s).reason, "PAYMENT_EXCEEDS_BALANCE");
}

TEST_F(HostileInputTest, LinesPerOrderAreLimited) {
  orchestration::OrderEntryOptions small;
  small.limits.max_lines = 2;
  auto front = suite->ExtraFrontDoor(small);
  Order order = Draft("lines");  // one line
  fd::AddLineRequest add;
  add.set_order_id(order.order_id());
  add.set_product_id(Id("A"));
  add.set_quantity(1);
  fd::AddLineResponse out;
  add.set_request_id(Id("second"));
  ASSERT_TRUE(front->AddLine(As("agent").get(), add, &out).ok());
  add.set_request_id(Id("third"));
  grpc::Status s = front->AddLine(As("agent").get(), add, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(DetailsOf(s).fields, std::vector<std::string>{"lines"});
  EXPECT_EQ(DetailsOf(s).reason, "LIMIT_EXCEEDED");
  EXPECT_EQ(Get(order.order_id()).lines_size(), 2);
}

TEST_F(HostileInputTest, AnOrdersLogOfChangesIsBounded) {
  // Every change records an event and every reply carries the log: without
  // a bound, one agent could grow one draft until no call on it fits.
  orchestration::OrderEntryOptions small;
  small.limits.max_events = 4;
  auto front = suite->ExtraFrontDoor(small);
  Order order = Draft("events");  // "created", "line_added"
  const std::string line = order.lines(0).line_id();
  fd::UpdateLineQuantityRequest change;
  change.set_order_id(order.order_id());
  change.set_line_id(line);
  fd::UpdateLineQuantityResponse out;
  for (int quantity : {2, 3}) {  // the 3rd and 4th events
    change.set_request_id(Id(absl::StrCat("q", quantity)));
    change.set_quantity(quantity);
    ASSERT_TRUE(front->UpdateLineQuantity(As("agent").get(), change, &out).ok());
  }
  change.set_request_id(Id("q4"));
  change.set_quantity(4);
  grpc::Status s = front->UpdateLineQuantity(As("agent").get(), change, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(DetailsOf(s).reason, "LIMIT_EXCEEDED");
  EXPECT_EQ(DetailsOf(s).fields, std::vector<std::string>{"order_id"});
  EXPECT_EQ(Get(order.order_id()).lines(0).quantity(), 3);
  // An order at the limit can still be cancelled.
  fd::CancelOrderRequest cancel;
  cancel.set_request_id(Id("events-cancel"));
  cancel.set_order_id(order.order_id());
  cancel.set_reason("too many changes");
  fd::CancelOrderResponse cancelled;
  ASSERT_TRUE(front->CancelOrder(As("agent").get(), cancel, &cancelled).ok());
  EXPECT_EQ(cancelled.order().status(), common::v1::ORDER_STATUS_CANCELED);
}

TEST_F(HostileInputTest, ErrorsNameNoInternalAddress) {
  // A front door whose order service is gone: the caller learns which
  // service failed, not where it lives.
  auto broken = suite->ExtraFrontDoor({}, [](orchestration::Downstream& d) {
    d.orders = order::v1::SalesOrderService::NewStub(grpc::CreateChannel(
        "unix:/tmp/callcenter-no-such-socket", grpc::InsecureChannelCredentials()));
  });
  fd::GetOrderRequest req;
  req.set_order_id("00000000-0000-0000-0000-000000000000");
  fd::GetOrderResponse resp;
  grpc::Status s = broken->GetOrder(As("agent").get(), req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(s.error_message(), "the order service is unavailable; retry with backoff");
  EXPECT_EQ(s.error_message().find("/tmp"), std::string::npos);
  EXPECT_EQ(DetailsOf(s).reason, "SERVICE_UNAVAILABLE");
}

// A pricing service that never answers in time (it counts its calls).
class StalledPricing final : public pricing::v1::PricingService::Service {
 public:
  grpc::Status PriceOrder(grpc::ServerContext* ctx, const pricing::v1::PriceOrderRequest*,
                          pricing::v1::PriceOrderResponse*) override {
    ++calls;
    while (!ctx->IsCancelled()) absl::SleepFor(absl::Milliseconds(5));
    return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "stalled");
  }
  std::atomic<int> calls{0};
};

TEST_F(HostileInputTest, AStalledServiceCostsTheCallerOneDownstreamDeadline) {
  StalledPricing stalled;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&stalled);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(port, 0);
  orchestration::OrderEntryOptions options;
  options.downstream_timeout = absl::Milliseconds(200);
  auto front = suite->ExtraFrontDoor(options, [port](orchestration::Downstream& d) {
    d.pricing = pricing::v1::PricingService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  });
  // StartOrder prices nothing (no lines) and keeps the draft's context, so
  // the AddLine starts from it: the kept-context path, which used to start
  // again with a fresh deadline after the first one ran out.
  fd::StartOrderRequest start;
  start.set_request_id(Id("stall-start"));
  start.set_call_center_id(Id("cc"));
  start.set_customer_id(Id("cust"));
  fd::StartOrderResponse started;
  ASSERT_TRUE(front->StartOrder(As("agent").get(), start, &started).ok());
  fd::AddLineRequest add;
  add.set_request_id(Id("stall-line"));
  add.set_order_id(started.order().order_id());
  add.set_product_id(Id("A"));
  add.set_quantity(1);
  fd::AddLineResponse out;
  grpc::Status s = front->AddLine(As("agent").get(), add, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_EQ(s.error_message(), "the pricing service did not answer in time; retry with backoff");
  EXPECT_EQ(stalled.calls.load(), 1);  // asked once, not again
  EXPECT_EQ(Get(started.order().order_id()).lines_size(), 0);
  server->Shutdown(std::chrono::system_clock::now());
}

}  // namespace
}  // namespace callcenter::testing
