#ifndef CALLCENTER_SERVICES_ORCHESTRATION_CLIENTS_CLIENTS_H_
#define CALLCENTER_SERVICES_ORCHESTRATION_CLIENTS_CLIENTS_H_

#include <memory>

#include "absl/time/time.h"
#include "services/orchestration/clients/hold_client.h"
#include "services/orchestration/clients/order_client.h"
#include "services/orchestration/clients/payment_client.h"
#include "services/orchestration/clients/pricing_client.h"
#include "services/orchestration/clients/selling_client.h"

namespace callcenter::orchestration {

// Stubs of the downstream services (one long-lived channel each).
struct Downstream {
  std::unique_ptr<order::v1::SalesOrderService::StubInterface> orders;
  std::unique_ptr<order::v1::ContinuityService::StubInterface> continuity;
  std::unique_ptr<pricing::v1::PricingService::StubInterface> pricing;
  std::unique_ptr<payment::v1::PaymentService::StubInterface> payments;
  std::unique_ptr<guidedselling::v1::GuidedSellingService::StubInterface> selling;
  std::unique_ptr<hold::v1::HoldService::StubInterface> holds;
};

// One typed client per downstream service, over the stubs they own, each
// call's deadline the earlier of the caller's and `per_call`.
class Clients {
 public:
  Clients(Downstream stubs, absl::Duration per_call)
      : stubs_(std::move(stubs)),
        orders(stubs_.orders.get(), stubs_.continuity.get(), CallFactory(per_call)),
        pricing(stubs_.pricing.get(), CallFactory(per_call)),
        payments(stubs_.payments.get(), CallFactory(per_call)),
        holds(stubs_.holds.get(), CallFactory(per_call)),
        selling(stubs_.selling.get(), CallFactory(per_call)) {}

 private:
  Downstream stubs_;  // first: the clients point into it

 public:
  OrderClient orders;
  PricingClient pricing;
  PaymentClient payments;
  HoldClient holds;
  SellingClient selling;
};

}  // namespace callcenter::orchestration

#endif  // CALLCENTER_SERVICES_ORCHESTRATION_CLIENTS_CLIENTS_H_
