#include "libs/db/testing.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "pqxx/pqxx"

namespace callcenter::db {

bool TestDatabase::Required() {
  const char* ci = std::getenv("CI");
  const char* req = std::getenv("CALLCENTER_REQUIRE_PG");
  return (ci != nullptr && std::string(ci) == "true") || (req != nullptr && std::string(req) == "1");
}

std::unique_ptr<TestDatabase> TestDatabase::Create() {
  const char* host = std::getenv("PGHOST");
  if (host == nullptr || *host == '\0') return nullptr;
  absl::BitGen gen;
  const std::string name =
      absl::StrCat("cctest_", getpid(), "_", absl::Uniform<uint32_t>(gen));
  try {
    pqxx::connection admin("");  // PG* environment
    pqxx::nontransaction n(admin);
    n.exec0(absl::StrCat("CREATE DATABASE ", n.quote_name(name)));
  } catch (const std::exception& e) {
    std::cerr << "cannot create test database: " << e.what() << std::endl;
    return nullptr;
  }
  return std::unique_ptr<TestDatabase>(new TestDatabase(name, absl::StrCat("dbname=", name)));
}

TestDatabase::~TestDatabase() {
  try {
    pqxx::connection admin("");
    pqxx::nontransaction n(admin);
    n.exec0(absl::StrCat("DROP DATABASE IF EXISTS ", n.quote_name(name_), " WITH (FORCE)"));
  } catch (const std::exception& e) {
    std::cerr << "cannot drop test database " << name_ << ": " << e.what() << std::endl;
  }
}

}  // namespace callcenter::db
