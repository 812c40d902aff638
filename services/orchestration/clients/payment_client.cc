#include "services/orchestration/clients/payment_client.h"

#include "google/protobuf/util/time_util.h"
#include "libs/status/status.h"

namespace callcenter::orchestration {

namespace {
constexpr char kService[] = "payment";
}  // namespace

absl::StatusOr<payment::v1::Payment> PaymentClient::Authorize(
    const CallScope& scope, const Order& order, const common::v1::Money& amount,
    const Tender& tender, const order::v1::CallCenter& call_center,
    const order::v1::Customer& customer) {
  payment::v1::AuthorizePaymentRequest req;
  req.set_request_id(scope.request_id);
  req.set_order_id(order.order_id());
  req.set_customer_id(order.customer_id());
  req.set_method(tender.method);
  *req.mutable_amount() = amount;
  req.set_card_token(tender.card_token);
  req.set_check_number(tender.check_number);
  req.set_gift_card_number(tender.gift_card_number);
  *req.mutable_allowed_methods() = call_center.payment_methods();
  req.set_allow_on_account(customer.allow_on_account());
  *req.mutable_credit_limit() = customer.credit_limit();
  if (!tender.schedule_id.empty()) {
    req.set_schedule_id(tender.schedule_id);
    *req.mutable_order_total() = order.total();
    req.set_first_due_on(tender.first_due_on);
  }
  payment::v1::AuthorizePaymentResponse resp;
  RETURN_IF_ERROR(
      FromDownstream(kService, payments_->AuthorizePayment(calls_.New(scope).get(), req, &resp)));
  return std::move(*resp.mutable_payment());
}

absl::Status PaymentClient::Void(const CallScope& scope, const std::string& payment_id) {
  payment::v1::VoidPaymentRequest req;
  req.set_request_id(scope.request_id);
  req.set_payment_id(payment_id);
  payment::v1::VoidPaymentResponse resp;
  return FromDownstream(kService, payments_->VoidPayment(calls_.New(scope).get(), req, &resp));
}

absl::StatusOr<payment::v1::CapturePaymentResponse> PaymentClient::Capture(
    const CallScope& scope, const std::string& payment_id, const common::v1::Money& amount,
    absl::Time reauthorize_if_authorized_before) {
  payment::v1::CapturePaymentRequest req;
  req.set_request_id(scope.request_id);
  req.set_payment_id(payment_id);
  *req.mutable_amount() = amount;
  *req.mutable_reauthorize_if_authorized_before() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
          absl::ToUnixMicros(reauthorize_if_authorized_before));
  payment::v1::CapturePaymentResponse resp;
  RETURN_IF_ERROR(
      FromDownstream(kService, payments_->CapturePayment(calls_.New(scope).get(), req, &resp)));
  return resp;
}

absl::StatusOr<payment::v1::CapturePaymentResponse> PaymentClient::CaptureInstallment(
    const CallScope& scope, const std::string& payment_id, int32_t installment,
    const std::string& schedule_start_on, const std::optional<common::v1::Money>& at_most) {
  payment::v1::CapturePaymentRequest req;
  req.set_request_id(scope.request_id);
  req.set_payment_id(payment_id);
  req.set_installment(installment);
  req.set_schedule_start_on(schedule_start_on);
  if (at_most) *req.mutable_amount() = *at_most;
  payment::v1::CapturePaymentResponse resp;
  RETURN_IF_ERROR(
      FromDownstream(kService, payments_->CapturePayment(calls_.New(scope).get(), req, &resp)));
  return resp;
}

absl::StatusOr<payment::v1::Payment> PaymentClient::LimitInstallments(
    const CallScope& scope, const std::string& payment_id, const common::v1::Money& at_most,
    const common::v1::Money& captured_seen) {
  payment::v1::LimitInstallmentsRequest req;
  req.set_payment_id(payment_id);
  *req.mutable_at_most() = at_most;
  *req.mutable_captured_seen() = captured_seen;
  payment::v1::LimitInstallmentsResponse resp;
  RETURN_IF_ERROR(
      FromDownstream(kService, payments_->LimitInstallments(calls_.New(scope).get(), req, &resp)));
  return std::move(*resp.mutable_payment());
}

absl::StatusOr<payment::v1::ListDueInstallmentsResponse> PaymentClient::ListDueInstallments(
    const CallScope& scope, const std::string& as_of, int32_t page_size,
    const std::string& page_token) {
  payment::v1::ListDueInstallmentsRequest req;
  req.set_as_of(as_of);
  req.set_page_size(page_size);
  req.set_page_token(page_token);
  payment::v1::ListDueInstallmentsResponse resp;
  RETURN_IF_ERROR(FromDownstream(
      kService, payments_->ListDueInstallments(calls_.New(scope).get(), req, &resp)));
  return resp;
}

absl::StatusOr<std::vector<payment::v1::Payment>> PaymentClient::List(
    const CallScope& scope, const std::string& order_id) {
  payment::v1::ListPaymentsRequest req;
  req.set_order_id(order_id);
  payment::v1::ListPaymentsResponse resp;
  RETURN_IF_ERROR(
      FromDownstream(kService, payments_->ListPayments(calls_.New(scope).get(), req, &resp)));
  return std::vector<payment::v1::Payment>(resp.payments().begin(), resp.payments().end());
}

absl::Status PaymentClient::VoidMarked(const CallScope& scope, const Order& order) {
  payment::v1::VoidAllForOrderRequest req;
  req.set_request_id(scope.request_id);
  req.set_order_id(order.order_id());
  for (const auto& p : order.payments()) {
    // VOIDED, or CAPTURED with its rest released: only those still live
    // at the payment service are voided there.
    // (A payment with installments is CAPTURED short of its amount when one
    // was declined: nothing of it is live, nothing to void.)
    if (p.status() == common::v1::PAYMENT_STATUS_VOIDED ||
        (p.status() == common::v1::PAYMENT_STATUS_CAPTURED && p.installments().empty() &&
         p.captured().minor_units() < p.amount().minor_units())) {
      req.add_payment_ids(p.payment_id());
    }
  }
  if (req.payment_ids().empty()) return absl::OkStatus();  // empty would mean all of them
  payment::v1::VoidAllForOrderResponse resp;
  return FromDownstream(kService, payments_->VoidAllForOrder(calls_.New(scope).get(), req, &resp));
}

absl::StatusOr<payment::v1::ListLivePaymentsResponse> PaymentClient::ListLive(
    const CallScope& scope, absl::Duration min_age, int32_t page_size,
    const std::string& page_token) {
  payment::v1::ListLivePaymentsRequest req;
  *req.mutable_min_age() =
      google::protobuf::util::TimeUtil::MicrosecondsToDuration(absl::ToInt64Microseconds(min_age));
  req.set_page_size(page_size);
  req.set_page_token(page_token);
  payment::v1::ListLivePaymentsResponse resp;
  RETURN_IF_ERROR(
      FromDownstream(kService, payments_->ListLivePayments(calls_.New(scope).get(), req, &resp)));
  return resp;
}

absl::StatusOr<payment::v1::RefundPaymentResponse> PaymentClient::Refund(
    const CallScope& scope, const std::string& payment_id, const common::v1::Money& amount,
    common::v1::PaymentMethod method, const std::string& reference) {
  payment::v1::RefundPaymentRequest req;
  req.set_request_id(scope.request_id);
  req.set_payment_id(payment_id);
  *req.mutable_amount() = amount;
  req.set_refund_method(method);
  req.set_reference(reference);
  payment::v1::RefundPaymentResponse resp;
  RETURN_IF_ERROR(
      FromDownstream(kService, payments_->RefundPayment(calls_.New(scope).get(), req, &resp)));
  return resp;
}

}  // namespace callcenter::orchestration
