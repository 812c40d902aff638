#include "libs/db/listener.h"

#include "absl/time/clock.h"
#include "libs/logging/log.h"
#include "pqxx/pqxx"

namespace callcenter::db {
namespace {

// How a burst of notifications is taken as one (see Run).
constexpr absl::Duration kQuiet = absl::Milliseconds(30);
constexpr absl::Duration kMostDelay = absl::Milliseconds(300);

class Receiver : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& c, const std::string& channel, bool* fired)
      : pqxx::notification_receiver(c, channel), fired_(fired) {}
  void operator()(const std::string&, int) override { *fired_ = true; }

 private:
  bool* fired_;
};

}  // namespace

ChangeListener::ChangeListener(std::string conninfo, std::string channel, absl::Duration period,
                               std::function<void()> on_change)
    : conninfo_(std::move(conninfo)),
      channel_(std::move(channel)),
      period_(period),
      on_change_(std::move(on_change)) {}

ChangeListener::~ChangeListener() { Stop(); }

void ChangeListener::Start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { Run(); });
}

void ChangeListener::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void ChangeListener::Run() {
  absl::Time next_poll = absl::Now() + period_;
  while (!stop_) {
    try {
      pqxx::connection conn(conninfo_);
      bool fired = false;
      Receiver receiver(conn, channel_, &fired);  // LISTEN from here on
      // Catch up on what changed before this LISTEN (at start, or while
      // the connection was down): nothing between the load and now is missed.
      on_change_();
      while (!stop_) {
        conn.await_notification(0, 200000);  // wakes at least every 200 ms to check stop_
        if (fired) {
          // A burst of changes (a catalog imported row by row) is one
          // rebuild, not one per row: wait until the changes pause for
          // kQuiet, or kMostDelay has passed since the first.
          const absl::Time first = absl::Now();
          while (!stop_ && absl::Now() - first < kMostDelay &&
                 conn.await_notification(0, absl::ToInt64Microseconds(kQuiet)) > 0) {
          }
        }
        if (fired || absl::Now() >= next_poll) {
          fired = false;
          next_poll = absl::Now() + period_;
          on_change_();
        }
      }
    } catch (const std::exception& e) {
      log::Warning("change listener lost its connection", {{"channel", channel_}, {"error", e.what()}});
      for (int i = 0; i < 10 && !stop_; ++i) absl::SleepFor(absl::Milliseconds(100));
    }
  }
}

}  // namespace callcenter::db
