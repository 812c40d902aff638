#include "services/orchestration/workflows/payment_sweeper.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/logging/log.h"
#include "libs/money/money.h"
#include "libs/status/status.h"

namespace callcenter::orchestration {

absl::StatusOr<int> PaymentSweeper::Sweep(absl::Duration min_age) {
  if (sagas_ == nullptr) return 0;
  constexpr int kPageSize = 500;
  constexpr int kMaxPages = 20;  // per sweep; the next one goes on from there
  const CallScope scope;         // the system's: no request id, no caller deadline
  int voided = 0;
  auto sweep = [&](const std::string& from) -> absl::StatusOr<std::string> {
    std::string token = from;
    for (int page = 0; page < kMaxPages; ++page) {
      ASSIGN_OR_RETURN(payment::v1::ListLivePaymentsResponse listed,
                       clients_->payments.ListLive(scope, min_age, kPageSize, token));
      if (listed.payments().empty()) break;
      std::vector<std::string> order_ids;
      std::set<std::string> asked;
      for (const auto& p : listed.payments()) {
        if (asked.insert(p.order_id()).second) order_ids.push_back(p.order_id());
      }
      ASSIGN_OR_RETURN(order::v1::ListRecordedPaymentsResponse answer,
                       clients_->orders.RecordedPayments(scope, order_ids));
      // Live at the payment service but on no order, or shown VOIDED by
      // its order (a crash between marking and voiding): void it.
      std::set<std::string> recorded, marked_voided;
      for (const auto& o : answer.orders()) {
        recorded.insert(o.payment_ids().begin(), o.payment_ids().end());
        marked_voided.insert(o.voided_payment_ids().begin(), o.voided_payment_ids().end());
      }
      for (const auto& p : listed.payments()) {
        if (recorded.count(p.payment_id()) > 0 && marked_voided.count(p.payment_id()) == 0) {
          continue;
        }
        RETURN_IF_ERROR(clients_->payments.Void(
            CallScope{absl::StrCat("unrecorded:", p.payment_id())}, p.payment_id()));
        ++voided;
        log::Warning("voided a payment authorisation that no order counts",
                     {{"order_id", p.order_id()},
                      {"payment_id", p.payment_id()},
                      {"amount", money::Format(p.amount().minor_units())}});
        metrics_->unrecorded_authorizations_voided.Increment();
      }
      token = listed.next_page_token();
      if (listed.payments_size() < kPageSize) break;
    }
    return token;
  };
  RETURN_IF_ERROR(sagas_->AdvancePaymentSweep(sweep).status());
  return voided;
}

}  // namespace callcenter::orchestration
