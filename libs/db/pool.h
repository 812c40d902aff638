#ifndef CALLCENTER_LIBS_DB_POOL_H_
#define CALLCENTER_LIBS_DB_POOL_H_

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "pqxx/pqxx"

namespace callcenter::db {

// A named SQL statement, prepared on each connection and run with
// parameters; never SQL built from strings.
struct Query {
  const char* name;
  const char* sql;
};

struct PoolOptions {
  // libpq connection string or URL; empty = libpq's PG* environment variables.
  std::string conninfo;
  // The service's own schema (search_path of every connection).
  std::string schema;
  int max_size = 8;
  // How long a caller waits for a free connection before UNAVAILABLE.
  absl::Duration acquire_timeout = absl::Seconds(5);
  // Server-side statement_timeout.
  absl::Duration statement_timeout = absl::Seconds(10);
};

// A bounded pool of libpqxx connections. Every pqxx exception is caught here
// and turned into an absl::Status; nothing above the repository sees one.
class Pool {
 public:
  using TxnFn = std::function<absl::Status(pqxx::work&)>;

  explicit Pool(PoolOptions options);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // Runs `fn` in a transaction, committing only when it returns OK.
  absl::Status Transact(const TxnFn& fn);
  // Runs `fn` in a read-only transaction (never committed).
  absl::Status Read(const TxnFn& fn);
  // Runs `fn` outside a transaction block (no BEGIN/COMMIT round trips):
  // for a single statement, which is atomic by itself (autocommit).
  absl::Status Single(const std::function<absl::Status(pqxx::transaction_base&)>& fn);
  // OK when the database answers.
  absl::Status Ping();

  // For the metrics: connections open, of which idle, and callers waiting.
  struct Stats {
    int open = 0;
    int idle = 0;
    int waiting = 0;
  };
  Stats stats() const;
  const PoolOptions& options() const { return options_; }

  // Told whether the database answers, at each change: false from the
  // first broken connection or refused connect, true again from the first
  // success (each change is logged once, WARNING). Readiness follows it.
  void SetReachabilityObserver(std::function<void(bool)> observer);

 private:
  absl::StatusOr<std::unique_ptr<pqxx::connection>> Acquire();
  void Release(std::unique_ptr<pqxx::connection> conn, bool reusable);
  absl::StatusOr<std::unique_ptr<pqxx::connection>> Connect();
  absl::Status Run(const TxnFn& fn, bool commit);
  // Acquire, run `body`, map any exception, release (or discard a broken one).
  absl::Status WithConnection(const std::function<absl::Status(pqxx::connection&)>& body);
  void MarkReachable(bool reachable);

  PoolOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
  int open_ = 0;
  int waiting_ = 0;
  std::atomic<bool> reachable_{true};
  std::function<void(bool)> observer_;  // set before use, never changed after
};

// Maps a libpqxx exception to a status: serialization failure or deadlock ->
// ABORTED, unique violation -> ALREADY_EXISTS, broken connection ->
// UNAVAILABLE (reason DATABASE_UNAVAILABLE), anything else -> INTERNAL. The
// messages never carry the database's text (a caller must not see it); it
// is logged where it matters.
absl::Status StatusFromException(const std::exception& e);

// Declares `query` on the transaction's connection if it is not yet (the
// server prepares it on its first use there), so no service keeps a list
// of its statements: a statement is prepared where it is first run.
inline void Prepare(pqxx::transaction_base& txn, const char* name, const std::string& sql) {
  txn.conn().prepare(name, sql);  // the same definition again: nothing happens
}

// Runs a statement by its Query, prepared on first use.
template <typename... Args>
pqxx::result Exec(pqxx::transaction_base& txn, const Query& query, Args&&... args) {
  Prepare(txn, query.name, query.sql);
  return txn.exec_prepared(query.name, std::forward<Args>(args)...);
}

// Runs `query`, a delete of at most $2 rows older than the interval $1,
// with `age` and `batch` until a run deletes fewer than `batch` rows (each
// run its own statement, so no long lock); returns how many rows went.
absl::StatusOr<int> DeleteOlderThan(Pool* pool, const Query& query, absl::Duration age,
                                    int batch);

// The schema's snapshot version (the row track_snapshot_changes keeps; see
// migrate.cc): a service with a snapshot lists this query among its own.
inline constexpr Query kSnapshotVersion{"snapshot_version",
                                        "SELECT version FROM snapshot_version WHERE id = 1"};
absl::StatusOr<int64_t> ReadSnapshotVersion(Pool* pool);

}  // namespace callcenter::db

#endif  // CALLCENTER_LIBS_DB_POOL_H_
