#ifndef CALLCENTER_LIBS_DB_LISTENER_H_
#define CALLCENTER_LIBS_DB_LISTENER_H_

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "absl/time/time.h"

namespace callcenter::db {

// Calls `on_change` whenever PostgreSQL sends a NOTIFY on `channel` (another
// replica changed the data; a burst of them, once it pauses for 30 ms or
// after 300 ms at most), and at least every `period` as a safety net
// for a missed notification. Reconnects by itself, and calls `on_change`
// each time it starts listening (what changed before is not missed). In-memory snapshots use
// it to stay current across replicas.
class ChangeListener {
 public:
  ChangeListener(std::string conninfo, std::string channel, absl::Duration period,
                 std::function<void()> on_change);
  ~ChangeListener();  // stops and joins

  void Start();
  void Stop();

 private:
  void Run();

  std::string conninfo_;
  std::string channel_;
  absl::Duration period_;
  std::function<void()> on_change_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace callcenter::db

#endif  // CALLCENTER_LIBS_DB_LISTENER_H_
