#ifndef CALLCENTER_LIBS_SERVER_TESTING_H_
#define CALLCENTER_LIBS_SERVER_TESTING_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "libs/db/migrate.h"
#include "libs/db/pool.h"
#include "libs/db/testing.h"
#include "libs/server/host.h"

namespace callcenter::server {

// What a service test needs: a throwaway database migrated for the
// service's schema, a pool on it, and its gRPC services on 127.0.0.1:0.
class ServiceUnderTest {
 public:
  // False when there is no PostgreSQL (use CC_REQUIRE_DATABASE(db())).
  bool Start(const std::string& schema, const std::vector<db::Migration>& migrations) {
    db_ = db::TestDatabase::Create();
    if (!db_ || !db::Migrate(db_->conninfo(), schema, migrations).ok()) return false;
    db::PoolOptions po;
    po.conninfo = db_->conninfo();
    po.schema = schema;
    pool_ = std::make_unique<db::Pool>(po);
    return true;
  }

  // Serves `services` (not owned) and returns a channel to them.
  std::shared_ptr<grpc::Channel> Serve(const std::vector<grpc::Service*>& services) {
    HostOptions options;
    options.listen_address = "127.0.0.1:0";
    options.drain_delay = absl::ZeroDuration();
    host_ = std::make_unique<ServiceHost>(options);
    for (grpc::Service* s : services) host_->Register(s);
    if (!host_->Start().ok()) return nullptr;
    return grpc::CreateChannel(absl::StrCat("127.0.0.1:", host_->port()),
                               grpc::InsecureChannelCredentials());
  }

  ~ServiceUnderTest() {
    if (host_) host_->Shutdown();
  }

  db::TestDatabase* db() const { return db_.get(); }
  db::Pool* pool() const { return pool_.get(); }

 private:
  std::unique_ptr<db::TestDatabase> db_;
  std::unique_ptr<db::Pool> pool_;
  std::unique_ptr<ServiceHost> host_;
};

}  // namespace callcenter::server

#endif  // CALLCENTER_LIBS_SERVER_TESTING_H_
