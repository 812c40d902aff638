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
  ASSERT_TRUE(got.ParseFromString(sent.SerializeAsString() + SaveStamps(8, at, {added, added})));
  *want.add_events() = added;
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(got, want)) << got.DebugString();
  // A version of 0 and a time of 0 are written too.
  ASSERT_TRUE(got.ParseFromString(sent.SerializeAsString() +
                                  SaveStamps(0, google::protobuf::Timestamp(), {})));
  EXPECT_EQ(got.version(), 0);
  EXPECT_EQ(got.updated_at().seconds(), 0);
  EXPECT_EQ(got.updated_at().nanos(), 0);
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
