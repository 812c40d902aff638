// Hostile input to payments, submit, holds, cancelling and the reads: each
// row is refused with the code, field and reason it names; nothing is written.
#include <string>
#include <vector>

#include "tests/e2e/hostile_input_fixture.h"

namespace callcenter::testing {
namespace {

TEST_F(HostileInputTest, MoneyHoldsAndReadsRefuseBadInputAndWriteNothing) {
  using grpc::StatusCode;
  auto front = [] { return suite->front.get(); };
  auto as = [&](const char* user) { return As(user); };
  const std::vector<Row> rows = {
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
  ExpectEachRefusedWithNothingWritten(rows);
}

}  // namespace
}  // namespace callcenter::testing
