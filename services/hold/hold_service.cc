#include "services/hold/hold_service.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/ids/system_names.h"
#include "libs/server/serve.h"
#include "libs/status/status.h"

namespace callcenter::hold {
namespace {

const db::EntityTable& Table(int i) {
  static const auto* tables = new std::vector<db::EntityTable>{
      db::EntityTable("hold_codes"), db::EntityTable("fraud_rules"), db::EntityTable("fraud_data")};
  return (*tables)[i];
}

// The largest score one rule or one piece of fraud data may add.
constexpr int64_t kMaxFraudScore = 1'000'000'000;

absl::Status ValidateHoldCode(const v1::HoldCode& c) {
  if (c.hold_code().empty()) return InvalidField("hold_code.hold_code", "required");
  return absl::OkStatus();
}

absl::Status ValidateFraudRule(const v1::FraudRule& r) {
  if (r.rule_id().empty()) return InvalidField("fraud_rule.rule_id", "required");
  // Scores are summed per evaluation: bounded, so no sum of them can wrap.
  if (r.score() <= 0 || r.score() > kMaxFraudScore) {
    return InvalidField("fraud_rule.score", absl::StrCat("must be 1 to ", kMaxFraudScore));
  }
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
  if (d.score() <= 0 || d.score() > kMaxFraudScore) {
    return InvalidField("fraud_data.score", absl::StrCat("must be 1 to ", kMaxFraudScore));
  }
  return absl::OkStatus();
}

// While a hold is checked out only its holder, or a user allowed to
// override checkouts, may clear it or release the checkout (DOMAIN 11).
absl::Status CheckMayActOnCheckout(const common::v1::OrderHold& h, const std::string& user_id,
                                   bool may_override, const char* action) {
  if (h.checked_out_by().empty() || h.checked_out_by() == user_id || may_override) {
    return absl::OkStatus();
  }
  return WithReason(absl::PermissionDeniedError(absl::StrCat(
                        "hold ", h.hold_id(), " is checked out by ", h.checked_out_by(),
                        ": only they, or a user who may override checkouts, may ", action, " it")),
                    "HOLD_CHECKED_OUT", {{"checked_out_by", h.checked_out_by()}});
}

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;

}  // namespace

HoldServiceImpl::HoldServiceImpl(db::Pool* pool, metrics::Metrics* metrics)
    : store_(pool),
      metrics_(metrics),
      fraud_index_(
          "fraud", [pool] { return db::ReadSnapshotVersion(pool); }, [this] { return Load(); },
          FraudIndex::Build({}, {})),
      hold_codes_(
          &Table(0), pool, metrics, [](const v1::HoldCode& c) { return c.hold_code(); },
          ValidateHoldCode),
      fraud_rules_(
          &Table(1), pool, metrics, [](const v1::FraudRule& r) { return r.rule_id(); },
          ValidateFraudRule, [this] { fraud_index_.Invalidate(); }),
      // Keyed by kind and normalized value.
      fraud_data_(
          &Table(2), pool, metrics,
          [](const v1::FraudData& d) {
            return absl::StrCat(v1::FraudDataKind_Name(d.kind()), "|",
                                NormalizeFraudValue(d.kind(), d.value()));
          },
          ValidateFraudData, [this] { fraud_index_.Invalidate(); }) {}

absl::StatusOr<std::shared_ptr<const FraudIndex>> HoldServiceImpl::Load() {
  std::vector<v1::FraudRule> rules;
  std::vector<v1::FraudData> data;
  RETURN_IF_ERROR(store_.LoadFraudTables(&rules, &data));
  return FraudIndex::Build(rules, data);
}

grpc::Status HoldServiceImpl::UpsertHoldCode(grpc::ServerContext*,
                                             const v1::UpsertHoldCodeRequest* req,
                                             v1::UpsertHoldCodeResponse* resp) {
  return hold_codes_.Upsert("UpsertHoldCode", "hold_code", req->hold_code(),
                            resp->mutable_hold_code());
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
  return fraud_rules_.Upsert("UpsertFraudRule", "fraud_rule", req->fraud_rule(),
                             resp->mutable_fraud_rule());
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
  return fraud_data_.Upsert("UpsertFraudData", "fraud_data", req->fraud_data(),
                            resp->mutable_fraud_data());
}

grpc::Status HoldServiceImpl::EvaluateFraud(grpc::ServerContext*,
                                            const v1::EvaluateFraudRequest* req,
                                            v1::EvaluateFraudResponse* resp) {
  return server::Serve(metrics_, "EvaluateFraud", req->request_id(), [&]() -> absl::Status {
    if (req->request_id().empty()) return InvalidField("request_id", "required");
    if (req->order_id().empty()) return InvalidField("order_id", "required");
    if (req->min_fraud_score() < 0) return InvalidField("min_fraud_score", "must be >= 0");
    // Scoring is in memory; the store keeps the first evaluation of a request.
    v1::EvaluateFraudResponse scored;
    index()->Evaluate(*req, &scored);
    ASSIGN_OR_RETURN(*resp, store_.SaveEvaluation(*req, std::move(scored),
                                                  NeedsFraudHold(scored.score(), req->min_fraud_score())));
    return absl::OkStatus();
  });
}

grpc::Status HoldServiceImpl::PlaceHold(grpc::ServerContext*, const v1::PlaceHoldRequest* req,
                                        v1::PlaceHoldResponse* resp) {
  return server::Serve(metrics_, "PlaceHold", req->request_id(), [&]() -> absl::Status {
    if (req->request_id().empty()) return InvalidField("request_id", "required");
    if (req->order_id().empty()) return InvalidField("order_id", "required");
    if (req->hold_code().empty()) return InvalidField("hold_code", "required");
    if (req->note().empty()) return InvalidField("note", "required: say why the order is held");
    absl::StatusOr<v1::HoldCode> code = store_.GetHoldCode(req->hold_code());
    if (absl::IsNotFound(code.status())) {
      return InvalidField("hold_code", absl::StrCat("\"", req->hold_code(), "\" is not a hold code"));
    }
    RETURN_IF_ERROR(code.status());
    if (!code->active()) {
      return absl::FailedPreconditionError(absl::StrCat("hold code ", req->hold_code(), " is inactive"));
    }
    const HoldStore::Placement at{req->order_id(), req->call_center_id(), req->customer_id(),
                                  req->user_id()};
    ASSIGN_OR_RETURN(*resp->mutable_hold(),
                     store_.PlaceHold(req->request_id(), at, req->hold_code(), req->note()));
    return absl::OkStatus();
  });
}

grpc::Status HoldServiceImpl::ClearHold(grpc::ServerContext*, const v1::ClearHoldRequest* req,
                                        v1::ClearHoldResponse* resp) {
  return server::Serve(metrics_, "ClearHold", req->request_id(), [&]() -> absl::Status {
    if (req->order_id().empty()) return InvalidField("order_id", "required");
    if (req->hold_id().empty()) return InvalidField("hold_id", "required");
    if (req->reason().empty()) return InvalidField("reason", "required: say why the hold is cleared");
    auto cleared = store_.ClearHold(
        req->order_id(), req->hold_id(), req->reason(), req->user_id(),
        [&](const common::v1::OrderHold& h, const v1::HoldCode* code) -> absl::Status {
          // A code no longer defined stays limited to the users granted it.
          const bool open_to_all = code != nullptr && code->clearable_by_any_user();
          if (!MayClear(h.hold_code(), req->clearable_hold_codes(), open_to_all)) {
            return absl::PermissionDeniedError(absl::StrCat(
                "user ", req->user_id(), " may not clear holds with code ", h.hold_code()));
          }
          // The system's own releases (undoing a failed submit) pass.
          if (h.open() && req->user_id() != kSystemUser) {
            RETURN_IF_ERROR(
                CheckMayActOnCheckout(h, req->user_id(), req->may_override_checkout(), "clear"));
          }
          return absl::OkStatus();
        });
    RETURN_IF_ERROR(cleared.status());
    *resp->mutable_hold() = cleared->first;
    resp->set_order_has_open_holds(cleared->second);
    return absl::OkStatus();
  });
}

grpc::Status HoldServiceImpl::ListOrderHolds(grpc::ServerContext*,
                                             const v1::ListOrderHoldsRequest* req,
                                             v1::ListOrderHoldsResponse* resp) {
  return server::Serve(metrics_, "ListOrderHolds", "", [&]() -> absl::Status {
    if (req->order_id().empty()) return InvalidField("order_id", "required");
    std::vector<v1::HoldEvent> history;
    ASSIGN_OR_RETURN(std::vector<common::v1::OrderHold> holds,
                     store_.ListHolds(req->order_id(), &history));
    for (auto& e : history) *resp->add_history() = std::move(e);
    for (auto& h : holds) {
      if (h.open()) resp->set_has_open_holds(true);
      *resp->add_holds() = std::move(h);
    }
    return absl::OkStatus();
  });
}

grpc::Status HoldServiceImpl::ListOpenHolds(grpc::ServerContext*,
                                            const v1::ListOpenHoldsRequest* req,
                                            v1::ListOpenHoldsResponse* resp) {
  return server::Serve(metrics_, "ListOpenHolds", "", [&]() -> absl::Status {
    if (req->call_center_id().empty()) return InvalidField("call_center_id", "required");
    if (req->page_size() < 0 || req->page_size() > kMaxPageSize) {
      return InvalidField("page_size", absl::StrCat("must be 0 to ", kMaxPageSize));
    }
    const int size = req->page_size() == 0 ? kDefaultPageSize : req->page_size();
    ASSIGN_OR_RETURN(std::vector<v1::OpenHold> holds,
                     store_.ListOpenHolds(req->call_center_id(), req->hold_code(), size,
                                          req->page_token(), resp->mutable_next_page_token()));
    for (auto& h : holds) *resp->add_holds() = std::move(h);
    return absl::OkStatus();
  });
}

grpc::Status HoldServiceImpl::CheckOutHold(grpc::ServerContext*, const v1::CheckOutHoldRequest* req,
                                           v1::CheckOutHoldResponse* resp) {
  return server::Serve(metrics_, "CheckOutHold", req->request_id(), [&]() -> absl::Status {
    if (req->order_id().empty()) return InvalidField("order_id", "required");
    if (req->hold_id().empty()) return InvalidField("hold_id", "required");
    if (req->user_id().empty()) return InvalidField("user_id", "required");
    ASSIGN_OR_RETURN(
        *resp->mutable_hold(),
        store_.SetCheckout(
            req->order_id(), req->hold_id(), req->user_id(), req->user_id(),
            [&](const common::v1::OrderHold& h) -> absl::Status {
              if (!h.open()) {
                return absl::FailedPreconditionError(
                    absl::StrCat("hold ", h.hold_id(), " is cleared: nothing to check out"));
              }
              if (!h.checked_out_by().empty() && h.checked_out_by() != req->user_id()) {
                return WithReason(
                    absl::FailedPreconditionError(absl::StrCat(
                        "hold ", h.hold_id(), " is checked out by ", h.checked_out_by())),
                    "HOLD_CHECKED_OUT", {{"checked_out_by", h.checked_out_by()}});
              }
              return absl::OkStatus();
            }));
    return absl::OkStatus();
  });
}

grpc::Status HoldServiceImpl::ReleaseHoldCheckout(grpc::ServerContext*,
                                                  const v1::ReleaseHoldCheckoutRequest* req,
                                                  v1::ReleaseHoldCheckoutResponse* resp) {
  return server::Serve(metrics_, "ReleaseHoldCheckout", req->request_id(), [&]() -> absl::Status {
    if (req->order_id().empty()) return InvalidField("order_id", "required");
    if (req->hold_id().empty()) return InvalidField("hold_id", "required");
    if (req->user_id().empty()) return InvalidField("user_id", "required");
    ASSIGN_OR_RETURN(*resp->mutable_hold(),
                     store_.SetCheckout(req->order_id(), req->hold_id(), "", req->user_id(),
                                        [&](const common::v1::OrderHold& h) {
                                          return CheckMayActOnCheckout(h, req->user_id(),
                                                                       req->may_override_checkout(),
                                                                       "release the checkout of");
                                        }));
    return absl::OkStatus();
  });
}

}  // namespace callcenter::hold
