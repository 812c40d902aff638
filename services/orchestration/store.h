#ifndef CALLCENTER_SERVICES_ORCHESTRATION_STORE_H_
#define CALLCENTER_SERVICES_ORCHESTRATION_STORE_H_

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/db/pool.h"

namespace callcenter::orchestration {

// Steps of a submit, in order. Only the start is recorded (recovery undoes
// an unfinished submit whatever step it reached); the others name where a
// test stops it. Sagas written by older releases may show them.
inline constexpr char kStepStarted[] = "STARTED";
inline constexpr char kStepCouponsRedeemed[] = "COUPONS_REDEEMED";
inline constexpr char kStepFraudEvaluated[] = "FRAUD_EVALUATED";
// Steps of recording a shipment: saved on the order, its invoice captured.
inline constexpr char kStepShipmentSaved[] = "SHIPMENT_SAVED";
inline constexpr char kStepInvoiceCaptured[] = "INVOICE_CAPTURED";
inline constexpr char kStepDone[] = "DONE";
inline constexpr char kStepCompensated[] = "COMPENSATED";
// Not recorded: where a test makes a cancellation "crash" (see
// OrderEntryOptions::crash_after_step).
inline constexpr char kStepCancelSaved[] = "CANCEL_SAVED";
// Not recorded: where a test makes a refund "crash", after the return was
// saved with its refunds planned.
inline constexpr char kStepRefundPlanned[] = "REFUND_PLANNED";
// Not recorded: where a test makes an installment run "crash", after the
// captures and before the order shows them.
inline constexpr char kStepInstallmentsCaptured[] = "INSTALLMENTS_CAPTURED";

// What a saga does.
inline constexpr char kSagaSubmit[] = "submit";  // submit: undone unless it saved
inline constexpr char kSagaCancel[] = "cancel";  // cancel: the voids finished once saved
inline constexpr char kSagaShipment[] = "shipment";  // shipment: its captures finished once saved
inline constexpr char kSagaRefund[] = "refund";      // refund: its refunds finished once planned
// installments: an order's due installments captured, then shown on it
inline constexpr char kSagaInstallments[] = "installments";

struct Saga {
  std::string saga_id;
  std::string order_id;
  std::string request_id;
  std::string step;
  std::string kind;  // kSagaSubmit, kSagaCancel, kSagaShipment, kSagaRefund or kSagaInstallments
};

// The orchestration service's own tables: one row per submit, its last
// step; and where the sweep of unrecorded payment authorisations got.
class SagaLog {
 public:
  explicit SagaLog(db::Pool* pool) : pool_(pool) {}

  // Starts the saga of a submit or a cancellation (`kind`); a retried
  // request resumes its saga, RUNNING again (recovery's, should it stop).
  absl::StatusOr<Saga> Begin(const std::string& order_id, const std::string& request_id,
                             const std::string& kind);
  absl::Status Record(const std::string& saga_id, const std::string& step);
  // Queues the DONE record of a finished submit; FlushDone writes the queue
  // in one statement. DONE follows the last call, so nothing waits for it,
  // and a DONE lost in a crash is found again by recovery (the order is no
  // longer a draft).
  void MarkDone(const std::string& saga_id);
  absl::Status FlushDone();

  // Claims unfinished sagas idle for at least `idle` (FOR UPDATE SKIP LOCKED,
  // so two replicas never take the same one) and runs `finish` on each while
  // holding the claim; `finish` returns the final step to record.
  absl::StatusOr<int> RecoverIdle(
      absl::Duration idle, const std::function<absl::StatusOr<std::string>(const Saga&)>& finish);

  // Deletes finished (DONE or COMPENSATED) sagas begun more than `age` ago,
  // `batch` rows per statement; returns how many went. Unfinished ones stay
  // until recovery settles them.
  absl::StatusOr<int> PurgeFinished(absl::Duration age, int batch = 1000);

  // The sweep of payment authorisations that no order recorded keeps its
  // place here: runs `sweep` from the stored page token while holding the
  // sweep's row (one replica at a time) and stores the token it returns.
  // False when another replica holds the row; nothing stored on an error.
  absl::StatusOr<bool> AdvancePaymentSweep(
      const std::function<absl::StatusOr<std::string>(const std::string& page_token)>& sweep);

 private:
  db::Pool* pool_;
  std::mutex done_mu_;
  std::vector<std::string> done_;
};

}  // namespace callcenter::orchestration

#endif  // CALLCENTER_SERVICES_ORCHESTRATION_STORE_H_
