#include "services/order/domain/order_rules.h"

#include "absl/strings/str_cat.h"
#include "libs/status/status.h"

namespace callcenter::order {

using common::v1::OrderStatus_Name;

absl::Status CheckTransition(OrderStatus from, OrderStatus to) {
  using common::v1::ORDER_STATUS_CANCELED;
  using common::v1::ORDER_STATUS_CONFIRMED;
  using common::v1::ORDER_STATUS_DRAFT;
  using common::v1::ORDER_STATUS_ON_HOLD;
  using common::v1::ORDER_STATUS_PARTIALLY_SHIPPED;
  using common::v1::ORDER_STATUS_SHIPPED;
  if (from == ORDER_STATUS_CANCELED) {
    return absl::FailedPreconditionError(
        absl::StrCat("order is ", OrderStatus_Name(from), " and read-only"));
  }
  bool allowed = false;
  switch (from) {
    case ORDER_STATUS_DRAFT:
      allowed = to == ORDER_STATUS_DRAFT || to == ORDER_STATUS_CONFIRMED ||
                to == ORDER_STATUS_ON_HOLD || to == ORDER_STATUS_CANCELED;
      break;
    case ORDER_STATUS_ON_HOLD:
      allowed =
          to == ORDER_STATUS_ON_HOLD || to == ORDER_STATUS_CONFIRMED || to == ORDER_STATUS_CANCELED;
      break;
    case ORDER_STATUS_CONFIRMED:
      allowed = to == ORDER_STATUS_CONFIRMED || to == ORDER_STATUS_ON_HOLD ||
                to == ORDER_STATUS_PARTIALLY_SHIPPED || to == ORDER_STATUS_SHIPPED ||
                to == ORDER_STATUS_CANCELED;
      break;
    case ORDER_STATUS_PARTIALLY_SHIPPED:
      allowed = to == ORDER_STATUS_PARTIALLY_SHIPPED || to == ORDER_STATUS_SHIPPED;
      break;
    case ORDER_STATUS_SHIPPED:
      allowed = to == ORDER_STATUS_SHIPPED;
      break;
    default:
      break;
  }
  if (!allowed) {
    return absl::FailedPreconditionError(absl::StrCat(
        "an order cannot go from ", OrderStatus_Name(from), " to ", OrderStatus_Name(to)));
  }
  return absl::OkStatus();
}

namespace {

bool IsCurrencyCode(const std::string& c) {
  if (c.size() != 3) return false;
  for (char ch : c) {
    if (ch < 'A' || ch > 'Z') return false;
  }
  return true;
}

}  // namespace

absl::Status ValidateCallCenter(const v1::CallCenter& cc) {
  if (cc.call_center_id().empty()) return InvalidField("call_center.call_center_id", "required");
  if (!IsCurrencyCode(cc.currency())) {
    return InvalidField("call_center.currency", "must be an ISO 4217 code such as USD");
  }
  if (cc.payment_methods_size() == 0) {
    return InvalidField("call_center.payment_methods", "at least one payment method is required");
  }
  for (int m : cc.payment_methods()) {
    if (m == common::v1::PAYMENT_METHOD_UNSPECIFIED || !common::v1::PaymentMethod_IsValid(m)) {
      return InvalidField("call_center.payment_methods", "unknown payment method");
    }
  }
  if (cc.delivery_modes_size() == 0) {
    return InvalidField("call_center.delivery_modes", "at least one delivery mode is required");
  }
  for (const std::string& d : cc.delivery_modes()) {
    if (d.empty()) return InvalidField("call_center.delivery_modes", "empty delivery mode");
  }
  if (cc.min_fraud_score() < 0) return InvalidField("call_center.min_fraud_score", "must be >= 0");
  // Margin alerts (DOMAIN 11): 0 = off; else questionable below acceptable.
  if (cc.margin_acceptable_bp() < 0 || cc.margin_acceptable_bp() > 10000) {
    return InvalidField("call_center.margin_acceptable_bp", "must be within [0, 10000]");
  }
  if (cc.margin_questionable_bp() < 0) {
    return InvalidField("call_center.margin_questionable_bp", "must be >= 0");
  }
  if ((cc.margin_acceptable_bp() > 0 || cc.margin_questionable_bp() > 0) &&
      cc.margin_questionable_bp() >= cc.margin_acceptable_bp()) {
    return InvalidField(
        "call_center.margin_questionable_bp",
        absl::StrCat("must be below margin_acceptable_bp (", cc.margin_acceptable_bp(), ")"));
  }
  if (cc.check_hold_threshold().minor_units() < 0) {
    return InvalidField("call_center.check_hold_threshold", "must be >= 0");
  }
  return absl::OkStatus();
}

absl::Status ValidateUser(const v1::CallCenterUser& user) {
  if (user.user_id().empty()) return InvalidField("user.user_id", "required");
  if (user.call_center_id().empty()) return InvalidField("user.call_center_id", "required");
  if (user.price_override_max_bp() < 0 || user.price_override_max_bp() > 10000) {
    return InvalidField("user.price_override_max_bp", "must be within [0, 10000]");
  }
  return absl::OkStatus();
}

absl::Status ValidateCustomer(const v1::Customer& customer) {
  if (customer.customer_id().empty()) return InvalidField("customer.customer_id", "required");
  if (customer.name().empty()) return InvalidField("customer.name", "required");
  if (customer.has_credit_limit() && customer.credit_limit().minor_units() < 0) {
    return InvalidField("customer.credit_limit", "must be >= 0");
  }
  return absl::OkStatus();
}

}  // namespace callcenter::order
