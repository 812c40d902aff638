#include "services/orchestration/workflows/saga_recovery.h"

#include "libs/logging/log.h"
#include "libs/status/status.h"

namespace callcenter::orchestration {

absl::StatusOr<int> SagaRecovery::Run(absl::Duration idle) {
  if (sagas_ == nullptr) return 0;
  return sagas_->RecoverIdle(idle, [&](const Saga& saga) -> absl::StatusOr<std::string> {
    if (saga.kind == kSagaShipment) {
      // Saved: its captures made, each once; never saved: nothing to do.
      RETURN_IF_ERROR(invoices_->Settle(saga.order_id).status());
      metrics_->sagas_finished.Increment();
      return std::string(kStepDone);
    }
    if (saga.kind == kSagaRefund) {
      // Planned and saved: its refunds made, each once; never saved:
      // nothing planned, nothing to do.
      RETURN_IF_ERROR(returns_->FinishRefunds(saga.order_id).status());
      metrics_->sagas_finished.Increment();
      return std::string(kStepDone);
    }
    if (saga.kind == kSagaInstallments) {
      // Whatever its captures took (each once) shown on the order.
      RETURN_IF_ERROR(installments_->Sync(saga.order_id).status());
      metrics_->sagas_finished.Increment();
      return std::string(kStepDone);
    }
    if (saga.kind == kSagaCancel) {
      // Saved CANCELED: finish the voids; never saved: nothing to do.
      ASSIGN_OR_RETURN(Order order,
                       clients_->orders.Get(CallScope{saga.request_id}, saga.order_id));
      if (order.status() == common::v1::ORDER_STATUS_CANCELED) {
        RETURN_IF_ERROR(money_->FinishCancel(saga.order_id, saga.request_id, order));
      }
      metrics_->sagas_finished.Increment();
      return std::string(kStepDone);
    }
    ASSIGN_OR_RETURN(bool undone, money_->UndoUnsavedSubmit(saga.order_id, saga.request_id,
                                                            "an interrupted submit was undone"));
    if (!undone) {  // its save happened: only the DONE record was missing
      metrics_->sagas_finished.Increment();
      return std::string(kStepDone);
    }
    log::Info("interrupted submit compensated", {{"order_id", saga.order_id}});
    metrics_->sagas_compensated.Increment();
    return std::string(kStepCompensated);
  });
}

}  // namespace callcenter::orchestration
