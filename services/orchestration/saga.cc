#include "services/orchestration/saga.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/ids/uuid.h"
#include "libs/logging/log.h"
#include "libs/status/status.h"

namespace callcenter::orchestration {
namespace {

const db::Query kBegin{
    "saga_begin",
    "INSERT INTO sagas (saga_id, order_id, request_id, state, step, kind) "
    "VALUES ($1::uuid, $2, $3, 'RUNNING', 'STARTED', $4) "
    "ON CONFLICT (order_id, request_id) DO UPDATE SET updated_at = now(), state = 'RUNNING', "
    "step = 'STARTED' "
    "RETURNING saga_id::text, step, kind"};
const db::Query kRecord{
    "saga_record",
    "UPDATE sagas SET step = $2, state = CASE WHEN $2 IN ('DONE', 'COMPENSATED') THEN $2 "
    "ELSE 'RUNNING' END, updated_at = now() WHERE saga_id = $1::uuid"};
const db::Query kDoneMany{
    "saga_done_many",
    "UPDATE sagas SET step = 'DONE', state = 'DONE', updated_at = now() "
    "WHERE saga_id = ANY($1::uuid[]) AND state NOT IN ('DONE', 'COMPENSATED')"};
const db::Query kIdle{
    "saga_idle",
    "SELECT saga_id::text, order_id, request_id, step, kind FROM sagas "
    "WHERE state NOT IN ('DONE', 'COMPENSATED') AND updated_at < now() - $1::interval "
    "ORDER BY updated_at LIMIT 20 FOR UPDATE SKIP LOCKED"};

const db::Query kPurgeFinished{
    "saga_purge_finished",
    "DELETE FROM sagas WHERE ctid IN (SELECT ctid FROM sagas "
    "WHERE created_at < now() - $1::interval AND state IN ('DONE', 'COMPENSATED') LIMIT $2)"};
const db::Query kSweepClaim{
    "payment_sweep_claim",
    "SELECT page_token FROM payment_sweep WHERE sweep_id = 1 FOR UPDATE SKIP LOCKED"};
const db::Query kSweepStore{
    "payment_sweep_store",
    "UPDATE payment_sweep SET page_token = $1, updated_at = now() WHERE sweep_id = 1"};

}  // namespace

absl::StatusOr<bool> SagaLog::AdvancePaymentSweep(
    const std::function<absl::StatusOr<std::string>(const std::string&)>& sweep) {
  bool ran = false;
  RETURN_IF_ERROR(pool_->Transact([&](pqxx::work& txn) -> absl::Status {
    pqxx::result claimed = db::Exec(txn, kSweepClaim);
    if (claimed.empty()) return absl::OkStatus();  // another replica is sweeping
    ran = true;
    ASSIGN_OR_RETURN(std::string next, sweep(claimed[0][0].as<std::string>()));
    db::Exec(txn, kSweepStore, next);
    return absl::OkStatus();
  }));
  return ran;
}

absl::StatusOr<int> SagaLog::PurgeFinished(absl::Duration age, int batch) {
  return db::DeleteOlderThan(pool_, kPurgeFinished, age, batch);
}

absl::StatusOr<Saga> SagaLog::Begin(const std::string& order_id, const std::string& request_id,
                                     const std::string& kind) {
  Saga saga{"", order_id, request_id, "", kind};
  RETURN_IF_ERROR(pool_->Single([&](pqxx::transaction_base& txn) {
    pqxx::row r = db::Exec(txn, kBegin, NewUuid(), order_id, request_id, kind)[0];
    saga.saga_id = r[0].as<std::string>();
    saga.step = r[1].as<std::string>();
    saga.kind = r[2].as<std::string>();
    return absl::OkStatus();
  }));
  return saga;
}

absl::Status SagaLog::Record(const std::string& saga_id, const std::string& step) {
  return pool_->Single([&](pqxx::transaction_base& txn) {
    db::Exec(txn, kRecord, saga_id, step);
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
    db::Exec(txn, kDoneMany, array);
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
    for (const auto& row : db::Exec(txn, kIdle, interval)) {
      Saga saga{row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
                row[3].as<std::string>(), row[4].as<std::string>()};
      absl::StatusOr<std::string> final_step = finish(saga);
      if (!final_step.ok()) {
        log::Warning("saga recovery postponed", {{"saga_id", saga.saga_id},
                                                 {"error", std::string(final_step.status().message())}});
        continue;
      }
      db::Exec(txn, kRecord, saga.saga_id, *final_step);
      ++recovered;
    }
    return absl::OkStatus();
  }));
  return recovered;
}

}  // namespace callcenter::orchestration
