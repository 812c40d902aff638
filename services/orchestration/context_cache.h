#ifndef CALLCENTER_SERVICES_ORCHESTRATION_CONTEXT_CACHE_H_
#define CALLCENTER_SERVICES_ORCHESTRATION_CONTEXT_CACHE_H_

#include <atomic>
#include <cstddef>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "callcenter/order/v1/order.pb.h"
#include "services/orchestration/clients/order_client.h"

namespace callcenter::orchestration {

// The context of each draft this process last read or saved (the order
// with its user, call center, customer and master-data token), per order
// and user, so that a simple change can skip reading it again. An entry is
// only ever a guess: the save that follows checks the order's version and
// history and the master-data token, and a change that does not save is
// done again on a freshly read context. Holds at most `capacity` entries
// and about `max_bytes` of them, so that many large drafts cannot grow the
// front door's memory without bound: when full, the entries kept longest
// ago go first (the drafts agents are working on stay; an entry larger
// than the whole budget is not kept). A change takes its entry out (no copy of
// the order) and the save that ends it puts the new one back. Thread-safe.
class ContextCache {
 public:
  static constexpr size_t kDefaultCapacity = 10000;
  static constexpr size_t kDefaultMaxBytes = size_t{256} << 20;

  explicit ContextCache(size_t capacity = kDefaultCapacity, size_t max_bytes = kDefaultMaxBytes)
      : capacity_(capacity), max_bytes_(max_bytes) {}

  // Removes and returns the context kept for (order, user), if any, and
  // into `events_run` (if given) the serialized events kept with it.
  std::optional<order::v1::GetOrderContextResponse> Take(const std::string& order_id,
                                                         const std::string& user_id,
                                                         EventsRun* events_run = nullptr);
  // Keeps `context` (its order's id is the key) for `user_id`, with its
  // order's serialized events, unless a newer version of that order is
  // kept already. `order_bytes`: the order's serialized size, when the
  // caller has it (else it is computed).
  void Put(const std::string& user_id, order::v1::GetOrderContextResponse context,
           EventsRun events_run = {}, size_t order_bytes = 0);
  void Erase(const std::string& order_id, const std::string& user_id);
  size_t size() const;
  // The estimated memory of the kept entries.
  size_t bytes() const;

  // The entries and their estimated bytes: the cache's own count, changed
  // under its lock, and readable without it (for the metrics, which a
  // scrape may read while the front door is being torn down).
  struct Gauges {
    std::atomic<size_t> entries{0};
    std::atomic<size_t> bytes{0};
  };
  std::shared_ptr<const Gauges> gauges() const { return gauges_; }

 private:
  using Key = std::pair<std::string, std::string>;  // order id, user id
  struct Entry {
    order::v1::GetOrderContextResponse context;
    EventsRun events_run;
    size_t bytes = 0;                 // estimated memory
    std::list<Key>::iterator in_age;  // its place in age_
  };
  using Entries = absl::flat_hash_map<Key, std::unique_ptr<Entry>>;
  // Removes the entry at `it` (its bytes with it), into `taken` if given.
  void EraseAt(Entries::iterator it, std::unique_ptr<Entry>* taken = nullptr)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const size_t capacity_;
  const size_t max_bytes_;
  mutable absl::Mutex mu_;
  Entries entries_ ABSL_GUARDED_BY(mu_);
  // The kept entries' keys, the most recently kept first.
  std::list<Key> age_ ABSL_GUARDED_BY(mu_);
  const std::shared_ptr<Gauges> gauges_ = std::make_shared<Gauges>();
};

}  // namespace callcenter::orchestration

#endif  // CALLCENTER_SERVICES_ORCHESTRATION_CONTEXT_CACHE_H_
