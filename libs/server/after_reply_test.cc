#include "libs/server/after_reply.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "callcenter/order/v1/order.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "libs/server/host.h"
#include "libs/server/parsing_handler.h"

namespace callcenter::server {
namespace {

TEST(AfterReplyTest, QueuedWorkRunsOnceInOrderAndALaterWordWins) {
  EXPECT_FALSE(InReplyScope());
  std::vector<std::string> ran;
  {
    ReplyScope scope;
    EXPECT_TRUE(InReplyScope());
    int a = 0, b = 0;
    AfterReply(&a, [&] { ran.push_back("a1"); });
    AfterReply(&b, [&] { ran.push_back("b"); });
    AfterReply(&a, [&] { ran.push_back("a2"); });  // replaces a1, keeps its place
    EXPECT_TRUE(ran.empty());
    scope.Run();
    EXPECT_FALSE(InReplyScope());  // after the reply: nothing more to queue
  }
  EXPECT_EQ(ran, (std::vector<std::string>{"a2", "b"}));
  EXPECT_FALSE(InReplyScope());
}

TEST(AfterReplyTest, WorkNotRunIsDroppedWithItsScope) {
  bool ran = false;
  {
    ReplyScope scope;
    AfterReply(&ran, [&] { ran = true; });
  }
  EXPECT_FALSE(ran);
  EXPECT_FALSE(InReplyScope());
  AfterReply(&ran, [&] { ran = true; });  // outside any scope: nothing queued
  EXPECT_FALSE(ran);
}

// The index of `method` in the generated service `service`.
int MethodIndex(const char* service, const char* method) {
  return google::protobuf::DescriptorPool::generated_pool()
      ->FindServiceByName(service)
      ->FindMethodByName(method)
      ->index();
}

// `service` served on 127.0.0.1, on a port of its own.
std::unique_ptr<ServiceHost> StartHost(grpc::Service* service) {
  HostOptions options;
  options.service = "test";
  options.listen_address = "127.0.0.1:0";
  options.drain_delay = absl::ZeroDuration();
  auto host = std::make_unique<ServiceHost>(options);
  host->Register(service);
  if (!host->Start().ok()) return nullptr;
  return host;
}

// A service whose method queues the move of its reply's content: the
// client must get the whole reply (the move comes after it was
// serialized), and the work must be done by the time the reply arrives.
class CallCenters : public ParsingHandlers<order::v1::CallCenterService::Service> {
 public:
  CallCenters() {
    UseParsingHandler(MethodIndex("callcenter.order.v1.CallCenterService", "GetCallCenter"),
                      "/callcenter.order.v1.CallCenterService/GetCallCenter",
                      &CallCenters::GetCallCenter);
  }

  grpc::Status GetCallCenter(grpc::ServerContext*, const order::v1::GetCallCenterRequest* req,
                             order::v1::GetCallCenterResponse* resp) override {
    resp->mutable_call_center()->set_call_center_id(req->call_center_id());
    resp->mutable_call_center()->set_name(std::string(1000, 'n'));
    in_scope = InReplyScope();
    AfterReply(resp, [this, resp] {
      kept = std::move(*resp->mutable_call_center()->mutable_name());
      done.Notify();
    });
    return grpc::Status::OK;
  }

  bool in_scope = false;
  std::string kept;  // written before `done`
  absl::Notification done;
};

TEST(AfterReplyTest, AParsingHandlerRunsTheWorkBetweenSerializingAndSendingTheReply) {
  CallCenters service;
  std::unique_ptr<ServiceHost> host = StartHost(&service);
  ASSERT_NE(host, nullptr);
  auto stub = order::v1::CallCenterService::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(host->port()), grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  order::v1::GetCallCenterRequest req;
  req.set_call_center_id("cc1");
  order::v1::GetCallCenterResponse resp;
  ASSERT_TRUE(stub->GetCallCenter(&ctx, req, &resp).ok());
  EXPECT_EQ(resp.call_center().name(), std::string(1000, 'n'));  // sent whole
  // The work ran before the reply was sent: done by the time it arrives.
  ASSERT_TRUE(service.done.HasBeenNotified());
  EXPECT_TRUE(service.in_scope);
  EXPECT_EQ(service.kept, std::string(1000, 'n'));  // then moved
  host->Shutdown();
}

// A service whose reply's order already has its bytes: the reply carries
// them for it (with the reply's other fields), unless the order changed.
class SalesOrders : public ParsingHandlers<order::v1::SalesOrderService::Service> {
 public:
  SalesOrders() {
    UseParsingHandler(MethodIndex("callcenter.order.v1.SalesOrderService", "SaveOrder"),
                      "/callcenter.order.v1.SalesOrderService/SaveOrder", &SalesOrders::SaveOrder);
  }

  grpc::Status SaveOrder(grpc::ServerContext*, const order::v1::SaveOrderRequest* req,
                         order::v1::SaveOrderResponse* resp) override {
    common::v1::Order* order = resp->mutable_order();
    order->set_order_id("as-a-message");
    order->set_version(1);
    resp->set_replayed(true);
    common::v1::Order other;
    other.set_order_id("from-its-bytes");
    other.set_version(2);
    const bool unchanged = req->method() != "changed";
    // In two pieces: the bytes of the order up to its version, then those.
    const std::string bytes = other.SerializeAsString();
    const size_t half = bytes.size() / 2;
    ReplyPartSerialized(order, {bytes.substr(0, half), bytes.substr(half)},
                        [unchanged] { return unchanged; });
    if (req->method() == "twice") {  // the later bytes replace the earlier
      other.set_order_id("from-later-bytes");
      ReplyPartSerialized(order, {other.SerializeAsString()}, [] { return true; });
    }
    return grpc::Status::OK;
  }
};

TEST(AfterReplyTest, AReplyCarriesThePartsBytesUnlessThePartChanged) {
  SalesOrders service;
  std::unique_ptr<ServiceHost> host = StartHost(&service);
  ASSERT_NE(host, nullptr);
  auto stub = order::v1::SalesOrderService::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(host->port()), grpc::InsecureChannelCredentials()));
  auto save = [&](const std::string& method) {
    grpc::ClientContext ctx;
    order::v1::SaveOrderRequest req;
    req.set_method(method);
    order::v1::SaveOrderResponse resp;
    EXPECT_TRUE(stub->SaveOrder(&ctx, req, &resp).ok());
    return resp;
  };
  const order::v1::SaveOrderResponse bytes = save("bytes");
  EXPECT_EQ(bytes.order().order_id(), "from-its-bytes");
  EXPECT_EQ(bytes.order().version(), 2);
  EXPECT_TRUE(bytes.replayed());  // the rest of the reply as well
  EXPECT_EQ(save("twice").order().order_id(), "from-later-bytes");
  const order::v1::SaveOrderResponse changed = save("changed");
  EXPECT_EQ(changed.order().order_id(), "as-a-message");
  EXPECT_TRUE(changed.replayed());
  host->Shutdown();
}

}  // namespace
}  // namespace callcenter::server
