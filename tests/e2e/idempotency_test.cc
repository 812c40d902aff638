// Idempotency and concurrency: retries change nothing, concurrent changes and
// other front doors lose nothing, master data changes are seen at once. End to
// end through the front door (front_door_fixture.h).
#include "tests/e2e/front_door_fixture.h"

namespace callcenter::testing {
namespace {

TEST_F(FrontDoorTest, RetriesChangeNothing) {
  World();
  Order order = Start();
  Order again = Start();  // same request id
  EXPECT_EQ(order.order_id(), again.order_id());
  ASSERT_TRUE(AddLine(&order, "A", 1, Id("same")).ok());
  ASSERT_TRUE(AddLine(&order, "A", 1, Id("same")).ok());
  EXPECT_EQ(order.lines_size(), 1);
  ASSERT_TRUE(Pay(&order, "tok_4242", "pay").ok());
  ASSERT_TRUE(Pay(&order, "tok_4242", "pay").ok());
  EXPECT_EQ(order.payments_size(), 1);
  ASSERT_TRUE(Submit(&order, "submit").ok());
  const int64_t version = order.version();
  ASSERT_TRUE(Submit(&order, "submit").ok());
  EXPECT_EQ(order.version(), version);
  EXPECT_EQ(PaymentsOf(order.order_id()).size(), 1u);  // one charge
}

TEST_F(FrontDoorTest, EveryChangeIsIdempotent) {
  World();
  Coupon("TEN", 1000, 0);
  Order order = Start();
  fd::AddLineRequest add;
  add.set_request_id(Id("add-a"));
  add.set_order_id(order.order_id());
  add.set_product_id(Id("A"));
  add.set_quantity(1);
  const Order after_add = Twice(&fd::OrderEntryService::Stub::AddLine, add);
  ASSERT_EQ(after_add.lines_size(), 1);
  const std::string line_a = after_add.lines(0).line_id();
  fd::UpdateLineQuantityRequest update;
  update.set_request_id(Id("qty-a"));
  update.set_order_id(order.order_id());
  update.set_line_id(line_a);
  update.set_quantity(3);
  EXPECT_EQ(Twice(&fd::OrderEntryService::Stub::UpdateLineQuantity, update).lines(0).quantity(), 3);
  add.set_request_id(Id("add-b"));
  add.set_product_id(Id("B"));
  order = Twice(&fd::OrderEntryService::Stub::AddLine, add);
  ASSERT_EQ(order.lines_size(), 2);
  fd::RemoveLineRequest remove;
  remove.set_request_id(Id("remove-b"));
  remove.set_order_id(order.order_id());
  remove.set_line_id(order.lines(1).line_id());
  EXPECT_EQ(Twice(&fd::OrderEntryService::Stub::RemoveLine, remove).lines_size(), 1);
  fd::ApplyCouponRequest coupon;
  coupon.set_request_id(Id("coupon"));
  coupon.set_order_id(order.order_id());
  coupon.set_coupon_code(Id("TEN"));
  EXPECT_EQ(Twice(&fd::OrderEntryService::Stub::ApplyCoupon, coupon).coupon_codes_size(), 1);
  fd::OverrideLinePriceRequest override_price;
  override_price.set_request_id(Id("override"));
  override_price.set_order_id(order.order_id());
  override_price.set_line_id(line_a);
  *override_price.mutable_unit_price() = Usd(1900);
  override_price.set_reason_code("PRICE_MATCH");
  Twice(&fd::OrderEntryService::Stub::OverrideLinePrice, override_price);
  fd::SetDeliveryRequest delivery;
  delivery.set_request_id(Id("delivery"));
  delivery.set_order_id(order.order_id());
  delivery.set_delivery_mode("STANDARD");
  Twice(&fd::OrderEntryService::Stub::SetDelivery, delivery);
  fd::AddPaymentRequest pay;
  pay.set_request_id(Id("pay"));
  pay.set_order_id(order.order_id());
  pay.set_method(common::v1::PAYMENT_METHOD_CARD);
  pay.set_card_token("tok_4242");
  order = Twice(&fd::OrderEntryService::Stub::AddPayment, pay);
  EXPECT_EQ(order.payments_size(), 1);
  // A retry after later changes still answers what it first did, and undoes
  // none of them.
  add.set_request_id(Id("add-a"));  // the very first request again
  add.set_product_id(Id("A"));
  fd::AddLineResponse replay;
  ASSERT_TRUE(suite->front->AddLine(suite->As(Id("agent")).get(), add, &replay).ok());
  const Order& replayed = replay.order();
  EXPECT_EQ(replayed.lines(0).quantity(), 1);
  EXPECT_EQ(replayed.version(), after_add.version());
  const Order stored = Get(order.order_id());
  EXPECT_EQ(stored.version(), order.version());
  EXPECT_EQ(stored.lines(0).quantity(), 3);
  EXPECT_EQ(stored.payments_size(), 1);
  fd::PlaceHoldRequest hold;
  hold.set_request_id(Id("hold"));
  hold.set_order_id(order.order_id());
  hold.set_hold_code("FRAUD");
  hold.set_note("customer will call back");
  order = Twice(&fd::OrderEntryService::Stub::PlaceHold, hold);
  ASSERT_EQ(order.holds_size(), 1);
  fd::ClearHoldRequest clear;
  clear.set_request_id(Id("clear"));
  clear.set_order_id(order.order_id());
  clear.set_hold_id(order.holds(0).hold_id());
  clear.set_reason("called back");
  EXPECT_FALSE(Twice(&fd::OrderEntryService::Stub::ClearHold, clear, "super").holds(0).open());

  // Cancelling twice voids the payment once.
  Order second = Start("", Id("start-2"));
  ASSERT_TRUE(AddLine(&second, "A", 1, Id("add-2")).ok());
  ASSERT_TRUE(Pay(&second, "tok_4242", "pay-2").ok());
  fd::CancelOrderRequest cancel;
  cancel.set_request_id(Id("cancel"));
  cancel.set_order_id(second.order_id());
  cancel.set_reason("customer changed their mind");
  second = Twice(&fd::OrderEntryService::Stub::CancelOrder, cancel, "super");
  EXPECT_EQ(second.status(), common::v1::ORDER_STATUS_CANCELED);
  const auto payments = PaymentsOf(second.order_id());
  ASSERT_EQ(payments.size(), 1u);
  EXPECT_EQ(payments[0].status(), common::v1::PAYMENT_STATUS_VOIDED);
}

TEST_F(FrontDoorTest, ConcurrentChangesToOneOrderAreAllKept) {
  World();
  constexpr int kAgents = 6;
  for (int i = 0; i < kAgents; ++i) Product(absl::StrCat("P", i), 1000 + i, 100, false);
  Order order = Start();
  std::atomic<int> aborted{0};
  std::vector<std::thread> agents;
  for (int i = 0; i < kAgents; ++i) {
    agents.emplace_back([&, i] {
      fd::AddLineRequest req;
      req.set_request_id(Id(absl::StrCat("concurrent-", i)));
      req.set_order_id(order.order_id());
      req.set_product_id(Id(absl::StrCat("P", i)));
      req.set_quantity(1);
      // ABORTED (another change won the race) is retried with the same
      // request id, as a caller would.
      for (int attempt = 0; attempt < 50; ++attempt) {
        fd::AddLineResponse resp;
        grpc::Status s = suite->front->AddLine(suite->As(Id("agent")).get(), req, &resp);
        if (s.error_code() != grpc::StatusCode::ABORTED) {
          EXPECT_TRUE(s.ok()) << s.error_message();
          return;
        }
        ++aborted;
      }
      ADD_FAILURE() << "still ABORTED after 50 attempts";
    });
  }
  for (auto& t : agents) t.join();
  const Order stored = Get(order.order_id());
  ASSERT_EQ(stored.lines_size(), kAgents);
  std::set<std::string> products;
  int64_t expected_subtotal = 0;
  for (const auto& l : stored.lines()) products.insert(l.product_id());
  for (int i = 0; i < kAgents; ++i) expected_subtotal += 1000 + i;
  EXPECT_EQ(products.size(), static_cast<size_t>(kAgents));
  EXPECT_EQ(stored.subtotal().minor_units(), expected_subtotal);
  // Two submits of one request at once: one submit, one charge.
  ASSERT_TRUE(Pay(&order, "tok_4242", "pay-all").ok());
  std::vector<std::thread> submits;
  std::atomic<int> confirmed{0};
  for (int i = 0; i < 2; ++i) {
    submits.emplace_back([&] {
      for (int attempt = 0; attempt < 50; ++attempt) {
        Order copy = order;
        grpc::Status s = Submit(&copy, "submit-once");
        if (s.error_code() == grpc::StatusCode::ABORTED) continue;
        EXPECT_TRUE(s.ok()) << s.error_message();
        if (s.ok() && copy.status() == common::v1::ORDER_STATUS_CONFIRMED) ++confirmed;
        return;
      }
    });
  }
  for (auto& t : submits) t.join();
  EXPECT_EQ(confirmed, 2);  // both answered with the one confirmed order
  EXPECT_EQ(PaymentsOf(order.order_id()).size(), 1u);
  EXPECT_EQ(Get(order.order_id()).status(), common::v1::ORDER_STATUS_CONFIRMED);
}

// The front door keeps each draft's context between changes; these show
// a kept context never decides anything once the stored one has moved on.
TEST_F(FrontDoorTest, ChangesByAnotherFrontDoorAreNeverLost) {
  World();
  Order order = Start();
  auto other = suite->ExtraFrontDoor({});
  ASSERT_TRUE(AddLine(&order, "A", 1, Id("l1")).ok());
  ASSERT_TRUE(AddLine(&order, "B", 1, Id("l2"), common::v1::LINE_ORIGIN_NONE, other.get()).ok());
  const Order after_other = order;
  ASSERT_TRUE(AddLine(&order, "A", 2, Id("l3")).ok());  // this front door's copy is stale
  ASSERT_EQ(order.lines_size(), 3);
  EXPECT_EQ(order.version(), after_other.version() + 1);
  EXPECT_EQ(order.total().minor_units(), Get(order.order_id()).total().minor_units());
  // A retry through the other door of a change made here: the first result.
  Order retried = after_other;
  ASSERT_TRUE(AddLine(&retried, "A", 2, Id("l3"), common::v1::LINE_ORIGIN_NONE, other.get()).ok());
  EXPECT_EQ(retried.version(), order.version());
  EXPECT_EQ(retried.lines_size(), 3);
  // And a retry here of the change made there.
  Order again = order;
  ASSERT_TRUE(AddLine(&again, "B", 1, Id("l2")).ok());
  EXPECT_EQ(again.version(), after_other.version());
  EXPECT_EQ(Get(order.order_id()).lines_size(), 3);
}

TEST_F(FrontDoorTest, MasterDataChangedBetweenChangesIsSeenAtOnce) {
  World();
  Order order = Start();
  ASSERT_TRUE(AddLine(&order, "A", 1).ok());
  // The call center stops offering STANDARD delivery.
  EditCallCenter([](order::v1::CallCenter& cc) {
    cc.clear_delivery_modes();
    cc.add_delivery_modes("EXPRESS");
  });
  fd::SetDeliveryRequest d;
  d.set_request_id(Id("delivery"));
  d.set_order_id(order.order_id());
  d.set_delivery_mode("STANDARD");
  fd::SetDeliveryResponse dr;
  grpc::Status refused = suite->front->SetDelivery(suite->As(Id("agent")).get(), d, &dr);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(refused.error_message().find("delivery_mode"), std::string::npos);
  // The agent's override allowance drops from 10% to 1%.
  User("agent", 100, {}, false);
  EXPECT_EQ(OverridePrice(&order, order.lines(0).line_id(), 1900, "override").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);  // 5% below 20.00
  const Order stored = Get(order.order_id());
  EXPECT_EQ(stored.version(), order.version());  // nothing written
  EXPECT_FALSE(stored.lines(0).price_overridden());
}

TEST_F(FrontDoorTest, ReusedRequestIdForAnotherRequestIsRefused) {
  World();
  Order order = Start();
  ASSERT_TRUE(AddLine(&order, "A", 1, Id("reused")).ok());
  grpc::Status s = AddLine(&order, "B", 1, Id("reused"));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("request_id"), std::string::npos);
  EXPECT_EQ(Get(order.order_id()).lines_size(), 1);
}

}  // namespace
}  // namespace callcenter::testing
