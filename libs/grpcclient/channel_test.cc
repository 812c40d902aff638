#include "libs/grpcclient/channel.h"

#include <atomic>
#include <thread>

#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"

namespace callcenter::grpcclient {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

// Answers UNAVAILABLE to the first `failures` calls, then SERVING.
class FlakyHealth final : public Health::Service {
 public:
  explicit FlakyHealth(int failures) : failures_(failures) {}
  grpc::Status Check(grpc::ServerContext*, const HealthCheckRequest*,
                     HealthCheckResponse* resp) override {
    if (calls_.fetch_add(1) < failures_) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "warming up");
    }
    resp->set_status(HealthCheckResponse::SERVING);
    return grpc::Status::OK;
  }
  grpc::Status Watch(grpc::ServerContext*, const HealthCheckRequest*,
                     grpc::ServerWriter<HealthCheckResponse>*) override {
    return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "");
  }
  int calls() const { return calls_; }

 private:
  const int failures_;
  std::atomic<int> calls_{0};
};

struct Served {
  explicit Served(int failures) : health(failures) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&health);
    server = builder.BuildAndStart();
  }
  ~Served() { server->Shutdown(std::chrono::system_clock::now()); }
  FlakyHealth health;
  int port = 0;
  std::unique_ptr<grpc::Server> server;
};

grpc::Status Check(int port, const RetryPolicy& retry) {
  auto stub = Health::NewStub(NewIdempotentServiceChannel(
      "127.0.0.1:" + std::to_string(port), Health::service_full_name(), retry));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  HealthCheckRequest req;
  HealthCheckResponse resp;
  return stub->Check(&ctx, req, &resp);
}

TEST(ChannelTest, UnavailableIsRetriedUpToTheAttempts) {
  Served two_failures(2);
  ASSERT_NE(two_failures.port, 0);
  EXPECT_TRUE(Check(two_failures.port, RetryPolicy{3, 1, 5}).ok());
  EXPECT_EQ(two_failures.health.calls(), 3);

  Served three_failures(3);
  EXPECT_EQ(Check(three_failures.port, RetryPolicy{3, 1, 5}).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(three_failures.health.calls(), 3);
}

TEST(ChannelTest, OtherErrorsAreNotRetried) {
  // NOT_FOUND from the server is an answer, not a transient failure.
  class Missing final : public Health::Service {
   public:
    grpc::Status Check(grpc::ServerContext*, const HealthCheckRequest*,
                       HealthCheckResponse*) override {
      ++calls;
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown service");
    }
    std::atomic<int> calls{0};
  } missing;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&missing);
  auto server = builder.BuildAndStart();
  EXPECT_EQ(Check(port, RetryPolicy{}).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(missing.calls.load(), 1);
  server->Shutdown(std::chrono::system_clock::now());
}

TEST(ChannelTest, AServiceThatComesBackIsReachedWithinAboutASecond) {
  // Nothing listens yet: the channel fails and backs off.
  int port = 0;
  {
    Served probe(0);  // learn a free port, then free it
    port = probe.port;
  }
  auto stub = Health::NewStub(NewIdempotentServiceChannel(
      "127.0.0.1:" + std::to_string(port), Health::service_full_name(), RetryPolicy{2, 1, 1, 300}));
  for (int i = 0; i < 5; ++i) {
    grpc::ClientContext ctx;
    HealthCheckRequest req;
    HealthCheckResponse resp;
    EXPECT_EQ(stub->Check(&ctx, req, &resp).error_code(), grpc::StatusCode::UNAVAILABLE);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  // The service starts on that port; the channel finds it within its
  // reconnect backoff (300 ms here), not gRPC's default of up to 2 minutes.
  FlakyHealth health(0);
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:" + std::to_string(port), grpc::InsecureServerCredentials());
  builder.RegisterService(&health);
  auto server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  grpc::ClientContext ctx;
  ctx.set_wait_for_ready(true);
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(1000));
  HealthCheckRequest req;
  HealthCheckResponse resp;
  EXPECT_TRUE(stub->Check(&ctx, req, &resp).ok());
  server->Shutdown(std::chrono::system_clock::now());
}

TEST(ChannelTest, ServiceConfigNamesTheServiceAndOnlyUnavailable) {
  const std::string json = ServiceConfigJson("callcenter.x.v1.X", RetryPolicy{4, 50, 500});
  EXPECT_NE(json.find(R"("service": "callcenter.x.v1.X")"), std::string::npos);
  EXPECT_NE(json.find(R"("maxAttempts": 4)"), std::string::npos);
  EXPECT_NE(json.find(R"("initialBackoff": "0.050s")"), std::string::npos);
  EXPECT_NE(json.find(R"("retryableStatusCodes": ["UNAVAILABLE"])"), std::string::npos);
  EXPECT_NE(json.find("round_robin"), std::string::npos);
}

}  // namespace
}  // namespace callcenter::grpcclient
