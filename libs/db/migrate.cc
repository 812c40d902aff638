#include "libs/db/migrate.h"

#include <algorithm>
#include <set>
#include <set>

#include "absl/strings/str_cat.h"
#include "libs/db/pool.h"
#include "libs/logging/log.h"
#include "pqxx/pqxx"

namespace callcenter::db {

absl::Status Migrate(const std::string& conninfo, const std::string& schema,
                     const std::vector<Migration>& migrations, int* applied) {
  int count = 0;
  try {
    pqxx::connection conn(conninfo);
    const std::string lock_key = absl::StrCat("callcenter.migrate.", schema);
    {
      pqxx::nontransaction n(conn);
      n.exec_params("SELECT pg_advisory_lock(hashtext($1))", lock_key);
    }
    absl::Status status;
    try {
      const std::string q_schema = conn.quote_name(schema);
      {
        pqxx::work txn(conn);
        txn.exec0(absl::StrCat("CREATE SCHEMA IF NOT EXISTS ", q_schema));
        txn.exec0(absl::StrCat("CREATE TABLE IF NOT EXISTS ", q_schema,
                               ".schema_migrations (version integer PRIMARY KEY, "
                               "name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"));
        txn.commit();
      }
      std::set<int> done;
      {
        pqxx::work txn(conn);
        for (const auto& row :
             txn.exec(absl::StrCat("SELECT version FROM ", q_schema, ".schema_migrations"))) {
          done.insert(row[0].as<int>());
        }
      }
      std::vector<const Migration*> todo;
      for (const Migration& m : migrations) {
        if (done.count(m.version) == 0) todo.push_back(&m);
      }
      std::sort(todo.begin(), todo.end(),
                [](const Migration* a, const Migration* b) { return a->version < b->version; });
      for (const Migration* m : todo) {
        pqxx::work txn(conn);
        txn.exec0(absl::StrCat("SET LOCAL search_path TO ", q_schema, ", public"));
        txn.exec0(m->sql);
        txn.exec_params0(absl::StrCat("INSERT INTO ", q_schema,
                                      ".schema_migrations (version, name) VALUES ($1, $2)"),
                         m->version, m->name);
        txn.commit();
        ++count;
        log::Info("migration applied",
                  {{"schema", schema}, {"version", absl::StrCat(m->version)}, {"name", m->name}});
      }
    } catch (const std::exception& e) {
      status = absl::InternalError(absl::StrCat("migration of schema ", schema, " failed: ",
                                                e.what()));
    }
    pqxx::nontransaction n(conn);
    n.exec_params("SELECT pg_advisory_unlock(hashtext($1))", lock_key);
    if (!status.ok()) return status;
  } catch (const std::exception& e) {
    return StatusFromException(e);
  }
  if (applied != nullptr) *applied = count;
  return absl::OkStatus();
}

absl::Status CheckMigrated(const std::string& conninfo, const std::string& schema,
                           const std::vector<Migration>& migrations) {
  try {
    pqxx::connection conn(conninfo);
    pqxx::nontransaction n(conn);
    std::set<int> done;
    pqxx::result exists = n.exec_params("SELECT to_regclass($1) IS NOT NULL",
                                        absl::StrCat(schema, ".schema_migrations"));
    if (exists[0][0].as<bool>()) {
      for (const auto& row : n.exec(absl::StrCat("SELECT version FROM ", n.quote_name(schema),
                                                 ".schema_migrations"))) {
        done.insert(row[0].as<int>());
      }
    }
    std::string pending;
    for (const Migration& m : migrations) {
      if (done.count(m.version) == 0) absl::StrAppend(&pending, pending.empty() ? "" : ", ", m.name);
    }
    if (!pending.empty()) {
      return absl::FailedPreconditionError(absl::StrCat("migrations pending: ", pending));
    }
    return absl::OkStatus();
  } catch (const std::exception& e) {
    return StatusFromException(e);
  }
}

}  // namespace callcenter::db
