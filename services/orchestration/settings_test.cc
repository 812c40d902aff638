#include "services/orchestration/settings.h"

#include <map>
#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace callcenter::orchestration {
namespace {

using ::testing::HasSubstr;

Config::Lookup Env(std::map<std::string, std::string> values) {
  auto env = std::make_shared<std::map<std::string, std::string>>(std::move(values));
  return [env](const char* name) -> const char* {
    auto it = env->find(name);
    return it == env->end() ? nullptr : it->second.c_str();
  };
}

TEST(FrontDoorSettingsTest, DefaultsWithOnlyTheSecretSet) {
  Config config(Env({{"CALLCENTER_JWT_SECRET", "s"}}));
  const FrontDoorSettings s = FrontDoorSettings::Read(config);
  EXPECT_TRUE(config.status().ok()) << config.status();
  EXPECT_EQ(s.entry.jwt_secret, "s");
  EXPECT_EQ(s.entry.max_token_lifetime, absl::Hours(24));
  EXPECT_EQ(s.entry.downstream_timeout, absl::Seconds(3));
  EXPECT_EQ(s.order_addr, "dns:///127.0.0.1:50052");
  EXPECT_EQ(s.hold_addr, "dns:///127.0.0.1:50056");
  EXPECT_EQ(s.saga_recovery_interval, absl::Seconds(5));
  EXPECT_EQ(s.saga_idle, absl::Seconds(30));
  EXPECT_EQ(s.saga_retention, absl::Hours(720));
  EXPECT_EQ(s.payment_sweep_interval, absl::Seconds(10));
  EXPECT_EQ(s.payment_sweep_min_age, absl::Minutes(5));
  EXPECT_EQ(s.entry.limits.max_lines, 500);
  // --list-config prints these defaults.
  EXPECT_EQ(config.defaults().at("SAGA_IDLE_MS"), "30000");
  EXPECT_EQ(config.defaults().at("PAYMENT_ADDR"), "dns:///127.0.0.1:50055");
}

TEST(FrontDoorSettingsTest, RefusesWhatCannotWork) {
  struct Case {
    const char* name;
    std::map<std::string, std::string> env;
    std::string problem;
  };
  const Case cases[] = {
      {"no secret", {}, "CALLCENTER_JWT_SECRET is required"},
      {"a sweep that could void a payment still on its way",
       {{"CALLCENTER_JWT_SECRET", "s"},
        {"DOWNSTREAM_TIMEOUT_MS", "3000"},
        {"PAYMENT_SWEEP_MIN_AGE_MS", "6000"}},
       "PAYMENT_SWEEP_MIN_AGE_MS: must be more than twice DOWNSTREAM_TIMEOUT_MS"},
      {"a timeout out of range",
       {{"CALLCENTER_JWT_SECRET", "s"}, {"DOWNSTREAM_TIMEOUT_MS", "5"}},
       "DOWNSTREAM_TIMEOUT_MS=5 is outside [10, 600000]"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Config config(Env(c.env));
    FrontDoorSettings::Read(config);
    EXPECT_THAT(std::string(config.status().message()), HasSubstr(c.problem));
  }
}

}  // namespace
}  // namespace callcenter::orchestration
