// The change listener against a real PostgreSQL: it calls back on NOTIFY,
// and a burst of notifications (a catalog imported row by row) comes as a
// few calls, not one per row.
#include "libs/db/listener.h"

#include <atomic>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "libs/db/testing.h"
#include "pqxx/pqxx"

namespace callcenter::db {
namespace {

// Waits up to 5 s (a wide margin, not a timing assertion) for `calls` to
// exceed `than`.
bool CalledMoreThan(const std::atomic<int>& calls, int than) {
  for (int i = 0; i < 100 && calls.load() <= than; ++i) absl::SleepFor(absl::Milliseconds(50));
  return calls.load() > than;
}

TEST(ChangeListenerTest, ABurstOfNotificationsIsTakenAsFewCalls) {
  auto db = TestDatabase::Create();
  CC_REQUIRE_DATABASE(db);
  std::atomic<int> calls{0};
  ChangeListener listener(db->conninfo(), "listener_test", absl::Hours(1), [&] { ++calls; });
  listener.Start();
  ASSERT_TRUE(CalledMoreThan(calls, 0));  // the catch-up call as it starts listening
  absl::SleepFor(absl::Milliseconds(200));
  const int before = calls.load();

  pqxx::connection sender(db->conninfo());
  pqxx::nontransaction n(sender);
  for (int i = 0; i < 40; ++i) {
    n.exec("NOTIFY listener_test");  // each its own commit, as each upsert is
    absl::SleepFor(absl::Milliseconds(3));
  }
  ASSERT_TRUE(CalledMoreThan(calls, before));
  absl::SleepFor(absl::Milliseconds(500));  // any call still to come
  EXPECT_LT(calls.load() - before, 10) << "one call per notification, or nearly";

  const int after_burst = calls.load();
  n.exec("NOTIFY listener_test");  // a single change still comes through
  EXPECT_TRUE(CalledMoreThan(calls, after_burst));
  listener.Stop();
}

}  // namespace
}  // namespace callcenter::db
