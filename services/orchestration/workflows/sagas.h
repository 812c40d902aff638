#ifndef CALLCENTER_SERVICES_ORCHESTRATION_WORKFLOWS_SAGAS_H_
#define CALLCENTER_SERVICES_ORCHESTRATION_WORKFLOWS_SAGAS_H_

#include <string>

#include "absl/status/status.h"
#include "google/protobuf/message.h"
#include "services/orchestration/clients/clients.h"
#include "services/orchestration/store.h"
#include "services/orchestration/workflows/change_runner.h"
#include "services/orchestration/workflows/context.h"
#include "services/orchestration/workflows/front_door_metrics.h"
#include "services/orchestration/workflows/money_protocol.h"
#include "services/orchestration/workflows/return_workflow.h"

namespace callcenter::orchestration {

// Submitting a draft (DOMAIN 5, 7, 8) as a saga logged step by step: the
// payments must cover the total (with order completion on); coupon uses
// are redeemed, fraud evaluated (a FRAUD hold puts it ON_HOLD), continuity
// planned, and the order saved CONFIRMED or ON_HOLD. A failure after the
// saga began is undone at once (unless the save did happen); a crash is
// settled by SagaRecovery.
class SubmitSaga {
 public:
  SubmitSaga(ChangeRunner* changes, Clients* clients, MoneyProtocol* money, ReturnWorkflow* returns,
             SagaLog* sagas, Clock clock, const FrontDoorMetrics* metrics,
             std::string crash_after_step)
      : changes_(changes),
        clients_(clients),
        money_(money),
        returns_(returns),
        sagas_(sagas),
        clock_(std::move(clock)),
        metrics_(metrics),
        crash_after_step_(std::move(crash_after_step)) {}

  absl::Status Run(const Caller& caller, const google::protobuf::Message& request,
                   const std::string& order_id, Order* out);

 private:
  // Captures the order's checks and gift cards and shows them CAPTURED.
  absl::Status TakePrepaid(Order& order, std::vector<OrderEvent>& events);
  // Scores the order; a FRAUD hold the hold service placed goes on the
  // order, its event in `events`.
  absl::Status EvaluateFraud(const Context& c, Order& order, std::vector<OrderEvent>& events);
  // An exchange order (DOMAIN 10): its return must name it; while the
  // goods are still awaited it goes on hold code PENDING_RETURN.
  absl::Status HoldForReturn(const Context& c, Order& order, std::vector<OrderEvent>& events);
  // A check of at least the call center's threshold holds the order (CHECK).
  absl::Status HoldForCheck(const Context& c, Order& order, std::vector<OrderEvent>& events);

  ChangeRunner* changes_;
  Clients* clients_;
  MoneyProtocol* money_;
  ReturnWorkflow* returns_;
  SagaLog* sagas_;  // nullptr: no saga log (unit tests)
  Clock clock_;
  const FrontDoorMetrics* metrics_;
  std::string crash_after_step_;  // tests: stop as a killed process would
};

// Cancelling an order (DOMAIN 7): logged as a saga before the save, then
// the order saved CANCELED with its payments shown VOIDED, then the voids
// and coupon releases (also on a retry, which finishes a cancel that
// stopped in between; recovery finishes one whose process stopped).
class CancelSaga {
 public:
  CancelSaga(ChangeRunner* changes, MoneyProtocol* money, SagaLog* sagas,
             std::string crash_after_step)
      : changes_(changes),
        money_(money),
        sagas_(sagas),
        crash_after_step_(std::move(crash_after_step)) {}

  absl::Status Run(const Caller& caller, const google::protobuf::Message& request,
                   const std::string& order_id, const std::string& reason, Order* out);

 private:
  ChangeRunner* changes_;
  MoneyProtocol* money_;
  SagaLog* sagas_;
  std::string crash_after_step_;
};

}  // namespace callcenter::orchestration

#endif  // CALLCENTER_SERVICES_ORCHESTRATION_WORKFLOWS_SAGAS_H_
