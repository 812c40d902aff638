#include "services/orchestration/context_cache.h"

namespace callcenter::orchestration {

std::optional<order::v1::GetOrderContextResponse> ContextCache::Take(
    const std::string& order_id, const std::string& user_id, EventsRun* events_run) {
  std::unique_ptr<Entry> found;
  {
    absl::MutexLock lock(&mu_);
    auto it = entries_.find(Key(order_id, user_id));
    if (it == entries_.end()) return std::nullopt;
    found = std::move(it->second);
    entries_.erase(it);
  }
  if (events_run != nullptr) *events_run = std::move(found->events_run);
  return std::move(found->context);  // moved, not copied: same arena (none)
}

void ContextCache::Put(const std::string& user_id, order::v1::GetOrderContextResponse context,
                       EventsRun events_run) {
  context.clear_replayed_order();
  Key key(context.order().order_id(), user_id);
  auto entry = std::make_unique<Entry>(Entry{std::move(context), std::move(events_run)});
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(key);
  // A context kept as its reply goes out may arrive after a newer one (two
  // calls of one user on one order at once): the newer stays.
  if (it != entries_.end() &&
      it->second->context.order().version() > entry->context.order().version()) {
    return;
  }
  if (entries_.size() >= capacity_ && it == entries_.end()) entries_.clear();
  entries_[std::move(key)] = std::move(entry);
}

void ContextCache::Erase(const std::string& order_id, const std::string& user_id) {
  absl::MutexLock lock(&mu_);
  entries_.erase(Key(order_id, user_id));
}

size_t ContextCache::size() const {
  absl::MutexLock lock(&mu_);
  return entries_.size();
}

}  // namespace callcenter::orchestration
