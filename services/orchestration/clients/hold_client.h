#ifndef CALLCENTER_SERVICES_ORCHESTRATION_CLIENTS_HOLD_CLIENT_H_
#define CALLCENTER_SERVICES_ORCHESTRATION_CLIENTS_HOLD_CLIENT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "callcenter/hold/v1/hold.grpc.pb.h"
#include "callcenter/order/v1/order.pb.h"
#include "libs/ids/system_names.h"
#include "services/orchestration/clients/call.h"

namespace callcenter::orchestration {

using common::v1::Order;

// The hold service: holds and the fraud check.
class HoldClient {
 public:
  HoldClient(hold::v1::HoldService::StubInterface* holds, CallFactory calls)
      : holds_(holds), calls_(calls) {}

  // Places a hold of `hold_code` with `note` by `user_id` (idempotent by
  // scope.request_id: a retry returns the same hold).
  // The hold is stored with the order's call center and customer (the
  // workbench lists it by them).
  absl::StatusOr<common::v1::OrderHold> Place(const CallScope& scope, const Order& order,
                                              const std::string& hold_code, const std::string& note,
                                              const std::string& user_id);
  // Clears a hold for `user_id`, who may clear only `user`'s clearable codes
  // (and, while another user has it checked out, only with
  // may_override_checkout).
  absl::StatusOr<hold::v1::ClearHoldResponse> Clear(
      const CallScope& scope, const std::string& order_id, const std::string& hold_id,
      const std::string& reason, const std::string& user_id, const order::v1::CallCenterUser& user);
  // Clears a hold as the system user (idempotent per hold under scope's key).
  absl::Status Release(const CallScope& scope, const std::string& order_id,
                       const std::string& hold_id, const std::string& hold_code,
                       const std::string& reason);
  // The order's holds that are open, of `hold_code`.
  absl::StatusOr<std::vector<common::v1::OrderHold>> OpenHolds(const CallScope& scope,
                                                               const std::string& order_id,
                                                               const std::string& hold_code);
  // Scores `order` for fraud (DOMAIN 7) with its customer's contact and
  // billing data; a score at or above the call center's minimum places a
  // FRAUD hold (the response's hold).
  absl::StatusOr<hold::v1::EvaluateFraudResponse> EvaluateFraud(const CallScope& scope,
                                                                const Order& order,
                                                                const order::v1::Customer& customer,
                                                                int64_t min_fraud_score);

  // One page of a call center's open holds, oldest first.
  absl::StatusOr<hold::v1::ListOpenHoldsResponse> ListOpen(const CallScope& scope,
                                                           const std::string& call_center_id,
                                                           const std::string& hold_code,
                                                           int page_size,
                                                           const std::string& page_token);
  // Checks a hold out to `user_id` (FAILED_PRECONDITION when another has it).
  absl::StatusOr<common::v1::OrderHold> CheckOut(const CallScope& scope,
                                                 const std::string& order_id,
                                                 const std::string& hold_id,
                                                 const std::string& user_id);
  // Releases a hold's checkout for `user_id` (PERMISSION_DENIED unless they
  // hold it or `user` may override checkouts).
  absl::StatusOr<common::v1::OrderHold> ReleaseCheckout(const CallScope& scope,
                                                        const std::string& order_id,
                                                        const std::string& hold_id,
                                                        const std::string& user_id,
                                                        const order::v1::CallCenterUser& user);

 private:
  hold::v1::HoldService::StubInterface* holds_;
  CallFactory calls_;
};

}  // namespace callcenter::orchestration

#endif  // CALLCENTER_SERVICES_ORCHESTRATION_CLIENTS_HOLD_CLIENT_H_
