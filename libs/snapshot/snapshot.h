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
  absl::Status Refresh(bool force = false) {
    std::lock_guard<std::mutex> one_at_a_time(refresh_mu_);
    absl::StatusOr<int64_t> version = read_version_();
    if (!version.ok()) return Failed(version.status());
    if (!force && version_.load() != -1 && *version == version_.load()) return absl::OkStatus();
    absl::StatusOr<std::shared_ptr<const T>> next = load_();
    if (!next.ok()) return Failed(next.status());
    std::atomic_store(&current_, std::move(*next));
    version_.store(*version);
    return absl::OkStatus();
  }

  // The current snapshot (`initial` before the first successful Refresh).
  std::shared_ptr<const T> Get() const { return std::atomic_load(&current_); }
  // The version the current snapshot was built at (-1: none yet).
  int64_t version() const { return version_.load(); }

 private:
  absl::Status Failed(const absl::Status& s) const {
    log::Warning(absl::StrCat(name_, " snapshot refresh failed"),
                 {{"error", std::string(s.message())}});
    return s;
  }

  const std::string name_;
  const VersionReader read_version_;
  const Loader load_;
  std::shared_ptr<const T> current_;  // atomic_load / atomic_store only
  std::mutex refresh_mu_;
  std::atomic<int64_t> version_{-1};
};

}  // namespace callcenter::snapshot

#endif  // CALLCENTER_LIBS_SNAPSHOT_SNAPSHOT_H_
