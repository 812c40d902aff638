#ifndef CALLCENTER_SERVICES_HOLD_HOLD_SERVICE_H_
#define CALLCENTER_SERVICES_HOLD_HOLD_SERVICE_H_

#include "callcenter/hold/v1/hold.grpc.pb.h"
#include "libs/db/pool.h"
#include "libs/metrics/metrics.h"
#include "libs/server/crud.h"
#include "libs/snapshot/snapshot.h"
#include "services/hold/domain/fraud.h"
#include "services/hold/store.h"

namespace callcenter::hold {

// Hold codes, manual and automatic (fraud) holds.
class HoldServiceImpl final : public v1::HoldService::Service {
 public:
  HoldServiceImpl(db::Pool* pool, metrics::Metrics* metrics);
  grpc::Status UpsertHoldCode(grpc::ServerContext*, const v1::UpsertHoldCodeRequest*,
                              v1::UpsertHoldCodeResponse*) override;
  grpc::Status GetHoldCode(grpc::ServerContext*, const v1::GetHoldCodeRequest*,
                           v1::GetHoldCodeResponse*) override;
  grpc::Status ListHoldCodes(grpc::ServerContext*, const v1::ListHoldCodesRequest*,
                             v1::ListHoldCodesResponse*) override;
  grpc::Status UpsertFraudRule(grpc::ServerContext*, const v1::UpsertFraudRuleRequest*,
                               v1::UpsertFraudRuleResponse*) override;
  grpc::Status GetFraudRule(grpc::ServerContext*, const v1::GetFraudRuleRequest*,
                            v1::GetFraudRuleResponse*) override;
  grpc::Status ListFraudRules(grpc::ServerContext*, const v1::ListFraudRulesRequest*,
                              v1::ListFraudRulesResponse*) override;
  grpc::Status UpsertFraudData(grpc::ServerContext*, const v1::UpsertFraudDataRequest*,
                               v1::UpsertFraudDataResponse*) override;
  grpc::Status EvaluateFraud(grpc::ServerContext*, const v1::EvaluateFraudRequest*,
                             v1::EvaluateFraudResponse*) override;
  grpc::Status PlaceHold(grpc::ServerContext*, const v1::PlaceHoldRequest*,
                         v1::PlaceHoldResponse*) override;
  grpc::Status ClearHold(grpc::ServerContext*, const v1::ClearHoldRequest*,
                         v1::ClearHoldResponse*) override;
  grpc::Status ListOrderHolds(grpc::ServerContext*, const v1::ListOrderHoldsRequest*,
                              v1::ListOrderHoldsResponse*) override;
  grpc::Status ListOpenHolds(grpc::ServerContext*, const v1::ListOpenHoldsRequest*,
                             v1::ListOpenHoldsResponse*) override;
  grpc::Status CheckOutHold(grpc::ServerContext*, const v1::CheckOutHoldRequest*,
                            v1::CheckOutHoldResponse*) override;
  grpc::Status ReleaseHoldCheckout(grpc::ServerContext*, const v1::ReleaseHoldCheckoutRequest*,
                                   v1::ReleaseHoldCheckoutResponse*) override;

  // Rebuilds the fraud index from PostgreSQL and swaps it in, when the
  // fraud tables changed since the last build (or always, with `force`).
  absl::Status Refresh(bool force = false) { return fraud_index_.Refresh(force); }

  // See HoldStore::PurgeEvaluations.
  absl::StatusOr<int> PurgeEvaluations(absl::Duration age, int batch = 1000) {
    return store_.PurgeEvaluations(age, batch);
  }

 private:
  // As of this process's last write (Snapshot::GetFresh).
  std::shared_ptr<const FraudIndex> index() const { return fraud_index_.GetFresh(); }
  // The fraud tables as they are now, built into an index.
  absl::StatusOr<std::shared_ptr<const FraudIndex>> Load();

  HoldStore store_;
  metrics::Metrics* metrics_;
  // Mutable: a const reader may rebuild it first (GetFresh).
  mutable snapshot::Snapshot<FraudIndex> fraud_index_;
  server::Crud<v1::HoldCode> hold_codes_;
  server::Crud<v1::FraudRule> fraud_rules_;
  server::Crud<v1::FraudData> fraud_data_;
};

}  // namespace callcenter::hold

#endif  // CALLCENTER_SERVICES_HOLD_HOLD_SERVICE_H_
