#ifndef CALLCENTER_SERVICES_ORCHESTRATION_WORKFLOWS_PAYMENT_SWEEPER_H_
#define CALLCENTER_SERVICES_ORCHESTRATION_WORKFLOWS_PAYMENT_SWEEPER_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/orchestration/clients/clients.h"
#include "services/orchestration/store.h"
#include "services/orchestration/workflows/front_door_metrics.h"

namespace callcenter::orchestration {

// Voids card (and other) authorisations that no order counts: on no
// order (a crash or a timed-out call between authorising and saving), or
// shown VOIDED by their order (a crash between marking and voiding).
// Its place is kept in the saga log, one replica at a time.
class PaymentSweeper {
 public:
  PaymentSweeper(Clients* clients, SagaLog* sagas, const FrontDoorMetrics* metrics)
      : clients_(clients), sagas_(sagas), metrics_(metrics) {}

  // Checks live (authorised or pending) payments at least `min_age` old,
  // oldest first, from where the last sweep ended, against their orders.
  // Returns how many it voided.
  absl::StatusOr<int> Sweep(absl::Duration min_age);

 private:
  Clients* clients_;
  SagaLog* sagas_;  // nullptr: no sweep
  const FrontDoorMetrics* metrics_;
};

}  // namespace callcenter::orchestration

#endif  // CALLCENTER_SERVICES_ORCHESTRATION_WORKFLOWS_PAYMENT_SWEEPER_H_
