#include "services/orchestration/context_cache.h"

namespace callcenter::orchestration {

namespace {
// A parsed order takes about twice its serialized size in memory (string
// and message headers, repeated fields' spare room); the rest of a
// context (user, call center, customer) and the map's own entry add about
// this much.
constexpr size_t kParsedPerSerializedByte = 2;
constexpr size_t kEntryOverheadBytes = 4096;
}  // namespace

void ContextCache::EraseAt(Entries::iterator it, std::unique_ptr<Entry>* taken) {
  gauges_->bytes.fetch_sub(it->second->bytes, std::memory_order_relaxed);
  age_.erase(it->second->in_age);
  if (taken != nullptr) *taken = std::move(it->second);
  entries_.erase(it);
  gauges_->entries.store(entries_.size(), std::memory_order_relaxed);
}

std::optional<order::v1::GetOrderContextResponse> ContextCache::Take(
    const std::string& order_id, const std::string& user_id, EventsRun* events_run) {
  std::unique_ptr<Entry> found;
  {
    absl::MutexLock lock(&mu_);
    auto it = entries_.find(Key(order_id, user_id));
    if (it == entries_.end()) return std::nullopt;
    EraseAt(it, &found);
  }
  if (events_run != nullptr) *events_run = std::move(found->events_run);
  return std::move(found->context);  // moved, not copied: same arena (none)
}

void ContextCache::Put(const std::string& user_id, order::v1::GetOrderContextResponse context,
                       EventsRun events_run, size_t order_bytes) {
  context.clear_replayed_order();
  if (order_bytes == 0) order_bytes = context.order().ByteSizeLong();
  const size_t bytes =
      kParsedPerSerializedByte * order_bytes + events_run.bytes.size() + kEntryOverheadBytes;
  Key key(context.order().order_id(), user_id);
  const int64_t version = context.order().version();
  std::unique_ptr<Entry> entry;
  if (bytes <= max_bytes_) {
    entry = std::make_unique<Entry>(Entry{std::move(context), std::move(events_run), bytes});
  }
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(key);
  // A context kept as its reply goes out may arrive after a newer one (two
  // calls of one user on one order at once): the newer stays.
  if (it != entries_.end() && it->second->context.order().version() > version) return;
  if (it != entries_.end()) EraseAt(it);  // replaced (or, too large, dropped)
  if (entry == nullptr) return;           // larger than the whole budget: not kept
  // Full: the entries kept longest ago make room.
  while (!age_.empty() &&
         (entries_.size() >= capacity_ || gauges_->bytes.load() + bytes > max_bytes_)) {
    EraseAt(entries_.find(age_.back()));
  }
  gauges_->bytes.fetch_add(bytes, std::memory_order_relaxed);
  age_.push_front(key);
  entry->in_age = age_.begin();
  entries_.emplace(std::move(key), std::move(entry));
  gauges_->entries.store(entries_.size(), std::memory_order_relaxed);
}

void ContextCache::Erase(const std::string& order_id, const std::string& user_id) {
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(Key(order_id, user_id));
  if (it != entries_.end()) EraseAt(it);
}

size_t ContextCache::size() const {
  absl::MutexLock lock(&mu_);
  return entries_.size();
}

size_t ContextCache::bytes() const { return gauges_->bytes.load(); }

}  // namespace callcenter::orchestration
