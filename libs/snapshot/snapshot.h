#ifndef CALLCENTER_LIBS_SNAPSHOT_SNAPSHOT_H_
#define CALLCENTER_LIBS_SNAPSHOT_SNAPSHOT_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "libs/logging/log.h"

namespace callcenter::snapshot {

// An in-memory view of a service's tables (pricing's catalog, the fraud
// index, the selling index), built whole and swapped atomically: a reader
// takes the current one with Get() and keeps using it, with no lock held,
// while a refresh builds the next.
//
// Refresh() reads the data's version first (the schema's snapshot_version
// row, which track_snapshot_changes bumps with every change; see
// libs/db/migrate.cc) and rebuilds only when it moved, so the periodic
// safety-net check costs one row read. The version is read before the
// data: data newer than the version it is stored under is rebuilt once
// more at the next check, never missed. Thread-safe; one rebuild at a time.
//
// A write through this process does not rebuild at once: it calls
// Invalidate(), and the next reader that asks with GetFresh() rebuilds
// first (readers waiting at once share one rebuild). A reader after a
// write of its own process thus sees that write, and a run of writes
// with no reader between them (a catalog loaded one product at a time)
// costs no rebuild per write: the whole tables are read once, not once
// per row. Other replicas learn of the change by NOTIFY (Refresh).
template <typename T>
class Snapshot {
 public:
  using VersionReader = std::function<absl::StatusOr<int64_t>()>;
  using Loader = std::function<absl::StatusOr<std::shared_ptr<const T>>()>;

  // `initial`: what Get() answers before the first build (nullptr: nothing).
  Snapshot(std::string name, VersionReader read_version, Loader load,
           std::shared_ptr<const T> initial = nullptr)
      : name_(std::move(name)),
        read_version_(std::move(read_version)),
        load_(std::move(load)),
        current_(std::move(initial)) {}

  // Rebuilds when the version changed since the last build (or always,
  // with `force`). On an error the current snapshot stays.
  absl::Status Refresh(bool force = false) { return RefreshFor(-1, force); }

  // Tells the snapshot that this process wrote to its tables (call it
  // after the write committed): the next GetFresh() rebuilds first.
  void Invalidate() { written_.fetch_add(1); }

  // The current snapshot, rebuilt first when this process wrote since it
  // was built (Invalidate). When that rebuild fails, the snapshot as it
  // was answers, and the periodic check (Refresh) catches up later: a
  // reader never waits on a database that is down more than once per
  // write.
  std::shared_ptr<const T> GetFresh() {
    const int64_t written = written_.load();
    if (built_for_.load() < written) RefreshFor(written, false).IgnoreError();
    return Get();
  }

  // The current snapshot as built (`initial` before the first successful
  // Refresh), without looking for writes of this process.
  std::shared_ptr<const T> Get() const { return std::atomic_load(&current_); }
  // The version the current snapshot was built at (-1: none yet).
  int64_t version() const { return version_.load(); }

 private:
  absl::Status Failed(const absl::Status& s) const {
    log::Warning(absl::StrCat(name_, " snapshot refresh failed"),
                 {{"error", std::string(s.message())}});
    return s;
  }

  // Rebuilds when the version moved (or with `force`). `wanted` >= 0: a
  // GetFresh() that needs this process's writes up to that count; another
  // reader's rebuild may already have covered them while it waited.
  absl::Status RefreshFor(int64_t wanted, bool force) {
    std::lock_guard<std::mutex> one_at_a_time(refresh_mu_);
    if (wanted >= 0 && built_for_.load() >= wanted) return absl::OkStatus();
    // Counted before the version is read: every write counted here has
    // committed, so the version read next includes it.
    const int64_t written = written_.load();
    absl::StatusOr<int64_t> version = read_version_();
    if (!version.ok()) return GaveUp(wanted, written, version.status());
    if (force || version_.load() == -1 || *version != version_.load()) {
      absl::StatusOr<std::shared_ptr<const T>> next = load_();
      if (!next.ok()) return GaveUp(wanted, written, next.status());
      std::atomic_store(&current_, std::move(*next));
      version_.store(*version);
    }
    // Built at (or found still at) a version that has those writes.
    built_for_.store(written);
    return absl::OkStatus();
  }

  // A failed rebuild. When a reader asked for it (`wanted` >= 0), the
  // writes counted so far are not asked for again by the readers after it
  // (the periodic Refresh brings them in once the database answers).
  absl::Status GaveUp(int64_t wanted, int64_t written, const absl::Status& s) {
    if (wanted >= 0 && built_for_.load() < written) built_for_.store(written);
    return Failed(s);
  }

  const std::string name_;
  const VersionReader read_version_;
  const Loader load_;
  std::shared_ptr<const T> current_;  // atomic_load / atomic_store only
  std::mutex refresh_mu_;
  std::atomic<int64_t> version_{-1};
  std::atomic<int64_t> written_{0};    // writes of this process (Invalidate)
  std::atomic<int64_t> built_for_{0};  // writes the current snapshot includes
};

}  // namespace callcenter::snapshot

#endif  // CALLCENTER_LIBS_SNAPSHOT_SNAPSHOT_H_
