#ifndef CALLCENTER_SERVICES_HOLD_STORE_H_
#define CALLCENTER_SERVICES_HOLD_STORE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "callcenter/hold/v1/hold.pb.h"
#include "libs/db/pool.h"

namespace callcenter::hold {

using common::v1::OrderHold;

// The hold service's SQL: holds, their history, fraud evaluations, and the
// fraud tables for the index.
class HoldStore {
 public:
  explicit HoldStore(db::Pool* pool) : pool_(pool) {}

  // Who placed a hold and where: the order, its call center and customer.
  struct Placement {
    std::string order_id;
    std::string call_center_id;
    std::string customer_id;
    std::string user_id;
  };
  // Inserts a hold unless `request_id` placed one already (then returns it).
  absl::StatusOr<OrderHold> PlaceHold(const std::string& request_id, const Placement& placement,
                                      const std::string& hold_code, const std::string& note);
  // Clears an open hold (a cleared one is returned as it is); `check` may
  // refuse, seeing the hold and its code's definition first (null when the
  // code is no longer defined). Returns the hold and whether the order still
  // has open holds.
  using ClearCheck = std::function<absl::Status(const OrderHold&, const v1::HoldCode*)>;
  absl::StatusOr<std::pair<OrderHold, bool>> ClearHold(const std::string& order_id,
                                                       const std::string& hold_id,
                                                       const std::string& reason,
                                                       const std::string& user_id,
                                                       const ClearCheck& check);
  absl::StatusOr<std::vector<OrderHold>> ListHolds(const std::string& order_id,
                                                   std::vector<v1::HoldEvent>* history = nullptr);
  absl::StatusOr<v1::HoldCode> GetHoldCode(const std::string& code);

  // One page of a call center's open holds, oldest first (keyset paging on
  // placed_at and hold_id; `page_token` as a previous page returned it).
  absl::StatusOr<std::vector<v1::OpenHold>> ListOpenHolds(const std::string& call_center_id,
                                                          const std::string& hold_code,
                                                          int page_size,
                                                          const std::string& page_token,
                                                          std::string* next_page_token);

  // Sets (user_id non-empty) or releases (empty) an open hold's checkout
  // after `check` saw the hold as it is; a hold already in that state is
  // returned unchanged. Logged in the hold's history.
  using CheckoutCheck = std::function<absl::Status(const OrderHold&)>;
  absl::StatusOr<OrderHold> SetCheckout(const std::string& order_id, const std::string& hold_id,
                                        const std::string& checked_out_by,
                                        const std::string& acting_user, const CheckoutCheck& check);

  // Stores an evaluation and, with `place_hold`, its FRAUD hold in one
  // transaction. Idempotent by request_id: a repeated request gets the
  // evaluation stored first.
  absl::StatusOr<v1::EvaluateFraudResponse> SaveEvaluation(const v1::EvaluateFraudRequest& request,
                                                           v1::EvaluateFraudResponse response,
                                                           bool place_hold);

  absl::Status LoadFraudTables(std::vector<v1::FraudRule>* rules, std::vector<v1::FraudData>* data);

  // Deletes stored evaluations (what a repeated EvaluateFraud request_id
  // gets back) older than `age`, `batch` rows per statement; returns how
  // many went. The order keeps its score and holds; a retry after that is
  // a new evaluation.
  absl::StatusOr<int> PurgeEvaluations(absl::Duration age, int batch = 1000);

 private:
  db::Pool* pool_;
};

}  // namespace callcenter::hold

#endif  // CALLCENTER_SERVICES_HOLD_STORE_H_
