#include "libs/logging/log.h"

#include <sstream>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace callcenter::log {
namespace {

TEST(RedactTest, RemovesCardNumbers) {
  EXPECT_EQ(Redact("card 4111111111111111 ok"), "card [redacted] ok");
  EXPECT_EQ(Redact("card 4111 1111 1111 1111"), "card [redacted]");
  EXPECT_EQ(Redact("4111-1111-1111-1111."), "[redacted].");
  EXPECT_EQ(Redact("order 12345 qty 3"), "order 12345 qty 3");
  EXPECT_EQ(Redact("tok_0002"), "tok_0002");
  EXPECT_EQ(Redact("2026-11-27"), "2026-11-27");
}

TEST(LogTest, WritesOneJsonObjectPerLine) {
  std::ostringstream out;
  SetSinkForTesting(&out);
  Init("pricing");
  Write(Severity::kWarning, "paid with 5500000000000004", "req-1", {{"method", "PriceOrder"}});
  SetSinkForTesting(nullptr);
  std::string text = out.str();
  ASSERT_EQ(text.back(), '\n');
  nlohmann::json line = nlohmann::json::parse(text);
  EXPECT_EQ(line["service"], "pricing");
  EXPECT_EQ(line["severity"], "WARNING");
  EXPECT_EQ(line["message"], "paid with [redacted]");
  EXPECT_EQ(line["request_id"], "req-1");
  EXPECT_EQ(line["method"], "PriceOrder");
  EXPECT_TRUE(line.contains("timestamp"));
  EXPECT_EQ(text.find("5500000000000004"), std::string::npos);
}

}  // namespace
}  // namespace callcenter::log
