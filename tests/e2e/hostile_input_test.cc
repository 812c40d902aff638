// Hostile input to the order edits (StartOrder to SetDelivery): each row
// is refused with the code, field and reason it names; nothing is written.
#include <string>
#include <vector>

#include "tests/e2e/hostile_input_fixture.h"

namespace callcenter::testing {
namespace {

TEST_F(HostileInputTest, OrderEditsRefuseBadInputAndWriteNothing) {
  using grpc::StatusCode;
  auto front = [] { return suite->front.get(); };
  auto as = [&](const char* user) { return As(user); };
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
  };
  ExpectEachRefusedWithNothingWritten(rows);
}

}  // namespace
}  // namespace callcenter::testing
