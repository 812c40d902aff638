#include "gtest/gtest.h"
#include "callcenter/common/v1/common.pb.h"
#include "libs/db/entity_table.h"

namespace callcenter::db {
namespace {

using common::v1::Money;

TEST(JsonParseCacheTest, AnswersAsFromJsonForSeenAndNewTexts) {
  JsonParseCache cache(2);
  const std::string usd = R"({"currency":"USD","minor_units":"250"})";
  const std::string eur = R"({"currency":"EUR","minor_units":"99"})";
  for (int round = 0; round < 3; ++round) {  // first parsed, then copied
    Money m;
    m.set_minor_units(7);  // replaced, not merged
    ASSERT_TRUE(cache.Parse(usd, &m).ok());
    EXPECT_EQ(m.currency(), "USD");
    EXPECT_EQ(m.minor_units(), 250);
    ASSERT_TRUE(cache.Parse(eur, &m).ok());
    EXPECT_EQ(m.currency(), "EUR");
    EXPECT_EQ(m.minor_units(), 99);
  }
  // A changed row is a new text: never the old answer.
  Money changed;
  ASSERT_TRUE(cache.Parse(R"({"currency":"USD","minor_units":"300"})", &changed).ok());
  EXPECT_EQ(changed.minor_units(), 300);
  Money bad;
  absl::Status s = cache.Parse("{not json", &bad);
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace callcenter::db
