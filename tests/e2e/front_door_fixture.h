#ifndef CALLCENTER_TESTS_E2E_FRONT_DOOR_FIXTURE_H_
#define CALLCENTER_TESTS_E2E_FRONT_DOOR_FIXTURE_H_

// The fixture of the front door's end-to-end journeys: all six services as
// real gRPC servers on 127.0.0.1:0 against a real PostgreSQL (suite_harness),
// driven as an internal caller would drive them. Each test builds its own
// call center, users, customer and products under a unique prefix (World).

#include <array>
#include <atomic>
#include <functional>
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

  // Reads this test's call center, lets `edit` change it, stores it.
  void EditCallCenter(const std::function<void(order::v1::CallCenter&)>& edit) {
    grpc::ClientContext get_ctx;
    order::v1::GetCallCenterRequest get;
    get.set_call_center_id(Id("cc"));
    order::v1::GetCallCenterResponse got;
    ASSERT_TRUE(suite->call_centers->GetCallCenter(&get_ctx, get, &got).ok());
    grpc::ClientContext ctx;
    order::v1::UpsertCallCenterRequest req;
    *req.mutable_call_center() = got.call_center();
    edit(*req.mutable_call_center());
    order::v1::UpsertCallCenterResponse resp;
    ASSERT_TRUE(suite->call_centers->UpsertCallCenter(&ctx, req, &resp).ok());
  }

  // The same for this test's customer.
  void EditCustomer(const std::function<void(order::v1::Customer&)>& edit) {
    grpc::ClientContext get_ctx;
    order::v1::GetCustomerRequest get;
    get.set_customer_id(Id("cust"));
    order::v1::GetCustomerResponse got;
    ASSERT_TRUE(suite->customers->GetCustomer(&get_ctx, get, &got).ok());
    grpc::ClientContext ctx;
    order::v1::UpsertCustomerRequest req;
    *req.mutable_customer() = got.customer();
    edit(*req.mutable_customer());
    order::v1::UpsertCustomerResponse resp;
    ASSERT_TRUE(suite->customers->UpsertCustomer(&ctx, req, &resp).ok());
  }

  void User(const std::string& id, int32_t max_bp, std::vector<std::string> codes,
            bool may_cancel) {
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
    req.set_request_id(request_id.empty() ? Id("line-" + product + std::to_string(qty))
                                          : request_id);
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
    grpc::Status s =
        (stub ? stub : suite->front.get())->SubmitOrder(suite->As(Id("agent")).get(), req, &resp);
    if (s.ok()) *order = resp.order();
    return s;
  }

  // Another call center `id` (cards, STANDARD delivery), for the tenant
  // checks: its users must see and change none of this test's orders.
  void OtherCallCenter(const std::string& id, bool price_control = false) {
    grpc::ClientContext ctx;
    order::v1::UpsertCallCenterRequest req;
    auto* cc = req.mutable_call_center();
    cc->set_call_center_id(id);
    cc->set_name("Other phone sales");
    cc->set_currency("USD");
    cc->add_payment_methods(common::v1::PAYMENT_METHOD_CARD);
    cc->add_delivery_modes("STANDARD");
    cc->set_price_control_enabled(price_control);
    order::v1::UpsertCallCenterResponse resp;
    ASSERT_TRUE(suite->call_centers->UpsertCallCenter(&ctx, req, &resp).ok());
  }

  // A fulfilment system's user (may_record_fulfillment) of `call_center_id`.
  void Warehouse(const std::string& id, const std::string& call_center_id) {
    grpc::ClientContext ctx;
    order::v1::UpsertUserRequest req;
    req.mutable_user()->set_user_id(Id(id));
    req.mutable_user()->set_call_center_id(call_center_id);
    req.mutable_user()->set_may_record_fulfillment(true);
    order::v1::UpsertUserResponse resp;
    ASSERT_TRUE(suite->call_centers->UpsertUser(&ctx, req, &resp).ok());
  }

  // {line index, units} pairs of `order`.
  fd::RecordShipmentRequest Shipment(const Order& order, const std::string& shipment_id,
                                     std::vector<std::pair<int, int>> units) {
    fd::RecordShipmentRequest req;
    req.set_request_id(Id("ship-" + shipment_id));
    req.set_order_id(order.order_id());
    req.set_shipment_id(shipment_id);
    req.set_carrier("UPS");
    req.set_tracking_number("1Z" + shipment_id);
    for (auto [line, qty] : units) {
      auto* l = req.add_lines();
      l->set_line_id(order.lines(line).line_id());
      l->set_quantity(qty);
    }
    return req;
  }

  grpc::Status Ship(const fd::RecordShipmentRequest& req, Order* out,
                    const std::string& user = "wh", fd::FulfillmentService::Stub* stub = nullptr,
                    absl::Duration token_valid_for = absl::Hours(1)) {
    fd::RecordShipmentResponse resp;
    grpc::Status s = (stub ? stub : suite->fulfillment.get())
                         ->RecordShipment(suite->As(Id(user), token_valid_for).get(), req, &resp);
    if (s.ok()) *out = resp.order();
    return s;
  }

  // `kind` as OrderEvent.kind spells it (API.md): "payment_captured".
  static int CountEvents(const Order& order, const std::string& kind) {
    int n = 0;
    for (const auto& e : order.events()) n += e.kind() == kind ? 1 : 0;
    return n;
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

// Rewires a front door so that the order service's saves of `method` fail:
// after committing (the reply is lost in a timeout) or without it.
inline std::function<void(orchestration::Downstream&)> FailingSaves(const std::string& method,
                                                                    bool commit) {
  return [method, commit](orchestration::Downstream& d) {
    std::shared_ptr<order::v1::SalesOrderService::StubInterface> real = std::move(d.orders);
    auto stub = std::make_unique<::testing::NiceMock<order::v1::MockSalesOrderServiceStub>>();
    ON_CALL(*stub, GetOrderContext)
        .WillByDefault([real](grpc::ClientContext* ctx, const auto& req, auto* resp) {
          return real->GetOrderContext(ctx, req, resp);
        });
    ON_CALL(*stub, GetOrder)
        .WillByDefault([real](grpc::ClientContext* ctx, const auto& req, auto* resp) {
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

// Rewires a front door so that `reads` counts its reads of an order's
// context (GetOrderContext); a change made from a kept context makes none.
inline std::function<void(orchestration::Downstream&)> CountingContextReads(
    std::shared_ptr<std::atomic<int>> reads) {
  return [reads](orchestration::Downstream& d) {
    std::shared_ptr<order::v1::SalesOrderService::StubInterface> real = std::move(d.orders);
    auto stub = std::make_unique<::testing::NiceMock<order::v1::MockSalesOrderServiceStub>>();
    ON_CALL(*stub, GetOrderContext)
        .WillByDefault([real, reads](grpc::ClientContext* ctx, const auto& req, auto* resp) {
          ++*reads;
          return real->GetOrderContext(ctx, req, resp);
        });
    ON_CALL(*stub, SaveOrder).WillByDefault([real](grpc::ClientContext* ctx, const auto& req,
                                                   auto* resp) {
      return real->SaveOrder(ctx, req, resp);
    });
    d.orders = std::move(stub);
  };
}

}  // namespace callcenter::testing

#endif  // CALLCENTER_TESTS_E2E_FRONT_DOOR_FIXTURE_H_
