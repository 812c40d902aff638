#include "libs/snapshot/snapshot.h"

#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace callcenter::snapshot {
namespace {

// A data source whose version and contents the test moves.
struct Source {
  int64_t version = 1;
  std::string data = "a";
  int loads = 0;
  absl::Status fail;
};

Snapshot<std::string> Over(Source& src) {
  return Snapshot<std::string>(
      "test",
      [&src]() -> absl::StatusOr<int64_t> {
        if (!src.fail.ok()) return src.fail;
        return src.version;
      },
      [&src]() -> absl::StatusOr<std::shared_ptr<const std::string>> {
        ++src.loads;
        return std::make_shared<const std::string>(src.data);
      });
}

TEST(SnapshotTest, RebuildsOnlyWhenTheVersionMoves) {
  Source src;
  Snapshot<std::string> s = Over(src);
  EXPECT_EQ(s.Get(), nullptr);
  ASSERT_TRUE(s.Refresh().ok());
  EXPECT_EQ(*s.Get(), "a");
  EXPECT_EQ(s.version(), 1);
  src.data = "b";  // changed without a version bump: not seen
  ASSERT_TRUE(s.Refresh().ok());
  EXPECT_EQ(*s.Get(), "a");
  EXPECT_EQ(src.loads, 1);
  src.version = 2;
  ASSERT_TRUE(s.Refresh().ok());
  EXPECT_EQ(*s.Get(), "b");
  EXPECT_EQ(src.loads, 2);
  ASSERT_TRUE(s.Refresh(/*force=*/true).ok());
  EXPECT_EQ(src.loads, 3);
}

TEST(SnapshotTest, AFailedRefreshKeepsTheCurrentSnapshot) {
  Source src;
  Snapshot<std::string> s = Over(src);
  ASSERT_TRUE(s.Refresh().ok());
  src.version = 2;
  src.data = "b";
  src.fail = absl::UnavailableError("database down");
  EXPECT_EQ(s.Refresh().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(*s.Get(), "a");
  src.fail = absl::OkStatus();
  ASSERT_TRUE(s.Refresh().ok());
  EXPECT_EQ(*s.Get(), "b");
}

TEST(SnapshotTest, ReadersKeepTheirSnapshotWhileItIsSwapped) {
  Source src;
  Snapshot<std::string> s = Over(src);
  ASSERT_TRUE(s.Refresh().ok());
  std::shared_ptr<const std::string> held = s.Get();
  std::vector<std::thread> readers;
  std::atomic<bool> stop{false};
  for (int i = 0; i < 4; ++i) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        auto now = s.Get();
        ASSERT_NE(now, nullptr);
        ASSERT_TRUE(*now == "a" || *now == "b");
      }
    });
  }
  for (int v = 2; v < 200; ++v) {
    src.version = v;
    src.data = v % 2 ? "a" : "b";
    ASSERT_TRUE(s.Refresh().ok());
  }
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(*held, "a");  // the first snapshot, still whole
}

}  // namespace
}  // namespace callcenter::snapshot
