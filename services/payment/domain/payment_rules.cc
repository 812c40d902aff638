#include "services/payment/domain/payment_rules.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "libs/money/money.h"
#include "libs/status/status.h"
#include "libs/validation/validation.h"

namespace callcenter::payment {

using common::v1::PaymentMethod;

namespace {
constexpr int32_t kMaxInstallments = 120;
constexpr int32_t kMaxIntervalDays = 366;
}  // namespace

absl::Status ValidateAuthorization(const v1::AuthorizePaymentRequest& r) {
  if (r.request_id().empty()) return InvalidField("request_id", "required");
  if (r.order_id().empty()) return InvalidField("order_id", "required");
  if (r.method() == common::v1::PAYMENT_METHOD_UNSPECIFIED ||
      !common::v1::PaymentMethod_IsValid(r.method())) {
    return InvalidField("method", "required (CARD, CHECK, ON_ACCOUNT or GIFT_CARD)");
  }
  if (r.amount().currency().size() != 3) {
    return InvalidField("amount.currency", "must be an ISO 4217 code");
  }
  if (r.amount().minor_units() <= 0) return InvalidField("amount", "must be > 0");
  bool allowed = false;
  for (int m : r.allowed_methods()) allowed = allowed || m == r.method();
  if (!allowed) {
    return absl::FailedPreconditionError(absl::StrCat(
        "payment method ", common::v1::PaymentMethod_Name(r.method()),
        " is not allowed in this call center"));
  }
  switch (r.method()) {
    case common::v1::PAYMENT_METHOD_CARD:
      if (r.card_token().empty()) return InvalidField("card_token", "required for CARD");
      if (validation::ContainsCardNumber(r.card_token())) {
        return InvalidField("card_token",
                            "looks like a card number; send the tokenised card, never the number");
      }
      break;
    case common::v1::PAYMENT_METHOD_CHECK:
      if (r.check_number().empty()) return InvalidField("check_number", "required for CHECK");
      break;
    case common::v1::PAYMENT_METHOD_GIFT_CARD:
      if (r.gift_card_number().empty()) {
        return InvalidField("gift_card_number", "required for GIFT_CARD");
      }
      break;
    default:
      break;
  }
  if (!r.schedule_id().empty() && r.method() != common::v1::PAYMENT_METHOD_CARD &&
      r.method() != common::v1::PAYMENT_METHOD_ON_ACCOUNT) {
    return InvalidField("method", "installment billing (schedule_id) takes CARD or ON_ACCOUNT");
  }
  return absl::OkStatus();
}

ConnectorDecision TestConnector::Authorize(const std::string& card_token, int64_t amount_minor,
                                           const std::string&, const std::string& idempotency_key) {
  ConnectorDecision d;
  if (absl::EndsWith(card_token, "0002")) {
    d.reason = "declined by issuer";
  } else if (absl::EndsWith(card_token, "0005") && amount_minor > 10000) {
    d.reason = "insufficient funds";
  } else {
    d.approved = true;
    d.authorization_code = absl::StrCat("TEST-", idempotency_key.substr(0, 12));
  }
  return d;
}

ConnectorDecision TestConnector::Void(const std::string&, const std::string&) {
  ++voids_;
  ConnectorDecision d;
  d.approved = true;
  return d;
}

ConnectorDecision TestConnector::Capture(const std::string& card_token,
                                         const std::string& authorization_code,
                                         int64_t amount_minor, const std::string&,
                                         const std::string& idempotency_key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, first] = captures_.try_emplace(idempotency_key);
  if (!first) return it->second;
  ConnectorDecision& d = it->second;
  if (absl::EndsWith(card_token, "0009")) {
    d.reason = "capture declined by issuer";
  } else {
    d.approved = true;
    d.authorization_code = authorization_code;
    captured_total_ += amount_minor;
  }
  return d;
}

ConnectorDecision TestConnector::Reauthorize(const std::string& card_token, int64_t amount_minor,
                                             const std::string& currency,
                                             const std::string& idempotency_key) {
  ++reauthorizations_;
  if (absl::EndsWith(card_token, "0009")) {
    ConnectorDecision d;
    d.reason = "re-authorisation declined by issuer";
    return d;
  }
  return Authorize(card_token, amount_minor, currency, idempotency_key);
}

ConnectorDecision TestConnector::Refund(const std::string&, const std::string& authorization_code,
                                        int64_t amount_minor, const std::string&,
                                        const std::string& idempotency_key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, first] = refunds_.try_emplace(idempotency_key);
  if (!first) return it->second;
  it->second.approved = true;
  it->second.authorization_code = authorization_code;
  refunded_total_ += amount_minor;
  return it->second;
}

int64_t TestConnector::refunded_total() const {
  std::lock_guard<std::mutex> lock(mu_);
  return refunded_total_;
}

absl::Status CheckRefundAmount(int64_t captured, int64_t refunded, int64_t requested) {
  if (requested <= 0) return InvalidField("amount", "must be > 0");
  const int64_t left = captured - refunded;
  if (requested > left) {
    return InvalidField("amount", absl::StrCat("refund of ", money::Format(requested),
                                               " is above the ", money::Format(left > 0 ? left : 0),
                                               " captured and not yet refunded"));
  }
  return absl::OkStatus();
}

absl::Status CheckRefundMethod(const v1::Payment& payment, common::v1::PaymentMethod method) {
  using common::v1::PaymentMethod_Name;
  switch (method) {
    case common::v1::PAYMENT_METHOD_CARD:
    case common::v1::PAYMENT_METHOD_GIFT_CARD:
      if (payment.method() != method) {
        return InvalidField("refund_method", absl::StrCat("payment ", payment.payment_id(), " is ",
                                                          PaymentMethod_Name(payment.method()),
                                                          ": it cannot be refunded as ",
                                                          PaymentMethod_Name(method)));
      }
      return absl::OkStatus();
    case common::v1::PAYMENT_METHOD_ON_ACCOUNT:
    case common::v1::PAYMENT_METHOD_CHECK:
      return absl::OkStatus();
    default:
      return InvalidField("refund_method", "must be CARD, GIFT_CARD, ON_ACCOUNT or CHECK");
  }
}

common::v1::PaymentStatus StatusAfterRefund(const v1::Payment& payment) {
  if (payment.status() == common::v1::PAYMENT_STATUS_CAPTURED &&
      payment.refunded().minor_units() >= payment.captured().minor_units()) {
    return common::v1::PAYMENT_STATUS_REFUNDED;
  }
  return payment.status();
}

int64_t TestConnector::captured_total() const {
  std::lock_guard<std::mutex> lock(mu_);
  return captured_total_;
}

bool IsPrepaidTakenAtSubmit(const payment::v1::Payment& payment) {
  return payment.status() == common::v1::PAYMENT_STATUS_CAPTURED &&
         (payment.method() == common::v1::PAYMENT_METHOD_CHECK ||
          payment.method() == common::v1::PAYMENT_METHOD_GIFT_CARD);
}

absl::Status CheckPaymentTransition(common::v1::PaymentStatus from, common::v1::PaymentStatus to) {
  using namespace common::v1;
  if (from == to) return absl::OkStatus();
  const bool ok = (from == PAYMENT_STATUS_PENDING &&
                   (to == PAYMENT_STATUS_AUTHORIZED || to == PAYMENT_STATUS_DECLINED ||
                    to == PAYMENT_STATUS_VOIDED)) ||
                  (from == PAYMENT_STATUS_AUTHORIZED &&
                   (to == PAYMENT_STATUS_PARTIALLY_CAPTURED || to == PAYMENT_STATUS_CAPTURED ||
                    to == PAYMENT_STATUS_VOIDED)) ||
                  (from == PAYMENT_STATUS_PARTIALLY_CAPTURED && to == PAYMENT_STATUS_CAPTURED) ||
                  (from == PAYMENT_STATUS_CAPTURED && to == PAYMENT_STATUS_REFUNDED);
  if (!ok) {
    return absl::FailedPreconditionError(absl::StrCat("a ", PaymentStatus_Name(from),
                                                      " payment cannot become ",
                                                      PaymentStatus_Name(to)));
  }
  return absl::OkStatus();
}

absl::Status CheckOnAccount(bool allow_on_account, int64_t credit_limit, int64_t open_total,
                            int64_t amount) {
  if (!allow_on_account) {
    return absl::FailedPreconditionError("the customer does not allow on-account payments");
  }
  // Checked: a credit limit and open total from any source never wrap.
  ASSIGN_OR_RETURN(const int64_t available,
                   (money::Amount(credit_limit) - open_total).Get("credit_limit"));
  if (amount > available) {
    return absl::FailedPreconditionError(absl::StrCat(
        "credit limit exceeded: ", money::Format(amount), " asked, ",
        money::Format(available > 0 ? available : 0), " of ", money::Format(credit_limit),
        " available"));
  }
  return absl::OkStatus();
}

absl::Status CheckGiftCardBalance(int64_t balance, int64_t amount) {
  if (amount > balance) {
    return absl::FailedPreconditionError(absl::StrCat("gift card balance ", money::Format(balance),
                                                      " is less than ", money::Format(amount)));
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> CaptureAmount(int64_t amount, int64_t captured, int64_t requested) {
  const int64_t left = amount - captured;  // both within 0..10^12
  if (left <= 0) return absl::FailedPreconditionError("the payment is captured in full");
  if (requested <= 0) return left;
  if (requested > left) {
    return InvalidField("amount",
                        absl::StrCat("capture of ", money::Format(requested), " is more than the ",
                                     money::Format(left), " left to capture"));
  }
  return requested;
}

common::v1::PaymentStatus StatusAfterCapture(int64_t amount, int64_t captured) {
  return captured >= amount ? common::v1::PAYMENT_STATUS_CAPTURED
                            : common::v1::PAYMENT_STATUS_PARTIALLY_CAPTURED;
}

absl::Status ValidatePaymentSchedule(const v1::PaymentSchedule& s) {
  if (s.schedule_id().empty()) return InvalidField("payment_schedule.schedule_id", "required");
  if (s.installments() < 1 || s.installments() > kMaxInstallments) {
    return InvalidField("payment_schedule.installments",
                        absl::StrCat("must be 1 to ", kMaxInstallments));
  }
  if (s.installments() > 1 && (s.interval_days() < 1 || s.interval_days() > kMaxIntervalDays)) {
    return InvalidField("payment_schedule.interval_days",
                        absl::StrCat("must be 1 to ", kMaxIntervalDays));
  }
  if (s.interval_days() < 0) return InvalidField("payment_schedule.interval_days", "must be >= 0");
  // No minimum (unset or 0) needs no currency.
  if ((s.min_order_amount().minor_units() != 0 || !s.min_order_amount().currency().empty()) &&
      s.min_order_amount().currency().size() != 3) {
    return InvalidField("payment_schedule.min_order_amount.currency", "must be an ISO 4217 code");
  }
  if (s.min_order_amount().minor_units() < 0) {
    return InvalidField("payment_schedule.min_order_amount", "must be >= 0");
  }
  return absl::OkStatus();
}

std::vector<int64_t> SplitInstallments(int64_t amount, int32_t count) {
  if (count < 1) count = 1;
  std::vector<int64_t> parts(count, amount / count);
  parts.back() += amount % count;
  return parts;
}

absl::StatusOr<std::vector<common::v1::Installment>> PlanInstallments(
    const std::string& currency, int64_t amount, const v1::PaymentSchedule& schedule,
    const std::string& first_due_on) {
  absl::CivilDay first;
  if (!absl::ParseCivilTime(first_due_on, &first)) {
    return InvalidField("first_due_on", "must be a date YYYY-MM-DD");
  }
  std::vector<common::v1::Installment> out;
  const std::vector<int64_t> parts = SplitInstallments(amount, schedule.installments());
  for (size_t i = 0; i < parts.size(); ++i) {
    common::v1::Installment& inst = out.emplace_back();
    inst.set_due_on(absl::FormatCivilTime(first + static_cast<int64_t>(i) * schedule.interval_days()));
    inst.mutable_amount()->set_currency(currency);
    inst.mutable_amount()->set_minor_units(parts[i]);
    inst.set_status(common::v1::PAYMENT_STATUS_PENDING);
  }
  return out;
}

absl::Status RedateInstallments(v1::Payment& payment, const std::string& start) {
  absl::CivilDay first;
  if (!absl::ParseCivilTime(start, &first)) {
    return InvalidField("schedule_start_on", "must be a date YYYY-MM-DD");
  }
  for (int i = 0; i < payment.installments_size(); ++i) {
    payment.mutable_installments(i)->set_due_on(
        absl::FormatCivilTime(first + static_cast<int64_t>(i) * payment.interval_days()));
  }
  return absl::OkStatus();
}

std::string NextInstallmentDue(const v1::Payment& p) {
  if (p.installments_size() == 0 || p.status() != common::v1::PAYMENT_STATUS_PARTIALLY_CAPTURED ||
      p.installments(0).status() != common::v1::PAYMENT_STATUS_CAPTURED) {
    return "";
  }
  for (const auto& inst : p.installments()) {
    if (inst.status() == common::v1::PAYMENT_STATUS_PENDING) return inst.due_on();
  }
  return "";
}

common::v1::PaymentStatus StatusAfterInstallment(const v1::Payment& p) {
  for (const auto& inst : p.installments()) {
    if (inst.status() == common::v1::PAYMENT_STATUS_PENDING ||
        inst.status() == common::v1::PAYMENT_STATUS_AUTHORIZED) {
      return common::v1::PAYMENT_STATUS_PARTIALLY_CAPTURED;
    }
  }
  return common::v1::PAYMENT_STATUS_CAPTURED;
}

void ReduceInstallment(v1::Payment* payment, int index, int64_t at_most) {
  common::v1::Installment& inst = *payment->mutable_installments(index);
  const int64_t planned = inst.amount().minor_units();
  if (at_most < 0 || at_most >= planned) return;
  inst.mutable_amount()->set_minor_units(at_most);
  // Never wraps: the installment was part of the amount.
  payment->mutable_amount()->set_minor_units(payment->amount().minor_units() - (planned - at_most));
}

int64_t LimitPendingInstallments(v1::Payment* payment, int64_t at_most) {
  int64_t pending = 0;  // each at most the payment's amount, itself at most 10^12
  for (const auto& inst : payment->installments()) {
    if (inst.status() == common::v1::PAYMENT_STATUS_PENDING) pending += inst.amount().minor_units();
  }
  int64_t excess = pending - std::max<int64_t>(0, at_most);
  const int64_t lowered = std::max<int64_t>(0, excess);
  for (int i = payment->installments_size() - 1; i >= 0 && excess > 0; --i) {
    common::v1::Installment& inst = *payment->mutable_installments(i);
    if (inst.status() != common::v1::PAYMENT_STATUS_PENDING) continue;
    const int64_t take = std::min(excess, inst.amount().minor_units());
    ReduceInstallment(payment, i, inst.amount().minor_units() - take);
    if (inst.amount().minor_units() == 0) inst.set_status(common::v1::PAYMENT_STATUS_VOIDED);
    excess -= take;
  }
  return lowered;
}

std::string LastFour(const std::string& card_token) {
  return card_token.size() <= 4 ? card_token : card_token.substr(card_token.size() - 4);
}

}  // namespace callcenter::payment
