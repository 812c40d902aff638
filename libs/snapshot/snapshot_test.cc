#include "libs/snapshot/snapshot.h"

#include <string>
#include <functional>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace callcenter::snapshot {
namespace {

// A data source whose version and contents the test moves.
struct Source {
  int64_t version = 1;
  std::string data = "a";
  std::atomic<int> loads{0};
  std::atomic<int> version_reads{0};
  absl::Status fail;
  std::function<void()> during_load;  // e.g. another write while loading
};

Snapshot<std::string> Over(Source& src) {
  return Snapshot<std::string>(
      "test",
      [&src]() -> absl::StatusOr<int64_t> {
        ++src.version_reads;
        if (!src.fail.ok()) return src.fail;
        return src.version;
      },
      [&src]() -> absl::StatusOr<std::shared_ptr<const std::string>> {
        ++src.loads;
        std::string data = src.data;
        if (src.during_load) src.during_load();
        return std::make_shared<const std::string>(data);
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

// A snapshot built once, and the writes of its process.
class FreshReadTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(s.Refresh().ok()); }

  // A write of this process, committed (the data and its version move),
  // then told to the snapshot.
  void Write(int64_t version, const std::string& data) {
    src.version = version;
    src.data = data;
    s.Invalidate();
  }

  Source src;
  Snapshot<std::string> s = Over(src);
};

// A catalog loaded one row at a time: each write only marks the snapshot,
// and the first reader after them rebuilds once, seeing the last write.
TEST_F(FreshReadTest, WritesOfThisProcessAreSeenByTheNextFreshRead) {
  for (int i = 0; i < 100; ++i) Write(src.version + 1, "row " + std::to_string(i));
  EXPECT_EQ(src.loads, 1);  // no rebuild per write
  EXPECT_EQ(*s.Get(), "a");
  EXPECT_EQ(*s.GetFresh(), "row 99");
  EXPECT_EQ(src.loads, 2);
  const int reads = src.version_reads;
  EXPECT_EQ(*s.GetFresh(), "row 99");  // nothing written since: not even the version is read
  EXPECT_EQ(src.version_reads, reads);
}

// Readers arriving together after a write share one rebuild.
TEST_F(FreshReadTest, FreshReadersShareOneRebuild) {
  src.during_load = [] { std::this_thread::sleep_for(std::chrono::milliseconds(50)); };
  Write(2, "b");
  std::vector<std::thread> readers;
  for (int i = 0; i < 8; ++i) {
    readers.emplace_back([&] { EXPECT_EQ(*s.GetFresh(), "b"); });
  }
  for (auto& t : readers) t.join();
  EXPECT_EQ(src.loads, 2);
}

// A write that commits while a rebuild is loading is not taken as seen:
// the next fresh read rebuilds again.
TEST_F(FreshReadTest, AWriteDuringARebuildIsNotLost) {
  Write(2, "b");
  src.during_load = [&] {
    src.during_load = nullptr;
    Write(3, "c");  // another write of this process commits meanwhile
  };
  EXPECT_EQ(*s.GetFresh(), "b");  // loaded before the second write
  EXPECT_EQ(*s.GetFresh(), "c");
  EXPECT_EQ(src.loads, 3);
}

// With the database down, a fresh read answers the snapshot it has after
// one attempt, and the readers after it do not try again; the periodic
// Refresh brings the write in once the database answers.
TEST_F(FreshReadTest, AFreshReadWaitsOnADownDatabaseOnlyOnce) {
  Write(2, "b");
  src.fail = absl::UnavailableError("database down");
  EXPECT_EQ(*s.GetFresh(), "a");
  const int reads = src.version_reads;
  EXPECT_EQ(*s.GetFresh(), "a");
  EXPECT_EQ(src.version_reads, reads);
  src.fail = absl::OkStatus();
  ASSERT_TRUE(s.Refresh().ok());
  EXPECT_EQ(*s.GetFresh(), "b");
}

}  // namespace
}  // namespace callcenter::snapshot
