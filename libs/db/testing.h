#ifndef CALLCENTER_LIBS_DB_TESTING_H_
#define CALLCENTER_LIBS_DB_TESTING_H_

#include <memory>
#include <string>

namespace callcenter::db {

// A throwaway database on the PostgreSQL named by the PG* environment
// variables, created for one test binary and dropped at the end.
class TestDatabase {
 public:
  // nullptr when no PostgreSQL is configured (PGHOST unset).
  static std::unique_ptr<TestDatabase> Create();
  ~TestDatabase();

  // Connection string of the throwaway database.
  const std::string& conninfo() const { return conninfo_; }

  // True when the environment says PostgreSQL must be there (CI=true or
  // CALLCENTER_REQUIRE_PG=1): tests then fail instead of skipping.
  static bool Required();

 private:
  TestDatabase(std::string name, std::string conninfo)
      : name_(std::move(name)), conninfo_(std::move(conninfo)) {}
  std::string name_;
  std::string conninfo_;
};

}  // namespace callcenter::db

// In a test fixture's SetUp: fails (CI) or skips (a laptop without
// PostgreSQL) when there is no database.
#define CC_REQUIRE_DATABASE(db_ptr)                                                   \
  do {                                                                                \
    if ((db_ptr) == nullptr) {                                                        \
      if (::callcenter::db::TestDatabase::Required()) {                               \
        FAIL() << "PostgreSQL is required (CI) but PGHOST is not set or unreachable"; \
      }                                                                               \
      GTEST_SKIP() << "no PostgreSQL (set PGHOST)";                                   \
    }                                                                                 \
  } while (0)

#endif  // CALLCENTER_LIBS_DB_TESTING_H_
