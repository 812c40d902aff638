// Two replicas of each snapshot service (pricing, hold, guided selling) on
// one database, each a real gRPC server on 127.0.0.1:0 refreshing its
// snapshot on NOTIFY as main.cc wires it: a change made through one
// replica is visible through the other within a second. And the version
// check (the safety net for a missed NOTIFY) sees a change written by
// anyone, straight into the table.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "libs/db/listener.h"
#include "libs/db/migrate.h"
#include "libs/db/pool.h"
#include "libs/db/testing.h"
#include "libs/server/host.h"
#include "services/guidedselling/guidedselling_service.h"
#include "services/guidedselling/migrations.h"
#include "services/hold/hold_service.h"
#include "services/hold/migrations.h"
#include "services/pricing/migrations.h"
#include "services/pricing/pricing_service.h"

namespace callcenter::testing {
namespace {

// One replica: its own pool, service, NOTIFY listener and gRPC server.
template <typename Service>
struct Replica {
  std::unique_ptr<db::Pool> pool;
  std::unique_ptr<Service> service;
  std::unique_ptr<db::ChangeListener> listener;
  std::unique_ptr<server::ServiceHost> host;
  std::shared_ptr<grpc::Channel> channel;

  ~Replica() {
    if (listener) listener->Stop();
    if (host) host->Shutdown();
  }
};

class ReplicaVisibilityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = db::TestDatabase::Create();
    CC_REQUIRE_DATABASE(db_.get());
    ASSERT_TRUE(db::Migrate(db_->conninfo(), "pricing_svc", migrations::PricingMigrations()).ok());
    ASSERT_TRUE(db::Migrate(db_->conninfo(), "hold_svc", migrations::HoldMigrations()).ok());
    ASSERT_TRUE(
        db::Migrate(db_->conninfo(), "guidedselling_svc", migrations::GuidedSellingMigrations())
            .ok());
  }

  // A replica refreshing on NOTIFY when `listen` (its periodic check far off).
  template <typename Service, typename... Args>
  std::unique_ptr<Replica<Service>> Start(const std::string& schema, const std::string& channel,
                                          bool listen, Args... args) {
    auto r = std::make_unique<Replica<Service>>();
    db::PoolOptions po;
    po.conninfo = db_->conninfo();
    po.schema = schema;
    r->pool = std::make_unique<db::Pool>(po);
    r->service = std::make_unique<Service>(r->pool.get(), nullptr, args...);
    if (!r->service->Refresh(true).ok()) return nullptr;
    if (listen) {
      Service* s = r->service.get();
      r->listener = std::make_unique<db::ChangeListener>(db_->conninfo(), channel, absl::Hours(1),
                                                         [s] { s->Refresh().IgnoreError(); });
      r->listener->Start();
    }
    server::HostOptions ho;
    ho.listen_address = "127.0.0.1:0";
    ho.drain_delay = absl::ZeroDuration();
    r->host = std::make_unique<server::ServiceHost>(ho);
    r->host->Register(r->service.get());
    if (!r->host->Start().ok()) return nullptr;
    r->channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", r->host->port()),
                                     grpc::InsecureChannelCredentials());
    return r;
  }

  // Polls `seen` until it holds, for at most `within`; how long it took.
  static absl::Duration Until(const std::function<bool()>& seen, absl::Duration within) {
    const absl::Time start = absl::Now();
    while (!seen()) {
      if (absl::Now() - start > within) return absl::InfiniteDuration();
      absl::SleepFor(absl::Milliseconds(10));
    }
    return absl::Now() - start;
  }

  std::unique_ptr<db::TestDatabase> db_;
};

int64_t PriceOf(pricing::v1::PricingService::Stub& stub, const std::string& product) {
  grpc::ClientContext ctx;
  pricing::v1::PriceOrderRequest req;
  req.set_currency("USD");
  req.set_pricing_date("2026-12-02");
  auto* l = req.add_lines();
  l->set_line_id("L1");
  l->set_product_id(product);
  l->set_quantity(1);
  pricing::v1::PriceOrderResponse resp;
  if (!stub.PriceOrder(&ctx, req, &resp).ok()) return -1;
  return resp.lines(0).unit_price().minor_units();
}

grpc::Status UpsertProduct(pricing::v1::PricingService::Stub& stub, const std::string& id,
                           int64_t price) {
  grpc::ClientContext ctx;
  pricing::v1::UpsertProductRequest req;
  req.mutable_product()->set_product_id(id);
  req.mutable_product()->set_name(id);
  req.mutable_product()->mutable_base_price()->set_currency("USD");
  req.mutable_product()->mutable_base_price()->set_minor_units(price);
  pricing::v1::UpsertProductResponse resp;
  return stub.UpsertProduct(&ctx, req, &resp);
}

TEST_F(ReplicaVisibilityTest, APriceChangedThroughOneReplicaIsSeenByTheOtherWithinASecond) {
  auto a = Start<pricing::PricingServiceImpl>("pricing_svc", "pricing_changed", true);
  auto b = Start<pricing::PricingServiceImpl>("pricing_svc", "pricing_changed", true);
  ASSERT_TRUE(a && b);
  auto via_a = pricing::v1::PricingService::NewStub(a->channel);
  auto via_b = pricing::v1::PricingService::NewStub(b->channel);
  ASSERT_TRUE(UpsertProduct(*via_a, "TEA", 1000).ok());
  EXPECT_LT(Until([&] { return PriceOf(*via_b, "TEA") == 1000; }, absl::Seconds(1)),
            absl::Seconds(1));
  ASSERT_TRUE(UpsertProduct(*via_b, "TEA", 1250).ok());
  EXPECT_LT(Until([&] { return PriceOf(*via_a, "TEA") == 1250; }, absl::Seconds(1)),
            absl::Seconds(1));
}

TEST_F(ReplicaVisibilityTest, AFraudRuleAddedThroughOneReplicaScoresOnTheOther) {
  auto a = Start<hold::HoldServiceImpl>("hold_svc", "fraud_changed", true);
  auto b = Start<hold::HoldServiceImpl>("hold_svc", "fraud_changed", true);
  ASSERT_TRUE(a && b);
  auto via_a = hold::v1::HoldService::NewStub(a->channel);
  auto via_b = hold::v1::HoldService::NewStub(b->channel);
  {
    grpc::ClientContext ctx;
    hold::v1::UpsertFraudRuleRequest rule;
    rule.mutable_fraud_rule()->set_rule_id("big");
    rule.mutable_fraud_rule()->set_score(40);
    rule.mutable_fraud_rule()->set_active(true);
    rule.mutable_fraud_rule()->mutable_order_total_at_least()->set_currency("USD");
    rule.mutable_fraud_rule()->mutable_order_total_at_least()->set_minor_units(50000);
    hold::v1::UpsertFraudRuleResponse resp;
    ASSERT_TRUE(via_a->UpsertFraudRule(&ctx, rule, &resp).ok());
  }
  int n = 0;
  auto score_on_b = [&]() -> int64_t {
    grpc::ClientContext ctx;
    hold::v1::EvaluateFraudRequest req;
    req.set_request_id(absl::StrCat("e", ++n));  // a new evaluation each time
    req.set_order_id(absl::StrCat("o", n));
    req.set_customer_id("C1");
    req.mutable_order_total()->set_currency("USD");
    req.mutable_order_total()->set_minor_units(90000);
    req.set_min_fraud_score(1000);
    hold::v1::EvaluateFraudResponse resp;
    return via_b->EvaluateFraud(&ctx, req, &resp).ok() ? resp.score() : -1;
  };
  EXPECT_LT(Until([&] { return score_on_b() == 40; }, absl::Seconds(1)), absl::Seconds(1));
}

TEST_F(ReplicaVisibilityTest, AScriptAddedThroughOneReplicaIsReadFromTheOther) {
  auto a =
      Start<guidedselling::GuidedSellingServiceImpl>("guidedselling_svc", "selling_changed", true);
  auto b =
      Start<guidedselling::GuidedSellingServiceImpl>("guidedselling_svc", "selling_changed", true);
  ASSERT_TRUE(a && b);
  auto via_a = guidedselling::v1::GuidedSellingService::NewStub(a->channel);
  auto via_b = guidedselling::v1::GuidedSellingService::NewStub(b->channel);
  {
    grpc::ClientContext ctx;
    guidedselling::v1::UpsertScriptRequest req;
    auto* s = req.mutable_script();
    s->set_script_id("welcome");
    s->set_kind(common::v1::SCRIPT_KIND_SCRIPT);
    s->set_timing(common::v1::SCRIPT_TIMING_BEGINNING);
    s->set_call_center_id("cc1");
    s->set_text("Thank you for calling!");
    s->set_active(true);
    guidedselling::v1::UpsertScriptResponse resp;
    ASSERT_TRUE(via_a->UpsertScript(&ctx, req, &resp).ok());
  }
  auto scripts_on_b = [&]() -> int {
    grpc::ClientContext ctx;
    guidedselling::v1::GetScriptsRequest req;
    req.set_timing(common::v1::SCRIPT_TIMING_BEGINNING);
    req.set_call_center_id("cc1");
    guidedselling::v1::GetScriptsResponse resp;
    return via_b->GetScripts(&ctx, req, &resp).ok() ? resp.scripts_size() : -1;
  };
  EXPECT_LT(Until([&] { return scripts_on_b() == 1; }, absl::Seconds(1)), absl::Seconds(1));
}

// No NOTIFY reaches this replica (it does not listen): its periodic check
// reads the version, which every write bumps, whoever makes it.
TEST_F(ReplicaVisibilityTest, TheVersionCheckSeesAChangeWrittenStraightIntoTheTable) {
  auto a = Start<pricing::PricingServiceImpl>("pricing_svc", "pricing_changed", false);
  ASSERT_TRUE(a);
  auto via_a = pricing::v1::PricingService::NewStub(a->channel);
  ASSERT_TRUE(UpsertProduct(*via_a, "TEA", 1000).ok());
  ASSERT_EQ(PriceOf(*via_a, "TEA"), 1000);  // its own write: refreshed at once
  const absl::StatusOr<int64_t> before = db::ReadSnapshotVersion(a->pool.get());
  ASSERT_TRUE(before.ok());
  ASSERT_TRUE(a->pool
                  ->Transact([](pqxx::work& txn) -> absl::Status {
                    txn.exec0(
                        "UPDATE products SET body = jsonb_set(body, '{base_price,minor_units}', "
                        "'\"900\"') WHERE id = 'TEA'");
                    return absl::OkStatus();
                  })
                  .ok());
  const absl::StatusOr<int64_t> after = db::ReadSnapshotVersion(a->pool.get());
  ASSERT_TRUE(after.ok());
  EXPECT_GT(*after, *before);
  EXPECT_EQ(PriceOf(*via_a, "TEA"), 1000);  // not seen until the check
  ASSERT_TRUE(a->service->Refresh().ok());  // what the 1 s loop calls
  EXPECT_EQ(PriceOf(*via_a, "TEA"), 900);
}

}  // namespace
}  // namespace callcenter::testing
