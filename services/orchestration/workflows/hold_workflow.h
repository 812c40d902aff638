#ifndef CALLCENTER_SERVICES_ORCHESTRATION_WORKFLOWS_HOLD_WORKFLOW_H_
#define CALLCENTER_SERVICES_ORCHESTRATION_WORKFLOWS_HOLD_WORKFLOW_H_

#include <string>

#include "absl/status/status.h"
#include "callcenter/orchestration/v1/orchestration.pb.h"
#include "services/orchestration/clients/clients.h"
#include "services/orchestration/workflows/change_runner.h"
#include "services/orchestration/workflows/money_protocol.h"

namespace callcenter::orchestration {

// Placing and clearing holds (DOMAIN 7). A hold is placed at the hold
// service first and released again if its order cannot show it
// (MoneyProtocol::ReleaseUnrecordedHold); placing one on a draft puts the
// draft ON_HOLD as it stands; clearing the last confirms the order.
class HoldWorkflow {
 public:
  HoldWorkflow(ChangeRunner* changes, Clients* clients, MoneyProtocol* money, Clock clock)
      : changes_(changes), clients_(clients), money_(money), clock_(std::move(clock)) {}

  absl::Status Place(const Caller& caller, const v1::PlaceHoldRequest& req, Order* out);
  absl::Status Clear(const Caller& caller, const v1::ClearHoldRequest& req, Order* out);

  // The hold workbench (DOMAIN 11): the open holds of the caller's call
  // center, oldest first, with days on hold and who has each checked out.
  absl::Status List(const Caller& caller, const v1::ListHoldsRequest& req,
                    v1::ListHoldsResponse* out);
  // Checks a hold out to the caller, or releases its checkout; the order
  // shows who has it and logs each.
  absl::Status CheckOut(const Caller& caller, const v1::CheckOutHoldRequest& req, Order* out);
  absl::Status ReleaseCheckout(const Caller& caller, const v1::ReleaseHoldCheckoutRequest& req,
                               Order* out);

 private:
  ChangeRunner* changes_;
  Clients* clients_;
  MoneyProtocol* money_;
  Clock clock_;
};

}  // namespace callcenter::orchestration

#endif  // CALLCENTER_SERVICES_ORCHESTRATION_WORKFLOWS_HOLD_WORKFLOW_H_
