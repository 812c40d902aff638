#ifndef CALLCENTER_SERVICES_PAYMENT_DOMAIN_PAYMENT_RULES_H_
#define CALLCENTER_SERVICES_PAYMENT_DOMAIN_PAYMENT_RULES_H_

#include <atomic>
#include <string>

#include "absl/status/status.h"
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
};

// API.md's test connector: a token ending in 0002 is declined; one ending in
// 0005 is declined with "insufficient funds" above 100.00; others authorise.
class TestConnector : public PaymentConnector {
 public:
  ConnectorDecision Authorize(const std::string& card_token, int64_t amount_minor,
                              const std::string& currency,
                              const std::string& idempotency_key) override;
  // Always approved; counted, so tests see the gateway was told.
  ConnectorDecision Void(const std::string& idempotency_key,
                         const std::string& authorization_code) override;
  int voids() const { return voids_.load(); }

 private:
  std::atomic<int> voids_{0};
};

// Legal payment state changes: PENDING -> AUTHORIZED | DECLINED | VOIDED;
// AUTHORIZED -> CAPTURED | VOIDED. Staying in the same state is allowed
// (a repeated void or capture is harmless). Anything else is
// FAILED_PRECONDITION.
absl::Status CheckPaymentTransition(common::v1::PaymentStatus from, common::v1::PaymentStatus to);

// Remaining on-account credit: limit minus open (authorised or captured)
// on-account payments; FAILED_PRECONDITION when `amount` does not fit, or
// when the customer does not allow on-account payments.
absl::Status CheckOnAccount(bool allow_on_account, int64_t credit_limit, int64_t open_total,
                            int64_t amount);

// A gift card payment must fit the balance: FAILED_PRECONDITION otherwise.
absl::Status CheckGiftCardBalance(int64_t balance, int64_t amount);

// Last four characters of a token (digits shown to the agent).
std::string LastFour(const std::string& card_token);

}  // namespace callcenter::payment

#endif  // CALLCENTER_SERVICES_PAYMENT_DOMAIN_PAYMENT_RULES_H_
