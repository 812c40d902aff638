#include "libs/db/entity_table.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"

namespace callcenter::db {

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  return out;
}

absl::Status FromJson(const std::string& json, google::protobuf::Message* message) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  auto status = google::protobuf::util::JsonStringToMessage(json, message, options);
  if (!status.ok()) {
    return absl::InternalError(absl::StrCat("stored row does not parse: ", status.ToString()));
  }
  return absl::OkStatus();
}

absl::Status JsonParseCache::Parse(const std::string& json, google::protobuf::Message* out) {
  const google::protobuf::Descriptor* type = out->GetDescriptor();
  std::shared_ptr<const google::protobuf::Message> hit;
  {
    absl::MutexLock lock(&mu_);
    auto by_type = parsed_.find(type);
    if (by_type != parsed_.end()) {
      auto it = by_type->second.find(json);
      if (it != by_type->second.end()) hit = it->second;
    }
  }
  if (hit != nullptr) {
    out->CopyFrom(*hit);
    return absl::OkStatus();
  }
  std::shared_ptr<google::protobuf::Message> parsed(out->New());
  if (absl::Status s = FromJson(json, parsed.get()); !s.ok()) return s;
  out->CopyFrom(*parsed);
  absl::MutexLock lock(&mu_);
  if (size_ >= capacity_) {
    parsed_.clear();
    size_ = 0;
  }
  if (parsed_[type].emplace(json, std::move(parsed)).second) ++size_;
  return absl::OkStatus();
}

int ClampPageSize(int requested, int default_size, int max_size) {
  if (requested <= 0) return default_size;
  return requested > max_size ? max_size : requested;
}

EntityTable::EntityTable(std::string table) : table_(std::move(table)) {
  upsert_name_ = table_ + "_upsert";
  upsert_sql_ = absl::StrCat("INSERT INTO ", table_,
                             " (id, body, updated_at) VALUES ($1, $2::jsonb, now()) "
                             "ON CONFLICT (id) DO UPDATE SET body = EXCLUDED.body, updated_at = now()");
  get_name_ = table_ + "_get";
  get_sql_ = absl::StrCat("SELECT body::text FROM ", table_, " WHERE id = $1");
  list_name_ = table_ + "_list";
  list_sql_ = absl::StrCat("SELECT id, body::text FROM ", table_,
                           " WHERE id > $1 ORDER BY id LIMIT $2");
  all_name_ = table_ + "_all";
  all_sql_ = absl::StrCat("SELECT body::text FROM ", table_, " ORDER BY id");
}

absl::Status EntityTable::Upsert(pqxx::work& txn, const std::string& id,
                                 const google::protobuf::Message& message) const {
  Prepare(txn, upsert_name_.c_str(), upsert_sql_);
  txn.exec_prepared0(upsert_name_, id, ToJson(message));
  return absl::OkStatus();
}

absl::Status EntityTable::Get(pqxx::work& txn, const std::string& id,
                              google::protobuf::Message* out) const {
  Prepare(txn, get_name_.c_str(), get_sql_);
  pqxx::result r = txn.exec_prepared(get_name_, id);
  if (r.empty()) {
    return absl::NotFoundError(absl::StrCat(out->GetDescriptor()->name(), " \"", id, "\" not found"));
  }
  return FromJson(r[0]["body"].as<std::string>(), out);
}

absl::Status EntityTable::List(pqxx::work& txn, int page_size, const std::string& page_token,
                               const std::function<google::protobuf::Message*()>& add,
                               std::string* next_page_token) const {
  Prepare(txn, list_name_.c_str(), list_sql_);
  pqxx::result r = txn.exec_prepared(list_name_, page_token, page_size + 1);
  next_page_token->clear();
  for (int i = 0; i < static_cast<int>(r.size()); ++i) {
    if (i == page_size) {
      *next_page_token = r[i - 1]["id"].as<std::string>();
      break;
    }
    absl::Status s = FromJson(r[i]["body"].as<std::string>(), add());
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status EntityTable::All(pqxx::work& txn,
                              const std::function<google::protobuf::Message*()>& add) const {
  Prepare(txn, all_name_.c_str(), all_sql_);
  for (const auto& row : txn.exec_prepared(all_name_)) {
    absl::Status s = FromJson(row["body"].as<std::string>(), add());
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace callcenter::db
