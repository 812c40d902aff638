#ifndef CALLCENTER_SERVICES_ORCHESTRATION_CLIENTS_PAYMENT_CLIENT_H_
#define CALLCENTER_SERVICES_ORCHESTRATION_CLIENTS_PAYMENT_CLIENT_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "callcenter/order/v1/order.pb.h"
#include "callcenter/payment/v1/payment.grpc.pb.h"
#include "services/orchestration/clients/call.h"

namespace callcenter::orchestration {

using common::v1::Order;

// What the customer pays with.
struct Tender {
  common::v1::PaymentMethod method = common::v1::PAYMENT_METHOD_UNSPECIFIED;
  std::string card_token;
  std::string check_number;
  std::string gift_card_number;
  // A payment schedule (installment billing), checked by the caller; empty = none.
  std::string schedule_id;
  // With a schedule: when its first installment falls due (YYYY-MM-DD).
  std::string first_due_on;
};

// The payment service: authorisations and voids.
class PaymentClient {
 public:
  PaymentClient(payment::v1::PaymentService::StubInterface* payments, CallFactory calls)
      : payments_(payments), calls_(calls) {}

  // Authorises `amount` of `order` with `tender` under the call center's
  // methods and the customer's on-account terms (idempotent by
  // scope.request_id). A decline is a DECLINED payment, not an error.
  absl::StatusOr<payment::v1::Payment> Authorize(const CallScope& scope, const Order& order,
                                                 const common::v1::Money& amount,
                                                 const Tender& tender,
                                                 const order::v1::CallCenter& call_center,
                                                 const order::v1::Customer& customer);
  // Voids one payment (idempotent).
  absl::Status Void(const CallScope& scope, const std::string& payment_id);
  // Captures `amount` of a payment for an invoice (idempotent by
  // scope.request_id: a retry answers as the first call), a card authorised
  // before `reauthorize_if_authorized_before` authorised again first. A
  // decline is an answer (declined set), not an error.
  absl::StatusOr<payment::v1::CapturePaymentResponse> Capture(
      const CallScope& scope, const std::string& payment_id, const common::v1::Money& amount,
      absl::Time reauthorize_if_authorized_before);
  // Captures installment `installment` (1 = the first) of a payment taken
  // with a schedule (idempotent by scope.request_id); with the first,
  // `schedule_start_on` dates the schedule. A decline is an answer. With
  // `at_most` (a later installment): at most that much of it, the payment
  // lowered by the rest (an order that owes less than its plan).
  absl::StatusOr<payment::v1::CapturePaymentResponse> CaptureInstallment(
      const CallScope& scope, const std::string& payment_id, int32_t installment,
      const std::string& schedule_start_on,
      const std::optional<common::v1::Money>& at_most = std::nullopt);
  // Lowers the pending installments of a payment taken with a schedule,
  // the last first, to take at most `at_most` together, less what it
  // captured beyond `captured_seen` (a limit: asked again, nothing more
  // changes). The payment as it then stands.
  absl::StatusOr<payment::v1::Payment> LimitInstallments(const CallScope& scope,
                                                         const std::string& payment_id,
                                                         const common::v1::Money& at_most,
                                                         const common::v1::Money& captured_seen);
  // A page of payments with an installment due on or before `as_of`.
  absl::StatusOr<payment::v1::ListDueInstallmentsResponse> ListDueInstallments(
      const CallScope& scope, const std::string& as_of, int32_t page_size,
      const std::string& page_token);
  // An order's payments as the payment service has them, oldest first.
  absl::StatusOr<std::vector<payment::v1::Payment>> List(const CallScope& scope,
                                                         const std::string& order_id);
  // Gives `amount` of a captured payment back as `method` (CARD, GIFT_CARD,
  // ON_ACCOUNT, CHECK); idempotent by scope.request_id.
  absl::StatusOr<payment::v1::RefundPaymentResponse> Refund(const CallScope& scope,
                                                            const std::string& payment_id,
                                                            const common::v1::Money& amount,
                                                            common::v1::PaymentMethod method,
                                                            const std::string& reference);
  // Voids each payment `order` shows VOIDED (or CAPTURED, its uncaptured
  // rest released) that is still live there (idempotent; nothing to do
  // when it shows none).
  absl::Status VoidMarked(const CallScope& scope, const Order& order);
  // Live (authorised or pending) payments at least `min_age` old, oldest first.
  absl::StatusOr<payment::v1::ListLivePaymentsResponse> ListLive(const CallScope& scope,
                                                                 absl::Duration min_age,
                                                                 int32_t page_size,
                                                                 const std::string& page_token);

 private:
  payment::v1::PaymentService::StubInterface* payments_;
  CallFactory calls_;
};

}  // namespace callcenter::orchestration

#endif  // CALLCENTER_SERVICES_ORCHESTRATION_CLIENTS_PAYMENT_CLIENT_H_
