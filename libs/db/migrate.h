#ifndef CALLCENTER_LIBS_DB_MIGRATE_H_
#define CALLCENTER_LIBS_DB_MIGRATE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace callcenter::db {

// One versioned SQL migration (files services/<name>/migrations/NNNN_*.sql,
// compiled into the binary by the sql_migrations rule).
struct Migration {
  int version;
  std::string name;
  std::string sql;
};

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
