#ifndef CALLCENTER_SERVICES_HOLD_HOLD_SERVICE_H_
#define CALLCENTER_SERVICES_HOLD_HOLD_SERVICE_H_

#include "callcenter/hold/v1/hold.grpc.pb.h"
#include "libs/db/pool.h"
#include "libs/metrics/metrics.h"
#include "libs/server/crud.h"

namespace callcenter::hold {

std::vector<db::Query> HoldQueries();

// Master data of holds and fraud scoring. EvaluateFraud, PlaceHold,
// ClearHold and ListOrderHolds answer UNIMPLEMENTED until the hold issue.
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

 private:
  server::Crud<v1::HoldCode> hold_codes_;
  server::Crud<v1::FraudRule> fraud_rules_;
  server::Crud<v1::FraudData> fraud_data_;
};

}  // namespace callcenter::hold

#endif  // CALLCENTER_SERVICES_HOLD_HOLD_SERVICE_H_
