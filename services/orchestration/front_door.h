#ifndef CALLCENTER_SERVICES_ORCHESTRATION_FRONT_DOOR_H_
#define CALLCENTER_SERVICES_ORCHESTRATION_FRONT_DOOR_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "libs/metrics/metrics.h"
#include "libs/validation/validation.h"
#include "services/orchestration/clients/clients.h"
#include "services/orchestration/fulfillment_service.h"
#include "services/orchestration/identity.h"
#include "services/orchestration/order_entry_service.h"
#include "services/orchestration/store.h"
#include "services/orchestration/workflows/change_runner.h"
#include "services/orchestration/workflows/directed_selling.h"
#include "services/orchestration/workflows/front_door_metrics.h"
#include "services/orchestration/workflows/fulfillment_workflow.h"
#include "services/orchestration/workflows/installment_runner.h"
#include "services/orchestration/workflows/hold_workflow.h"
#include "services/orchestration/workflows/invoice_settler.h"
#include "services/orchestration/workflows/money_protocol.h"
#include "services/orchestration/workflows/payment_sweeper.h"
#include "services/orchestration/workflows/payment_workflow.h"
#include "services/orchestration/workflows/return_workflow.h"
#include "services/orchestration/workflows/saga_recovery.h"
#include "services/orchestration/workflows/sagas.h"

namespace callcenter::orchestration {

struct OrderEntryOptions {
  std::string jwt_secret;
  // Tokens living longer than this (exp - iat, or exp - now) are refused.
  absl::Duration max_token_lifetime = absl::Hours(24);
  // API.md's limits on what a caller may send.
  validation::Limits limits;
  // A downstream call's own deadline (the caller's, if earlier, wins).
  absl::Duration downstream_timeout = absl::Seconds(3);
  // Memory for the drafts' kept contexts (ContextCache; 0 = none kept).
  size_t kept_contexts_max_bytes = ContextCache::kDefaultMaxBytes;
  std::function<absl::Time()> clock = [] { return absl::Now(); };
  // Tests only: a submit "crashes" right after recording this saga step
  // (no compensation runs), as a killed process would; kStepCancelSaved: a
  // cancellation right after its save; kStepShipmentSaved: a shipment right
  // after its save, before its captures; kStepRefundPlanned: a return or
  // price match right after the save that planned its refunds.
  std::string crash_after_step;
};

// The front door, wired: the typed clients over the downstream stubs, the
// change runner, the workflows and sagas, recovery and the sweep, and the
// gRPC services over them (OrderEntryService, FulfillmentService). main.cc and the tests build this
// one graph.
class FrontDoor {
 public:
  // `sagas` may be null (no saga log: unit tests); `metrics` too.
  FrontDoor(Downstream downstream, const OrderEntryOptions& options, SagaLog* sagas,
            metrics::Metrics* metrics);

  // The gRPC service; it keeps this FrontDoor alive.
  static std::shared_ptr<OrderEntryServiceImpl> Service(const std::shared_ptr<FrontDoor>& door) {
    return std::shared_ptr<OrderEntryServiceImpl>(door, &door->service_);
  }
  // FulfillmentService, on the same port; it keeps this FrontDoor alive.
  static std::shared_ptr<FulfillmentServiceImpl> Fulfillment(
      const std::shared_ptr<FrontDoor>& door) {
    return std::shared_ptr<FulfillmentServiceImpl>(door, &door->fulfillment_service_);
  }
  SagaRecovery& recovery() { return recovery_; }
  PaymentSweeper& sweeper() { return sweeper_; }

 private:
  Clock clock_;
  FrontDoorMetrics counters_;
  Clients clients_;
  CallerIdentity identity_;
  MoneyProtocol money_;
  ChangeRunner changes_;
  DirectedSelling selling_;
  InvoiceSettler invoices_;
  InstallmentRunner installments_;
  PaymentWorkflow payments_;
  HoldWorkflow holds_;
  SubmitSaga submit_;
  CancelSaga cancel_;
  FulfillmentWorkflow fulfillment_;
  ReturnWorkflow returns_;
  SagaRecovery recovery_;
  PaymentSweeper sweeper_;
  OrderEntryServiceImpl service_;
  FulfillmentServiceImpl fulfillment_service_;
};

}  // namespace callcenter::orchestration

#endif  // CALLCENTER_SERVICES_ORCHESTRATION_FRONT_DOOR_H_
