#include "libs/metrics/metrics.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace callcenter::metrics {
namespace {

using ::testing::HasSubstr;

TEST(MetricsTest, CountsRpcsByCodeWithLatency) {
  Metrics m("pricing");
  m.RecordRpc("PriceOrder", "OK", absl::Milliseconds(2));
  m.RecordRpc("PriceOrder", "OK", absl::Milliseconds(3));
  m.RecordRpc("PriceOrder", "INVALID_ARGUMENT", absl::Milliseconds(1));
  const std::string text = m.Scrape();
  EXPECT_THAT(text, HasSubstr("grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"PriceOrder\","
                              "grpc_service=\"pricing\"} 2"));
  EXPECT_THAT(text, HasSubstr("grpc_code=\"INVALID_ARGUMENT\""));
  EXPECT_THAT(text, HasSubstr("grpc_server_handling_seconds_count{grpc_method=\"PriceOrder\","
                              "grpc_service=\"pricing\"} 3"));
}

TEST(MetricsTest, CustomCounters) {
  Metrics m("orchestration");
  const Counter authorize =
      m.MakeCounter("saga_compensations_total", "Compensations run.", {{"step", "authorize"}});
  const Counter hold =
      m.MakeCounter("saga_compensations_total", "Compensations run.", {{"step", "hold"}});
  EXPECT_THAT(m.Scrape(), HasSubstr("saga_compensations_total{step=\"hold\"} 0"));  // at once
  authorize.Increment();
  authorize.Increment();
  EXPECT_THAT(m.Scrape(), HasSubstr("saga_compensations_total{step=\"authorize\"} 2"));
  Counter none;  // no metrics: counts nothing, and is safe to bump
  none.Increment();
}

TEST(MetricsTest, GaugesAreReadAtEachScrape) {
  Metrics m("order");
  int open = 3;
  m.AddGauge("db_pool_connections", "Connections.", {{"state", "open"}}, [&] { return open; });
  m.AddGauge("db_pool_connections", "Connections.", {{"state", "idle"}}, [] { return 1; });
  EXPECT_THAT(m.Scrape(), HasSubstr("db_pool_connections{state=\"open\"} 3"));
  open = 5;
  const std::string text = m.Scrape();
  EXPECT_THAT(text, HasSubstr("db_pool_connections{state=\"open\"} 5"));
  EXPECT_THAT(text, HasSubstr("db_pool_connections{state=\"idle\"} 1"));
}

TEST(MetricsTest, ExposesOverHttp) {
  Metrics m("hold");
  ASSERT_TRUE(m.Expose(0).ok());
  EXPECT_GT(m.port(), 0);
}

}  // namespace
}  // namespace callcenter::metrics
