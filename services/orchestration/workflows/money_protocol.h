#ifndef CALLCENTER_SERVICES_ORCHESTRATION_WORKFLOWS_MONEY_PROTOCOL_H_
#define CALLCENTER_SERVICES_ORCHESTRATION_WORKFLOWS_MONEY_PROTOCOL_H_

#include <functional>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/orchestration/clients/clients.h"
#include "services/orchestration/workflows/front_door_metrics.h"

namespace callcenter::orchestration {

// Putting money (and holds) back, in one place. The rule everywhere: the
// order is saved first, its payments shown VOIDED, as a new version (so a
// late save of the failed request can no longer land), and only then does
// the payment service void them; nothing an order counts is ever voided. A
// hold goes the same way: it exists only where its order shows it.
//
// Every step is idempotent under a key derived from the request id, so a
// retry, or recovery after a crash, finishes what was left. These run as
// the system user with no caller deadline (each call has its own).
class MoneyProtocol {
 public:
  MoneyProtocol(Clients* clients, const FrontDoorMetrics* metrics)
      : clients_(clients), metrics_(metrics) {}

  // AddPayment authorised `payment` but its save failed (`why`): unless the
  // save did happen after all, the draft records the payment VOIDED, then
  // it is voided at the payment service.
  absl::Status VoidUnsavedPayment(const std::string& order_id, const std::string& request_id,
                                  const common::v1::OrderPayment& payment, const absl::Status& why);
  // PlaceHold placed `hold` at the hold service but the order's save failed
  // (`why`): unless the order does show it, the order gets a new version
  // (fencing a late save) and the hold is cleared as the system user.
  absl::Status ReleaseUnrecordedHold(const std::string& order_id, const std::string& request_id,
                                     const common::v1::OrderHold& hold, const absl::Status& why);
  // Undoes a submit that did not save (failed, or found by recovery): saves
  // the draft with its live payments marked VOIDED, then voids them,
  // releases coupon uses and clears the FRAUD holds it left open. `why`
  // opens the event. False, undoing nothing, when the submit did save.
  absl::StatusOr<bool> UndoUnsavedSubmit(const std::string& order_id, const std::string& request_id,
                                         const std::string& why);
  // After a cancellation saved `order` (its payments shown VOIDED): voids
  // them and releases coupon uses.
  absl::Status FinishCancel(const std::string& order_id, const std::string& request_id,
                            const Order& order);

 private:
  // Reads the order, lets `change` edit it and the event it adds (as the
  // system user; false: nothing to save) and saves it under `request_id`
  // with its version checked, reading again after a concurrent change.
  absl::StatusOr<std::optional<Order>> RewriteOrder(
      const std::string& order_id, const std::string& request_id, const char* method,
      const std::function<bool(Order&, OrderEvent&)>& change);

  Clients* clients_;
  const FrontDoorMetrics* metrics_;
};

}  // namespace callcenter::orchestration

#endif  // CALLCENTER_SERVICES_ORCHESTRATION_WORKFLOWS_MONEY_PROTOCOL_H_
