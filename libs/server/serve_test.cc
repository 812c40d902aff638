#include "libs/server/serve.h"

#include <thread>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace callcenter::server {
namespace {

TEST(ServeTest, MapsStatusAndExceptions) {
  EXPECT_TRUE(Serve(nullptr, "M", "", [] { return absl::OkStatus(); }).ok());
  EXPECT_EQ(Serve(nullptr, "M", "", [] { return absl::NotFoundError("x"); }).error_code(),
            grpc::StatusCode::NOT_FOUND);
  grpc::Status thrown = Serve(nullptr, "M", "", []() -> absl::Status {
    throw std::runtime_error("boom");
  });
  EXPECT_EQ(thrown.error_code(), grpc::StatusCode::INTERNAL);
}

TEST(ServeTest, CallsBeyondTheCapAreRefusedAtOnce) {
  SetMaxCallsInFlight(2);
  absl::Notification entered_1, entered_2, release;
  auto hold = [&](absl::Notification* entered) {
    return Serve(nullptr, "Slow", "", [&, entered] {
      entered->Notify();
      release.WaitForNotification();
      return absl::OkStatus();
    });
  };
  grpc::Status first, second;
  std::thread a([&] { first = hold(&entered_1); });
  std::thread b([&] { second = hold(&entered_2); });
  entered_1.WaitForNotification();
  entered_2.WaitForNotification();
  bool ran = false;
  grpc::Status third = Serve(nullptr, "Fast", "", [&] {
    ran = true;
    return absl::OkStatus();
  });
  EXPECT_EQ(third.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(third.error_message().find("2 calls in flight"), std::string::npos);
  EXPECT_FALSE(ran);
  release.Notify();
  a.join();
  b.join();
  EXPECT_TRUE(first.ok());
  EXPECT_TRUE(second.ok());
  // With the calls done there is room again; 0 lifts the cap.
  EXPECT_TRUE(Serve(nullptr, "Fast", "", [] { return absl::OkStatus(); }).ok());
  SetMaxCallsInFlight(0);
}

}  // namespace
}  // namespace callcenter::server
