#include "libs/server/host.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "grpcpp/grpcpp.h"
#include "callcenter/hold/v1/hold.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"

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

}  // namespace
}  // namespace callcenter::server
