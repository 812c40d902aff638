#include "services/orchestration/workflows/saga_recovery.h"

#include "libs/logging/log.h"
#include "libs/status/status.h"

namespace callcenter::orchestration {

void SagaRecovery::Count(const char* outcome) {
  if (metrics_ == nullptr) return;
  metrics_->Increment("sagas_recovered_total",
                      "Interrupted submits and cancellations settled by recovery: finished "
                      "(the order was saved) or compensated (undone).",
                      {{"outcome", outcome}});
}

absl::StatusOr<int> SagaRecovery::Run(absl::Duration idle) {
  if (sagas_ == nullptr) return 0;
  return sagas_->RecoverIdle(idle, [&](const Saga& saga) -> absl::StatusOr<std::string> {
    if (saga.kind == kSagaCancel) {
      // Saved CANCELED: finish the voids; never saved: nothing to do.
      ASSIGN_OR_RETURN(Order order,
                       clients_->orders.Get(CallScope{saga.request_id}, saga.order_id));
      if (order.status() == common::v1::ORDER_STATUS_CANCELED) {
        RETURN_IF_ERROR(money_->FinishCancel(saga.order_id, saga.request_id, order));
      }
      Count("finished");
      return std::string(kStepDone);
    }
    ASSIGN_OR_RETURN(bool undone, money_->UndoUnsavedSubmit(saga.order_id, saga.request_id,
                                                            "an interrupted submit was undone"));
    if (!undone) {  // its save happened: only the DONE record was missing
      Count("finished");
      return std::string(kStepDone);
    }
    log::Info("interrupted submit compensated", {{"order_id", saga.order_id}});
    Count("compensated");
    return std::string(kStepCompensated);
  });
}

}  // namespace callcenter::orchestration
