#include "libs/config/config.h"

#include <map>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace callcenter {
namespace {

using ::testing::HasSubstr;

Config::Lookup FakeEnv(std::map<std::string, std::string> values) {
  auto env = std::make_shared<std::map<std::string, std::string>>(std::move(values));
  return [env](const char* name) -> const char* {
    auto it = env->find(name);
    return it == env->end() ? nullptr : it->second.c_str();
  };
}

TEST(ConfigTest, DefaultsWhenUnset) {
  Config config(FakeEnv({}));
  EXPECT_EQ(config.Port("PORT", 50052), 50052);
  EXPECT_EQ(config.String("NAME", "x"), "x");
  EXPECT_TRUE(config.Bool("FLAG", true));
  EXPECT_TRUE(config.status().ok());
}

TEST(ConfigTest, ReadsValues) {
  Config config(FakeEnv({{"PORT", "7000"}, {"FLAG", "false"}, {"NAME", "y"}}));
  EXPECT_EQ(config.Port("PORT", 1), 7000);
  EXPECT_FALSE(config.Bool("FLAG", true));
  EXPECT_EQ(config.String("NAME", "x"), "y");
  EXPECT_TRUE(config.status().ok());
}

// --list-config prints these: the default, whatever the environment says.
TEST(ConfigTest, RecordsEachDefaultApartFromTheValue) {
  Config config(FakeEnv({{"PORT", "7000"}, {"API_SECRET", "s3"}}));
  config.Port("PORT", 50052);
  config.Int("RETRIES", 3, 0, 10);
  config.Bool("FLAG", false);
  config.String("API_SECRET", "");
  config.Required("CALLCENTER_JWT_SECRET");
  EXPECT_EQ(config.defaults(),
            (std::map<std::string, std::string>{
                {"API_SECRET", ""}, {"FLAG", "false"}, {"PORT", "50052"}, {"RETRIES", "3"}}));
  EXPECT_EQ(config.effective().at("PORT"), "7000");
  EXPECT_EQ(config.required(), std::vector<std::string>{"CALLCENTER_JWT_SECRET"});
}

TEST(ConfigTest, CollectsEveryBadValue) {
  Config config(FakeEnv({{"PORT", "abc"}, {"POOL", "0"}, {"FLAG", "maybe"}}));
  config.Port("PORT", 1);
  config.Int("POOL", 4, 1, 64);
  config.Bool("FLAG", true);
  config.Required("SECRET");
  absl::Status s = config.status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("PORT=\"abc\" is not an integer"));
  EXPECT_THAT(s.message(), HasSubstr("POOL=0 is outside [1, 64]"));
  EXPECT_THAT(s.message(), HasSubstr("FLAG=\"maybe\" is not a boolean"));
  EXPECT_THAT(s.message(), HasSubstr("SECRET is required"));
}

TEST(ConfigTest, PortOutOfRange) {
  Config config(FakeEnv({{"PORT", "70000"}}));
  config.Port("PORT", 1);
  EXPECT_FALSE(config.status().ok());
}

TEST(ConfigTest, RedactsSecretsInEffectiveConfig) {
  Config config(FakeEnv({{"CALLCENTER_JWT_SECRET", "hunter2"}, {"PGPASSWORD", "pw"},
                         {"PORT", "5"}}));
  config.String("CALLCENTER_JWT_SECRET", "");
  config.String("PGPASSWORD", "");
  config.Port("PORT", 1);
  EXPECT_EQ(config.effective().at("CALLCENTER_JWT_SECRET"), "[redacted]");
  EXPECT_EQ(config.effective().at("PGPASSWORD"), "[redacted]");
  EXPECT_EQ(config.effective().at("PORT"), "5");
}

TEST(ConfigDeathTest, ExitsWithCode2OnBadValue) {
  Config config(FakeEnv({{"PORT", "-1"}}));
  config.Port("PORT", 1);
  EXPECT_EXIT(config.ExitIfInvalid(), ::testing::ExitedWithCode(2), "PORT=-1");
}

}  // namespace
}  // namespace callcenter
