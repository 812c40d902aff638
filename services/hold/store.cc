#include "services/hold/store.h"

#include <optional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/time_util.h"
#include "libs/db/entity_table.h"
#include "libs/ids/system_names.h"
#include "libs/ids/uuid.h"
#include "libs/status/status.h"
#include "services/hold/queries.h"

namespace callcenter::hold {
namespace {

using google::protobuf::util::TimeUtil;

google::protobuf::Timestamp FromEpoch(double seconds) {
  return TimeUtil::NanosecondsToTimestamp(static_cast<int64_t>(seconds * 1e9));
}

OrderHold FromRow(const pqxx::row& r) {
  OrderHold h;
  h.set_hold_id(r["hold_id"].as<std::string>());
  h.set_hold_code(r["hold_code"].as<std::string>());
  h.set_note(r["note"].as<std::string>());
  h.set_open(r["open"].as<bool>());
  h.set_placed_by(r["placed_by"].as<std::string>());
  *h.mutable_placed_at() = FromEpoch(r["placed_at_epoch"].as<double>());
  h.set_cleared_by(r["cleared_by"].as<std::string>());
  h.set_cleared_reason(r["cleared_reason"].as<std::string>());
  const double cleared = r["cleared_at_epoch"].as<double>();
  if (cleared > 0) *h.mutable_cleared_at() = FromEpoch(cleared);
  h.set_checked_out_by(r["checked_out_by"].as<std::string>());
  const double checked_out = r["checked_out_at_epoch"].as<double>();
  if (checked_out > 0) *h.mutable_checked_out_at() = FromEpoch(checked_out);
  return h;
}

constexpr char kNoHoldId[] = "00000000-0000-0000-0000-000000000000";

// Workbench page tokens: "<placed_at in epoch microseconds>/<hold_id>" of
// the last hold of the previous page.
absl::Status ParsePageToken(const std::string& token, int64_t* micros, std::string* hold_id) {
  *micros = 0;  // the epoch: before every hold
  *hold_id = kNoHoldId;
  if (token.empty()) return absl::OkStatus();
  std::vector<std::string> parts = absl::StrSplit(token, '/');
  // Within PostgreSQL's timestamps (years 1970 to about 2286).
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], micros) || *micros < 0 ||
      *micros > 9'999'999'999'999'999 || !IsUuid(parts[1])) {
    return InvalidField("page_token", "is not a token this list returned");
  }
  *hold_id = parts[1];
  return absl::OkStatus();
}

// The definition of hold code `code`, or nullopt when none is stored.
absl::StatusOr<std::optional<v1::HoldCode>> CodeIn(pqxx::transaction_base& txn,
                                                  const std::string& code) {
  pqxx::result r = db::Exec(txn, queries::kHoldCodeGetForHold, code);
  if (r.empty()) return std::nullopt;
  v1::HoldCode out;
  RETURN_IF_ERROR(db::FromJson(r[0]["body"].as<std::string>(), &out));
  return out;
}

absl::StatusOr<OrderHold> Insert(pqxx::work& txn, const std::string& request_id,
                                 const HoldStore::Placement& at, const std::string& code,
                                 const std::string& note) {
  const std::string id = NewUuid();
  pqxx::result ins = db::Exec(txn, queries::kHoldInsert, id, at.order_id, request_id, code, note,
                              at.user_id, at.call_center_id, at.customer_id);
  if (ins.affected_rows() == 1) {
    db::Exec(txn, queries::kHoldEvent, id, at.user_id, "placed", absl::StrCat(code, ": ", note));
  }
  pqxx::result r = db::Exec(txn, queries::kHoldByRequest, request_id);
  OrderHold h = FromRow(r[0]);
  if (r[0]["order_id"].as<std::string>() != at.order_id) {
    return InvalidField("request_id", "was already used for a hold on another order",
                        kReasonRequestIdReused);
  }
  return h;
}

}  // namespace

absl::StatusOr<int> HoldStore::PurgeEvaluations(absl::Duration age, int batch) {
  return db::DeleteOlderThan(pool_, queries::kEvaluationPurge, age, batch);
}

absl::StatusOr<v1::HoldCode> HoldStore::GetHoldCode(const std::string& code) {
  std::optional<v1::HoldCode> out;
  RETURN_IF_ERROR(pool_->Read([&](pqxx::work& txn) -> absl::Status {
    ASSIGN_OR_RETURN(out, CodeIn(txn, code));
    return absl::OkStatus();
  }));
  if (!out) return absl::NotFoundError(absl::StrCat("hold code ", code, " is unknown"));
  return *std::move(out);
}

absl::StatusOr<OrderHold> HoldStore::PlaceHold(const std::string& request_id,
                                               const Placement& placement,
                                               const std::string& hold_code,
                                               const std::string& note) {
  OrderHold out;
  RETURN_IF_ERROR(pool_->Transact([&](pqxx::work& txn) -> absl::Status {
    ASSIGN_OR_RETURN(out, Insert(txn, request_id, placement, hold_code, note));
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<std::vector<v1::OpenHold>> HoldStore::ListOpenHolds(
    const std::string& call_center_id, const std::string& hold_code, int page_size,
    const std::string& page_token, std::string* next_page_token) {
  int64_t after_micros = 0;
  std::string after_id;
  RETURN_IF_ERROR(ParsePageToken(page_token, &after_micros, &after_id));
  std::vector<v1::OpenHold> out;
  next_page_token->clear();
  RETURN_IF_ERROR(pool_->Read([&](pqxx::work& txn) -> absl::Status {
    // One row more than the page tells whether another page follows.
    pqxx::result rows = db::Exec(txn, queries::kHoldsOpenOfCallCenter, call_center_id, hold_code,
                                 after_micros, after_id, page_size + 1);
    for (int i = 0; i < static_cast<int>(rows.size()) && i < page_size; ++i) {
      v1::OpenHold& h = out.emplace_back();
      *h.mutable_hold() = FromRow(rows[i]);
      h.set_order_id(rows[i]["order_id"].as<std::string>());
      h.set_customer_id(rows[i]["customer_id"].as<std::string>());
      if (static_cast<int>(rows.size()) > page_size && i == page_size - 1) {
        *next_page_token =
            absl::StrCat(rows[i]["placed_at_micros"].as<int64_t>(), "/", h.hold().hold_id());
      }
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<OrderHold> HoldStore::SetCheckout(const std::string& order_id,
                                                 const std::string& hold_id,
                                                 const std::string& checked_out_by,
                                                 const std::string& acting_user,
                                                 const CheckoutCheck& check) {
  if (!IsUuid(hold_id)) return InvalidField("hold_id", "must be a UUID");
  OrderHold out;
  RETURN_IF_ERROR(pool_->Transact([&](pqxx::work& txn) -> absl::Status {
    pqxx::result r = db::Exec(txn, queries::kHoldLock, hold_id);
    if (r.empty() || r[0]["order_id"].as<std::string>() != order_id) {
      return absl::NotFoundError(absl::StrCat("hold ", hold_id, " not found on order ", order_id));
    }
    out = FromRow(r[0]);
    RETURN_IF_ERROR(check(out));
    if (out.checked_out_by() == checked_out_by) return absl::OkStatus();  // already so
    db::Exec(txn, queries::kHoldCheckout, hold_id, checked_out_by);
    if (checked_out_by.empty()) {
      db::Exec(txn, queries::kHoldEvent, hold_id, acting_user, "checkout released",
               absl::StrCat("checked out by ", out.checked_out_by()));
      out.clear_checked_out_at();
    } else {
      db::Exec(txn, queries::kHoldEvent, hold_id, acting_user, "checked out", checked_out_by);
      *out.mutable_checked_out_at() = TimeUtil::GetCurrentTime();
    }
    out.set_checked_out_by(checked_out_by);
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<std::pair<OrderHold, bool>> HoldStore::ClearHold(
    const std::string& order_id, const std::string& hold_id, const std::string& reason,
    const std::string& user_id, const ClearCheck& check) {
  if (!IsUuid(hold_id)) return InvalidField("hold_id", "must be a UUID");
  std::pair<OrderHold, bool> out;
  RETURN_IF_ERROR(pool_->Transact([&](pqxx::work& txn) -> absl::Status {
    pqxx::result r = db::Exec(txn, queries::kHoldLock, hold_id);
    if (r.empty() || r[0]["order_id"].as<std::string>() != order_id) {
      return absl::NotFoundError(absl::StrCat("hold ", hold_id, " not found on order ", order_id));
    }
    OrderHold h = FromRow(r[0]);
    ASSIGN_OR_RETURN(std::optional<v1::HoldCode> code, CodeIn(txn, h.hold_code()));
    RETURN_IF_ERROR(check(h, code ? &*code : nullptr));
    if (h.open()) {  // clearing twice is harmless
      db::Exec(txn, queries::kHoldClear, hold_id, user_id, reason);
      db::Exec(txn, queries::kHoldEvent, hold_id, user_id, "cleared", reason);
      h.set_open(false);
      h.set_cleared_by(user_id);
      h.set_cleared_reason(reason);
      *h.mutable_cleared_at() = TimeUtil::GetCurrentTime();
    }
    out.first = h;
    out.second = db::Exec(txn, queries::kHoldsOpenCount, order_id)[0]["open_holds"].as<int>() > 0;
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<std::vector<OrderHold>> HoldStore::ListHolds(const std::string& order_id,
                                                            std::vector<v1::HoldEvent>* history) {
  std::vector<OrderHold> out;
  RETURN_IF_ERROR(pool_->Read([&](pqxx::work& txn) {
    for (const auto& row : db::Exec(txn, queries::kHoldsOfOrder, order_id))
      out.push_back(FromRow(row));
    if (history != nullptr) {
      for (const auto& row : db::Exec(txn, queries::kHoldHistory, order_id)) {
        v1::HoldEvent& e = history->emplace_back();
        e.set_hold_id(row["hold_id"].as<std::string>());
        *e.mutable_at() = FromEpoch(row["at_epoch"].as<double>());
        e.set_user_id(row["user_id"].as<std::string>());
        e.set_action(row["action"].as<std::string>());
        e.set_detail(row["detail"].as<std::string>());
      }
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<v1::EvaluateFraudResponse> HoldStore::SaveEvaluation(
    const v1::EvaluateFraudRequest& request, v1::EvaluateFraudResponse response, bool place_hold) {
  if (!place_hold) {
    // One statement; a retry finds the first evaluation stored and returns it.
    RETURN_IF_ERROR(pool_->Single([&](pqxx::transaction_base& txn) -> absl::Status {
      if (!db::Exec(txn, queries::kEvaluationPut, request.request_id(), request.order_id(),
                    db::ToJson(response))
               .empty()) {
        return absl::OkStatus();
      }
      pqxx::result r = db::Exec(txn, queries::kEvaluationGet, request.request_id());
      if (r.empty()) return absl::InternalError("fraud evaluation neither stored nor found");
      return db::FromJson(r[0]["response"].as<std::string>(), &response);
    }));
    return response;
  }
  RETURN_IF_ERROR(pool_->Transact([&](pqxx::work& txn) -> absl::Status {
    pqxx::result r = db::Exec(txn, queries::kEvaluationGet, request.request_id());
    if (!r.empty()) return db::FromJson(r[0]["response"].as<std::string>(), &response);  // a retry
    std::string note = absl::StrCat("fraud score ", response.score(), " above ",
                                    request.min_fraud_score(), ":");
    for (const auto& m : response.matches()) {
      absl::StrAppend(&note, " ", m.source(), " ", m.reference(), " (+", m.score(), ")");
    }
    const Placement at{request.order_id(), request.call_center_id(), request.customer_id(),
                       kSystemUser};
    ASSIGN_OR_RETURN(
        *response.mutable_hold(),
        Insert(txn, absl::StrCat(request.request_id(), ":fraud"), at, kFraudHoldCode, note));
    db::Exec(txn, queries::kEvaluationPut, request.request_id(), request.order_id(),
             db::ToJson(response));
    return absl::OkStatus();
  }));
  return response;
}

absl::Status HoldStore::LoadFraudTables(std::vector<v1::FraudRule>* rules,
                                        std::vector<v1::FraudData>* data) {
  return pool_->Read([&](pqxx::work& txn) -> absl::Status {
    for (const auto& row : db::Exec(txn, queries::kFraudRulesAllForIndex)) {
      RETURN_IF_ERROR(db::FromJson(row["body"].as<std::string>(), &rules->emplace_back()));
    }
    for (const auto& row : db::Exec(txn, queries::kFraudDataAllForIndex)) {
      RETURN_IF_ERROR(db::FromJson(row["body"].as<std::string>(), &data->emplace_back()));
    }
    return absl::OkStatus();
  });
}

}  // namespace callcenter::hold
