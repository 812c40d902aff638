#include "libs/money/money.h"

#include "gtest/gtest.h"

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
  EXPECT_FALSE(Parse("abc", &v));
  EXPECT_FALSE(Parse("", &v));
  EXPECT_FALSE(Parse(".5", &v));
}

}  // namespace
}  // namespace callcenter::money
