#include "libs/server/host.h"

#include "absl/strings/str_cat.h"
#include "callcenter/hold/v1/hold.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1/reflection.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"

namespace callcenter::server {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

HealthCheckResponse::ServingStatus Check(Health::Stub& stub, const std::string& service) {
  grpc::ClientContext ctx;
  HealthCheckRequest req;
  req.set_service(service);
  HealthCheckResponse resp;
  grpc::Status s = stub.Check(&ctx, req, &resp);
  if (!s.ok()) return HealthCheckResponse::UNKNOWN;
  return resp.status();
}

TEST(ServiceHostTest, ReadinessFollowsSetReadyAndShutdown) {
  HostOptions options;
  options.service = "test";
  options.listen_address = "127.0.0.1:0";
  options.drain_delay = absl::ZeroDuration();
  options.shutdown_grace = absl::Seconds(1);
  ServiceHost host(options);
  ASSERT_TRUE(host.Start().ok());
  ASSERT_GT(host.port(), 0);
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", host.port()),
                                     grpc::InsecureChannelCredentials());
  auto stub = Health::NewStub(channel);
  EXPECT_EQ(Check(*stub, ""), HealthCheckResponse::SERVING);
  EXPECT_EQ(Check(*stub, kReadinessService), HealthCheckResponse::NOT_SERVING);
  host.SetReady(true);
  EXPECT_EQ(Check(*stub, kReadinessService), HealthCheckResponse::SERVING);
  host.Shutdown();
  EXPECT_EQ(Check(*stub, ""), HealthCheckResponse::UNKNOWN);  // no longer listening
}

// The gRPC health protocol: a client may ask by the full name of the
// service it calls; it is ready when the server is.
TEST(ServiceHostTest, EachServedServiceHasItsOwnHealthStatus) {
  HostOptions options;
  options.service = "test";
  options.listen_address = "127.0.0.1:0";
  options.drain_delay = absl::ZeroDuration();
  callcenter::hold::v1::HoldService::Service hold;  // every method unimplemented
  ServiceHost host(options);
  host.Register(&hold);
  ASSERT_TRUE(host.Start().ok());
  auto stub = Health::NewStub(grpc::CreateChannel(absl::StrCat("127.0.0.1:", host.port()),
                                                  grpc::InsecureChannelCredentials()));
  const std::string name = "callcenter.hold.v1.HoldService";
  EXPECT_EQ(Check(*stub, name), HealthCheckResponse::NOT_SERVING);
  host.SetReady(true);
  EXPECT_EQ(Check(*stub, name), HealthCheckResponse::SERVING);
  EXPECT_EQ(Check(*stub, "callcenter.hold.v1.NoSuchService"), HealthCheckResponse::UNKNOWN);
  host.SetReady(false);
  EXPECT_EQ(Check(*stub, name), HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(Check(*stub, ""), HealthCheckResponse::SERVING);  // alive all the while
}

// Reflection under its stable name (v1) too: the services, and for a symbol
// its file with everything it imports, sent once per stream.
TEST(ServiceHostTest, ServesReflectionV1) {
  using grpc::reflection::v1::ServerReflection;
  using grpc::reflection::v1::ServerReflectionRequest;
  using grpc::reflection::v1::ServerReflectionResponse;
  HostOptions options;
  options.service = "test";
  options.listen_address = "127.0.0.1:0";
  callcenter::hold::v1::HoldService::Service hold;
  ServiceHost host(options);
  host.Register(&hold);
  ASSERT_TRUE(host.Start().ok());
  auto stub = ServerReflection::NewStub(grpc::CreateChannel(absl::StrCat("127.0.0.1:", host.port()),
                                                            grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  auto stream = stub->ServerReflectionInfo(&ctx);
  auto ask = [&](const ServerReflectionRequest& req) {
    ServerReflectionResponse resp;
    EXPECT_TRUE(stream->Write(req));
    EXPECT_TRUE(stream->Read(&resp));
    return resp;
  };
  auto files_of = [](const ServerReflectionResponse& resp) {
    std::vector<std::string> names;
    for (const std::string& raw : resp.file_descriptor_response().file_descriptor_proto()) {
      google::protobuf::FileDescriptorProto file;
      EXPECT_TRUE(file.ParseFromString(raw));
      names.push_back(file.name());
    }
    return names;
  };

  ServerReflectionRequest list;
  list.set_list_services("");
  const ServerReflectionResponse listed = ask(list);
  std::vector<std::string> services;
  for (const auto& s : listed.list_services_response().service()) services.push_back(s.name());
  EXPECT_THAT(services,
              testing::IsSupersetOf({"callcenter.hold.v1.HoldService", "grpc.health.v1.Health",
                                     "grpc.reflection.v1.ServerReflection",
                                     "grpc.reflection.v1alpha.ServerReflection"}));

  ServerReflectionRequest symbol;
  symbol.set_file_containing_symbol("callcenter.hold.v1.HoldService");
  ServerReflectionResponse found = ask(symbol);
  EXPECT_EQ(found.original_request().file_containing_symbol(), "callcenter.hold.v1.HoldService");
  const std::vector<std::string> files = files_of(found);
  ASSERT_FALSE(files.empty());
  EXPECT_EQ(files[0], "callcenter/hold/v1/hold.proto");
  EXPECT_THAT(files, testing::Contains("callcenter/common/v1/common.proto"));
  // Asked again on the same stream: the file itself, its imports not again.
  ServerReflectionRequest by_name;
  by_name.set_file_by_filename("callcenter/hold/v1/hold.proto");
  EXPECT_THAT(files_of(ask(by_name)), testing::ElementsAre("callcenter/hold/v1/hold.proto"));

  ServerReflectionRequest unknown;
  unknown.set_file_containing_symbol("callcenter.hold.v1.NoSuchThing");
  EXPECT_EQ(ask(unknown).error_response().error_code(), grpc::StatusCode::NOT_FOUND);
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
}

}  // namespace
}  // namespace callcenter::server
