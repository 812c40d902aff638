// The front door alone: the real OrderEntryService on 127.0.0.1:0 with
// strict gMock stubs for the five services behind it. Each test names every
// downstream call it expects (an unexpected one fails the test), so these
// show what a request costs and in which order the money moves.
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

#include "absl/strings/str_cat.h"
#include "callcenter/guidedselling/v1/guidedselling_mock.grpc.pb.h"
#include "callcenter/hold/v1/hold_mock.grpc.pb.h"
#include "callcenter/order/v1/order_mock.grpc.pb.h"
#include "callcenter/payment/v1/payment_mock.grpc.pb.h"
#include "callcenter/pricing/v1/pricing_mock.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "libs/auth/jwt.h"
#include "libs/server/host.h"
#include "libs/status/status.h"
#include "services/orchestration/front_door.h"

namespace callcenter::orchestration {
namespace {

using ::testing::_;
using ::testing::InSequence;
using ::testing::Invoke;
using ::testing::Return;
using ::testing::StrictMock;

constexpr char kSecret[] = "service-test-secret";
constexpr char kOrderId[] = "11111111-1111-4111-8111-111111111111";

common::v1::Money Usd(int64_t m) {
  common::v1::Money x;
  x.set_currency("USD");
  x.set_minor_units(m);
  return x;
}

// What the order service answers for a draft of one line (8.50) in call
// center "cc", read by user "ann".
order::v1::GetOrderContextResponse Draft() {
  order::v1::GetOrderContextResponse c;
  Order* o = c.mutable_order();
  o->set_order_id(kOrderId);
  o->set_call_center_id("cc");
  o->set_customer_id("cust");
  o->set_status(common::v1::ORDER_STATUS_DRAFT);
  o->set_currency("USD");
  o->set_version(3);
  common::v1::OrderLine* l = o->add_lines();
  l->set_line_id("L1");
  l->set_product_id("TEA");
  l->set_quantity(1);
  *l->mutable_unit_price() = Usd(850);
  *l->mutable_net_amount() = Usd(850);
  *o->mutable_total() = Usd(850);
  *o->mutable_balance_due() = Usd(850);
  c.mutable_user()->set_user_id("ann");
  c.mutable_user()->set_call_center_id("cc");
  c.mutable_user()->set_price_override_max_bp(500);
  c.mutable_user()->set_may_cancel(true);
  order::v1::CallCenter* cc = c.mutable_call_center();
  cc->set_call_center_id("cc");
  cc->set_currency("USD");
  cc->add_payment_methods(common::v1::PAYMENT_METHOD_CARD);
  cc->add_delivery_modes("STANDARD");
  cc->set_order_completion_enabled(true);
  cc->set_directed_selling_enabled(false);
  cc->set_price_control_enabled(true);
  c.mutable_customer()->set_customer_id("cust");
  return c;
}

// Pricing's answer for Draft(): 8.50, nothing else.
pricing::v1::PriceOrderResponse Priced() {
  pricing::v1::PriceOrderResponse p;
  pricing::v1::PricedLine* l = p.add_lines();
  l->set_line_id("L1");
  l->set_product_id("TEA");
  l->set_quantity(1);
  *l->mutable_unit_price() = Usd(850);
  *l->mutable_net_amount() = Usd(850);
  *l->mutable_discount() = Usd(0);
  for (auto* m : {p.mutable_subtotal(), p.mutable_total()}) *m = Usd(850);
  for (auto* m : {p.mutable_discount_total(), p.mutable_charges_total(), p.mutable_tax_total()}) {
    *m = Usd(0);
  }
  return p;
}

class OrderEntryServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Downstream d;
    auto orders = std::make_unique<StrictMock<order::v1::MockSalesOrderServiceStub>>();
    auto continuity = std::make_unique<StrictMock<order::v1::MockContinuityServiceStub>>();
    auto pricing = std::make_unique<StrictMock<pricing::v1::MockPricingServiceStub>>();
    auto payments = std::make_unique<StrictMock<payment::v1::MockPaymentServiceStub>>();
    auto selling = std::make_unique<StrictMock<guidedselling::v1::MockGuidedSellingServiceStub>>();
    auto holds = std::make_unique<StrictMock<hold::v1::MockHoldServiceStub>>();
    orders_ = orders.get();
    pricing_ = pricing.get();
    payments_ = payments.get();
    d.orders = std::move(orders);
    d.continuity = std::move(continuity);
    d.pricing = std::move(pricing);
    d.payments = std::move(payments);
    d.selling = std::move(selling);
    d.holds = std::move(holds);
    OrderEntryOptions options;
    options.jwt_secret = kSecret;
    service_ =
        FrontDoor::Service(std::make_shared<FrontDoor>(std::move(d), options, nullptr, nullptr));
    server::HostOptions host;
    host.listen_address = "127.0.0.1:0";
    host.drain_delay = absl::ZeroDuration();
    host.shutdown_grace = absl::Seconds(1);
    host_ = std::make_unique<server::ServiceHost>(host);
    host_->Register(service_.get());
    ASSERT_TRUE(host_->Start().ok());
    front_ = v1::OrderEntryService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", host_->port()), grpc::InsecureChannelCredentials()));
  }
  void TearDown() override { host_->Shutdown(); }

  std::unique_ptr<grpc::ClientContext> As(const std::string& user) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->AddMetadata("authorization",
                     "Bearer " + auth::SignHs256(user, absl::Now() + absl::Hours(1), kSecret));
    return ctx;
  }

  // The order service answers GetOrderContext with `context`, once.
  void ContextIs(const order::v1::GetOrderContextResponse& context) {
    EXPECT_CALL(*orders_, GetOrderContext(_, _, _))
        .WillOnce(Invoke([context](grpc::ClientContext*, const auto&, auto* out) {
          *out = context;
          return grpc::Status::OK;
        }));
  }

  // Pricing answers Priced(), once.
  void PricingAnswersPriced() {
    EXPECT_CALL(*pricing_, PriceOrder(_, _, _))
        .WillOnce(Invoke([](grpc::ClientContext*, const auto&, auto* out) {
          *out = Priced();
          return grpc::Status::OK;
        }));
  }

  // The payment service authorises the card as payment p1.
  static grpc::Status AuthorizeAsP1(grpc::ClientContext*,
                                    const payment::v1::AuthorizePaymentRequest& req,
                                    payment::v1::AuthorizePaymentResponse* out) {
    payment::v1::Payment* p = out->mutable_payment();
    p->set_payment_id("p1");
    p->set_method(common::v1::PAYMENT_METHOD_CARD);
    *p->mutable_amount() = req.amount();
    p->set_status(common::v1::PAYMENT_STATUS_AUTHORIZED);
    p->set_last4("4242");
    return grpc::Status::OK;
  }

  // The order a save sends, as bytes.
  static Order Sent(const order::v1::SaveOrderRequest& req) {
    Order order;
    EXPECT_TRUE(order.ParseFromString(req.order_doc()));
    return order;
  }

  // The order service stores what it is given: the saved order, a new version.
  static grpc::Status SaveAsSent(grpc::ClientContext*, const order::v1::SaveOrderRequest& req,
                                 order::v1::SaveOrderResponse* out) {
    *out->mutable_order() = Sent(req);
    out->mutable_order()->set_version(out->order().version() + 1);
    return grpc::Status::OK;
  }

  StrictMock<order::v1::MockSalesOrderServiceStub>* orders_;
  StrictMock<pricing::v1::MockPricingServiceStub>* pricing_;
  StrictMock<payment::v1::MockPaymentServiceStub>* payments_;
  std::shared_ptr<OrderEntryServiceImpl> service_;
  std::unique_ptr<server::ServiceHost> host_;
  std::unique_ptr<v1::OrderEntryService::Stub> front_;
};

std::string FieldOf(const grpc::Status& s) {
  const auto v = FieldViolationsOf(FromGrpcStatus(s));
  return v.empty() ? "" : v[0].first;
}

// No expectation is set: any downstream call fails the test.
TEST_F(OrderEntryServiceTest, BadInputReachesNoServiceAndNamesTheField) {
  v1::AddLineRequest add;
  add.set_request_id("r1");
  add.set_order_id(kOrderId);
  add.set_product_id("TEA");
  v1::AddLineResponse added;
  for (int quantity : {0, -1, 10000}) {
    add.set_quantity(quantity);
    grpc::Status s = front_->AddLine(As("ann").get(), add, &added);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << quantity;
    EXPECT_EQ(FieldOf(s), "quantity") << quantity;
  }
  v1::PlaceHoldRequest hold;
  hold.set_request_id("r2");
  hold.set_order_id(kOrderId);
  hold.set_hold_code("CUSTOMER_REQUEST");
  hold.set_note(std::string(2001, 'n'));
  v1::PlaceHoldResponse held;
  EXPECT_EQ(FieldOf(front_->PlaceHold(As("ann").get(), hold, &held)), "note");
  v1::AddPaymentRequest pay;
  pay.set_request_id("r3");
  pay.set_order_id(kOrderId);
  pay.set_method(common::v1::PAYMENT_METHOD_CARD);
  *pay.mutable_amount() = Usd(1'000'000'000'001);
  v1::AddPaymentResponse paid;
  EXPECT_EQ(FieldOf(front_->AddPayment(As("ann").get(), pay, &paid)), "amount.minor_units");
  v1::SubmitOrderRequest submit;  // no request_id
  submit.set_order_id(kOrderId);
  v1::SubmitOrderResponse submitted;
  EXPECT_EQ(FieldOf(front_->SubmitOrder(As("ann").get(), submit, &submitted)), "request_id");
}

TEST_F(OrderEntryServiceTest, AFeatureSwitchedOffStopsAtTheContext) {
  ContextIs(Draft());  // directed selling off; nothing else is asked
  v1::SetSourceCodeRequest req;
  req.set_request_id("r1");
  req.set_order_id(kOrderId);
  req.set_source_code("SPRING");
  v1::SetSourceCodeResponse resp;
  grpc::Status s = front_->SetSourceCode(As("ann").get(), req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ReasonOf(FromGrpcStatus(s)), kReasonFeatureDisabled);
}

TEST_F(OrderEntryServiceTest, PermissionChecksStopAtTheContext) {
  order::v1::GetOrderContextResponse foreign = Draft();
  foreign.mutable_user()->set_call_center_id("other-cc");
  ContextIs(foreign);
  v1::GetOrderRequest get;
  get.set_order_id(kOrderId);
  v1::GetOrderResponse got;
  grpc::Status s = front_->GetOrder(As("ann").get(), get, &got);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ReasonOf(FromGrpcStatus(s)), "OTHER_CALL_CENTER");
  EXPECT_FALSE(got.has_order());

  order::v1::GetOrderContextResponse no_cancel = Draft();
  no_cancel.mutable_user()->set_may_cancel(false);
  ContextIs(no_cancel);
  v1::CancelOrderRequest cancel;
  cancel.set_request_id("r2");
  cancel.set_order_id(kOrderId);
  cancel.set_reason("asked");
  v1::CancelOrderResponse cancelled;
  EXPECT_EQ(front_->CancelOrder(As("ann").get(), cancel, &cancelled).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(OrderEntryServiceTest, APercentPaymentAuthorisesItsShareOfTheTotal) {
  InSequence in_order;
  ContextIs(Draft());
  PricingAnswersPriced();
  EXPECT_CALL(*payments_, AuthorizePayment(_, _, _))
      .WillOnce(Invoke([](grpc::ClientContext*, const payment::v1::AuthorizePaymentRequest& req,
                          payment::v1::AuthorizePaymentResponse* out) {
        EXPECT_EQ(req.amount().minor_units(), 213);  // 25% of 8.50 = 2.125 -> 2.13
        EXPECT_EQ(req.request_id(), ScopedRequestId("ann", "AddPayment", "r1"));
        return AuthorizeAsP1(nullptr, req, out);
      }));
  EXPECT_CALL(*orders_, SaveOrder(_, _, _)).WillOnce(Invoke(&SaveAsSent));
  v1::AddPaymentRequest pay;
  pay.set_request_id("r1");
  pay.set_order_id(kOrderId);
  pay.set_method(common::v1::PAYMENT_METHOD_CARD);
  pay.set_card_token("tok_4242");
  pay.set_percent_of_total_bp(2500);
  v1::AddPaymentResponse paid;
  grpc::Status s = front_->AddPayment(As("ann").get(), pay, &paid);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(paid.order().paid_total().minor_units(), 213);
  EXPECT_EQ(paid.order().balance_due().minor_units(), 637);
}

TEST_F(OrderEntryServiceTest, AnOverrideIsCheckedAgainstTheUsersAllowance) {
  InSequence in_order;
  ContextIs(Draft());
  EXPECT_CALL(*pricing_, PriceOrder(_, _, _))  // the system price, without the override
      .WillOnce(Invoke([](grpc::ClientContext*, const pricing::v1::PriceOrderRequest& req,
                          pricing::v1::PriceOrderResponse* out) {
        EXPECT_FALSE(req.lines(0).has_manual_unit_price());
        *out = Priced();
        return grpc::Status::OK;
      }));
  EXPECT_CALL(*pricing_, ValidatePriceOverride(_, _, _))
      .WillOnce(Invoke([](grpc::ClientContext*,
                          const pricing::v1::ValidatePriceOverrideRequest& req,
                          pricing::v1::ValidatePriceOverrideResponse*) {
        EXPECT_EQ(req.system_unit_price().minor_units(), 850);
        EXPECT_EQ(req.unit_price().minor_units(), 700);
        EXPECT_EQ(req.price_override_max_bp(), 500);  // the user's allowance
        return grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "beyond the allowance of 5.00%");
      }));
  v1::OverrideLinePriceRequest req;
  req.set_request_id("r1");
  req.set_order_id(kOrderId);
  req.set_line_id("L1");
  *req.mutable_unit_price() = Usd(700);
  req.set_reason_code("MATCH");
  v1::OverrideLinePriceResponse resp;
  grpc::Status s = front_->OverrideLinePrice(As("ann").get(), req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);  // and nothing saved
}

// The money protocol: the order is saved showing the payment VOIDED before
// the payment service voids it.
TEST_F(OrderEntryServiceTest, AnUnsavedAuthorisationIsRecordedVoidedThenVoided) {
  InSequence in_order;
  ContextIs(Draft());
  PricingAnswersPriced();
  EXPECT_CALL(*payments_, AuthorizePayment(_, _, _)).WillOnce(Invoke(&AuthorizeAsP1));
  EXPECT_CALL(*orders_, SaveOrder(_, _, _))
      .WillOnce(Return(grpc::Status(grpc::StatusCode::UNAVAILABLE, "save refused")));
  EXPECT_CALL(*orders_, GetOrder(_, _, _))
      .WillOnce(Invoke([](grpc::ClientContext*, const auto&, order::v1::GetOrderResponse* out) {
        *out->mutable_order() = Draft().order();  // the save did not happen
        return grpc::Status::OK;
      }));
  EXPECT_CALL(*orders_, SaveOrder(_, _, _))
      .WillOnce(Invoke([](grpc::ClientContext* ctx, const order::v1::SaveOrderRequest& req,
                          order::v1::SaveOrderResponse* out) {
        EXPECT_EQ(req.method(), "VoidUnsavedPayment");
        EXPECT_EQ(Sent(req).payments_size(), 1);
        EXPECT_EQ(Sent(req).payments(0).status(), common::v1::PAYMENT_STATUS_VOIDED);
        EXPECT_EQ(Sent(req).paid_total().minor_units(), 0);
        return SaveAsSent(ctx, req, out);
      }));
  EXPECT_CALL(*payments_, VoidPayment(_, _, _))
      .WillOnce(Invoke([](grpc::ClientContext*, const payment::v1::VoidPaymentRequest& req,
                          payment::v1::VoidPaymentResponse*) {
        EXPECT_EQ(req.payment_id(), "p1");
        return grpc::Status::OK;
      }));
  v1::AddPaymentRequest pay;
  pay.set_request_id("r1");
  pay.set_order_id(kOrderId);
  pay.set_method(common::v1::PAYMENT_METHOD_CARD);
  pay.set_card_token("tok_4242");
  v1::AddPaymentResponse paid;
  grpc::Status s = front_->AddPayment(As("ann").get(), pay, &paid);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(s.error_message(), "the order service is unavailable; retry with backoff");
}

// A cancellation: the order saved CANCELED with its payments VOIDED, then
// the voids, then the coupon uses released.
TEST_F(OrderEntryServiceTest, ACancellationSavesFirstThenVoidsThenReleasesCoupons) {
  order::v1::GetOrderContextResponse paid = Draft();
  common::v1::OrderPayment* p = paid.mutable_order()->add_payments();
  p->set_payment_id("p1");
  p->set_method(common::v1::PAYMENT_METHOD_CARD);
  *p->mutable_amount() = Usd(850);
  p->set_status(common::v1::PAYMENT_STATUS_AUTHORIZED);
  paid.mutable_order()->add_coupon_codes("SAVE10");
  InSequence in_order;
  ContextIs(paid);  // a cancelled order keeps its prices: no pricing call
  EXPECT_CALL(*orders_, SaveOrder(_, _, _))
      .WillOnce(Invoke([](grpc::ClientContext* ctx, const order::v1::SaveOrderRequest& req,
                          order::v1::SaveOrderResponse* out) {
        EXPECT_EQ(Sent(req).status(), common::v1::ORDER_STATUS_CANCELED);
        EXPECT_EQ(Sent(req).payments(0).status(), common::v1::PAYMENT_STATUS_VOIDED);
        return SaveAsSent(ctx, req, out);
      }));
  EXPECT_CALL(*payments_, VoidAllForOrder(_, _, _))
      .WillOnce(Invoke([](grpc::ClientContext*, const payment::v1::VoidAllForOrderRequest& req,
                          payment::v1::VoidAllForOrderResponse*) {
        EXPECT_EQ(req.payment_ids_size(), 1);
        EXPECT_EQ(req.payment_ids(0), "p1");
        return grpc::Status::OK;
      }));
  EXPECT_CALL(*pricing_, ReleaseCoupons(_, _, _)).WillOnce(Return(grpc::Status::OK));
  v1::CancelOrderRequest cancel;
  cancel.set_request_id("r1");
  cancel.set_order_id(kOrderId);
  cancel.set_reason("the customer changed their mind");
  v1::CancelOrderResponse cancelled;
  grpc::Status s = front_->CancelOrder(As("ann").get(), cancel, &cancelled);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(cancelled.order().status(), common::v1::ORDER_STATUS_CANCELED);
}

// One deadline rule for every downstream call: the earlier of the
// caller's deadline and the call's own (3 s by default).
TEST_F(OrderEntryServiceTest, DownstreamCallsAreDueByTheEarlierDeadline) {
  struct Case {
    const char* name;
    absl::Duration caller;  // InfiniteDuration: the caller sets none
    absl::Duration want_at_most, want_at_least;
  };
  const Case cases[] = {
      // (gRPC sends the caller's deadline as a timeout, rounded up.)
      {"the caller's is earlier", absl::Milliseconds(800), absl::Milliseconds(810),
       absl::Milliseconds(1)},
      {"the call's own is earlier", absl::Seconds(30), absl::Seconds(3), absl::Seconds(1)},
      {"the caller sets none", absl::InfiniteDuration(), absl::Seconds(3), absl::Seconds(1)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const absl::Time sent = absl::Now();
    EXPECT_CALL(*orders_, GetOrderContext(_, _, _))
        .WillOnce(Invoke([&](grpc::ClientContext* ctx, const auto&, auto* out) {
          const absl::Duration left = absl::FromChrono(ctx->deadline()) - absl::Now();
          EXPECT_LE(left, c.want_at_most);
          EXPECT_GE(left, c.want_at_least);
          *out = Draft();
          return grpc::Status::OK;
        }));
    auto ctx = As("ann");
    if (c.caller != absl::InfiniteDuration()) {
      ctx->set_deadline(absl::ToChronoTime(sent + c.caller));
    }
    v1::GetOrderRequest get;
    get.set_order_id(kOrderId);
    v1::GetOrderResponse got;
    grpc::Status s = front_->GetOrder(ctx.get(), get, &got);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(got.order().order_id(), kOrderId);
  }
}

// The front door parses its own requests (its methods are marked generic
// for gRPC); a method it does not have still answers UNIMPLEMENTED at once.
TEST_F(OrderEntryServiceTest, UnknownMethodsAnswerUnimplemented) {
  grpc::GenericStub generic(grpc::CreateChannel(absl::StrCat("127.0.0.1:", host_->port()),
                                                grpc::InsecureChannelCredentials()));
  grpc::ClientContext unknown;
  unknown.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  grpc::ByteBuffer request, response;
  grpc::Slice empty("");
  request = grpc::ByteBuffer(&empty, 1);
  grpc::Status status;
  std::mutex mu;
  std::condition_variable done;
  bool finished = false;
  generic.UnaryCall(&unknown, "/callcenter.orchestration.v1.OrderEntryService/NoSuchMethod",
                    grpc::StubOptions(), &request, &response, [&](grpc::Status s) {
                      std::lock_guard<std::mutex> lock(mu);
                      status = s;
                      finished = true;
                      done.notify_one();
                    });
  std::unique_lock<std::mutex> lock(mu);
  done.wait(lock, [&] { return finished; });
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
}

}  // namespace
}  // namespace callcenter::orchestration
