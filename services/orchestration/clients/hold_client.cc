#include "services/orchestration/clients/hold_client.h"

#include "absl/strings/str_cat.h"
#include "libs/status/status.h"

namespace callcenter::orchestration {

namespace {
constexpr char kService[] = "hold";
}  // namespace

absl::StatusOr<common::v1::OrderHold> HoldClient::Place(const CallScope& scope, const Order& order,
                                                        const std::string& hold_code,
                                                        const std::string& note,
                                                        const std::string& user_id) {
  hold::v1::PlaceHoldRequest req;
  req.set_request_id(scope.request_id);
  req.set_order_id(order.order_id());
  req.set_call_center_id(order.call_center_id());
  req.set_customer_id(order.customer_id());
  req.set_hold_code(hold_code);
  req.set_note(note);
  req.set_user_id(user_id);
  hold::v1::PlaceHoldResponse resp;
  RETURN_IF_ERROR(FromDownstream(kService, holds_->PlaceHold(calls_.New(scope).get(), req, &resp)));
  return std::move(*resp.mutable_hold());
}

absl::StatusOr<hold::v1::ClearHoldResponse> HoldClient::Clear(
    const CallScope& scope, const std::string& order_id, const std::string& hold_id,
    const std::string& reason, const std::string& user_id, const order::v1::CallCenterUser& user) {
  hold::v1::ClearHoldRequest req;
  req.set_request_id(scope.request_id);
  req.set_order_id(order_id);
  req.set_hold_id(hold_id);
  req.set_reason(reason);
  req.set_user_id(user_id);
  *req.mutable_clearable_hold_codes() = user.clearable_hold_codes();
  req.set_may_override_checkout(user.may_override_checkout());
  hold::v1::ClearHoldResponse resp;
  RETURN_IF_ERROR(FromDownstream(kService, holds_->ClearHold(calls_.New(scope).get(), req, &resp)));
  return resp;
}

absl::Status HoldClient::Release(const CallScope& scope, const std::string& order_id,
                                 const std::string& hold_id, const std::string& hold_code,
                                 const std::string& reason) {
  const CallScope keyed = scope.Keyed(absl::StrCat(":release:", hold_id));
  hold::v1::ClearHoldRequest req;
  req.set_request_id(keyed.request_id);
  req.set_order_id(order_id);
  req.set_hold_id(hold_id);
  req.set_reason(reason);
  req.set_user_id(kSystemUser);
  req.add_clearable_hold_codes(hold_code);
  hold::v1::ClearHoldResponse resp;
  return FromDownstream(kService, holds_->ClearHold(calls_.New(keyed).get(), req, &resp));
}

absl::StatusOr<std::vector<common::v1::OrderHold>> HoldClient::OpenHolds(
    const CallScope& scope, const std::string& order_id, const std::string& hold_code) {
  hold::v1::ListOrderHoldsRequest req;
  req.set_order_id(order_id);
  hold::v1::ListOrderHoldsResponse resp;
  RETURN_IF_ERROR(
      FromDownstream(kService, holds_->ListOrderHolds(calls_.New(scope).get(), req, &resp)));
  std::vector<common::v1::OrderHold> open;
  for (auto& h : *resp.mutable_holds()) {
    if (h.open() && h.hold_code() == hold_code) open.push_back(std::move(h));
  }
  return open;
}

absl::StatusOr<hold::v1::EvaluateFraudResponse> HoldClient::EvaluateFraud(
    const CallScope& scope, const Order& order, const order::v1::Customer& customer,
    int64_t min_fraud_score) {
  hold::v1::EvaluateFraudRequest req;
  req.set_request_id(scope.request_id);
  req.set_order_id(order.order_id());
  req.set_customer_id(order.customer_id());
  req.set_email(customer.email());
  req.set_phone(customer.phone());
  req.set_billing_postal_code(customer.billing_address().postal_code());
  req.set_delivery_postal_code(order.delivery_address().postal_code());
  req.set_delivery_country(order.delivery_address().country());
  *req.mutable_order_total() = order.total();
  for (const auto& l : order.lines()) {
    hold::v1::FraudLine* fl = req.add_lines();
    fl->set_product_id(l.product_id());
    fl->set_quantity(l.quantity());
  }
  req.set_min_fraud_score(min_fraud_score);
  req.set_call_center_id(order.call_center_id());
  hold::v1::EvaluateFraudResponse resp;
  RETURN_IF_ERROR(
      FromDownstream(kService, holds_->EvaluateFraud(calls_.New(scope).get(), req, &resp)));
  return resp;
}

absl::StatusOr<hold::v1::ListOpenHoldsResponse> HoldClient::ListOpen(
    const CallScope& scope, const std::string& call_center_id, const std::string& hold_code,
    int page_size, const std::string& page_token) {
  hold::v1::ListOpenHoldsRequest req;
  req.set_call_center_id(call_center_id);
  req.set_hold_code(hold_code);
  req.set_page_size(page_size);
  req.set_page_token(page_token);
  hold::v1::ListOpenHoldsResponse resp;
  RETURN_IF_ERROR(
      FromDownstream(kService, holds_->ListOpenHolds(calls_.New(scope).get(), req, &resp)));
  return resp;
}

absl::StatusOr<common::v1::OrderHold> HoldClient::CheckOut(const CallScope& scope,
                                                           const std::string& order_id,
                                                           const std::string& hold_id,
                                                           const std::string& user_id) {
  hold::v1::CheckOutHoldRequest req;
  req.set_request_id(scope.request_id);
  req.set_order_id(order_id);
  req.set_hold_id(hold_id);
  req.set_user_id(user_id);
  hold::v1::CheckOutHoldResponse resp;
  RETURN_IF_ERROR(
      FromDownstream(kService, holds_->CheckOutHold(calls_.New(scope).get(), req, &resp)));
  return std::move(*resp.mutable_hold());
}

absl::StatusOr<common::v1::OrderHold> HoldClient::ReleaseCheckout(
    const CallScope& scope, const std::string& order_id, const std::string& hold_id,
    const std::string& user_id, const order::v1::CallCenterUser& user) {
  hold::v1::ReleaseHoldCheckoutRequest req;
  req.set_request_id(scope.request_id);
  req.set_order_id(order_id);
  req.set_hold_id(hold_id);
  req.set_user_id(user_id);
  req.set_may_override_checkout(user.may_override_checkout());
  hold::v1::ReleaseHoldCheckoutResponse resp;
  RETURN_IF_ERROR(
      FromDownstream(kService, holds_->ReleaseHoldCheckout(calls_.New(scope).get(), req, &resp)));
  return std::move(*resp.mutable_hold());
}

}  // namespace callcenter::orchestration
