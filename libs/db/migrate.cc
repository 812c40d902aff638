#include "libs/db/migrate.h"

#include <algorithm>
#include <cstdlib>
#include <set>

#include "absl/strings/str_cat.h"
#include "libs/db/pool.h"
#include "libs/logging/log.h"
#include "pqxx/pqxx"

namespace callcenter::db {

namespace {

// Installed in every schema before its migrations run, so that a migration
// makes a snapshot's tables tracked with one call:
//   SELECT track_snapshot_changes('pricing_changed', ARRAY['products', ...]);
// Every statement changing one of them bumps the schema's snapshot_version
// (the replicas' periodic check reads it) and NOTIFYs `channel` (replicas
// refresh at once). The one trigger every snapshot service uses.
constexpr char kTrackSnapshotChanges[] = R"SQL(
CREATE OR REPLACE FUNCTION track_snapshot_changes(channel text, tables text[])
RETURNS void LANGUAGE plpgsql AS $helper$
DECLARE
  t text;
BEGIN
  EXECUTE format('CREATE TABLE IF NOT EXISTS %I.snapshot_version ('
                 'id integer PRIMARY KEY CHECK (id = 1), version bigint NOT NULL)',
                 current_schema());
  EXECUTE format('INSERT INTO %I.snapshot_version (id, version) VALUES (1, 1) '
                 'ON CONFLICT (id) DO NOTHING', current_schema());
  EXECUTE format($fn$
    CREATE OR REPLACE FUNCTION %I.snapshot_changed() RETURNS trigger LANGUAGE plpgsql AS $body$
    BEGIN
      UPDATE %I.snapshot_version SET version = version + 1 WHERE id = 1;
      PERFORM pg_notify(%L, '');
      RETURN NULL;
    END $body$ $fn$, current_schema(), current_schema(), channel);
  FOREACH t IN ARRAY tables LOOP
    EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I.%I', t || '_snapshot_changed',
                   current_schema(), t);
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I.%I '
                   'FOR EACH STATEMENT EXECUTE FUNCTION %I.snapshot_changed()',
                   t || '_snapshot_changed', current_schema(), t, current_schema());
  END LOOP;
END $helper$;
)SQL";

}  // namespace

std::vector<Migration> WithDataStep(std::vector<Migration> migrations, const std::string& name,
                                    std::function<absl::Status(pqxx::work&)> step) {
  for (Migration& m : migrations) {
    if (m.name != name) continue;
    m.data = std::move(step);
    return migrations;
  }
  log::Error("no migration to attach a data step to", {{"name", name}});
  std::abort();
}

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
          done.insert(row["version"].as<int>());
        }
      }
      std::vector<const Migration*> todo;
      for (const Migration& m : migrations) {
        if (done.count(m.version) == 0) todo.push_back(&m);
      }
      std::sort(todo.begin(), todo.end(),
                [](const Migration* a, const Migration* b) { return a->version < b->version; });
      if (!todo.empty()) {
        pqxx::work txn(conn);
        txn.exec0(absl::StrCat("SET LOCAL search_path TO ", q_schema, ", public"));
        txn.exec0(kTrackSnapshotChanges);
        txn.commit();
      }
      for (const Migration* m : todo) {
        pqxx::work txn(conn);
        txn.exec0(absl::StrCat("SET LOCAL search_path TO ", q_schema, ", public"));
        txn.exec(m->sql);  // a helper call (SELECT track_...) returns a row
        if (m->data) {
          const absl::Status converted = m->data(txn);
          if (!converted.ok()) {
            status = absl::InternalError(absl::StrCat("migration ", m->name, " of schema ", schema,
                                                      " failed: ", converted.message()));
            break;  // not recorded; the transaction rolls back
          }
        }
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
    pqxx::result exists = n.exec_params("SELECT to_regclass($1) IS NOT NULL AS present",
                                        absl::StrCat(schema, ".schema_migrations"));
    if (exists[0]["present"].as<bool>()) {
      for (const auto& row : n.exec(absl::StrCat("SELECT version FROM ", n.quote_name(schema),
                                                 ".schema_migrations"))) {
        done.insert(row["version"].as<int>());
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
