// Selling controls (DOMAIN 11) through the front door: margin alerts on
// lines, overrides and submit; the CHECK hold; the hold workbench with its
// checkout rules; RFM scores on customers. Threshold discounts under the
// second concurrency model are in pricing_test.cc and the engine's tests.
#include "tests/e2e/front_door_fixture.h"
#include "tests/e2e/hostile_input_fixture.h"

namespace callcenter::testing {
namespace {

class SellingControlsTest : public FrontDoorTest {
 protected:
  // Margins on: OK from 40 %, WARNING from 30 %, below that BLOCKED.
  void MarginAlerts() {
    EditCallCenter([](order::v1::CallCenter& cc) {
      cc.set_margin_acceptable_bp(4000);
      cc.set_margin_questionable_bp(3000);
    });
  }

  grpc::Status Override(Order* order, int line, int64_t unit_price, const std::string& rid) {
    fd::OverrideLinePriceRequest req;
    req.set_request_id(Id(rid));
    req.set_order_id(order->order_id());
    req.set_line_id(order->lines(line).line_id());
    *req.mutable_unit_price() = Usd(unit_price);
    req.set_reason_code("MATCH");
    fd::OverrideLinePriceResponse resp;
    grpc::Status s = suite->front->OverrideLinePrice(suite->As(Id("super")).get(), req, &resp);
    if (s.ok()) *order = resp.order();
    return s;
  }

  grpc::Status PayByCheck(Order* order, const std::string& rid) {
    fd::AddPaymentRequest req;
    req.set_request_id(Id(rid));
    req.set_order_id(order->order_id());
    req.set_method(common::v1::PAYMENT_METHOD_CHECK);
    req.set_check_number("1001");
    fd::AddPaymentResponse resp;
    grpc::Status s = suite->front->AddPayment(suite->As(Id("agent")).get(), req, &resp);
    if (s.ok()) *order = resp.order();
    return s;
  }

  grpc::Status ListHolds(const std::string& user, const std::string& call_center,
                         const std::string& code, int page_size, const std::string& token,
                         fd::ListHoldsResponse* out) {
    fd::ListHoldsRequest req;
    req.set_call_center_id(call_center);
    req.set_hold_code(code);
    req.set_page_size(page_size);
    req.set_page_token(token);
    return suite->front->ListHolds(suite->As(Id(user)).get(), req, out);
  }

  grpc::Status CheckOut(const std::string& user, const Order& order, const std::string& rid,
                        Order* out) {
    fd::CheckOutHoldRequest req;
    req.set_request_id(Id(rid));
    req.set_order_id(order.order_id());
    req.set_hold_id(order.holds(0).hold_id());
    fd::CheckOutHoldResponse resp;
    grpc::Status s = suite->front->CheckOutHold(suite->As(Id(user)).get(), req, &resp);
    if (s.ok() && out != nullptr) *out = resp.order();
    return s;
  }

  grpc::Status ReleaseCheckout(const std::string& user, const Order& order, const std::string& rid,
                               Order* out) {
    fd::ReleaseHoldCheckoutRequest req;
    req.set_request_id(Id(rid));
    req.set_order_id(order.order_id());
    req.set_hold_id(order.holds(0).hold_id());
    fd::ReleaseHoldCheckoutResponse resp;
    grpc::Status s = suite->front->ReleaseHoldCheckout(suite->As(Id(user)).get(), req, &resp);
    if (s.ok() && out != nullptr) *out = resp.order();
    return s;
  }

  grpc::Status Clear(const std::string& user, const Order& order, const std::string& rid,
                     Order* out) {
    fd::ClearHoldRequest req;
    req.set_request_id(Id(rid));
    req.set_order_id(order.order_id());
    req.set_hold_id(order.holds(0).hold_id());
    req.set_reason("checked with the bank");
    fd::ClearHoldResponse resp;
    grpc::Status s = suite->front->ClearHold(suite->As(Id(user)).get(), req, &resp);
    if (s.ok() && out != nullptr) *out = resp.order();
    return s;
  }

  // A submitted order held by a manual hold of code `code`.
  Order HeldOrder(const std::string& code, const std::string& tag) {
    Order order = Start("", Id("start-" + tag));
    EXPECT_TRUE(AddLine(&order, "A", 1, Id("line-" + tag)).ok());
    fd::PlaceHoldRequest place;
    place.set_request_id(Id("hold-" + tag));
    place.set_order_id(order.order_id());
    place.set_hold_code(code);
    place.set_note("verify the address");
    fd::PlaceHoldResponse placed;
    grpc::Status s = suite->front->PlaceHold(suite->As(Id("agent")).get(), place, &placed);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return placed.order();
  }

  void HoldCode(const std::string& code) {
    grpc::ClientContext ctx;
    hold::v1::UpsertHoldCodeRequest req;
    req.mutable_hold_code()->set_hold_code(code);
    req.mutable_hold_code()->set_description(code);
    req.mutable_hold_code()->set_active(true);
    hold::v1::UpsertHoldCodeResponse resp;
    ASSERT_TRUE(suite->holds->UpsertHoldCode(&ctx, req, &resp).ok());
  }

  // Users for the workbench: two who may clear every code, one of whom may
  // override checkouts.
  void WorkbenchUsers() {
    User("clerk1", 0, {"*"}, false);
    User("clerk2", 0, {"*"}, false);
    grpc::ClientContext ctx;
    order::v1::UpsertUserRequest req;
    req.mutable_user()->set_user_id(Id("lead"));
    req.mutable_user()->set_call_center_id(Id("cc"));
    req.mutable_user()->add_clearable_hold_codes("*");
    req.mutable_user()->set_may_override_checkout(true);
    order::v1::UpsertUserResponse resp;
    ASSERT_TRUE(suite->call_centers->UpsertUser(&ctx, req, &resp).ok());
  }
};

// ------------------------------------------------------------------ margins

TEST_F(SellingControlsTest, LinesShowMarginsOnlyWhenAlertsAreOn) {
  World();
  Order order = Start();
  ASSERT_TRUE(AddLine(&order, "A", 1).ok());  // 20.00 at cost 8.00
  EXPECT_EQ(order.lines(0).margin_alert(), common::v1::MARGIN_ALERT_UNSPECIFIED);
  EXPECT_EQ(order.lines(0).margin_bp(), 0);
  MarginAlerts();
  ASSERT_TRUE(AddLine(&order, "B", 1).ok());  // 15.00 at cost 5.00
  EXPECT_EQ(order.lines(0).margin_bp(), 6000);
  EXPECT_EQ(order.lines(0).margin_alert(), common::v1::MARGIN_ALERT_OK);
  EXPECT_EQ(order.lines(1).margin_bp(), 6666);  // 66.66 %, truncated
  EXPECT_EQ(order.lines(1).margin_alert(), common::v1::MARGIN_ALERT_OK);
}

TEST_F(SellingControlsTest, NoMarginsWithoutPriceControl) {
  Features f;
  f.price_control = false;
  World(f);
  MarginAlerts();
  Order order = Start();
  ASSERT_TRUE(AddLine(&order, "A", 1).ok());
  EXPECT_EQ(order.lines(0).margin_alert(), common::v1::MARGIN_ALERT_UNSPECIFIED);
  EXPECT_EQ(order.lines(0).margin_bp(), 0);
}

TEST_F(SellingControlsTest, QuestionableMustBeBelowAcceptable) {
  World();
  grpc::ClientContext get_ctx;
  order::v1::GetCallCenterRequest get;
  get.set_call_center_id(Id("cc"));
  order::v1::GetCallCenterResponse got;
  ASSERT_TRUE(suite->call_centers->GetCallCenter(&get_ctx, get, &got).ok());
  for (auto [acceptable, questionable] : {std::pair{3000, 3000}, {3000, 4000}, {0, 1000}}) {
    grpc::ClientContext ctx;
    order::v1::UpsertCallCenterRequest req;
    *req.mutable_call_center() = got.call_center();
    req.mutable_call_center()->set_margin_acceptable_bp(acceptable);
    req.mutable_call_center()->set_margin_questionable_bp(questionable);
    order::v1::UpsertCallCenterResponse resp;
    grpc::Status s = suite->call_centers->UpsertCallCenter(&ctx, req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << acceptable << "/" << questionable;
    EXPECT_NE(s.error_message().find("margin_questionable_bp"), std::string::npos);
  }
}

TEST_F(SellingControlsTest, OverrideToABlockedMarginIsRefusedAndAWarningIsShown) {
  World();
  MarginAlerts();
  Order order = Start();
  ASSERT_TRUE(AddLine(&order, "A", 1).ok());  // 20.00, cost 8.00
  const int64_t version = order.version();
  // 11.00: (11 - 8) / 11 = 27.27 % < 30 %: BLOCKED, nothing saved.
  grpc::Status s = Override(&order, 0, 1100, "ov-blocked");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find("27.27 %"), std::string::npos) << s.error_message();
  EXPECT_EQ(DetailsOf(s).reason, "MARGIN_BLOCKED");
  EXPECT_EQ(Get(order.order_id()).version(), version);
  EXPECT_EQ(Get(order.order_id()).lines(0).unit_price().minor_units(), 2000);
  // 12.00: 33.33 %: a WARNING, allowed.
  ASSERT_TRUE(Override(&order, 0, 1200, "ov-warn").ok());
  EXPECT_EQ(order.lines(0).unit_price().minor_units(), 1200);
  EXPECT_EQ(order.lines(0).margin_bp(), 3333);
  EXPECT_EQ(order.lines(0).margin_alert(), common::v1::MARGIN_ALERT_WARNING);
}

TEST_F(SellingControlsTest, SubmitRefusedWhileALineIsBlocked) {
  World();
  MarginAlerts();
  // 50 % off A: 10.00 at cost 8.00 is 20 %: BLOCKED.
  pricing::v1::Discount d;
  d.set_discount_id(Id("half"));
  d.set_name("half price");
  d.set_kind(pricing::v1::DISCOUNT_KIND_SIMPLE);
  d.set_concurrency(pricing::v1::CONCURRENCY_BEST_PRICE);
  d.set_priority(1);
  d.set_percent_bp(5000);
  d.add_product_ids(Id("A"));
  PutDiscount(d);
  Order order = Start();
  ASSERT_TRUE(AddLine(&order, "A", 1).ok());
  ASSERT_TRUE(AddLine(&order, "B", 1).ok());
  EXPECT_EQ(order.lines(0).margin_bp(), 2000);
  EXPECT_EQ(order.lines(0).margin_alert(), common::v1::MARGIN_ALERT_BLOCKED);
  ASSERT_TRUE(Pay(&order, "tok_4242", "pay").ok());
  grpc::Status s = Submit(&order);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find(order.lines(0).line_id()), std::string::npos)
      << s.error_message();
  EXPECT_EQ(Get(order.order_id()).status(), common::v1::ORDER_STATUS_DRAFT);
  // Raising the price out of the band lets it go.
  ASSERT_TRUE(Override(&order, 0, 1600, "ov-up").ok());  // 50 %: OK
  EXPECT_EQ(order.lines(0).margin_alert(), common::v1::MARGIN_ALERT_OK);
  ASSERT_TRUE(Pay(&order, "tok_4242", "pay2").ok());
  ASSERT_TRUE(Submit(&order, "submit2").ok());
  EXPECT_EQ(order.status(), common::v1::ORDER_STATUS_CONFIRMED);
}

// --------------------------------------------------------------- check hold

TEST_F(SellingControlsTest, CheckAtOrAboveTheThresholdHoldsTheOrder) {
  World();
  EditCallCenter([](order::v1::CallCenter& cc) { *cc.mutable_check_hold_threshold() = Usd(2000); });
  // 19.99 + tax stays below? A is 20.00: at the threshold -> held.
  Order held = Start("", Id("start-held"));
  ASSERT_TRUE(AddLine(&held, "A", 1, Id("l-held")).ok());
  ASSERT_GE(held.total().minor_units(), 2000);
  ASSERT_TRUE(PayByCheck(&held, "check-held").ok());
  ASSERT_TRUE(Submit(&held, "submit-held").ok());
  EXPECT_EQ(held.status(), common::v1::ORDER_STATUS_ON_HOLD);
  ASSERT_EQ(held.holds_size(), 1);
  EXPECT_EQ(held.holds(0).hold_code(), "CHECK");
  EXPECT_TRUE(held.holds(0).open());
  // A check below it: confirmed.
  Order small = Start("", Id("start-small"));
  ASSERT_TRUE(AddLine(&small, "B", 1, Id("l-small")).ok());  // 15.00
  ASSERT_LT(small.total().minor_units(), 2000);
  ASSERT_TRUE(PayByCheck(&small, "check-small").ok());
  ASSERT_TRUE(Submit(&small, "submit-small").ok());
  EXPECT_EQ(small.status(), common::v1::ORDER_STATUS_CONFIRMED);
  EXPECT_EQ(small.holds_size(), 0);
  // Cleared by a user who may clear CHECK holds: confirmed.
  Order cleared;
  ASSERT_TRUE(Clear("super", held, "clear-check", &cleared).ok());
  EXPECT_EQ(cleared.status(), common::v1::ORDER_STATUS_CONFIRMED);
}

TEST_F(SellingControlsTest, NoCheckHoldWhenTheThresholdIsZero) {
  World();
  Order order = Start();
  ASSERT_TRUE(AddLine(&order, "A", 3).ok());
  ASSERT_TRUE(PayByCheck(&order, "check").ok());
  ASSERT_TRUE(Submit(&order).ok());
  EXPECT_EQ(order.status(), common::v1::ORDER_STATUS_CONFIRMED);
}

// ----------------------------------------------------------------- workbench

TEST_F(SellingControlsTest, WorkbenchListsOpenHoldsOfTheCallCenterOldestFirstAndPaged) {
  World();
  HoldCode(Id("ADDR"));
  HoldCode(Id("CREDIT"));
  Order a = HeldOrder(Id("ADDR"), "a");
  Order b = HeldOrder(Id("CREDIT"), "b");
  Order c = HeldOrder(Id("ADDR"), "c");
  fd::ListHoldsResponse page1, page2, only_addr;
  ASSERT_TRUE(ListHolds("agent", Id("cc"), "", 2, "", &page1).ok());
  ASSERT_EQ(page1.holds_size(), 2);
  EXPECT_EQ(page1.holds(0).order_id(), a.order_id());
  EXPECT_EQ(page1.holds(0).hold_id(), a.holds(0).hold_id());
  EXPECT_EQ(page1.holds(0).customer_id(), Id("cust"));
  EXPECT_EQ(page1.holds(0).hold_code(), Id("ADDR"));
  EXPECT_EQ(page1.holds(0).days_on_hold(), 0);
  EXPECT_EQ(page1.holds(0).checked_out_by(), "");
  EXPECT_EQ(page1.holds(1).order_id(), b.order_id());
  ASSERT_FALSE(page1.next_page_token().empty());
  ASSERT_TRUE(ListHolds("agent", Id("cc"), "", 2, page1.next_page_token(), &page2).ok());
  ASSERT_EQ(page2.holds_size(), 1);
  EXPECT_EQ(page2.holds(0).order_id(), c.order_id());
  EXPECT_TRUE(page2.next_page_token().empty());
  ASSERT_TRUE(ListHolds("agent", "", Id("ADDR"), 0, "", &only_addr).ok());  // "" = own
  ASSERT_EQ(only_addr.holds_size(), 2);
  EXPECT_EQ(only_addr.holds(1).order_id(), c.order_id());
  // A cleared hold leaves the workbench.
  ASSERT_TRUE(Clear("super", b, "clear-b", nullptr).ok());
  fd::ListHoldsResponse after;
  ASSERT_TRUE(ListHolds("agent", Id("cc"), "", 0, "", &after).ok());
  ASSERT_EQ(after.holds_size(), 2);
  EXPECT_EQ(after.holds(1).order_id(), c.order_id());
  // Bad tokens and sizes are named.
  fd::ListHoldsResponse bad;
  grpc::Status s = ListHolds("agent", Id("cc"), "", 0, "not-a-token", &bad);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("page_token"), std::string::npos);
  s = ListHolds("agent", Id("cc"), "", 0, "-1/" + a.holds(0).hold_id(), &bad);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  s = ListHolds("agent", Id("cc"), "", 201, "", &bad);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("page_size"), std::string::npos);
}

TEST_F(SellingControlsTest, WorkbenchOfAnotherCallCenterIsRefused) {
  World();
  HoldCode(Id("ADDR"));
  HeldOrder(Id("ADDR"), "a");
  const std::string mine = Id("cc");
  // Another test's world: its agent sees none of this call center's holds.
  SetUp();
  World();
  fd::ListHoldsResponse theirs;
  EXPECT_EQ(ListHolds("agent", mine, "", 0, "", &theirs).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(ListHolds("agent", "", "", 0, "", &theirs).ok());
  EXPECT_EQ(theirs.holds_size(), 0);
}

TEST_F(SellingControlsTest, CheckedOutHoldIsWorkedOnlyByItsHolderOrAnOverrider) {
  World();
  WorkbenchUsers();
  HoldCode(Id("ADDR"));
  Order order = HeldOrder(Id("ADDR"), "a");
  Order out;
  ASSERT_TRUE(CheckOut("clerk1", order, "co1", &out).ok());
  ASSERT_EQ(out.holds_size(), 1);
  EXPECT_EQ(out.holds(0).checked_out_by(), Id("clerk1"));
  EXPECT_TRUE(out.holds(0).has_checked_out_at());
  EXPECT_EQ(CountEvents(out, "hold_checked_out"), 1);
  // The same request again changes nothing; checking out one's own again is harmless.
  Order again;
  ASSERT_TRUE(CheckOut("clerk1", order, "co1", &again).ok());
  EXPECT_EQ(again.version(), out.version());
  ASSERT_TRUE(CheckOut("clerk1", order, "co1b", &again).ok());
  EXPECT_EQ(CountEvents(again, "hold_checked_out"), 1);
  // The workbench shows who has it.
  fd::ListHoldsResponse list;
  ASSERT_TRUE(ListHolds("clerk2", "", "", 0, "", &list).ok());
  ASSERT_EQ(list.holds_size(), 1);
  EXPECT_EQ(list.holds(0).checked_out_by(), Id("clerk1"));
  // Someone else: may not check it out, clear it, or release the checkout.
  const int64_t version = Get(order.order_id()).version();
  grpc::Status s = CheckOut("clerk2", order, "co2", nullptr);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find(Id("clerk1")), std::string::npos);
  EXPECT_EQ(Clear("clerk2", order, "cl2", nullptr).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ReleaseCheckout("clerk2", order, "rel2", nullptr).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  Order now = Get(order.order_id());
  EXPECT_EQ(now.version(), version);
  EXPECT_TRUE(now.holds(0).open());
  EXPECT_EQ(now.holds(0).checked_out_by(), Id("clerk1"));
  // The holder releases; then the other may take it.
  ASSERT_TRUE(ReleaseCheckout("clerk1", order, "rel1", &out).ok());
  EXPECT_EQ(out.holds(0).checked_out_by(), "");
  EXPECT_EQ(CountEvents(out, "hold_checkout_released"), 1);
  ASSERT_TRUE(CheckOut("clerk2", order, "co2b", &out).ok());
  EXPECT_EQ(out.holds(0).checked_out_by(), Id("clerk2"));
  // A lead who may override checkouts clears it regardless.
  ASSERT_TRUE(Clear("lead", order, "cl-lead", &out).ok());
  EXPECT_FALSE(out.holds(0).open());
  EXPECT_EQ(out.status(), common::v1::ORDER_STATUS_CONFIRMED);
  // Nothing left to check out.
  EXPECT_EQ(CheckOut("clerk1", order, "co-late", nullptr).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(SellingControlsTest, OverriderReleasesAnotherUsersCheckoutAndTheHolderClears) {
  World();
  WorkbenchUsers();
  HoldCode(Id("ADDR"));
  Order order = HeldOrder(Id("ADDR"), "a");
  ASSERT_TRUE(CheckOut("clerk1", order, "co1", nullptr).ok());
  Order out;
  ASSERT_TRUE(ReleaseCheckout("lead", order, "rel-lead", &out).ok());
  EXPECT_EQ(out.holds(0).checked_out_by(), "");
  ASSERT_TRUE(CheckOut("clerk2", order, "co2", nullptr).ok());
  ASSERT_TRUE(Clear("clerk2", order, "cl2", &out).ok());
  EXPECT_FALSE(out.holds(0).open());
  EXPECT_EQ(out.holds(0).cleared_by(), Id("clerk2"));
}

TEST_F(SellingControlsTest, CheckoutOfAnotherCallCentersHoldIsRefusedAndWritesNothing) {
  World();
  HoldCode(Id("ADDR"));
  Order order = HeldOrder(Id("ADDR"), "a");
  const std::string other_prefix_order = order.order_id();
  SetUp();
  World();
  // This world's agent reaches for the other call center's hold.
  fd::CheckOutHoldRequest req;
  req.set_request_id(Id("co"));
  req.set_order_id(other_prefix_order);
  req.set_hold_id(order.holds(0).hold_id());
  fd::CheckOutHoldResponse resp;
  EXPECT_EQ(suite->front->CheckOutHold(suite->As(Id("agent")).get(), req, &resp).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace callcenter::testing
