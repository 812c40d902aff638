#include "libs/db/entity_table.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
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
  // $1: the rows already parsed, {"id": "version", ...}; their bodies are
  // left out while their version is the same.
  const std::string version =
      "t.xmin::text || '/' || (extract(epoch FROM t.updated_at) * 1000000)::bigint::text";
  all_sql_ = absl::StrCat("SELECT t.id, ", version, " AS version, CASE WHEN k.version IS DISTINCT FROM ",
                          version, " THEN t.body::text END AS body FROM ", table_,
                          " t LEFT JOIN jsonb_each_text($1::jsonb) AS k(id, version) ON k.id = t.id "
                          "ORDER BY t.id");
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

namespace {

// `s` as a JSON string (ids and versions: UTF-8 text, as PostgreSQL holds it).
void AppendJsonString(std::string* out, absl::string_view s) {
  out->push_back('"');
  // Ids and versions rarely need escaping: appended whole when they do not.
  if (std::none_of(s.begin(), s.end(), [](char c) {
        return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20;
      })) {
    out->append(s.data(), s.size());
    out->push_back('"');
    return;
  }
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      absl::StrAppend(out, absl::StrFormat("\\u%04x", static_cast<int>(c)));
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

}  // namespace

absl::Status EntityTable::All(pqxx::work& txn,
                              const std::function<google::protobuf::Message*()>& add) const {
  google::protobuf::Message* slot = nullptr;  // the current row's, added when first needed
  auto current = [&]() -> google::protobuf::Message* {
    if (slot == nullptr) slot = add();
    return slot;
  };
  return AllShared(
      txn, [&]() -> const google::protobuf::Message& { return *current(); },
      [&](Shared row) {
        current()->CopyFrom(*row);
        slot = nullptr;
      });
}

absl::Status EntityTable::AllShared(
    pqxx::work& txn, const std::function<const google::protobuf::Message&()>& prototype,
    const std::function<void(Shared)>& keep) const {
  ParsedRows& parsed = *parsed_;
  absl::MutexLock lock(&parsed.mu);
  const char* host = txn.conn().hostname();
  const char* port = txn.conn().port();
  const std::string database =
      absl::StrCat(host ? host : "", ":", port ? port : "", "/", txn.conn().dbname());
  if (parsed.database != database) {
    parsed.rows.clear();
    parsed.database = database;
  }
  std::string known = "{";
  known.reserve(2 + parsed.rows.size() * 48);  // "id":"xmin/updated_at",
  for (const auto& [id, row] : parsed.rows) {
    if (known.size() > 1) known.push_back(',');
    AppendJsonString(&known, id);
    known.push_back(':');
    AppendJsonString(&known, row.version);
  }
  known.push_back('}');
  Prepare(txn, all_name_.c_str(), all_sql_);
  const pqxx::result r = txn.exec_prepared(all_name_, known);
  absl::flat_hash_map<std::string, ParsedRows::Row> next;
  next.reserve(r.size());
  // Rows are moved from the last read into `next`: unless all of them
  // made it, the next read starts afresh (also when a conversion throws).
  struct StartAfreshUnlessDone {
    ParsedRows* parsed;
    bool done = false;
    ~StartAfreshUnlessDone() ABSL_NO_THREAD_SAFETY_ANALYSIS {
      if (!done) parsed->rows.clear();
    }
  } guard{&parsed};
  absl::Status status;
  parsed.last_parsed = 0;
  for (const auto& row : r) {
    const pqxx::field id_field = row["id"];
    const absl::string_view id(id_field.c_str(), id_field.size());
    if (row["body"].is_null()) {  // unchanged since the last read: its entry moves over whole
      auto it = parsed.rows.find(id);
      if (it == parsed.rows.end()) {
        status = absl::InternalError(absl::StrCat(table_, ": a row left out was never read"));
        break;
      }
      keep(it->second.message);
      next.insert(parsed.rows.extract(it));
      continue;
    }
    std::shared_ptr<google::protobuf::Message> fresh(prototype().New());
    status = FromJson(row["body"].as<std::string>(), fresh.get());
    if (!status.ok()) break;
    ++parsed.last_parsed;
    keep(fresh);
    next.emplace(std::string(id),
                 ParsedRows::Row{row["version"].as<std::string>(), std::move(fresh)});
  }
  if (!status.ok()) return status;
  parsed.rows = std::move(next);
  guard.done = true;
  return absl::OkStatus();
}

size_t EntityTable::rows_parsed_by_last_all() const {
  absl::MutexLock lock(&parsed_->mu);
  return parsed_->last_parsed;
}

}  // namespace callcenter::db
