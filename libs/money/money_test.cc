#include "libs/money/money.h"

#include "gtest/gtest.h"
#include "libs/status/status.h"

namespace callcenter::money {
namespace {

TEST(MoneyTest, DivideRoundsHalfAwayFromZero) {
  struct Case {
    __int128 num;
    int64_t den;
    int64_t want;
  } cases[] = {
      {5, 2, 3},   {-5, 2, -3}, {4, 2, 2},   {7, 3, 2},    {-7, 3, -2},
      {8, 3, 3},   {-8, 3, -3}, {0, 7, 0},   {1, 3, 0},    {15, 10, 2},
      {25, 10, 3}, {-25, 10, -3}, {149, 100, 1}, {150, 100, 2},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(DivideRounded(c.num, c.den), c.want)
        << static_cast<int64_t>(c.num) << "/" << c.den;
  }
}

TEST(MoneyTest, PercentOfRoundsTheHalfCentUp) {
  EXPECT_EQ(PercentOf(850, 2500), 213);    // 25% of 8.50 = 2.125 -> 2.13
  EXPECT_EQ(PercentOf(-850, 2500), -213);  // away from zero
  EXPECT_EQ(PercentOf(1000, 1500), 150);
  EXPECT_EQ(PercentOf(999, 3333), 333);    // 332.9667 -> 333
  EXPECT_EQ(PercentOf(1, 4999), 0);        // 0.4999 -> 0
  EXPECT_EQ(PercentOf(1, 5000), 1);        // 0.5 -> 1
  EXPECT_EQ(PercentOf(123456789012, 10000), 123456789012);
}

TEST(MoneyTest, AllocateAddsUpExactly) {
  EXPECT_EQ(Allocate(1000, {1, 1, 1}), (std::vector<int64_t>{333, 333, 334}));
  EXPECT_EQ(Allocate(1000, {5000, 3000, 2000}), (std::vector<int64_t>{500, 300, 200}));
  EXPECT_EQ(Allocate(100, {1, 2}), (std::vector<int64_t>{33, 67}));
  EXPECT_EQ(Allocate(-1000, {1, 1, 1}), (std::vector<int64_t>{-333, -333, -334}));
  EXPECT_EQ(Allocate(5, {0, 0}), (std::vector<int64_t>{2, 3}));
  EXPECT_TRUE(Allocate(5, {}).empty());
  // Property: any split adds up.
  for (int64_t total : {1, 7, 99, 1001, 123457}) {
    for (std::vector<int64_t> w : {std::vector<int64_t>{3, 7, 11}, {1}, {999, 1, 1, 1}}) {
      int64_t sum = 0;
      for (int64_t p : Allocate(total, w)) sum += p;
      EXPECT_EQ(sum, total);
    }
  }
}

TEST(MoneyTest, FormatAndParse) {
  EXPECT_EQ(Format(1234), "12.34");
  EXPECT_EQ(Format(5), "0.05");
  EXPECT_EQ(Format(-5), "-0.05");
  EXPECT_EQ(Format(0), "0.00");
  int64_t v = 0;
  EXPECT_TRUE(Parse("12.34", &v));
  EXPECT_EQ(v, 1234);
  EXPECT_TRUE(Parse("12.3", &v));
  EXPECT_EQ(v, 1230);
  EXPECT_TRUE(Parse("-7", &v));
  EXPECT_EQ(v, -700);
  EXPECT_FALSE(Parse("1.234", &v));
  // Found by the money fuzzer: beyond 64 bits is refused, not wrapped.
  EXPECT_FALSE(Parse("900000000000000009.99", &v));
  EXPECT_FALSE(Parse("-92233720368547758.08", &v));
  EXPECT_TRUE(Parse("92233720368547758.07", &v));
  EXPECT_EQ(v, INT64_MAX);
  EXPECT_FALSE(Parse("abc", &v));
  EXPECT_FALSE(Parse("", &v));
  EXPECT_FALSE(Parse(".5", &v));
}

TEST(AmountTest, ArithmeticWithinRange) {
  Amount a = 1999;
  a += 1;
  EXPECT_EQ((a * 3 - 1000).value(), 5000);
  EXPECT_EQ(Amount(850).Percent(2500).value(), 213);    // 2.125 -> 2.13
  EXPECT_EQ(Amount(-850).Percent(2500).value(), -213);  // half away from zero
  EXPECT_EQ(*(kMaxAmount * 9999 * 500 + Amount(0)).Get("total"), 4'999'500'000'000'000'000);
}

struct OverflowCase {
  const char* name;
  Amount result;
};

TEST(AmountTest, OverflowIsAnErrorNeverAValue) {
  const int64_t big = INT64_MAX / 2 + 1;
  const OverflowCase cases[] = {
      {"sum", Amount(big) + big},
      {"difference", Amount(INT64_MIN) - 1},
      {"product", Amount(int64_t{1} << 62) * 2},
      {"negative product", Amount(int64_t{1} << 62) * -3},
      {"quantity times price", Amount(int64_t{1} << 40) * (int64_t{1} << 31)},
      // Four payments of about 4.6e16 wrapping back to a small total: the
      // attack the checked type exists for.
      {"four huge payments", Amount(4611686018427387904) + 4611686018427387904 +
                                 4611686018427387904 + 4611686018427387904 + 1000},
      {"percent", Amount(INT64_MAX).Percent(20000)},
  };
  for (const OverflowCase& c : cases) {
    EXPECT_FALSE(c.result.ok()) << c.name;
    EXPECT_EQ(c.result.value(), 0) << c.name;
    absl::StatusOr<int64_t> got = c.result.Get("total");
    ASSERT_FALSE(got.ok()) << c.name;
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_EQ(ReasonOf(got.status()), kReasonAmountOverflow) << c.name;
    EXPECT_EQ(FieldViolationsOf(got.status())[0].first, "total") << c.name;
  }
}

TEST(AmountTest, AnOverflowSpreadsToEverythingComputedFromIt) {
  Amount wrapped = Amount(INT64_MAX) + 1;
  Amount later = wrapped - INT64_MAX;  // would be back "in range" if it wrapped
  later += 5;
  EXPECT_FALSE(later.ok());
  EXPECT_FALSE((Amount(1) + later).ok());
  EXPECT_FALSE(later.Percent(100).ok());
}

}  // namespace
}  // namespace callcenter::money
