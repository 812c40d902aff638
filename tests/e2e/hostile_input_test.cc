// A hostile caller with nothing but an agent's token, at the front door:
// every mutating RPC fed oversized, malformed and overflowing fields, other
// call centers' orders and replays with another body. Each row asserts the
// code, the field the error names (google.rpc.BadRequest), its reason
// (google.rpc.ErrorInfo) and that nothing was written. All six services run
// as real gRPC servers on 127.0.0.1:0 against a real PostgreSQL.
#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "tests/e2e/suite_harness.h"

namespace callcenter::testing {
namespace {

namespace fd = orchestration::v1;
using common::v1::Money;
using common::v1::Order;

// What any client decodes from grpc-status-details-bin.
struct Details {
  std::string reason, domain;
  std::vector<std::string> fields;
};

Details DetailsOf(const grpc::Status& s) {
  Details d;
  google::rpc::Status status;
  EXPECT_TRUE(status.ParseFromString(s.error_details())) << "no google.rpc.Status";
  for (const auto& any : status.details()) {
    google::rpc::ErrorInfo info;
    google::rpc::BadRequest bad;
    if (any.UnpackTo(&info)) {
      d.reason = info.reason();
      d.domain = info.domain();
    } else if (any.UnpackTo(&bad)) {
      for (const auto& v : bad.field_violations()) d.fields.push_back(v.field());
    }
  }
  return d;
}

const std::string kLongText(2001, 'x');
const std::string kLongId(65, 'i');
const std::string kNul("a\0b", 3);
const std::string kCard = "please charge 4111 1111 1111 1111";

class HostileInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (suite == nullptr) CC_REQUIRE_DATABASE(static_cast<void*>(nullptr));
    static int counter = 0;
    p_ = absl::StrCat("h", ++counter, "-");
    CallCenter("cc");
    CallCenter("other-cc");
    User("agent", "cc");
    User("agent2", "cc");
    User("stranger", "other-cc");
    {
      grpc::ClientContext ctx;
      order::v1::UpsertCustomerRequest req;
      req.mutable_customer()->set_customer_id(Id("cust"));
      req.mutable_customer()->set_name("Ann Lee");
      order::v1::UpsertCustomerResponse resp;
      ASSERT_TRUE(suite->customers->UpsertCustomer(&ctx, req, &resp).ok());
    }
    {
      grpc::ClientContext ctx;
      guidedselling::v1::UpsertSourceCodeRequest req;
      req.mutable_source_code()->set_source_code(Id("SPRING"));
      req.mutable_source_code()->set_catalog_id("SPRING-CATALOG");
      guidedselling::v1::UpsertSourceCodeResponse resp;
      ASSERT_TRUE(suite->selling->UpsertSourceCode(&ctx, req, &resp).ok());
    }
    {
      grpc::ClientContext ctx;
      pricing::v1::UpsertProductRequest req;
      req.mutable_product()->set_product_id(Id("A"));
      req.mutable_product()->set_name("Kettle");
      *req.mutable_product()->mutable_base_price() = Usd(2000);
      *req.mutable_product()->mutable_unit_cost() = Usd(800);
      req.mutable_product()->set_allow_price_override(true);
      pricing::v1::UpsertProductResponse resp;
      ASSERT_TRUE(suite->pricing->UpsertProduct(&ctx, req, &resp).ok());
    }
  }

  std::string Id(const std::string& s) const { return p_ + s; }

  void CallCenter(const std::string& id) {
    grpc::ClientContext ctx;
    order::v1::UpsertCallCenterRequest req;
    auto* cc = req.mutable_call_center();
    cc->set_call_center_id(Id(id));
    cc->set_name(id);
    cc->set_currency("USD");
    cc->add_payment_methods(common::v1::PAYMENT_METHOD_CARD);
    cc->add_delivery_modes("STANDARD");
    cc->set_order_completion_enabled(true);
    cc->set_directed_selling_enabled(true);
    cc->set_price_control_enabled(true);
    cc->set_min_fraud_score(1000);
    order::v1::UpsertCallCenterResponse resp;
    ASSERT_TRUE(suite->call_centers->UpsertCallCenter(&ctx, req, &resp).ok());
  }

  void User(const std::string& id, const std::string& cc) {
    grpc::ClientContext ctx;
    order::v1::UpsertUserRequest req;
    req.mutable_user()->set_user_id(Id(id));
    req.mutable_user()->set_call_center_id(Id(cc));
    req.mutable_user()->set_price_override_max_bp(10000);
    req.mutable_user()->add_clearable_hold_codes("*");
    req.mutable_user()->set_may_cancel(true);
    order::v1::UpsertUserResponse resp;
    ASSERT_TRUE(suite->call_centers->UpsertUser(&ctx, req, &resp).ok());
  }

  // A draft of one line (20.00) started by the agent.
  Order Draft(const std::string& tag) {
    fd::StartOrderRequest start;
    start.set_request_id(Id("start-" + tag));
    start.set_call_center_id(Id("cc"));
    start.set_customer_id(Id("cust"));
    fd::StartOrderResponse started;
    EXPECT_TRUE(suite->front->StartOrder(As("agent").get(), start, &started).ok());
    fd::AddLineRequest add;
    add.set_request_id(Id("line-" + tag));
    add.set_order_id(started.order().order_id());
    add.set_product_id(Id("A"));
    add.set_quantity(1);
    fd::AddLineResponse added;
    EXPECT_TRUE(suite->front->AddLine(As("agent").get(), add, &added).ok());
    return added.order();
  }

  std::unique_ptr<grpc::ClientContext> As(const std::string& user) const {
    return suite->As(Id(user));
  }

  Order Get(const std::string& order_id) {
    fd::GetOrderRequest req;
    req.set_order_id(order_id);
    fd::GetOrderResponse resp;
    EXPECT_TRUE(suite->front->GetOrder(As("agent").get(), req, &resp).ok());
    return resp.order();
  }

  size_t PaymentsOf(const std::string& order_id) {
    grpc::ClientContext ctx;
    payment::v1::ListPaymentsRequest list;
    list.set_order_id(order_id);
    payment::v1::ListPaymentsResponse listed;
    EXPECT_TRUE(suite->payments->ListPayments(&ctx, list, &listed).ok());
    return listed.payments_size();
  }

  size_t HoldsOf(const std::string& order_id) {
    grpc::ClientContext ctx;
    hold::v1::ListOrderHoldsRequest list;
    list.set_order_id(order_id);
    hold::v1::ListOrderHoldsResponse listed;
    EXPECT_TRUE(suite->holds->ListOrderHolds(&ctx, list, &listed).ok());
    return listed.holds_size();
  }

  std::string p_;
};

// One hostile call on a fresh draft (`o` is its id, `line` its line).
struct Row {
  const char* name;
  std::function<grpc::Status(const std::string& o, const std::string& line)> call;
  grpc::StatusCode code;
  std::string field;   // the BadRequest's field; "" = not checked
  std::string reason;  // the ErrorInfo's reason; "" = not checked
};

TEST_F(HostileInputTest, EveryMutatingRpcRefusesBadInputAndWritesNothing) {
  using grpc::StatusCode;
  auto front = [] { return suite->front.get(); };
  auto as = [&](const char* user) { return As(user); };
  const std::string ok_line_placeholder;
  const std::vector<Row> rows = {
      // StartOrder
      {"StartOrder: call_center_id too long",
       [&](const std::string&, const std::string&) {
         fd::StartOrderRequest r;
         r.set_request_id(Id("s-long"));
         r.set_call_center_id(kLongId);
         r.set_customer_id(Id("cust"));
         fd::StartOrderResponse out;
         return front()->StartOrder(as("agent").get(), r, &out);
       },
       StatusCode::INVALID_ARGUMENT, "call_center_id", "LIMIT_EXCEEDED"},
      {"StartOrder: NUL in customer_id",
       [&](const std::string&, const std::string&) {
         fd::StartOrderRequest r;
         r.set_request_id(Id("s-nul"));
         r.set_call_center_id(Id("cc"));
         r.set_customer_id(kNul);
         fd::StartOrderResponse out;
         return front()->StartOrder(as("agent").get(), r, &out);
       },
       StatusCode::INVALID_ARGUMENT, "customer_id", "INVALID_FIELD"},
      {"StartOrder: another call center's",
       [&](const std::string&, const std::string&) {
         fd::StartOrderRequest r;
         r.set_request_id(Id("s-foreign"));
         r.set_call_center_id(Id("cc"));
         r.set_customer_id(Id("cust"));
         fd::StartOrderResponse out;
         return front()->StartOrder(as("stranger").get(), r, &out);
       },
       StatusCode::PERMISSION_DENIED, "", ""},
      {"StartOrder: replay with another body",
       [&](const std::string&, const std::string&) {
         fd::StartOrderRequest r;
         r.set_request_id(Id("start-row"));  // Draft("row") used it
         r.set_call_center_id(Id("cc"));
         r.set_customer_id(Id("cust"));
         r.set_source_code("SPRING");
         fd::StartOrderResponse out;
         return front()->StartOrder(as("agent").get(), r, &out);
       },
       StatusCode::INVALID_ARGUMENT, "request_id", "REQUEST_ID_REUSED"},
      // AddLine
      {"AddLine: quantity 10000",
       [&](const std::string& o, const std::string&) {
         fd::AddLineRequest r;
         r.set_request_id(Id("a1"));
         r.set_order_id(o);
         r.set_product_id(Id("A"));
         r.set_quantity(10000);
         fd::AddLineResponse out;
         return front()->AddLine(as("agent").get(), r, &out);
       },
       StatusCode::INVALID_ARGUMENT, "quantity", "LIMIT_EXCEEDED"},
      {"AddLine: quantity 2^31-1",
       [&](const std::string& o, const std::string&) {
         fd::AddLineRequest r;
         r.set_request_id(Id("a2"));
         r.set_order_id(o);
         r.set_product_id(Id("A"));
         r.set_quantity(2147483647);
         fd::AddLineResponse out;
         return front()->AddLine(as("agent").get(), r, &out);
       },
       StatusCode::INVALID_ARGUMENT, "quantity", "LIMIT_EXCEEDED"},
      {"AddLine: negative quantity",
       [&](const std::string& o, const std::string&) {
         fd::AddLineRequest r;
         r.set_request_id(Id("a3"));
         r.set_order_id(o);
         r.set_product_id(Id("A"));
         r.set_quantity(-3);
         fd::AddLineResponse out;
         return front()->AddLine(as("agent").get(), r, &out);
       },
       StatusCode::INVALID_ARGUMENT, "quantity", ""},
      {"AddLine: unknown origin enum",
       [&](const std::string& o, const std::string&) {
         fd::AddLineRequest r;
         r.set_request_id(Id("a4"));
         r.set_order_id(o);
         r.set_product_id(Id("A"));
         r.set_quantity(1);
         r.set_origin(static_cast<common::v1::LineOrigin>(42));
         fd::AddLineResponse out;
         return front()->AddLine(as("agent").get(), r, &out);
       },
       StatusCode::INVALID_ARGUMENT, "origin", "INVALID_FIELD"},
      {"AddLine: product_id too long",
       [&](const std::string& o, const std::string&) {
         fd::AddLineRequest r;
         r.set_request_id(Id("a5"));
         r.set_order_id(o);
         r.set_product_id(kLongId);
         r.set_quantity(1);
         fd::AddLineResponse out;
         return front()->AddLine(as("agent").get(), r, &out);
       },
       StatusCode::INVALID_ARGUMENT, "product_id", "LIMIT_EXCEEDED"},
      {"AddLine: request_id too long",
       [&](const std::string& o, const std::string&) {
         fd::AddLineRequest r;
         r.set_request_id(kLongId);
         r.set_order_id(o);
         r.set_product_id(Id("A"));
         r.set_quantity(1);
         fd::AddLineResponse out;
         return front()->AddLine(as("agent").get(), r, &out);
       },
       StatusCode::INVALID_ARGUMENT, "request_id", "LIMIT_EXCEEDED"},
      {"AddLine: another call center's order",
       [&](const std::string& o, const std::string&) {
         fd::AddLineRequest r;
         r.set_request_id(Id("a6"));
         r.set_order_id(o);
         r.set_product_id(Id("A"));
         r.set_quantity(1);
         fd::AddLineResponse out;
         return front()->AddLine(as("stranger").get(), r, &out);
       },
       StatusCode::PERMISSION_DENIED, "", "OTHER_CALL_CENTER"},
      {"AddLine: replay with another body",
       [&](const std::string& o, const std::string&) {
         fd::AddLineRequest r;
         r.set_request_id(Id("line-row"));  // Draft("row") used it for 1 unit
         r.set_order_id(o);
         r.set_product_id(Id("A"));
         r.set_quantity(7);
         fd::AddLineResponse out;
         return front()->AddLine(as("agent").get(), r, &out);
       },
       StatusCode::INVALID_ARGUMENT, "request_id", "REQUEST_ID_REUSED"},
      // UpdateLineQuantity, RemoveLine
      {"UpdateLineQuantity: quantity 10000",
       [&](const std::string& o, const std::string& line) {
         fd::UpdateLineQuantityRequest r;
         r.set_request_id(Id("u1"));
         r.set_order_id(o);
         r.set_line_id(line);
         r.set_quantity(10000);
         fd::UpdateLineQuantityResponse out;
         return front()->UpdateLineQuantity(as("agent").get(), r, &out);
       },
       StatusCode::INVALID_ARGUMENT, "quantity", "LIMIT_EXCEEDED"},
      {"UpdateLineQuantity: another call center's order",
       [&](const std::string& o, const std::string& line) {
         fd::UpdateLineQuantityRequest r;
         r.set_request_id(Id("u2"));
         r.set_order_id(o);
         r.set_line_id(line);
         r.set_quantity(2);
         fd::UpdateLineQuantityResponse out;
         return front()->UpdateLineQuantity(as("stranger").get(), r, &out);
       },
       StatusCode::PERMISSION_DENIED, "", ""},
      {"RemoveLine: NUL in line_id",
       [&](const std::string& o, const std::string&) {
         fd::RemoveLineRequest r;
         r.set_request_id(Id("r1"));
         r.set_order_id(o);
         r.set_line_id(kNul);
         fd::RemoveLineResponse out;
         return front()->RemoveLine(as("agent").get(), r, &out);
       },
       StatusCode::INVALID_ARGUMENT, "line_id", ""},
      {"RemoveLine: another call center's order",
       [&](const std::string& o, const std::string& line) {
         fd::RemoveLineRequest r;
         r.set_request_id(Id("r2"));
         r.set_order_id(o);
         r.set_line_id(line);
         fd::RemoveLineResponse out;
         return front()->RemoveLine(as("stranger").get(), r, &out);
       },
       StatusCode::PERMISSION_DENIED, "", ""},
      // SetSourceCode, ApplyCoupon
      {"SetSourceCode: too long",
       [&](const std::string& o, const std::string&) {
         fd::SetSourceCodeRequest r;
         r.set_request_id(Id("sc"));
         r.set_order_id(o);
         r.set_source_code(kLongId);
         fd::SetSourceCodeResponse out;
         return front()->SetSourceCode(as("agent").get(), r, &out);
       },
       StatusCode::INVALID_ARGUMENT, "source_code", "LIMIT_EXCEEDED"},
      {"SetSourceCode: another call center's order",
       [&](const std::string& o, const std::string&) {
         fd::SetSourceCodeRequest r;
         r.set_request_id(Id("sc2"));
         r.set_order_id(o);
         r.set_source_code("SPRING");
         fd::SetSourceCodeResponse out;
         return front()->SetSourceCode(as("stranger").get(), r, &out);
       },
       StatusCode::PERMISSION_DENIED, "", ""},
      {"OverrideLinePrice: another call center's order",
       [&](const std::string& o, const std::string& line) {
         fd::OverrideLinePriceRequest r;
         r.set_request_id(Id("op3"));
         r.set_order_id(o);
         r.set_line_id(line);
         *r.mutable_unit_price() = Usd(1900);
         r.set_reason_code("MATCH");
         fd::OverrideLinePriceResponse out;
         return front()->OverrideLinePrice(as("stranger").get(), r, &out);
       },
       StatusCode::PERMISSION_DENIED, "", ""},
      {"ClearHold: another call center's order",
       [&](const std::string& o, const std::string&) {
         fd::ClearHoldRequest r;
         r.set_request_id(Id("c2"));
         r.set_order_id(o);
         r.set_hold_id("00000000-0000-0000-0000-000000000000");
         r.set_reason("cleared");
         fd::ClearHoldResponse out;
         return front()->ClearHold(as("stranger").get(), r, &out);
       },
       StatusCode::PERMISSION_DENIED, "", ""},
      {"ApplyCoupon: too long",
       [&](const std::string& o, const std::string&) {
         fd::ApplyCouponRequest r;
         r.set_request_id(Id("cp"));
         r.set_order_id(o);
         r.set_coupon_code(kLongId);
         fd::ApplyCouponResponse out;
         return front()->ApplyCoupon(as("agent").get(), r, &out);
       },
       StatusCode::INVALID_ARGUMENT, "coupon_code", "LIMIT_EXCEEDED"},
      {"ApplyCoupon: another call center's order",
       [&](const std::string& o, const std::string&) {
         fd::ApplyCouponRequest r;
         r.set_request_id(Id("cp2"));
         r.set_order_id(o);
         r.set_coupon_code("SAVE10");
         fd::ApplyCouponResponse out;
         return front()->ApplyCoupon(as("stranger").get(), r, &out);
       },
       StatusCode::PERMISSION_DENIED, "", ""},
      // OverrideLinePrice
      {"OverrideLinePrice: price beyond 10^12",
       [&](const std::string& o, const std::string& line) {
         fd::OverrideLinePriceRequest r;
         r.set_request_id(Id("op"));
         r.set_order_id(o);
         r.set_line_id(line);
         *r.mutable_unit_price() = Usd(int64_t{1} << 62);
         r.set_reason_code("MATCH");
         fd::OverrideLinePriceResponse out;
         return front()->OverrideLinePrice(as("agent").get(), r, &out);
       },
       StatusCode::INVALID_ARGUMENT, "unit_price.minor_units", "LIMIT_EXCEEDED"},
      {"OverrideLinePrice: reason_code too long",
       [&](const std::string& o, const std::string& line) {
         fd::OverrideLinePriceRequest r;
         r.set_request_id(Id("op2"));
         r.set_order_id(o);
         r.set_line_id(line);
         *r.mutable_unit_price() = Usd(1900);
         r.set_reason_code(kLongId);
         fd::OverrideLinePriceResponse out;
         return front()->OverrideLinePrice(as("agent").get(), r, &out);
       },
       StatusCode::INVALID_ARGUMENT, "reason_code", "LIMIT_EXCEEDED"},
      // SetDelivery
      {"SetDelivery: address line beyond 2000 characters",
       [&](const std::string& o, const std::string&) {
         fd::SetDeliveryRequest r;
         r.set_request_id(Id("d1"));
         r.set_order_id(o);
         r.set_delivery_mode("STANDARD");
         r.mutable_address()->set_line1(kLongText);
         fd::SetDeliveryResponse out;
         return front()->SetDelivery(as("agent").get(), r, &out);
       },
       StatusCode::INVALID_ARGUMENT, "address.line1", "LIMIT_EXCEEDED"},
      {"SetDelivery: a card number in the address",
       [&](const std::string& o, const std::string&) {
         fd::SetDeliveryRequest r;
         r.set_request_id(Id("d2"));
         r.set_order_id(o);
         r.set_delivery_mode("STANDARD");
         r.mutable_address()->set_line2(kCard);
         fd::SetDeliveryResponse out;
         return front()->SetDelivery(as("agent").get(), r, &out);
       },
       StatusCode::INVALID_ARGUMENT, "address.line2", "CARD_NUMBER_REFUSED"},
      {"SetDelivery: another call center's order",
       [&](const std::string& o, const std::string&) {
         fd::SetDeliveryRequest r;
         r.set_request_id(Id("d3"));
         r.set_order_id(o);
         r.set_delivery_mode("STANDARD");
         fd::SetDeliveryResponse out;
         return front()->SetDelivery(as("stranger").get(), r, &out);
       },
       StatusCode::PERMISSION_DENIED, "", ""},
      // AddPayment
      {"AddPayment: above the balance due",
       [&](const std::string& o, const std::string&) {
         fd::AddPaymentRequest r;
         r.set_request_id(Id("p1"));
         r.set_order_id(o);
         r.set_method(common::v1::PAYMENT_METHOD_CARD);
         r.set_card_token("tok_4242");
         *r.mutable_amount() = Usd(2001);  // due: 20.00
         fd::AddPaymentResponse out;
         return front()->AddPayment(as("agent").get(), r, &out);
       },
       StatusCode::INVALID_ARGUMENT, "amount", "PAYMENT_EXCEEDS_BALANCE"},
      {"AddPayment: 4.6e16 (the wrap-around attack)",
       [&](const std::string& o, const std::string&) {
         fd::AddPaymentRequest r;
         r.set_request_id(Id("p2"));
         r.set_order_id(o);
         r.set_method(common::v1::PAYMENT_METHOD_CARD);
         r.set_card_token("tok_4242");
         *r.mutable_amount() = Usd(4611686018427387904);
         fd::AddPaymentResponse out;
         return front()->AddPayment(as("agent").get(), r, &out);
       },
       StatusCode::INVALID_ARGUMENT, "amount.minor_units", "LIMIT_EXCEEDED"},
      {"AddPayment: unknown method",
       [&](const std::string& o, const std::string&) {
         fd::AddPaymentRequest r;
         r.set_request_id(Id("p3"));
         r.set_order_id(o);
         r.set_method(static_cast<common::v1::PaymentMethod>(77));
         r.set_card_token("tok_4242");
         fd::AddPaymentResponse out;
         return front()->AddPayment(as("agent").get(), r, &out);
       },
       StatusCode::INVALID_ARGUMENT, "method", ""},
      {"AddPayment: RETURN_CREDIT is not for agents",
       [&](const std::string& o, const std::string&) {
         fd::AddPaymentRequest r;
         r.set_request_id(Id("p4"));
         r.set_order_id(o);
         r.set_method(common::v1::PAYMENT_METHOD_RETURN_CREDIT);
         fd::AddPaymentResponse out;
         return front()->AddPayment(as("agent").get(), r, &out);
       },
       StatusCode::INVALID_ARGUMENT, "method", ""},
      {"AddPayment: a card number inside a token",
       [&](const std::string& o, const std::string&) {
         fd::AddPaymentRequest r;
         r.set_request_id(Id("p5"));
         r.set_order_id(o);
         r.set_method(common::v1::PAYMENT_METHOD_CARD);
         r.set_card_token("tok_4111111111111111");
         fd::AddPaymentResponse out;
         return front()->AddPayment(as("agent").get(), r, &out);
       },
       StatusCode::INVALID_ARGUMENT, "card_token", "CARD_NUMBER_REFUSED"},
      {"AddPayment: another call center's order",
       [&](const std::string& o, const std::string&) {
         fd::AddPaymentRequest r;
         r.set_request_id(Id("p6"));
         r.set_order_id(o);
         r.set_method(common::v1::PAYMENT_METHOD_CARD);
         r.set_card_token("tok_4242");
         fd::AddPaymentResponse out;
         return front()->AddPayment(as("stranger").get(), r, &out);
       },
       StatusCode::PERMISSION_DENIED, "", ""},
      // SubmitOrder
      {"SubmitOrder: another call center's order",
       [&](const std::string& o, const std::string&) {
         fd::SubmitOrderRequest r;
         r.set_request_id(Id("sub"));
         r.set_order_id(o);
         fd::SubmitOrderResponse out;
         return front()->SubmitOrder(as("stranger").get(), r, &out);
       },
       StatusCode::PERMISSION_DENIED, "", ""},
      {"SubmitOrder: order_id too long",
       [&](const std::string&, const std::string&) {
         fd::SubmitOrderRequest r;
         r.set_request_id(Id("sub2"));
         r.set_order_id(kLongId);
         fd::SubmitOrderResponse out;
         return front()->SubmitOrder(as("agent").get(), r, &out);
       },
       StatusCode::INVALID_ARGUMENT, "order_id", "LIMIT_EXCEEDED"},
      // PlaceHold, ClearHold, CancelOrder, CancelContinuity
      {"PlaceHold: a 2001-character note",
       [&](const std::string& o, const std::string&) {
         fd::PlaceHoldRequest r;
         r.set_request_id(Id("h1"));
         r.set_order_id(o);
         r.set_hold_code("CUSTOMER_REQUEST");
         r.set_note(kLongText);
         fd::PlaceHoldResponse out;
         return front()->PlaceHold(as("agent").get(), r, &out);
       },
       StatusCode::INVALID_ARGUMENT, "note", "LIMIT_EXCEEDED"},
      {"PlaceHold: a 2 MB note",
       [&](const std::string& o, const std::string&) {
         fd::PlaceHoldRequest r;
         r.set_request_id(Id("h2"));
         r.set_order_id(o);
         r.set_hold_code("CUSTOMER_REQUEST");
         r.set_note(std::string(2 * 1000 * 1000, 'n'));
         fd::PlaceHoldResponse out;
         return front()->PlaceHold(as("agent").get(), r, &out);
       },
       StatusCode::INVALID_ARGUMENT, "note", "LIMIT_EXCEEDED"},
      {"PlaceHold: invalid UTF-8 in the note",
       [&](const std::string& o, const std::string&) {
         fd::PlaceHoldRequest r;
         r.set_request_id(Id("h3"));
         r.set_order_id(o);
         r.set_hold_code("CUSTOMER_REQUEST");
         r.set_note("caf\xc3");
         fd::PlaceHoldResponse out;
         return front()->PlaceHold(as("agent").get(), r, &out);
       },
       StatusCode::INVALID_ARGUMENT, "note", "INVALID_FIELD"},
      {"SetDelivery: invalid UTF-8 (a lone UTF-16 surrogate) in a nested field",
       [&](const std::string& o, const std::string&) {
         fd::SetDeliveryRequest r;
         r.set_request_id(Id("d4"));
         r.set_order_id(o);
         r.set_delivery_mode("STANDARD");
         r.mutable_address()->set_city("M\xed\xa0\x80nchen");
         fd::SetDeliveryResponse out;
         return front()->SetDelivery(as("agent").get(), r, &out);
       },
       StatusCode::INVALID_ARGUMENT, "address.city", "INVALID_FIELD"},
      {"PlaceHold: another call center's order",
       [&](const std::string& o, const std::string&) {
         fd::PlaceHoldRequest r;
         r.set_request_id(Id("h4"));
         r.set_order_id(o);
         r.set_hold_code("CUSTOMER_REQUEST");
         r.set_note("hold it");
         fd::PlaceHoldResponse out;
         return front()->PlaceHold(as("stranger").get(), r, &out);
       },
       StatusCode::PERMISSION_DENIED, "", ""},
      {"ClearHold: reason too long",
       [&](const std::string& o, const std::string&) {
         fd::ClearHoldRequest r;
         r.set_request_id(Id("c1"));
         r.set_order_id(o);
         r.set_hold_id("00000000-0000-0000-0000-000000000000");
         r.set_reason(kLongText);
         fd::ClearHoldResponse out;
         return front()->ClearHold(as("agent").get(), r, &out);
       },
       StatusCode::INVALID_ARGUMENT, "reason", "LIMIT_EXCEEDED"},
      {"CancelOrder: reason with a card number",
       [&](const std::string& o, const std::string&) {
         fd::CancelOrderRequest r;
         r.set_request_id(Id("x1"));
         r.set_order_id(o);
         r.set_reason(kCard);
         fd::CancelOrderResponse out;
         return front()->CancelOrder(as("agent").get(), r, &out);
       },
       StatusCode::INVALID_ARGUMENT, "reason", "CARD_NUMBER_REFUSED"},
      {"CancelOrder: another call center's order",
       [&](const std::string& o, const std::string&) {
         fd::CancelOrderRequest r;
         r.set_request_id(Id("x2"));
         r.set_order_id(o);
         r.set_reason("asked");
         fd::CancelOrderResponse out;
         return front()->CancelOrder(as("stranger").get(), r, &out);
       },
       StatusCode::PERMISSION_DENIED, "", ""},
      {"CancelContinuity: reason too long",
       [&](const std::string& o, const std::string&) {
         fd::CancelContinuityRequest r;
         r.set_request_id(Id("cc1"));
         r.set_order_id(o);
         r.set_reason(kLongText);
         fd::CancelContinuityResponse out;
         return front()->CancelContinuity(as("agent").get(), r, &out);
       },
       StatusCode::INVALID_ARGUMENT, "reason", "LIMIT_EXCEEDED"},
      {"CancelContinuity: another call center's order",
       [&](const std::string& o, const std::string&) {
         fd::CancelContinuityRequest r;
         r.set_request_id(Id("cc2"));
         r.set_order_id(o);
         r.set_reason("asked");
         fd::CancelContinuityResponse out;
         return front()->CancelContinuity(as("stranger").get(), r, &out);
       },
       StatusCode::PERMISSION_DENIED, "", ""},
      // RequestCatalog, and the reads
      {"RequestCatalog: quantity 10000",
       [&](const std::string&, const std::string&) {
         fd::RequestCatalogRequest r;
         r.set_request_id(Id("rc"));
         r.set_customer_id(Id("cust"));
         r.set_source_code("SPRING");
         r.set_quantity(10000);
         fd::RequestCatalogResponse out;
         return front()->RequestCatalog(as("agent").get(), r, &out);
       },
       StatusCode::INVALID_ARGUMENT, "quantity", "LIMIT_EXCEEDED"},
      {"RequestCatalog: replay with another body",
       [&](const std::string&, const std::string&) {
         for (int quantity : {1, 2}) {
           fd::RequestCatalogRequest r;
           r.set_request_id(Id("rc-replay"));
           r.set_customer_id(Id("cust"));
           r.set_source_code(Id("SPRING"));
           r.set_quantity(quantity);
           fd::RequestCatalogResponse out;
           grpc::Status s = front()->RequestCatalog(as("agent").get(), r, &out);
           if (quantity == 2 || !s.ok()) return s;
         }
         return grpc::Status::OK;
       },
       StatusCode::INVALID_ARGUMENT, "request_id", "REQUEST_ID_REUSED"},
      {"GetOrder: another call center's order",
       [&](const std::string& o, const std::string&) {
         fd::GetOrderRequest r;
         r.set_order_id(o);
         fd::GetOrderResponse out;
         return front()->GetOrder(as("stranger").get(), r, &out);
       },
       StatusCode::PERMISSION_DENIED, "", ""},
      {"GetOrderSummary: another call center's order",
       [&](const std::string& o, const std::string&) {
         fd::GetOrderSummaryRequest r;
         r.set_order_id(o);
         fd::GetOrderSummaryResponse out;
         return front()->GetOrderSummary(as("stranger").get(), r, &out);
       },
       StatusCode::PERMISSION_DENIED, "", ""},
      {"ListCustomerOrders: page_size 201",
       [&](const std::string&, const std::string&) {
         fd::ListCustomerOrdersRequest r;
         r.set_customer_id(Id("cust"));
         r.set_page_size(201);
         fd::ListCustomerOrdersResponse out;
         return front()->ListCustomerOrders(as("agent").get(), r, &out);
       },
       StatusCode::INVALID_ARGUMENT, "page_size", "LIMIT_EXCEEDED"},
  };

  Order row_draft = Draft("row");  // the draft the replay rows replay against
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    Order draft = Draft(absl::StrCat("t", &row - rows.data()));
    const std::string o = draft.order_id();
    const std::string line = draft.lines(0).line_id();
    // Replays target the draft whose request ids they reuse.
    const bool replay = absl::StrContains(row.name, "replay");
    const std::string target = replay ? row_draft.order_id() : o;
    const Order before = Get(target);
    grpc::Status s = row.call(target, replay ? row_draft.lines(0).line_id() : line);
    EXPECT_EQ(s.error_code(), row.code) << s.error_message();
    const Details d = DetailsOf(s);
    EXPECT_EQ(d.domain, "callcenter");
    EXPECT_FALSE(d.reason.empty());
    if (!row.field.empty()) {
      ASSERT_FALSE(d.fields.empty());
      EXPECT_EQ(d.fields[0], row.field);
    }
    if (s.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
      EXPECT_FALSE(d.fields.empty());
    }
    if (!row.reason.empty()) {
      EXPECT_EQ(d.reason, row.reason);
    }
    // Nothing written: the order, its payments and its holds as they were.
    const Order after = Get(target);
    EXPECT_EQ(after.version(), before.version());
    EXPECT_EQ(after.lines_size(), before.lines_size());
    EXPECT_EQ(after.status(), before.status());
    EXPECT_EQ(PaymentsOf(target), 0u);
    EXPECT_EQ(HoldsOf(target), 0u);
  }
}

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
