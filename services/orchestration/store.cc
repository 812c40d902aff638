#include "services/orchestration/store.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/ids/uuid.h"
#include "libs/logging/log.h"
#include "libs/status/status.h"
#include "services/orchestration/queries.h"

namespace callcenter::orchestration {
namespace {}  // namespace

absl::StatusOr<bool> SagaLog::AdvancePaymentSweep(
    const std::function<absl::StatusOr<std::string>(const std::string&)>& sweep) {
  bool ran = false;
  RETURN_IF_ERROR(pool_->Transact([&](pqxx::work& txn) -> absl::Status {
    pqxx::result claimed = db::Exec(txn, queries::kPaymentSweepClaim);
    if (claimed.empty()) return absl::OkStatus();  // another replica is sweeping
    ran = true;
    ASSIGN_OR_RETURN(std::string next, sweep(claimed[0]["page_token"].as<std::string>()));
    db::Exec(txn, queries::kPaymentSweepStore, next);
    return absl::OkStatus();
  }));
  return ran;
}

absl::StatusOr<int> SagaLog::PurgeFinished(absl::Duration age, int batch) {
  return db::DeleteOlderThan(pool_, queries::kSagaPurgeFinished, age, batch);
}

absl::StatusOr<Saga> SagaLog::Begin(const std::string& order_id, const std::string& request_id,
                                    const std::string& kind) {
  Saga saga{"", order_id, request_id, "", kind};
  RETURN_IF_ERROR(pool_->Single([&](pqxx::transaction_base& txn) {
    pqxx::row r = db::Exec(txn, queries::kSagaBegin, NewUuid(), order_id, request_id, kind)[0];
    saga.saga_id = r["saga_id"].as<std::string>();
    saga.step = r["step"].as<std::string>();
    saga.kind = r["kind"].as<std::string>();
    return absl::OkStatus();
  }));
  return saga;
}

absl::Status SagaLog::Record(const std::string& saga_id, const std::string& step) {
  return pool_->Single([&](pqxx::transaction_base& txn) {
    db::Exec(txn, queries::kSagaRecord, saga_id, step);
    return absl::OkStatus();
  });
}

void SagaLog::MarkDone(const std::string& saga_id) {
  std::lock_guard<std::mutex> lock(done_mu_);
  done_.push_back(saga_id);
}

absl::Status SagaLog::FlushDone() {
  std::vector<std::string> ids;
  {
    std::lock_guard<std::mutex> lock(done_mu_);
    ids.swap(done_);
  }
  if (ids.empty()) return absl::OkStatus();
  // Saga ids are UUIDs of our own making: safe in an array literal.
  const std::string array = absl::StrCat("{", absl::StrJoin(ids, ","), "}");
  absl::Status s = pool_->Single([&](pqxx::transaction_base& txn) {
    db::Exec(txn, queries::kSagaDoneMany, array);
    return absl::OkStatus();
  });
  if (!s.ok()) {  // kept for the next flush
    std::lock_guard<std::mutex> lock(done_mu_);
    done_.insert(done_.end(), ids.begin(), ids.end());
  }
  return s;
}

absl::StatusOr<int> SagaLog::RecoverIdle(
    absl::Duration idle, const std::function<absl::StatusOr<std::string>(const Saga&)>& finish) {
  // Finished submits whose DONE is still queued are not unfinished.
  RETURN_IF_ERROR(FlushDone());
  int recovered = 0;
  RETURN_IF_ERROR(pool_->Transact([&](pqxx::work& txn) -> absl::Status {
    const std::string interval = absl::StrCat(absl::ToInt64Milliseconds(idle), " milliseconds");
    for (const auto& row : db::Exec(txn, queries::kSagaIdle, interval)) {
      Saga saga{row["saga_id"].as<std::string>(), row["order_id"].as<std::string>(),
                row["request_id"].as<std::string>(), row["step"].as<std::string>(),
                row["kind"].as<std::string>()};
      absl::StatusOr<std::string> final_step = finish(saga);
      if (!final_step.ok()) {
        log::Warning(
            "saga recovery postponed",
            {{"saga_id", saga.saga_id}, {"error", std::string(final_step.status().message())}});
        continue;
      }
      db::Exec(txn, queries::kSagaRecord, saga.saga_id, *final_step);
      ++recovered;
    }
    return absl::OkStatus();
  }));
  return recovered;
}

}  // namespace callcenter::orchestration
