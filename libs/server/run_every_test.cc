#include <atomic>
#include <chrono>
#include <thread>

#include "gtest/gtest.h"
#include "libs/server/service_main.h"

namespace callcenter::server {
namespace {

TEST(RunEveryTest, RunsFromReadyUntilStopAfterTheHooksBefore) {
  Built built;
  std::atomic<int> runs{0};
  std::vector<std::string> order;
  built.on_ready = [&] {
    order.push_back("ready");
    return absl::OkStatus();
  };
  built.on_stop = [&] { order.push_back("stop"); };
  RunEvery(absl::Milliseconds(5), [&] { ++runs; }, &built);
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_EQ(runs.load(), 0);  // nothing before readiness
  ASSERT_TRUE(built.on_ready().ok());
  for (int i = 0; i < 200 && runs < 3; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_GE(runs.load(), 3);
  ASSERT_TRUE(built.on_ready().ok());  // a second readiness starts no second loop
  built.on_stop();
  const int after_stop = runs;
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_EQ(runs.load(), after_stop);
  EXPECT_EQ(order, (std::vector<std::string>{"ready", "ready", "stop"}));
}

TEST(RunEveryTest, AFailedReadinessStartsNothing) {
  Built built;
  std::atomic<int> runs{0};
  built.on_ready = [] { return absl::UnavailableError("database not there yet"); };
  RunEvery(absl::Milliseconds(5), [&] { ++runs; }, &built);
  EXPECT_EQ(built.on_ready().code(), absl::StatusCode::kUnavailable);
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_EQ(runs.load(), 0);
  built.on_stop();
}

}  // namespace
}  // namespace callcenter::server
