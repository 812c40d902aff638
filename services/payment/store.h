#ifndef CALLCENTER_SERVICES_PAYMENT_STORE_H_
#define CALLCENTER_SERVICES_PAYMENT_STORE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "callcenter/payment/v1/payment.pb.h"
#include "libs/db/entity_table.h"
#include "libs/db/pool.h"

namespace callcenter::payment {

// The payment service's SQL: payments (a row each, the record in a JSON
// body, the columns what is searched and summed) and gift-card balances.
class PaymentStore {
 public:
  explicit PaymentStore(db::Pool* pool) : pool_(pool) {}

  // The gift-card master data (upserted and read through server::Crud).
  static const db::EntityTable& GiftCards();
  // The payment schedules (installment billing; master data like gift cards).
  static const db::EntityTable& Schedules();
  // A schedule; NOT_FOUND when unknown.
  absl::StatusOr<v1::PaymentSchedule> GetSchedule(const std::string& schedule_id);

  // Payments with an installment due on or before `as_of` (YYYY-MM-DD),
  // after `after_payment_id`, by id, at most `page_size`.
  absl::StatusOr<std::vector<v1::Payment>> ListDueInstallments(const std::string& as_of,
                                                               const std::string& after_payment_id,
                                                               int page_size);

  // The payment recorded for `request_id`, if any.
  absl::StatusOr<std::optional<v1::Payment>> FindByRequest(const std::string& request_id);
  // Records `payment` for `request_id` on its own (autocommit); false when
  // the request id has a payment already (nothing written).
  absl::StatusOr<bool> InsertIfNew(const std::string& request_id, const v1::Payment& payment);
  // Writes `payment`'s status and record over the stored one.
  absl::Status Update(const v1::Payment& payment);
  // An order's payments, oldest first.
  absl::StatusOr<std::vector<v1::Payment>> ListByOrder(const std::string& order_id);

  // Where a page of live payments starts: after (created_at, payment_id).
  struct LiveCursor {
    int64_t created_us = 0;  // microseconds since 1970
    std::string payment_id = "00000000-0000-0000-0000-000000000000";
  };
  struct LivePage {
    std::vector<v1::Payment> payments;
    LiveCursor last;  // of the page's last payment; the given cursor when empty
  };
  // Payments still AUTHORIZED or PENDING created at least `min_age_us` ago,
  // after `after`, oldest first, at most `page_size`.
  absl::StatusOr<LivePage> ListLive(int64_t min_age_us, const LiveCursor& after, int page_size);

  // One transaction's reads and writes, under row locks: what the service
  // decides with a payment or balance locked. Runs inside Transact only
  // (the store's pool maps any database error there to a status).
  class Txn {
   public:
    explicit Txn(pqxx::work& txn) : txn_(txn) {}
    // The payment, locked for this transaction; NOT_FOUND when unknown.
    absl::StatusOr<v1::Payment> LockPayment(const std::string& payment_id);
    // The ids of an order's AUTHORIZED or PENDING payments, locked, oldest first.
    std::vector<std::string> LockLivePayments(const std::string& order_id);
    // The gift card, locked; NOT_FOUND when unknown.
    absl::StatusOr<v1::GiftCard> LockGiftCard(const std::string& number);
    void SaveGiftCard(const v1::GiftCard& card);
    // Serialises on-account payments of `customer_id` for this transaction
    // and returns their open (authorised or captured) total in `currency`.
    int64_t LockOnAccountTotal(const std::string& customer_id, const std::string& currency);
    // As PaymentStore::InsertIfNew, in this transaction.
    bool InsertIfNew(const std::string& request_id, const v1::Payment& payment);
    void Update(const v1::Payment& payment);
    // The answer stored for the capture `request_id`, if any.
    absl::StatusOr<std::optional<v1::CapturePaymentResponse>> FindCapture(
        const std::string& request_id);
    // Keeps the answer to the capture `request_id` (taken or declined).
    void InsertCapture(const std::string& request_id, const v1::CapturePaymentResponse& answer);
    // The answer stored for the refund `request_id`, if any.
    absl::StatusOr<std::optional<v1::RefundPaymentResponse>> FindRefund(
        const std::string& request_id);
    // Keeps the refund `request_id` and its answer.
    void InsertRefund(const v1::RefundPaymentRequest& request,
                      const v1::RefundPaymentResponse& answer);

   private:
    pqxx::work& txn_;
  };
  // Runs `fn` in one transaction, committed when it returns OK.
  absl::Status Transact(const std::function<absl::Status(Txn&)>& fn);

 private:
  db::Pool* pool_;
};

}  // namespace callcenter::payment

#endif  // CALLCENTER_SERVICES_PAYMENT_STORE_H_
