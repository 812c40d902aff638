#ifndef CALLCENTER_SERVICES_PAYMENT_DOMAIN_PAYMENT_RULES_H_
#define CALLCENTER_SERVICES_PAYMENT_DOMAIN_PAYMENT_RULES_H_

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "callcenter/payment/v1/payment.pb.h"

namespace callcenter::payment {

// Checks an authorisation request before anything is stored:
// INVALID_ARGUMENT naming the field, FAILED_PRECONDITION when the call
// center does not allow the method.
absl::Status ValidateAuthorization(const v1::AuthorizePaymentRequest& request);

// The outcome of asking a connector to authorise.
struct ConnectorDecision {
  bool approved = false;
  std::string reason;              // why declined
  std::string authorization_code;  // when approved
};

// A payment gateway. The built-in test connector is deterministic.
class PaymentConnector {
 public:
  virtual ~PaymentConnector() = default;
  // `idempotency_key` lets a real gateway deduplicate retries.
  virtual ConnectorDecision Authorize(const std::string& card_token, int64_t amount_minor,
                                      const std::string& currency,
                                      const std::string& idempotency_key) = 0;
  // Releases the authorisation made under `idempotency_key` (also one that
  // may have been made before a crash left the payment PENDING); not
  // approved, with a reason, when the gateway refuses or cannot be reached.
  virtual ConnectorDecision Void(const std::string& idempotency_key,
                                 const std::string& authorization_code) = 0;
  // Takes `amount_minor` of the authorisation `authorization_code`; the
  // gateway takes the money once per `idempotency_key`, however often asked.
  virtual ConnectorDecision Capture(const std::string& card_token,
                                    const std::string& authorization_code, int64_t amount_minor,
                                    const std::string& currency,
                                    const std::string& idempotency_key) = 0;
  // Authorises `amount_minor` on the card again (an old authorisation
  // about to lapse); the new authorisation_code replaces the old one.
  virtual ConnectorDecision Reauthorize(const std::string& card_token, int64_t amount_minor,
                                        const std::string& currency,
                                        const std::string& idempotency_key) = 0;
  // Gives `amount_minor` of what `authorization_code` captured back to the
  // card; once per `idempotency_key`, however often asked.
  virtual ConnectorDecision Refund(const std::string& card_token,
                                   const std::string& authorization_code, int64_t amount_minor,
                                   const std::string& currency,
                                   const std::string& idempotency_key) = 0;
};

// API.md's test connector: a token ending in 0002 is declined; one ending in
// 0005 is declined with "insufficient funds" above 100.00; one ending in
// 0009 authorises but its captures and re-authorisations are declined;
// others authorise.
class TestConnector : public PaymentConnector {
 public:
  ConnectorDecision Authorize(const std::string& card_token, int64_t amount_minor,
                              const std::string& currency,
                              const std::string& idempotency_key) override;
  // Always approved; counted, so tests see the gateway was told.
  ConnectorDecision Void(const std::string& idempotency_key,
                         const std::string& authorization_code) override;
  // Deduplicated by key like a real gateway: a repeated key takes nothing
  // more and answers as the first time.
  ConnectorDecision Capture(const std::string& card_token, const std::string& authorization_code,
                            int64_t amount_minor, const std::string& currency,
                            const std::string& idempotency_key) override;
  ConnectorDecision Reauthorize(const std::string& card_token, int64_t amount_minor,
                                const std::string& currency,
                                const std::string& idempotency_key) override;
  // Always approved, deduplicated by key like captures.
  ConnectorDecision Refund(const std::string& card_token, const std::string& authorization_code,
                           int64_t amount_minor, const std::string& currency,
                           const std::string& idempotency_key) override;
  int voids() const { return voids_.load(); }
  // What the gateway took, over every distinct capture key.
  int64_t captured_total() const;
  // What the gateway gave back, over every distinct refund key.
  int64_t refunded_total() const;
  int reauthorizations() const { return reauthorizations_.load(); }

 private:
  std::atomic<int> voids_{0};
  std::atomic<int> reauthorizations_{0};
  mutable std::mutex mu_;
  std::map<std::string, ConnectorDecision> captures_;  // by idempotency key
  std::map<std::string, ConnectorDecision> refunds_;   // by idempotency key
  int64_t captured_total_ = 0;
  int64_t refunded_total_ = 0;
};

// Legal payment state changes: PENDING -> AUTHORIZED | DECLINED | VOIDED;
// AUTHORIZED -> PARTIALLY_CAPTURED | CAPTURED | VOIDED; PARTIALLY_CAPTURED
// -> CAPTURED (the rest captured, or released); CAPTURED -> REFUNDED (all
// it took given back). Staying in the same state is allowed
// (a repeated void or capture is harmless). Anything else is
// FAILED_PRECONDITION.
// A check or gift card captured whole: taken at submit (DOMAIN 9), which
// may be given back until something ships.
bool IsPrepaidTakenAtSubmit(const payment::v1::Payment& payment);

absl::Status CheckPaymentTransition(common::v1::PaymentStatus from, common::v1::PaymentStatus to);

// Remaining on-account credit: limit minus open (authorised or captured)
// on-account payments; FAILED_PRECONDITION when `amount` does not fit, or
// when the customer does not allow on-account payments.
absl::Status CheckOnAccount(bool allow_on_account, int64_t credit_limit, int64_t open_total,
                            int64_t amount);

// A gift card payment must fit the balance: FAILED_PRECONDITION otherwise.
absl::Status CheckGiftCardBalance(int64_t balance, int64_t amount);

// What a capture of `requested` (<= 0: all) takes from a payment of
// `amount` that has `captured` already: INVALID_ARGUMENT naming `amount`
// when it is more than what is left; FAILED_PRECONDITION when nothing is.
absl::StatusOr<int64_t> CaptureAmount(int64_t amount, int64_t captured, int64_t requested);

// The status after capturing: CAPTURED once all of `amount` is taken.
common::v1::PaymentStatus StatusAfterCapture(int64_t amount, int64_t captured);

// What a refund of `requested` may give back from a payment that captured
// `captured` and refunded `refunded` already: INVALID_ARGUMENT naming
// `amount` when it is not positive or more than is left.
absl::Status CheckRefundAmount(int64_t captured, int64_t refunded, int64_t requested);

// Whether a refund may go back `method` (CARD, GIFT_CARD, ON_ACCOUNT,
// CHECK) from `payment`: to a card or gift card only from a payment of
// that method (INVALID_ARGUMENT naming refund_method otherwise).
absl::Status CheckRefundMethod(const v1::Payment& payment, common::v1::PaymentMethod method);

// The status after a refund: REFUNDED once a wholly captured payment has
// all it captured back; otherwise the status stays.
common::v1::PaymentStatus StatusAfterRefund(const v1::Payment& payment);

// Installment billing (DOMAIN 11).
//
// A schedule: an id, 1 to 120 installments, interval_days 1 to 366 (any
// when there is one installment), min_order_amount 0 or more with a
// currency: INVALID_ARGUMENT naming the field otherwise.
absl::Status ValidatePaymentSchedule(const v1::PaymentSchedule& schedule);

// `amount` split into `count` installments: each rounded down to the minor
// unit, the remainder on the last (10000 in 3 -> 3333, 3333, 3334).
std::vector<int64_t> SplitInstallments(int64_t amount, int32_t count);

// The installments of a payment of `amount` with `schedule`, the first
// due on `first_due_on` (YYYY-MM-DD) and each next interval_days later,
// all PENDING; INVALID_ARGUMENT naming first_due_on when it is no date.
absl::StatusOr<std::vector<common::v1::Installment>> PlanInstallments(
    const std::string& currency, int64_t amount, const v1::PaymentSchedule& schedule,
    const std::string& first_due_on);

// Dates the payment's installments again from `start` (YYYY-MM-DD).
absl::Status RedateInstallments(v1::Payment& payment, const std::string& start);

// Where a run picks the payment up: the due date of its first PENDING
// installment once the first installment was captured and while the
// payment is PARTIALLY_CAPTURED; empty otherwise.
std::string NextInstallmentDue(const v1::Payment& payment);

// The status of a payment with installments after one was captured or
// declined: CAPTURED once none is left to capture (PENDING or AUTHORIZED),
// else PARTIALLY_CAPTURED.
common::v1::PaymentStatus StatusAfterInstallment(const v1::Payment& payment);

// Installment `index` of `payment` lowered to `at_most` (>= 0) when it is
// more, and the payment's amount by as much: the order owes less than its
// plan. A lower installment stays as it is.
void ReduceInstallment(v1::Payment* payment, int index, int64_t at_most);

// Lowers the payment's PENDING installments, the last first, until they
// take `at_most` together (an installment lowered to nothing is VOIDED;
// the payment's amount is lowered with them). Returns by how much.
int64_t LimitPendingInstallments(v1::Payment* payment, int64_t at_most);

// Last four characters of a token (digits shown to the agent).
std::string LastFour(const std::string& card_token);

}  // namespace callcenter::payment

#endif  // CALLCENTER_SERVICES_PAYMENT_DOMAIN_PAYMENT_RULES_H_
