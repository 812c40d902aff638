#include "services/hold/hold_service.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/status/status.h"

namespace callcenter::hold {
namespace {

const db::EntityTable& Table(int i) {
  static const auto* tables = new std::vector<db::EntityTable>{
      db::EntityTable("hold_codes"), db::EntityTable("fraud_rules"), db::EntityTable("fraud_data")};
  return (*tables)[i];
}

absl::Status ValidateHoldCode(const v1::HoldCode& c) {
  if (c.hold_code().empty()) return InvalidField("hold_code.hold_code", "required");
  return absl::OkStatus();
}

absl::Status ValidateFraudRule(const v1::FraudRule& r) {
  if (r.rule_id().empty()) return InvalidField("fraud_rule.rule_id", "required");
  if (r.score() <= 0) return InvalidField("fraud_rule.score", "must be > 0");
  if (r.min_quantity() < 0) return InvalidField("fraud_rule.min_quantity", "must be >= 0");
  if (r.min_quantity() > 0 && r.product_id().empty()) {
    return InvalidField("fraud_rule.product_id", "required with min_quantity");
  }
  if (r.has_order_total_at_least() && r.order_total_at_least().minor_units() < 0) {
    return InvalidField("fraud_rule.order_total_at_least", "must be >= 0");
  }
  return absl::OkStatus();
}

absl::Status ValidateFraudData(const v1::FraudData& d) {
  if (d.kind() == v1::FRAUD_DATA_KIND_UNSPECIFIED) {
    return InvalidField("fraud_data.kind", "required (EMAIL, PHONE or POSTAL_CODE)");
  }
  if (d.value().empty()) return InvalidField("fraud_data.value", "required");
  if (d.score() <= 0) return InvalidField("fraud_data.score", "must be > 0");
  return absl::OkStatus();
}

}  // namespace

std::vector<db::Query> HoldQueries() {
  std::vector<db::Query> q;
  for (int i = 0; i < 3; ++i) {
    for (const db::Query& x : Table(i).Queries()) q.push_back(x);
  }
  return q;
}

HoldServiceImpl::HoldServiceImpl(db::Pool* pool, metrics::Metrics* metrics)
    : hold_codes_(&Table(0), pool, metrics, [](const v1::HoldCode& c) { return c.hold_code(); },
                  ValidateHoldCode),
      fraud_rules_(&Table(1), pool, metrics, [](const v1::FraudRule& r) { return r.rule_id(); },
                   ValidateFraudRule),
      // Keyed by kind and value; values match case-insensitively.
      fraud_data_(&Table(2), pool, metrics,
                  [](const v1::FraudData& d) {
                    return absl::StrCat(v1::FraudDataKind_Name(d.kind()), "|",
                                        absl::AsciiStrToLower(d.value()));
                  },
                  ValidateFraudData) {}

grpc::Status HoldServiceImpl::UpsertHoldCode(grpc::ServerContext*,
                                             const v1::UpsertHoldCodeRequest* req,
                                             v1::UpsertHoldCodeResponse* resp) {
  return hold_codes_.Upsert("UpsertHoldCode", req->hold_code(), resp->mutable_hold_code());
}
grpc::Status HoldServiceImpl::GetHoldCode(grpc::ServerContext*, const v1::GetHoldCodeRequest* req,
                                          v1::GetHoldCodeResponse* resp) {
  return hold_codes_.Get("GetHoldCode", "hold_code", req->hold_code(), resp->mutable_hold_code());
}
grpc::Status HoldServiceImpl::ListHoldCodes(grpc::ServerContext*,
                                            const v1::ListHoldCodesRequest* req,
                                            v1::ListHoldCodesResponse* resp) {
  return hold_codes_.List("ListHoldCodes", req->page_size(), req->page_token(),
                          resp->mutable_hold_codes(), resp->mutable_next_page_token());
}
grpc::Status HoldServiceImpl::UpsertFraudRule(grpc::ServerContext*,
                                              const v1::UpsertFraudRuleRequest* req,
                                              v1::UpsertFraudRuleResponse* resp) {
  return fraud_rules_.Upsert("UpsertFraudRule", req->fraud_rule(), resp->mutable_fraud_rule());
}
grpc::Status HoldServiceImpl::GetFraudRule(grpc::ServerContext*,
                                           const v1::GetFraudRuleRequest* req,
                                           v1::GetFraudRuleResponse* resp) {
  return fraud_rules_.Get("GetFraudRule", "rule_id", req->rule_id(), resp->mutable_fraud_rule());
}
grpc::Status HoldServiceImpl::ListFraudRules(grpc::ServerContext*,
                                             const v1::ListFraudRulesRequest* req,
                                             v1::ListFraudRulesResponse* resp) {
  return fraud_rules_.List("ListFraudRules", req->page_size(), req->page_token(),
                           resp->mutable_fraud_rules(), resp->mutable_next_page_token());
}
grpc::Status HoldServiceImpl::UpsertFraudData(grpc::ServerContext*,
                                              const v1::UpsertFraudDataRequest* req,
                                              v1::UpsertFraudDataResponse* resp) {
  return fraud_data_.Upsert("UpsertFraudData", req->fraud_data(), resp->mutable_fraud_data());
}

}  // namespace callcenter::hold
