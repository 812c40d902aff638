// Hostile input to FulfillmentService (DOMAIN 9): oversized, malformed and
// foreign requests from a warehouse token, or from an agent's; each row is
// refused with the code, field and reason it names; nothing is written.
#include <string>
#include <vector>

#include "tests/e2e/hostile_input_fixture.h"

namespace callcenter::testing {
namespace {

class HostileFulfillmentTest : public HostileInputTest {
 protected:
  void SetUp() override {
    HostileInputTest::SetUp();
    if (suite == nullptr) return;
    Warehouse("wh", "cc");
    Warehouse("wh-other", "other-cc");
  }

  void Warehouse(const std::string& id, const std::string& cc) {
    grpc::ClientContext ctx;
    order::v1::UpsertUserRequest req;
    req.mutable_user()->set_user_id(Id(id));
    req.mutable_user()->set_call_center_id(Id(cc));
    req.mutable_user()->set_may_record_fulfillment(true);
    order::v1::UpsertUserResponse resp;
    ASSERT_TRUE(suite->call_centers->UpsertUser(&ctx, req, &resp).ok());
  }
};

fd::RecordShipmentRequest Shipment(const std::string& request_id, const std::string& o,
                                   const std::string& line, int quantity = 1) {
  fd::RecordShipmentRequest r;
  r.set_request_id(request_id);
  r.set_order_id(o);
  r.set_shipment_id("S1");
  auto* l = r.add_lines();
  l->set_line_id(line);
  l->set_quantity(quantity);
  return r;
}

TEST_F(HostileFulfillmentTest, FulfilmentCallsRefuseBadInputAndWriteNothing) {
  using grpc::StatusCode;
  auto fulfil = [] { return suite->fulfillment.get(); };
  auto ship = [&](const char* user, fd::RecordShipmentRequest r) {
    fd::RecordShipmentResponse out;
    return fulfil()->RecordShipment(As(user).get(), r, &out);
  };
  const std::vector<Row> rows = {
      {"RecordShipment: no request_id",
       [&](const std::string& o, const std::string& line) {
         return ship("wh", Shipment("", o, line));
       },
       StatusCode::INVALID_ARGUMENT, "request_id", ""},
      {"RecordShipment: shipment_id too long",
       [&](const std::string& o, const std::string& line) {
         auto r = Shipment(Id("f1"), o, line);
         r.set_shipment_id(kLongId);
         return ship("wh", r);
       },
       StatusCode::INVALID_ARGUMENT, "shipment_id", "LIMIT_EXCEEDED"},
      {"RecordShipment: tracking number too long",
       [&](const std::string& o, const std::string& line) {
         auto r = Shipment(Id("f2"), o, line);
         r.set_tracking_number(kLongId);
         return ship("wh", r);
       },
       StatusCode::INVALID_ARGUMENT, "tracking_number", "LIMIT_EXCEEDED"},
      {"RecordShipment: NUL in carrier",
       [&](const std::string& o, const std::string& line) {
         auto r = Shipment(Id("f3"), o, line);
         r.set_carrier(kNul);
         return ship("wh", r);
       },
       StatusCode::INVALID_ARGUMENT, "carrier", "INVALID_FIELD"},
      {"RecordShipment: 10000 units",
       [&](const std::string& o, const std::string& line) {
         return ship("wh", Shipment(Id("f4"), o, line, 10000));
       },
       StatusCode::INVALID_ARGUMENT, "lines[0].quantity", "LIMIT_EXCEEDED"},
      {"RecordShipment: -1 units",
       [&](const std::string& o, const std::string& line) {
         return ship("wh", Shipment(Id("f5"), o, line, -1));
       },
       StatusCode::INVALID_ARGUMENT, "lines[0].quantity", ""},
      {"RecordShipment: a card number in the tracking number",
       [&](const std::string& o, const std::string& line) {
         auto r = Shipment(Id("f6"), o, line);
         r.set_tracking_number("4111111111111111");
         r.set_carrier("UPS");
         return ship("wh", r);
       },
       StatusCode::FAILED_PRECONDITION, "", ""},  // an id, not text: the draft refuses
      {"RecordShipment: a draft does not ship",
       [&](const std::string& o, const std::string& line) {
         return ship("wh", Shipment(Id("f7"), o, line));
       },
       StatusCode::FAILED_PRECONDITION, "", ""},
      {"RecordShipment: an agent's token",
       [&](const std::string& o, const std::string& line) {
         return ship("agent", Shipment(Id("f8"), o, line));
       },
       StatusCode::PERMISSION_DENIED, "", ""},
      {"RecordShipment: another call center's warehouse",
       [&](const std::string& o, const std::string& line) {
         return ship("wh-other", Shipment(Id("f9"), o, line));
       },
       StatusCode::PERMISSION_DENIED, "", ""},
      {"RecordShipment: not a UUID",
       [&](const std::string&, const std::string& line) {
         return ship("wh", Shipment(Id("f10"), "x'; DROP TABLE orders; --", line));
       },
       StatusCode::INVALID_ARGUMENT, "order_id", ""},
      {"SetExpectedShipDate: NUL in the date",
       [&](const std::string& o, const std::string&) {
         fd::SetExpectedShipDateRequest r;
         r.set_request_id(Id("d1"));
         r.set_order_id(o);
         r.set_expected_ship_date(kNul);
         fd::SetExpectedShipDateResponse out;
         return fulfil()->SetExpectedShipDate(As("wh").get(), r, &out);
       },
       StatusCode::INVALID_ARGUMENT, "expected_ship_date", ""},
      {"SetExpectedShipDate: a draft has none",
       [&](const std::string& o, const std::string&) {
         fd::SetExpectedShipDateRequest r;
         r.set_request_id(Id("d2"));
         r.set_order_id(o);
         r.set_expected_ship_date("2027-01-01");
         fd::SetExpectedShipDateResponse out;
         return fulfil()->SetExpectedShipDate(As("wh").get(), r, &out);
       },
       StatusCode::FAILED_PRECONDITION, "", ""},
      {"RunDelayedOrderNotices: as_of too long",
       [&](const std::string&, const std::string&) {
         fd::RunDelayedOrderNoticesRequest r;
         r.set_as_of(kLongId);
         fd::RunDelayedOrderNoticesResponse out;
         return fulfil()->RunDelayedOrderNotices(As("wh").get(), r, &out);
       },
       StatusCode::INVALID_ARGUMENT, "as_of", "LIMIT_EXCEEDED"},
      {"RunDelayedOrderNotices: an agent's token",
       [&](const std::string&, const std::string&) {
         fd::RunDelayedOrderNoticesRequest r;
         r.set_as_of("2030-01-01");
         fd::RunDelayedOrderNoticesResponse out;
         return fulfil()->RunDelayedOrderNotices(As("agent").get(), r, &out);
       },
       StatusCode::PERMISSION_DENIED, "", ""},
      {"PurgeOrders: customer_id too long",
       [&](const std::string&, const std::string&) {
         fd::PurgeOrdersRequest r;
         r.set_created_on_or_before("2030-01-01");
         r.set_customer_id(kLongId);
         fd::PurgeOrdersResponse out;
         return fulfil()->PurgeOrders(As("wh").get(), r, &out);
       },
       StatusCode::INVALID_ARGUMENT, "customer_id", "LIMIT_EXCEEDED"},
      {"PurgeOrders: not a date",
       [&](const std::string&, const std::string&) {
         fd::PurgeOrdersRequest r;
         r.set_created_on_or_before("tomorrow");
         fd::PurgeOrdersResponse out;
         return fulfil()->PurgeOrders(As("wh").get(), r, &out);
       },
       StatusCode::INVALID_ARGUMENT, "created_on_or_before", ""},
      {"PurgeOrders: an agent's token",
       [&](const std::string&, const std::string&) {
         fd::PurgeOrdersRequest r;
         r.set_created_on_or_before("2030-01-01");
         fd::PurgeOrdersResponse out;
         return fulfil()->PurgeOrders(As("agent").get(), r, &out);
       },
       StatusCode::PERMISSION_DENIED, "", ""},
  };
  ExpectEachRefusedWithNothingWritten(rows);
}

// Returns and price matches (DOMAIN 10) from an agent's token: the same
// limits, and nothing is written (the rows run against a draft, which has
// nothing to return).
TEST_F(HostileFulfillmentTest, ReturnCallsRefuseBadInputAndWriteNothing) {
  using grpc::StatusCode;
  auto front = [] { return suite->front.get(); };
  auto start = [&](fd::StartReturnRequest r) {
    fd::StartReturnResponse out;
    return front()->StartReturn(As("agent").get(), r, &out);
  };
  auto a_return = [&](const std::string& request_id, const std::string& o,
                      const std::string& line) {
    fd::StartReturnRequest r;
    r.set_request_id(request_id);
    r.set_order_id(o);
    r.set_reason_code("DAMAGED");
    auto* l = r.add_lines();
    l->set_line_id(line);
    l->set_quantity(1);
    l->set_disposition(fd::DISPOSITION_CREDIT);
    return r;
  };
  const std::string unknown_return = "00000000-0000-4000-8000-000000000001";
  const std::vector<Row> rows = {
      {"StartReturn: reason code too long",
       [&](const std::string& o, const std::string& line) {
         auto r = a_return(Id("x1"), o, line);
         r.set_reason_code(kLongId);
         return start(r);
       },
       StatusCode::INVALID_ARGUMENT, "reason_code", "LIMIT_EXCEEDED"},
      {"StartReturn: an unknown disposition",
       [&](const std::string& o, const std::string& line) {
         auto r = a_return(Id("x2"), o, line);
         r.mutable_lines(0)->set_disposition(static_cast<fd::Disposition>(99));
         return start(r);
       },
       StatusCode::INVALID_ARGUMENT, "lines[0].disposition", ""},
      {"StartReturn: 10000 units",
       [&](const std::string& o, const std::string& line) {
         auto r = a_return(Id("x3"), o, line);
         r.mutable_lines(0)->set_quantity(10000);
         return start(r);
       },
       StatusCode::INVALID_ARGUMENT, "lines[0].quantity", "LIMIT_EXCEEDED"},
      {"StartReturn: nothing shipped",
       [&](const std::string& o, const std::string& line) {
         return start(a_return(Id("x4"), o, line));
       },
       StatusCode::FAILED_PRECONDITION, "", ""},
      {"StartReturn: no request_id",
       [&](const std::string& o, const std::string& line) { return start(a_return("", o, line)); },
       StatusCode::INVALID_ARGUMENT, "request_id", ""},
      {"AdjustReturnCredit: above the money limit",
       [&](const std::string&, const std::string&) {
         fd::AdjustReturnCreditRequest r;
         r.set_request_id(Id("x5"));
         r.set_return_id(unknown_return);
         r.mutable_credit()->set_currency("USD");
         r.mutable_credit()->set_minor_units(1'000'000'000'001);
         fd::AdjustReturnCreditResponse out;
         return front()->AdjustReturnCredit(As("agent").get(), r, &out);
       },
       StatusCode::INVALID_ARGUMENT, "credit.minor_units", "LIMIT_EXCEEDED"},
      {"AdjustReturnCredit: not a UUID",
       [&](const std::string&, const std::string&) {
         fd::AdjustReturnCreditRequest r;
         r.set_request_id(Id("x6"));
         r.set_return_id("x'; DROP TABLE order_returns; --");
         r.mutable_credit()->set_currency("USD");
         fd::AdjustReturnCreditResponse out;
         return front()->AdjustReturnCredit(As("agent").get(), r, &out);
       },
       StatusCode::INVALID_ARGUMENT, "return_id", ""},
      {"ApproveRefund: NUL in the reason",
       [&](const std::string&, const std::string&) {
         fd::ApproveRefundRequest r;
         r.set_request_id(Id("x7"));
         r.set_return_id(unknown_return);
         r.set_reason(kNul);
         fd::ApproveRefundResponse out;
         return front()->ApproveRefund(As("agent").get(), r, &out);
       },
       StatusCode::INVALID_ARGUMENT, "reason", ""},
      {"CancelReturn: an unknown return",
       [&](const std::string&, const std::string&) {
         fd::CancelReturnRequest r;
         r.set_request_id(Id("x8"));
         r.set_return_id(unknown_return);
         fd::CancelReturnResponse out;
         return front()->CancelReturn(As("agent").get(), r, &out);
       },
       StatusCode::NOT_FOUND, "", ""},
      {"GetReturn: return_id too long",
       [&](const std::string&, const std::string&) {
         fd::GetReturnRequest r;
         r.set_return_id(kLongId);
         fd::GetReturnResponse out;
         return front()->GetReturn(As("agent").get(), r, &out);
       },
       StatusCode::INVALID_ARGUMENT, "return_id", "LIMIT_EXCEEDED"},
      {"RecordReturnReceipt: an unknown return",
       [&](const std::string&, const std::string& line) {
         fd::RecordReturnReceiptRequest r;
         r.set_request_id(Id("x9"));
         r.set_return_id(unknown_return);
         auto* l = r.add_lines();
         l->set_line_id(line);
         l->set_quantity(1);
         fd::RecordReturnReceiptResponse out;
         return suite->fulfillment->RecordReturnReceipt(As("wh").get(), r, &out);
       },
       StatusCode::NOT_FOUND, "", ""},
      {"PriceMatch: a negative price",
       [&](const std::string& o, const std::string& line) {
         fd::PriceMatchRequest r;
         r.set_request_id(Id("x10"));
         r.set_order_id(o);
         r.set_line_id(line);
         r.set_reason_code("COMPETITOR");
         r.mutable_unit_price()->set_currency("USD");
         r.mutable_unit_price()->set_minor_units(-100);
         fd::PriceMatchResponse out;
         return front()->PriceMatch(As("agent").get(), r, &out);
       },
       StatusCode::INVALID_ARGUMENT, "unit_price.minor_units", ""},
      {"PriceMatch: nothing shipped",
       [&](const std::string& o, const std::string& line) {
         fd::PriceMatchRequest r;
         r.set_request_id(Id("x11"));
         r.set_order_id(o);
         r.set_line_id(line);
         r.set_reason_code("COMPETITOR");
         r.mutable_unit_price()->set_currency("USD");
         r.mutable_unit_price()->set_minor_units(100);
         fd::PriceMatchResponse out;
         return front()->PriceMatch(As("agent").get(), r, &out);
       },
       StatusCode::FAILED_PRECONDITION, "", ""},
  };
  ExpectEachRefusedWithNothingWritten(rows);
}

}  // namespace
}  // namespace callcenter::testing
