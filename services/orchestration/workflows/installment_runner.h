#ifndef CALLCENTER_SERVICES_ORCHESTRATION_WORKFLOWS_INSTALLMENT_RUNNER_H_
#define CALLCENTER_SERVICES_ORCHESTRATION_WORKFLOWS_INSTALLMENT_RUNNER_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "callcenter/orchestration/v1/orchestration.pb.h"
#include "services/orchestration/clients/clients.h"
#include "services/orchestration/store.h"
#include "services/orchestration/workflows/context.h"
#include "services/orchestration/workflows/front_door_metrics.h"

namespace callcenter::orchestration {

// Installment billing's runs (DOMAIN 11): every installment due by a date
// of the caller's call center's orders captured, each once.
//
// Per order a saga: logged, then each due installment captured at the
// payment service under a key of its payment and number (a retry, a second
// run of the date or recovery gets the first answer, never a second
// capture), then the order shown what was taken (Sync). A decline puts the
// order on hold code PAYMENT with the installment's amount due again; an
// order with an open hold waits (its installments are taken by the first
// run after the holds are cleared).
class InstallmentRunner {
 public:
  InstallmentRunner(Clients* clients, SagaLog* sagas, Clock clock, const FrontDoorMetrics* metrics,
                    std::string crash_after_step)
      : clients_(clients),
        sagas_(sagas),
        clock_(std::move(clock)),
        metrics_(metrics),
        crash_after_step_(std::move(crash_after_step)) {}

  // RunInstallments for a fulfilment user of `call_center_id`.
  absl::Status Run(const Caller& caller, const std::string& call_center_id,
                   const v1::RunInstallmentsRequest& req, v1::RunInstallmentsResponse* out);

  // What Sync showed on the order for the first time.
  struct Synced {
    Order order;
    int captured = 0;  // installments newly shown CAPTURED
    int declined = 0;  // installments newly shown DECLINED
  };
  // Shows on the order what the payment service has of its payments'
  // installments (statuses, captured, due dates), with their events and,
  // for a new decline, the PAYMENT hold; nothing saved when it shows all
  // already. Recovery finishes an interrupted run with it. Only one save
  // shows an installment's outcome first, so two runs at once (two front
  // doors) count each installment once between them.
  absl::StatusOr<Synced> Sync(const std::string& order_id);

  // Once an order owes less than its payment schedules would still take
  // (a return's credit taken off them, lines canceled): each schedule's
  // pending installments lowered at the payment service to what it may
  // still take, the last ones first, and the order shown them (Sync). The
  // runs cap each capture the same way whether or not this ran, so it only
  // makes the plan show what it will take; asked again, nothing changes.
  // The order as it then stands.
  absl::StatusOr<Order> LimitPlans(const std::string& order_id);

 private:
  // One order's due installments of the payment `due` (as listed).
  absl::Status RunFor(const std::string& call_center_id, const payment::v1::Payment& due,
                      const std::string& as_of, v1::RunInstallmentsResponse* out);

  Clients* clients_;
  SagaLog* sagas_;  // nullptr: no saga log (unit tests)
  Clock clock_;
  const FrontDoorMetrics* metrics_;
  std::string crash_after_step_;  // tests: stop as a killed process would
};

}  // namespace callcenter::orchestration

#endif  // CALLCENTER_SERVICES_ORCHESTRATION_WORKFLOWS_INSTALLMENT_RUNNER_H_
