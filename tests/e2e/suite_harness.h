#ifndef CALLCENTER_TESTS_E2E_SUITE_HARNESS_H_
#define CALLCENTER_TESTS_E2E_SUITE_HARNESS_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "callcenter/guidedselling/v1/guidedselling.grpc.pb.h"
#include "callcenter/hold/v1/hold.grpc.pb.h"
#include "callcenter/orchestration/v1/orchestration.grpc.pb.h"
#include "callcenter/order/v1/order.grpc.pb.h"
#include "callcenter/payment/v1/payment.grpc.pb.h"
#include "callcenter/pricing/v1/pricing.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "libs/db/pool.h"
#include "libs/db/testing.h"
#include "libs/metrics/metrics.h"
#include "libs/server/host.h"
#include "services/orchestration/front_door.h"
#include "services/payment/domain/payment_rules.h"

namespace callcenter::testing {

// All six services in this process, each a real gRPC server on
// 127.0.0.1:0 with its own schema in one throwaway PostgreSQL database.
class Suite {
 public:
  // nullptr when there is no PostgreSQL (see CC_REQUIRE_DATABASE).
  static std::unique_ptr<Suite> Start();
  ~Suite();

  // A second front door sharing the downstream services, built with
  // `options` (e.g. one that crashes mid-submit); `rewire` may replace its
  // stubs (e.g. one pointing at a service that is down).
  std::unique_ptr<orchestration::v1::OrderEntryService::Stub> ExtraFrontDoor(
      orchestration::OrderEntryOptions options,
      const std::function<void(orchestration::Downstream&)>& rewire = nullptr);
  // The same for FulfillmentService (e.g. one that crashes after a
  // shipment's save).
  std::unique_ptr<orchestration::v1::FulfillmentService::Stub> ExtraFulfillment(
      orchestration::OrderEntryOptions options,
      const std::function<void(orchestration::Downstream&)>& rewire = nullptr);
  orchestration::FrontDoor& front_door() { return *front_door_; }
  // The main front door's metrics (ExtraFrontDoor ones have none).
  metrics::Metrics& front_door_metrics() { return front_door_metrics_; }

  // A client context carrying a bearer token for `user_id`.
  std::unique_ptr<grpc::ClientContext> As(const std::string& user_id,
                                          absl::Duration valid_for = absl::Hours(1)) const;

  std::unique_ptr<orchestration::v1::OrderEntryService::Stub> front;
  // The front door's channel, for calls made without a generated stub
  // (a benchmark that keeps an answer's bytes unparsed).
  std::shared_ptr<grpc::Channel> front_channel;
  // FulfillmentService, on the front door's port.
  std::unique_ptr<orchestration::v1::FulfillmentService::Stub> fulfillment;
  std::unique_ptr<order::v1::CallCenterService::Stub> call_centers;
  std::unique_ptr<order::v1::CustomerService::Stub> customers;
  std::unique_ptr<order::v1::SalesOrderService::Stub> orders;
  std::unique_ptr<order::v1::ContinuityService::Stub> continuity;
  std::unique_ptr<pricing::v1::PricingService::Stub> pricing;
  std::unique_ptr<guidedselling::v1::GuidedSellingService::Stub> selling;
  std::unique_ptr<payment::v1::PaymentService::Stub> payments;
  std::unique_ptr<hold::v1::HoldService::Stub> holds;
  // The payment service's card gateway (the test connector), for what only
  // it sees: captures and re-authorisations made.
  payment::TestConnector* connector = nullptr;

  static constexpr char kSecret[] = "e2e-secret";

 private:
  Suite() = default;
  orchestration::Downstream MakeDownstream() const;
  // A front door on the shared downstream services and saga log.
  std::shared_ptr<orchestration::FrontDoor> ExtraDoor(
      orchestration::OrderEntryOptions options,
      const std::function<void(orchestration::Downstream&)>& rewire);
  int Serve(std::vector<std::shared_ptr<grpc::Service>> services);

  std::unique_ptr<db::TestDatabase> db_;
  std::vector<std::unique_ptr<db::Pool>> pools_;
  std::vector<std::shared_ptr<grpc::Service>> services_;
  std::vector<std::unique_ptr<server::ServiceHost>> hosts_;
  metrics::Metrics front_door_metrics_{"orchestration"};
  std::shared_ptr<orchestration::FrontDoor> front_door_;
  std::unique_ptr<orchestration::SagaLog> sagas_;
  std::vector<std::shared_ptr<void>> keep_;
  int order_port_ = 0, pricing_port_ = 0, selling_port_ = 0, payment_port_ = 0, hold_port_ = 0;
};

// The suite a test binary shares: started once by SuiteEnvironment (a
// gtest global environment, added by suite_test_main.cc); nullptr without
// PostgreSQL.
extern Suite* suite;

class SuiteEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    owned_ = Suite::Start();
    suite = owned_.get();
  }
  void TearDown() override {
    owned_.reset();
    suite = nullptr;
  }

 private:
  std::unique_ptr<Suite> owned_;
};

// `minor` US cents.
inline common::v1::Money Usd(int64_t minor) {
  common::v1::Money m;
  m.set_currency("USD");
  m.set_minor_units(minor);
  return m;
}

}  // namespace callcenter::testing

#endif  // CALLCENTER_TESTS_E2E_SUITE_HARNESS_H_
