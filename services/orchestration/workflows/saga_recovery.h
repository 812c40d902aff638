#ifndef CALLCENTER_SERVICES_ORCHESTRATION_WORKFLOWS_SAGA_RECOVERY_H_
#define CALLCENTER_SERVICES_ORCHESTRATION_WORKFLOWS_SAGA_RECOVERY_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/orchestration/clients/clients.h"
#include "services/orchestration/store.h"
#include "services/orchestration/workflows/front_door_metrics.h"
#include "services/orchestration/workflows/invoice_settler.h"
#include "services/orchestration/workflows/installment_runner.h"
#include "services/orchestration/workflows/money_protocol.h"
#include "services/orchestration/workflows/return_workflow.h"

namespace callcenter::orchestration {

// Settles sagas a crash left unfinished: a submit that saved is marked
// done, one that did not is undone (MoneyProtocol::UndoUnsavedSubmit); a
// cancellation that saved has its voids finished; a shipment that saved
// has its invoice's captures made (InvoiceSettler); a refund that was
// planned has its refunds made (ReturnWorkflow::FinishRefunds). Run by every replica in
// a loop; two never take the same saga (SagaLog::RecoverIdle).
class SagaRecovery {
 public:
  SagaRecovery(Clients* clients, MoneyProtocol* money, InvoiceSettler* invoices,
               InstallmentRunner* installments, ReturnWorkflow* returns, SagaLog* sagas,
               const FrontDoorMetrics* metrics)
      : clients_(clients),
        money_(money),
        invoices_(invoices),
        installments_(installments),
        returns_(returns),
        sagas_(sagas),
        metrics_(metrics) {}

  // Settles sagas idle for at least `idle`; returns how many.
  absl::StatusOr<int> Run(absl::Duration idle);

 private:
  Clients* clients_;
  MoneyProtocol* money_;
  InvoiceSettler* invoices_;
  InstallmentRunner* installments_;
  ReturnWorkflow* returns_;
  SagaLog* sagas_;  // nullptr: nothing to recover
  const FrontDoorMetrics* metrics_;
};

}  // namespace callcenter::orchestration

#endif  // CALLCENTER_SERVICES_ORCHESTRATION_WORKFLOWS_SAGA_RECOVERY_H_
