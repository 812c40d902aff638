#include "services/orchestration/clients/order_client.h"

#include "callcenter/order/v1/order_mock.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace callcenter::orchestration {
namespace {

using ::testing::_;
using ::testing::Invoke;
using ::testing::StrictMock;

OrderSave ASave() {
  OrderSave save;
  save.method = "AddLine";
  save.fingerprint = "f";
  save.order.set_order_id("o1");
  save.order.set_version(4);
  save.order.add_lines()->set_line_id("l1");
  OrderEvent e;
  e.set_kind("line_added");
  save.events.push_back(e);
  return save;
}

class OrderClientTest : public ::testing::Test {
 protected:
  StrictMock<order::v1::MockSalesOrderServiceStub> orders_;
  StrictMock<order::v1::MockContinuityServiceStub> continuity_;
  OrderClient client_{&orders_, &continuity_, CallFactory(absl::Seconds(3))};
};

// Stored as sent, the order comes back as its stamps: the client's copy
// with the new version and time, and the new events stamped then.
TEST_F(OrderClientTest, AnOrderStoredAsSentIsRebuiltFromItsStamps) {
  EXPECT_CALL(orders_, SaveOrder(_, _, _))
      .WillOnce(Invoke([](grpc::ClientContext*, const order::v1::SaveOrderRequest& req,
                          order::v1::SaveOrderResponse* resp) {
        EXPECT_FALSE(req.has_order());
        EXPECT_TRUE(req.reply_without_order());
        Order sent;
        EXPECT_TRUE(sent.ParseFromString(req.order_doc()));
        EXPECT_EQ(sent.lines_size(), 1);
        resp->mutable_saved()->set_version(5);
        resp->mutable_saved()->mutable_updated_at()->set_seconds(1700000000);
        return grpc::Status::OK;
      }));
  absl::StatusOr<SavedOrder> saved = client_.Save(CallScope{"r1", absl::InfiniteFuture()}, ASave());
  ASSERT_TRUE(saved.ok()) << saved.status();
  EXPECT_FALSE(saved->replayed);
  EXPECT_EQ(saved->order.version(), 5);
  EXPECT_EQ(saved->order.updated_at().seconds(), 1700000000);
  ASSERT_EQ(saved->order.events_size(), 1);
  EXPECT_EQ(saved->order.events(0).kind(), "line_added");
  EXPECT_EQ(saved->order.events(0).at().seconds(), 1700000000);
  EXPECT_EQ(saved->order.lines_size(), 1);
  // Its bytes without serializing it again: the order as saved.
  Order from_doc;
  ASSERT_EQ(saved->doc.size(), 2u);
  ASSERT_TRUE(from_doc.ParseFromString(saved->doc[0] + saved->doc[1]));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(from_doc, saved->order));
}

// The stamps replace what the order held: a version, both fields of the
// time (a zero among them), and the events after the earlier ones.
TEST(SaveStampsTest, TheStampsReplaceAndAppendAsASavesStampsDo) {
  Order sent;
  sent.set_order_id("o1");
  sent.set_version(7);
  sent.mutable_updated_at()->set_seconds(1600000000);
  sent.mutable_updated_at()->set_nanos(123);
  sent.add_lines()->set_line_id("l1");
  sent.add_events()->set_kind("created");
  OrderEvent added;
  added.set_kind("line_added");
  added.mutable_at()->set_seconds(1700000000);
  google::protobuf::Timestamp at;
  at.set_seconds(1700000000);  // nanos 0: must replace 123
  Order want = sent;
  want.set_version(8);
  *want.mutable_updated_at() = at;
  *want.add_events() = added;
  Order got;
  Order two_added;  // an order of events only: its bytes are the events' entries
  *two_added.add_events() = added;
  *two_added.add_events() = added;
  ASSERT_TRUE(got.ParseFromString(sent.SerializeAsString() +
                                  SaveStamps(8, at, two_added.SerializeAsString())));
  *want.add_events() = added;
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(got, want)) << got.DebugString();
  // A version of 0 and a time of 0 are written too.
  ASSERT_TRUE(got.ParseFromString(sent.SerializeAsString() +
                                  SaveStamps(0, google::protobuf::Timestamp(), "")));
  EXPECT_EQ(got.version(), 0);
  EXPECT_EQ(got.updated_at().seconds(), 0);
  EXPECT_EQ(got.updated_at().nanos(), 0);
}

Order WithEvents(int events) {
  Order o;
  o.set_order_id("o1");
  o.set_version(3);
  o.set_currency("USD");
  o.add_lines()->set_line_id("l1");
  o.mutable_lines(0)->set_quantity(2);
  o.mutable_total()->set_minor_units(1234);
  for (int i = 0; i < events; ++i) {
    OrderEvent* e = o.add_events();
    e->set_kind("line_added");
    e->set_detail(std::string(static_cast<size_t>(i), 'x'));
    e->mutable_at()->set_seconds(1700000000 + i);
  }
  return o;
}

// The bytes sent parse to the order whatever the run held: nothing, the
// first events, all of them, or more than the order has (another log).
TEST(EventsRunTest, TheOrderWithItsEventsLastParsesToTheOrder) {
  const Order order = WithEvents(5);
  for (int held : {0, 2, 5, 7}) {
    EventsRun run;
    const Order shorter = WithEvents(held);
    if (held > 0) {
      Order copy = shorter;
      SerializeWithEventsRun(&copy, &run);
      ASSERT_EQ(run.count, held);
    }
    Order sent = order;
    const std::string doc = SerializeWithEventsRun(&sent, &run);
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(sent, order)) << held;
    Order parsed;
    ASSERT_TRUE(parsed.ParseFromString(doc)) << held;
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(parsed, order))
        << held << parsed.DebugString();
    EXPECT_EQ(run.count, 5) << held;
    Order events_only;
    ASSERT_TRUE(events_only.ParseFromString(run.bytes));
    ASSERT_EQ(events_only.events_size(), 5);
    for (int i = 0; i < 5; ++i) {
      EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(events_only.events(i),
                                                                     order.events(i)));
    }
  }
}

// Two saves in a row, the second starting from the first's order and run
// (as a kept context does): each sends the whole log, the new events
// stamped, and the run grows with them.
TEST_F(OrderClientTest, TheNextSaveSendsTheLogFromTheKeptRun) {
  std::vector<Order> sent;
  EXPECT_CALL(orders_, SaveOrder(_, _, _))
      .Times(2)
      .WillRepeatedly(Invoke([&](grpc::ClientContext*, const order::v1::SaveOrderRequest& req,
                                 order::v1::SaveOrderResponse* resp) {
        Order order;
        EXPECT_TRUE(order.ParseFromString(req.order_doc()));
        sent.push_back(order);
        resp->mutable_saved()->set_version(order.version() + 1);
        resp->mutable_saved()->mutable_updated_at()->set_seconds(1700000100 + order.version());
        return grpc::Status::OK;
      }));
  OrderSave first = ASave();
  *first.order.add_events() = OrderEvent();
  first.order.mutable_events(0)->set_kind("created");
  absl::StatusOr<SavedOrder> one = client_.Save(CallScope{"r1", absl::InfiniteFuture()}, first);
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_EQ(one->events_run.count, 2);
  OrderSave second = ASave();
  second.order = one->order;
  second.order.mutable_lines(0)->set_quantity(9);
  second.events_run = one->events_run;
  second.events[0].set_kind("quantity_changed");
  ASSERT_EQ(second.order.events_size(), 2);  // "created", then the first save's stamped event
  absl::StatusOr<SavedOrder> two = client_.Save(CallScope{"r2", absl::InfiniteFuture()}, second);
  ASSERT_TRUE(two.ok()) << two.status();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(sent[1], second.order))
      << sent[1].DebugString();
  ASSERT_EQ(two->order.events_size(), 3);
  EXPECT_EQ(two->order.events(1).kind(), "line_added");
  EXPECT_EQ(two->order.events(1).at().seconds(), 1700000104);
  EXPECT_EQ(two->order.events(2).kind(), "quantity_changed");
  EXPECT_EQ(two->events_run.count, 3);
  Order from_doc;
  ASSERT_TRUE(from_doc.ParseFromString(two->doc[0] + two->doc[1]));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(from_doc, two->order));
  Order events_only;
  ASSERT_TRUE(events_only.ParseFromString(two->events_run.bytes));
  ASSERT_EQ(events_only.events_size(), 3);
  EXPECT_TRUE(
      google::protobuf::util::MessageDifferencer::Equals(events_only.events(2), two->order.events(2)));
}

// A replay (or an order service that answers in full) gives the order it
// sends, not the client's copy.
TEST_F(OrderClientTest, AWholeAnswerIsTakenAsItIs) {
  EXPECT_CALL(orders_, SaveOrder(_, _, _))
      .WillOnce(Invoke([](grpc::ClientContext*, const order::v1::SaveOrderRequest&,
                          order::v1::SaveOrderResponse* resp) {
        resp->mutable_order()->set_order_id("o1");
        resp->mutable_order()->set_version(9);
        resp->set_replayed(true);
        return grpc::Status::OK;
      }));
  absl::StatusOr<SavedOrder> saved = client_.Save(CallScope{"r1", absl::InfiniteFuture()}, ASave());
  ASSERT_TRUE(saved.ok()) << saved.status();
  EXPECT_TRUE(saved->replayed);
  EXPECT_EQ(saved->order.version(), 9);
  EXPECT_EQ(saved->order.lines_size(), 0);
  EXPECT_TRUE(saved->doc.empty());  // no bytes of its own: serialized when sent
}

// During a rolling update an order service older than order_doc finds no
// order in the request: the client sends it again as a message.
TEST_F(OrderClientTest, AnOrderServiceWithoutOrderDocGetsTheOrderAsAMessage) {
  EXPECT_CALL(orders_, SaveOrder(_, _, _))
      .WillOnce(Invoke([](grpc::ClientContext*, const order::v1::SaveOrderRequest& req,
                          order::v1::SaveOrderResponse*) {
        EXPECT_FALSE(req.has_order());
        return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "order.order_id: required");
      }))
      .WillOnce(Invoke([](grpc::ClientContext*, const order::v1::SaveOrderRequest& req,
                          order::v1::SaveOrderResponse* resp) {
        EXPECT_TRUE(req.order_doc().empty());
        EXPECT_EQ(req.order().order_id(), "o1");
        EXPECT_EQ(req.new_events_size(), 1);
        *resp->mutable_order() = req.order();
        resp->mutable_order()->set_version(req.order().version() + 1);
        return grpc::Status::OK;
      }));
  absl::StatusOr<SavedOrder> saved = client_.Save(CallScope{"r1", absl::InfiniteFuture()}, ASave());
  ASSERT_TRUE(saved.ok()) << saved.status();
  EXPECT_EQ(saved->order.version(), 5);
}

}  // namespace
}  // namespace callcenter::orchestration
