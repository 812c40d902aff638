#include "services/orchestration/context_cache.h"

#include "gtest/gtest.h"

namespace callcenter::orchestration {
namespace {

order::v1::GetOrderContextResponse Context(const std::string& order_id, int64_t version) {
  order::v1::GetOrderContextResponse c;
  c.mutable_order()->set_order_id(order_id);
  c.mutable_order()->set_version(version);
  c.set_master_data_token("1/2/3");
  return c;
}

TEST(ContextCacheTest, KeptPerOrderAndUser) {
  ContextCache cache;
  EXPECT_FALSE(cache.Take("o1", "agent").has_value());
  cache.Put("agent", Context("o1", 1));
  EXPECT_FALSE(cache.Take("o1", "supervisor").has_value());  // another user's view
  cache.Put("agent", Context("o1", 2));                       // replaced, not added
  EXPECT_EQ(cache.size(), 1u);
  auto found = cache.Take("o1", "agent");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->order().version(), 2);
  EXPECT_EQ(found->master_data_token(), "1/2/3");
  EXPECT_EQ(cache.size(), 0u);  // taken: the change that took it puts it back
  EXPECT_FALSE(cache.Take("o1", "agent").has_value());
  cache.Put("agent", Context("o1", 3));
  cache.Erase("o1", "agent");
  EXPECT_FALSE(cache.Take("o1", "agent").has_value());
}

// The order's serialized events travel with its context, and only with it.
TEST(ContextCacheTest, TheEventsRunIsKeptWithItsContext) {
  ContextCache cache;
  cache.Put("agent", Context("o1", 2), EventsRun{"run-of-2", 2});
  cache.Put("agent", Context("o1", 1), EventsRun{"run-of-1", 1});  // older: dropped
  EventsRun run;
  ASSERT_TRUE(cache.Take("o1", "agent", &run).has_value());
  EXPECT_EQ(run.bytes, "run-of-2");
  EXPECT_EQ(run.count, 2);
  cache.Put("agent", Context("o1", 3));  // kept without one
  run = EventsRun{"stale", 9};
  ASSERT_TRUE(cache.Take("o1", "agent", &run).has_value());
  EXPECT_EQ(run.count, 0);
  EXPECT_TRUE(run.bytes.empty());
}

TEST(ContextCacheTest, AnOlderContextNeverReplacesANewerOne) {
  ContextCache cache;
  cache.Put("agent", Context("o1", 5));
  cache.Put("agent", Context("o1", 4));  // kept after its reply, late
  EXPECT_EQ(cache.Take("o1", "agent")->order().version(), 5);
  cache.Put("agent", Context("o1", 4));
  cache.Put("agent", Context("o1", 6));
  EXPECT_EQ(cache.Take("o1", "agent")->order().version(), 6);
}

TEST(ContextCacheTest, NeverKeepsAReplayedOrder) {
  ContextCache cache;
  auto c = Context("o1", 3);
  c.mutable_replayed_order()->set_order_id("o1");
  cache.Put("agent", c);
  EXPECT_FALSE(cache.Take("o1", "agent")->has_replayed_order());
}

TEST(ContextCacheTest, BoundedByCapacity) {
  ContextCache cache(3);
  for (int i = 0; i < 10; ++i) {
    cache.Put("agent", Context("o" + std::to_string(i), 1));
    EXPECT_LE(cache.size(), 3u);
  }
  EXPECT_TRUE(cache.Take("o9", "agent").has_value());  // the newest is always kept
}

// When full, the entries kept longest ago go, one at a time: a draft
// whose context was just put back (its last change) stays.
TEST(ContextCacheTest, TheLeastRecentlyKeptGoFirst) {
  ContextCache cache(3);
  cache.Put("agent", Context("a", 1));
  cache.Put("agent", Context("b", 1));
  cache.Put("agent", Context("c", 1));
  auto a = cache.Take("a", "agent");  // a change of a: taken, then put back
  ASSERT_TRUE(a.has_value());
  a->mutable_order()->set_version(2);
  cache.Put("agent", *std::move(a));
  cache.Put("agent", Context("d", 1));  // full: b, the oldest, goes
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_FALSE(cache.Take("b", "agent").has_value());
  EXPECT_EQ(cache.Take("a", "agent")->order().version(), 2);
  EXPECT_TRUE(cache.Take("c", "agent").has_value());
  EXPECT_TRUE(cache.Take("d", "agent").has_value());
  EXPECT_EQ(cache.gauges()->entries.load(), 0u);
}

// By memory too, only as many of the oldest go as the new entry needs.
TEST(ContextCacheTest, MemoryIsFreedFromTheOldestOnly) {
  ContextCache cache(/*capacity=*/1000, /*max_bytes=*/100'000);
  for (int i = 0; i < 4; ++i) {
    cache.Put("agent", Context("small" + std::to_string(i), 1), {}, /*order_bytes=*/10'000);
  }
  EXPECT_EQ(cache.bytes(), 4 * 24'096u);
  cache.Put("agent", Context("big", 1), {}, /*order_bytes=*/20'000);  // 44,096 more
  EXPECT_FALSE(cache.Take("small0", "agent").has_value());
  EXPECT_FALSE(cache.Take("small1", "agent").has_value());
  EXPECT_TRUE(cache.Take("small2", "agent").has_value());
  EXPECT_TRUE(cache.Take("small3", "agent").has_value());
  EXPECT_TRUE(cache.Take("big", "agent").has_value());
  EXPECT_EQ(cache.bytes(), 0u);
}

// Each entry counts about twice its order's serialized size, its events'
// bytes and 4 KiB: with a 100 kB budget, 20 kB orders fit two at a time.
TEST(ContextCacheTest, BoundedByMemory) {
  ContextCache cache(/*capacity=*/1000, /*max_bytes=*/100'000);
  for (int i = 0; i < 6; ++i) {
    cache.Put("agent", Context("o" + std::to_string(i), 1), EventsRun{std::string(1000, 'e'), 10},
              /*order_bytes=*/20'000);
    EXPECT_LE(cache.bytes(), 100'000u);
    EXPECT_LE(cache.size(), 2u);
  }
  EXPECT_EQ(cache.bytes(), 2 * (2 * 20'000u + 1000u + 4096u));
  EXPECT_EQ(cache.gauges()->bytes.load(), cache.bytes());  // what the metrics read
  EXPECT_EQ(cache.gauges()->entries.load(), 2u);
  EXPECT_TRUE(cache.Take("o5", "agent").has_value());  // the newest is always kept
  EXPECT_TRUE(cache.Take("o4", "agent").has_value());
  EXPECT_EQ(cache.bytes(), 0u);  // taken: their bytes go with them
  EXPECT_EQ(cache.gauges()->bytes.load(), 0u);
  EXPECT_EQ(cache.gauges()->entries.load(), 0u);
  cache.Put("agent", Context("o1", 1), {}, 20'000);
  cache.Erase("o1", "agent");
  EXPECT_EQ(cache.bytes(), 0u);
}

// One order larger than the whole budget is not kept, and the older
// context of that order it would have replaced goes too (it is stale).
TEST(ContextCacheTest, AContextLargerThanTheBudgetIsNotKept) {
  ContextCache cache(/*capacity=*/1000, /*max_bytes=*/100'000);
  cache.Put("agent", Context("small", 1), {}, 1000);
  cache.Put("agent", Context("huge", 1), {}, 1000);
  cache.Put("agent", Context("huge", 2), {}, 60'000);  // 2 * 60 kB > 100 kB
  EXPECT_FALSE(cache.Take("huge", "agent").has_value());
  EXPECT_TRUE(cache.Take("small", "agent").has_value());  // the rest stays
  EXPECT_EQ(cache.bytes(), 0u);
}

// Without a size from the caller, the cache measures the order itself.
TEST(ContextCacheTest, MeasuresAnOrderGivenWithoutItsSize) {
  ContextCache cache(/*capacity=*/1000, /*max_bytes=*/100'000);
  auto big = Context("big", 1);
  big.mutable_order()->set_source_code(std::string(60'000, 's'));
  cache.Put("agent", big);
  EXPECT_FALSE(cache.Take("big", "agent").has_value());
  cache.Put("agent", Context("o1", 1));
  EXPECT_GT(cache.bytes(), 4096u);
  EXPECT_LT(cache.bytes(), 5000u);
}

}  // namespace
}  // namespace callcenter::orchestration
