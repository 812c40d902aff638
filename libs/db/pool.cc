#include "libs/db/pool.h"

#include "absl/strings/str_cat.h"
#include "libs/logging/log.h"
#include "libs/status/status.h"

namespace callcenter::db {

absl::Status StatusFromException(const std::exception& e) {
  if (dynamic_cast<const pqxx::serialization_failure*>(&e) != nullptr ||
      dynamic_cast<const pqxx::deadlock_detected*>(&e) != nullptr) {
    return absl::AbortedError("concurrent change; retry");
  }
  if (dynamic_cast<const pqxx::unique_violation*>(&e) != nullptr) {
    return absl::AlreadyExistsError("a record with this key already exists");
  }
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) {
    return WithReason(absl::UnavailableError("the database is unavailable; retry with backoff"),
                      kReasonDatabaseUnavailable);
  }
  const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e);
  if (sql != nullptr && sql->sqlstate() == "57014") {  // query_canceled
    log::Warning("database statement timed out", {{"error", e.what()}});
    return absl::DeadlineExceededError("a database statement timed out; retry");
  }
  log::Error("database error", {{"error", e.what()}});
  return WithReason(absl::InternalError("database error (logged)"), kReasonInternal);
}

Pool::Pool(PoolOptions options) : options_(std::move(options)) {}

Pool::~Pool() = default;

Pool::Stats Pool::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return Stats{open_, static_cast<int>(idle_.size()), waiting_};
}

absl::StatusOr<std::unique_ptr<pqxx::connection>> Pool::Connect() {
  try {
    auto conn = std::make_unique<pqxx::connection>(options_.conninfo);
    {
      pqxx::nontransaction setup(*conn);
      setup.exec0(absl::StrCat("SET search_path TO ", setup.quote_name(options_.schema),
                               ", public"));
      setup.exec0(absl::StrCat("SET statement_timeout = ",
                               absl::ToInt64Milliseconds(options_.statement_timeout)));
    }
    return conn;
  } catch (const std::exception& e) {
    if (reachable_.load()) log::Warning("cannot connect to PostgreSQL", {{"error", e.what()}});
    MarkReachable(false);
    return WithReason(absl::UnavailableError("the database is unavailable; retry with backoff"),
                      kReasonDatabaseUnavailable);
  }
}

void Pool::SetReachabilityObserver(std::function<void(bool)> observer) {
  observer_ = std::move(observer);
}

void Pool::MarkReachable(bool reachable) {
  if (reachable_.exchange(reachable) == reachable) return;  // no change
  log::Warning(reachable ? "database reachable again" : "database unreachable");
  if (observer_) observer_(reachable);
}

absl::StatusOr<std::unique_ptr<pqxx::connection>> Pool::Acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  const auto deadline = std::chrono::steady_clock::now() +
                        absl::ToChronoMilliseconds(options_.acquire_timeout);
  while (true) {
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return conn;
    }
    if (open_ < options_.max_size) {
      ++open_;
      lock.unlock();
      auto conn = Connect();
      if (!conn.ok()) {
        lock.lock();
        --open_;
        cv_.notify_one();
      }
      return conn;
    }
    ++waiting_;
    const bool timed_out = cv_.wait_until(lock, deadline) == std::cv_status::timeout;
    --waiting_;
    if (timed_out && idle_.empty() && open_ >= options_.max_size) {
      return absl::UnavailableError("no database connection free in time (pool exhausted)");
    }
  }
}

void Pool::Release(std::unique_ptr<pqxx::connection> conn, bool reusable) {
  std::lock_guard<std::mutex> lock(mu_);
  if (reusable && conn != nullptr && conn->is_open()) {
    idle_.push_back(std::move(conn));
  } else {
    --open_;
  }
  cv_.notify_one();
}

absl::Status Pool::WithConnection(const std::function<absl::Status(pqxx::connection&)>& body) {
  auto conn = Acquire();
  if (!conn.ok()) return conn.status();
  std::unique_ptr<pqxx::connection> c = std::move(conn).value();
  absl::Status status;
  bool reusable = true;
  try {
    status = body(*c);
    MarkReachable(true);
  } catch (const std::exception& e) {
    status = StatusFromException(e);
    // A connection that broke or timed out is discarded, never reused.
    const bool broken = dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr;
    reusable = !(broken || dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr);
    MarkReachable(!broken);
  }
  Release(std::move(c), reusable);
  return status;
}

absl::Status Pool::Run(const TxnFn& fn, bool commit) {
  return WithConnection([&](pqxx::connection& c) {
    pqxx::work txn(c);
    absl::Status status = fn(txn);
    if (status.ok() && commit) txn.commit();
    // Otherwise the transaction rolls back when `txn` goes out of scope.
    return status;
  });
}

absl::Status Pool::Transact(const TxnFn& fn) { return Run(fn, /*commit=*/true); }

absl::Status Pool::Single(const std::function<absl::Status(pqxx::transaction_base&)>& fn) {
  return WithConnection([&](pqxx::connection& c) {
    pqxx::nontransaction txn(c);
    return fn(txn);
  });
}

absl::Status Pool::Read(const TxnFn& fn) { return Run(fn, /*commit=*/false); }

absl::Status Pool::Ping() {
  return Read([](pqxx::work& txn) {
    txn.exec1("SELECT 1");
    return absl::OkStatus();
  });
}

absl::StatusOr<int> DeleteOlderThan(Pool* pool, const Query& query, absl::Duration age,
                                    int batch) {
  const std::string interval = absl::StrCat(absl::ToInt64Seconds(age), " seconds");
  int deleted_in_all = 0;
  while (true) {
    int deleted = 0;
    absl::Status s = pool->Single([&](pqxx::transaction_base& txn) {
      deleted = static_cast<int>(Exec(txn, query, interval, batch).affected_rows());
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    deleted_in_all += deleted;
    if (deleted < batch) return deleted_in_all;
  }
}

absl::StatusOr<int64_t> ReadSnapshotVersion(Pool* pool) {
  int64_t version = 0;
  RETURN_IF_ERROR(pool->Read([&](pqxx::work& txn) -> absl::Status {
    version = Exec(txn, kSnapshotVersion)[0]["version"].as<int64_t>();
    return absl::OkStatus();
  }));
  return version;
}

}  // namespace callcenter::db
