#ifndef CALLCENTER_LIBS_DB_ENTITY_TABLE_H_
#define CALLCENTER_LIBS_DB_ENTITY_TABLE_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/message.h"
#include "libs/db/pool.h"

namespace callcenter::db {

// Master data kept as one row per id: `(id text PRIMARY KEY, body jsonb,
// updated_at timestamptz)`, the body being the message in proto JSON (field
// names as in the proto, so it is readable and queryable with SQL). The
// table is created by the service's migrations.
class EntityTable {
 public:
  explicit EntityTable(std::string table);

  absl::Status Upsert(pqxx::work& txn, const std::string& id,
                      const google::protobuf::Message& message) const;
  // NOT_FOUND naming the table's entity when absent.
  absl::Status Get(pqxx::work& txn, const std::string& id, google::protobuf::Message* out) const;
  // Ids greater than `page_token`, ascending; `add` returns a new message to
  // fill. Sets `next_page_token` when more may follow.
  absl::Status List(pqxx::work& txn, int page_size, const std::string& page_token,
                    const std::function<google::protobuf::Message*()>& add,
                    std::string* next_page_token) const;
  // Every row, by id (for in-memory snapshots). A row read again unchanged
  // since this table's last All() on the same database (same xmin and
  // updated_at) is copied from that read, not sent and parsed again: a
  // snapshot rebuilt after a few writes parses only those rows.
  absl::Status All(pqxx::work& txn,
                   const std::function<google::protobuf::Message*()>& add) const;
  // As All, each row handed to `keep` as the table's own parsed message,
  // shared rather than copied: one copy of a large table in memory, however
  // many snapshots hold it. The messages are immutable (a changed row is
  // parsed into a new one). `prototype` gives a message of the table's
  // type, asked only when a row must be parsed.
  using Shared = std::shared_ptr<const google::protobuf::Message>;
  absl::Status AllShared(pqxx::work& txn,
                         const std::function<const google::protobuf::Message&()>& prototype,
                         const std::function<void(Shared)>& keep) const;
  // How many rows the last All() parsed (the rest were copied).
  size_t rows_parsed_by_last_all() const;

 private:
  // The rows All() last read, parsed, each with its version.
  struct ParsedRows {
    absl::Mutex mu;
    std::string database ABSL_GUARDED_BY(mu);  // whose rows these are
    struct Row {
      std::string version;  // xmin and updated_at, as All's query writes them
      std::shared_ptr<const google::protobuf::Message> message;
    };
    absl::flat_hash_map<std::string, Row> rows ABSL_GUARDED_BY(mu);
    size_t last_parsed ABSL_GUARDED_BY(mu) = 0;
  };

  std::string table_;
  // Shared by copies of this table (one per table name in practice).
  std::shared_ptr<ParsedRows> parsed_ = std::make_shared<ParsedRows>();
  std::string upsert_name_, upsert_sql_, get_name_, get_sql_, list_name_, list_sql_, all_name_,
      all_sql_;
};

// Proto <-> JSON with the proto's field names.
std::string ToJson(const google::protobuf::Message& message);
absl::Status FromJson(const std::string& json, google::protobuf::Message* message);

// Parsed rows keyed by their JSON text, for master data read on every call
// (a user, a call center, a customer): a row read again unchanged is copied,
// not parsed again, as proto JSON parsing costs more than the read itself.
// Keyed by content, so it never answers with a stale row; when it holds
// `capacity` texts it starts afresh. Thread-safe.
class JsonParseCache {
 public:
  explicit JsonParseCache(size_t capacity = 4096) : capacity_(capacity) {}

  // As FromJson.
  absl::Status Parse(const std::string& json, google::protobuf::Message* out);

 private:
  using Texts = absl::flat_hash_map<std::string, std::shared_ptr<const google::protobuf::Message>>;
  const size_t capacity_;
  absl::Mutex mu_;
  size_t size_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_map<const google::protobuf::Descriptor*, Texts> parsed_ ABSL_GUARDED_BY(mu_);
};

// Page size with a default and a cap.
int ClampPageSize(int requested, int default_size, int max_size);

}  // namespace callcenter::db

#endif  // CALLCENTER_LIBS_DB_ENTITY_TABLE_H_
