#ifndef CALLCENTER_LIBS_DB_MIGRATE_H_
#define CALLCENTER_LIBS_DB_MIGRATE_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "pqxx/pqxx"

namespace callcenter::db {

// One versioned SQL migration (files services/<name>/migrations/NNNN_*.sql,
// compiled into the binary by the sql_migrations rule).
struct Migration {
  int version;
  std::string name;
  std::string sql;
  // A conversion of rows that SQL cannot do (binary protobuf from JSON,
  // say), run after `sql` in the same transaction; attached in C++ with
  // WithDataStep. Empty for most migrations.
  std::function<absl::Status(pqxx::work&)> data;
};

// `migrations` with `step` as the data conversion of the one named `name`
// (its file's name without .sql); aborts when there is none, a build error
// in all but name.
std::vector<Migration> WithDataStep(std::vector<Migration> migrations, const std::string& name,
                                    std::function<absl::Status(pqxx::work&)> step);

// Applies the migrations not yet recorded in `<schema>.schema_migrations`, in
// version order, each in its own transaction, under a PostgreSQL advisory
// lock so that concurrent replicas never apply one twice. Creates the schema
// when missing. Running it again is a no-op.
absl::Status Migrate(const std::string& conninfo, const std::string& schema,
                     const std::vector<Migration>& migrations, int* applied = nullptr);

// OK when every migration is recorded as applied; FAILED_PRECONDITION
// naming the pending ones otherwise (readiness of replicas that leave
// migrating to the Job).
absl::Status CheckMigrated(const std::string& conninfo, const std::string& schema,
                           const std::vector<Migration>& migrations);

}  // namespace callcenter::db

#endif  // CALLCENTER_LIBS_DB_MIGRATE_H_
