#ifndef CALLCENTER_SERVICES_ORCHESTRATION_CONTEXT_CACHE_H_
#define CALLCENTER_SERVICES_ORCHESTRATION_CONTEXT_CACHE_H_

#include <cstddef>
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
// (then starts afresh). A change takes its entry out (no copy of the
// order) and the save that ends it puts the new one back. Thread-safe.
class ContextCache {
 public:
  explicit ContextCache(size_t capacity = 10000) : capacity_(capacity) {}

  // Removes and returns the context kept for (order, user), if any, and
  // into `events_run` (if given) the serialized events kept with it.
  std::optional<order::v1::GetOrderContextResponse> Take(const std::string& order_id,
                                                         const std::string& user_id,
                                                         EventsRun* events_run = nullptr);
  // Keeps `context` (its order's id is the key) for `user_id`, with its
  // order's serialized events, unless a newer version of that order is
  // kept already.
  void Put(const std::string& user_id, order::v1::GetOrderContextResponse context,
           EventsRun events_run = {});
  void Erase(const std::string& order_id, const std::string& user_id);
  size_t size() const;

 private:
  using Key = std::pair<std::string, std::string>;  // order id, user id
  const size_t capacity_;
  mutable absl::Mutex mu_;
  struct Entry {
    order::v1::GetOrderContextResponse context;
    EventsRun events_run;
  };
  absl::flat_hash_map<Key, std::unique_ptr<Entry>> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace callcenter::orchestration

#endif  // CALLCENTER_SERVICES_ORCHESTRATION_CONTEXT_CACHE_H_
