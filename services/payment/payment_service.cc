#include "services/payment/payment_service.h"

#include <optional>
#include <set>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/util/time_util.h"
#include "libs/ids/uuid.h"
#include "libs/money/money.h"
#include "libs/server/serve.h"
#include "libs/status/status.h"

namespace callcenter::payment {
namespace {

// OK for a payment with something still to take (AUTHORIZED or
// PARTIALLY_CAPTURED); else FAILED_PRECONDITION: "payment X is S" + `then`.
absl::Status RequireLive(const v1::Payment& p, absl::string_view then) {
  if (p.status() == common::v1::PAYMENT_STATUS_AUTHORIZED ||
      p.status() == common::v1::PAYMENT_STATUS_PARTIALLY_CAPTURED) {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "payment ", p.payment_id(), " is ", common::v1::PaymentStatus_Name(p.status()), then));
}

// A capture's payment, locked into out->payment; or, when `req`'s key was
// answered before, that answer in `out` (true). Locked first, so that a
// concurrent request with the same key (a second front door) waits here and
// then finds the first answer.
absl::StatusOr<bool> LockOrReplay(PaymentStore::Txn& txn, const v1::CapturePaymentRequest& req,
                                  v1::CapturePaymentResponse* out) {
  ASSIGN_OR_RETURN(v1::Payment locked, txn.LockPayment(req.payment_id()));
  ASSIGN_OR_RETURN(std::optional<v1::CapturePaymentResponse> first,
                   txn.FindCapture(req.request_id()));
  if (first) {
    *out = *std::move(first);
    return true;
  }
  *out->mutable_payment() = std::move(locked);
  return false;
}

// Moves `delta` on a locked gift card's balance (negative reserves).
absl::Status AdjustGiftCard(PaymentStore::Txn& txn, const std::string& number, int64_t delta,
                            const std::string& currency, bool check_balance) {
  ASSIGN_OR_RETURN(v1::GiftCard card, txn.LockGiftCard(number));
  if (card.balance().currency() != currency) {
    return absl::FailedPreconditionError(absl::StrCat("gift card ", number, " is in ",
                                                      card.balance().currency()));
  }
  if (check_balance) RETURN_IF_ERROR(CheckGiftCardBalance(card.balance().minor_units(), -delta));
  ASSIGN_OR_RETURN(const int64_t balance,
                   (money::Amount(card.balance().minor_units()) + delta).Get("gift_card.balance"));
  card.mutable_balance()->set_minor_units(balance);
  txn.SaveGiftCard(card);
  return absl::OkStatus();
}

// A new payment record for an authorisation request, in `status`. The card
// token is kept for charging later (continuity), never a card number.
v1::Payment NewPayment(const v1::AuthorizePaymentRequest& req, common::v1::PaymentStatus status) {
  v1::Payment p;
  p.set_payment_id(NewUuid());
  p.set_order_id(req.order_id());
  p.set_customer_id(req.customer_id());
  p.set_method(req.method());
  *p.mutable_amount() = req.amount();
  p.set_status(status);
  if (req.method() == common::v1::PAYMENT_METHOD_CHECK) p.set_check_number(req.check_number());
  if (req.method() == common::v1::PAYMENT_METHOD_GIFT_CARD) {
    p.set_gift_card_number(req.gift_card_number());
  }
  if (req.method() == common::v1::PAYMENT_METHOD_CARD) {
    p.set_card_token(req.card_token());
    p.set_last4(LastFour(req.card_token()));
  }
  *p.mutable_created_at() = google::protobuf::util::TimeUtil::GetCurrentTime();
  return p;
}

absl::Status ValidateGiftCard(const v1::GiftCard& g) {
  if (g.gift_card_number().empty()) return InvalidField("gift_card.gift_card_number", "required");
  if (g.balance().currency().size() != 3) {
    return InvalidField("gift_card.balance.currency", "must be an ISO 4217 code");
  }
  if (g.balance().minor_units() < 0) return InvalidField("gift_card.balance", "must be >= 0");
  return absl::OkStatus();
}

}  // namespace

PaymentServiceImpl::PaymentServiceImpl(db::Pool* pool, metrics::Metrics* metrics,
                                       PaymentConnector* connector)
    : store_(pool),
      metrics_(metrics),
      connector_(connector),
      gift_cards_(
          &PaymentStore::GiftCards(), pool, metrics,
          [](const v1::GiftCard& g) { return g.gift_card_number(); }, ValidateGiftCard),
      schedules_(
          &PaymentStore::Schedules(), pool, metrics,
          [](const v1::PaymentSchedule& s) { return s.schedule_id(); }, ValidatePaymentSchedule) {}

grpc::Status PaymentServiceImpl::UpsertPaymentSchedule(grpc::ServerContext*,
                                                       const v1::UpsertPaymentScheduleRequest* req,
                                                       v1::UpsertPaymentScheduleResponse* resp) {
  return schedules_.Upsert("UpsertPaymentSchedule", "payment_schedule", req->payment_schedule(),
                           resp->mutable_payment_schedule());
}

grpc::Status PaymentServiceImpl::GetPaymentSchedule(grpc::ServerContext*,
                                                    const v1::GetPaymentScheduleRequest* req,
                                                    v1::GetPaymentScheduleResponse* resp) {
  return schedules_.Get("GetPaymentSchedule", "schedule_id", req->schedule_id(),
                        resp->mutable_payment_schedule());
}

grpc::Status PaymentServiceImpl::ListDueInstallments(grpc::ServerContext*,
                                                     const v1::ListDueInstallmentsRequest* req,
                                                     v1::ListDueInstallmentsResponse* resp) {
  return server::Serve(metrics_, "ListDueInstallments", "", [&]() -> absl::Status {
    absl::CivilDay as_of;
    if (!absl::ParseCivilTime(req->as_of(), &as_of)) {
      return InvalidField("as_of", "must be a date YYYY-MM-DD");
    }
    if (req->page_size() < 1 || req->page_size() > 1000) {
      return InvalidField("page_size", "must be 1 to 1000");
    }
    if (!req->page_token().empty() && !IsUuid(req->page_token())) {
      return InvalidField("page_token", "not a token from ListDueInstallments");
    }
    ASSIGN_OR_RETURN(std::vector<v1::Payment> due,
                     store_.ListDueInstallments(
                         req->as_of(),
                         req->page_token().empty() ? "00000000-0000-0000-0000-000000000000"
                                                   : req->page_token(),
                         req->page_size()));
    const bool full = static_cast<int>(due.size()) == req->page_size();
    for (v1::Payment& p : due) *resp->add_payments() = std::move(p);
    if (full) resp->set_next_page_token(resp->payments().rbegin()->payment_id());
    return absl::OkStatus();
  });
}

grpc::Status PaymentServiceImpl::UpsertGiftCard(grpc::ServerContext*,
                                                const v1::UpsertGiftCardRequest* req,
                                                v1::UpsertGiftCardResponse* resp) {
  return gift_cards_.Upsert("UpsertGiftCard", "gift_card", req->gift_card(),
                            resp->mutable_gift_card());
}

grpc::Status PaymentServiceImpl::GetGiftCard(grpc::ServerContext*,
                                             const v1::GetGiftCardRequest* req,
                                             v1::GetGiftCardResponse* resp) {
  return gift_cards_.Get("GetGiftCard", "gift_card_number", req->gift_card_number(),
                         resp->mutable_gift_card());
}

absl::Status PaymentServiceImpl::Authorize(const v1::AuthorizePaymentRequest& req,
                                           v1::Payment* out) {
  // A retry with the same request id returns the first outcome.
  auto first_outcome = [&](bool* found) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<v1::Payment> first, store_.FindByRequest(req.request_id()));
    *found = first.has_value();
    if (*found) *out = *std::move(first);
    return absl::OkStatus();
  };
  const absl::Status valid = ValidateAuthorization(req);
  // With a schedule: the installments, of which only the first is
  // authorised now (DOMAIN 11).
  std::vector<common::v1::Installment> installments;
  int32_t interval_days = 0;
  if (valid.ok() && !req.schedule_id().empty()) {
    absl::StatusOr<v1::PaymentSchedule> schedule = store_.GetSchedule(req.schedule_id());
    if (absl::IsNotFound(schedule.status())) {
      return absl::FailedPreconditionError(
          absl::StrCat("payment schedule ", req.schedule_id(), " is unknown"));
    }
    RETURN_IF_ERROR(schedule.status());
    const common::v1::Money& min = schedule->min_order_amount();
    if (min.minor_units() > 0 && min.currency() != req.amount().currency()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "payment schedule ", req.schedule_id(), " is for orders in ", min.currency()));
    }
    if (req.order_total().minor_units() < min.minor_units()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "payment schedule ", req.schedule_id(), " needs an order total of at least ",
          money::Format(min.minor_units()), "; the order's is ",
          money::Format(req.order_total().minor_units())));
    }
    ASSIGN_OR_RETURN(installments, PlanInstallments(req.amount().currency(),
                                                    req.amount().minor_units(), *schedule,
                                                    req.first_due_on()));
    interval_days = schedule->interval_days();
  }
  auto with_installments = [&](v1::Payment p) {
    if (installments.empty()) return p;
    p.set_schedule_id(req.schedule_id());
    p.set_interval_days(interval_days);
    for (const auto& inst : installments) *p.add_installments() = inst;
    if (p.status() == common::v1::PAYMENT_STATUS_AUTHORIZED) {
      p.mutable_installments(0)->set_status(common::v1::PAYMENT_STATUS_AUTHORIZED);
    }
    return p;
  };
  const bool on_record = req.method() == common::v1::PAYMENT_METHOD_ON_ACCOUNT ||
                         req.method() == common::v1::PAYMENT_METHOD_GIFT_CARD;
  if (!valid.ok() || on_record) {
    bool found = false;
    RETURN_IF_ERROR(first_outcome(&found));
    if (found && out->status() != common::v1::PAYMENT_STATUS_PENDING) return absl::OkStatus();
    RETURN_IF_ERROR(valid);
  }
  if (on_record) {
    // No connector: the balance or credit check and the record happen in one
    // transaction under a lock, so concurrent payments cannot overspend.
    if (req.method() == common::v1::PAYMENT_METHOD_ON_ACCOUNT && req.customer_id().empty()) {
      return InvalidField("customer_id", "required for ON_ACCOUNT");
    }
    *out = with_installments(NewPayment(req, common::v1::PAYMENT_STATUS_AUTHORIZED));
    absl::Status stored = store_.Transact([&](PaymentStore::Txn& txn) -> absl::Status {
      if (req.method() == common::v1::PAYMENT_METHOD_GIFT_CARD) {
        RETURN_IF_ERROR(AdjustGiftCard(txn, req.gift_card_number(), -req.amount().minor_units(),
                                       req.amount().currency(), /*check_balance=*/true));
      } else {
        const int64_t open = txn.LockOnAccountTotal(req.customer_id(), req.amount().currency());
        if (req.credit_limit().minor_units() > 0 &&
            req.credit_limit().currency() != req.amount().currency()) {
          return InvalidField("credit_limit.currency", "differs from the payment's currency");
        }
        RETURN_IF_ERROR(CheckOnAccount(req.allow_on_account(), req.credit_limit().minor_units(), open,
                                       req.amount().minor_units()));
      }
      if (!txn.InsertIfNew(req.request_id(), *out)) {  // rolls the balance or credit check back
        return absl::AlreadyExistsError("this request_id has a payment");
      }
      return absl::OkStatus();
    });
    if (absl::IsAlreadyExists(stored)) {  // a concurrent retry won: return its payment
      bool found = false;
      return first_outcome(&found);
    }
    return stored;
  }
  // Card or check: recorded as PENDING before the connector is asked, so a
  // crash in between leaves a trace that a retry completes.
  *out = with_installments(NewPayment(req, common::v1::PAYMENT_STATUS_PENDING));
  ASSIGN_OR_RETURN(const bool inserted, store_.InsertIfNew(req.request_id(), *out));
  if (!inserted) {
    bool found = false;
    RETURN_IF_ERROR(first_outcome(&found));
    if (!found) return absl::AbortedError("the payment of this request_id vanished; retry");
    if (out->status() != common::v1::PAYMENT_STATUS_PENDING) return absl::OkStatus();
    // Still PENDING: the first attempt stopped before its outcome; finish it.
  }
  if (req.method() == common::v1::PAYMENT_METHOD_CARD) {
    // With installments only the first is authorised now.
    const int64_t now_amount = out->installments_size() > 0
                                   ? out->installments(0).amount().minor_units()
                                   : req.amount().minor_units();
    ConnectorDecision d = connector_->Authorize(req.card_token(), now_amount,
                                                req.amount().currency(), out->payment_id());
    out->set_status(d.approved ? common::v1::PAYMENT_STATUS_AUTHORIZED
                               : common::v1::PAYMENT_STATUS_DECLINED);
    if (out->installments_size() > 0) out->mutable_installments(0)->set_status(out->status());
    out->set_decline_reason(d.reason);
    out->set_authorization_code(d.authorization_code);
    if (d.approved)
      *out->mutable_authorized_at() = google::protobuf::util::TimeUtil::GetCurrentTime();
  } else {
    out->set_status(common::v1::PAYMENT_STATUS_AUTHORIZED);  // a check is accepted as given
  }
  return store_.Update(*out);
}

grpc::Status PaymentServiceImpl::AuthorizePayment(grpc::ServerContext*,
                                                  const v1::AuthorizePaymentRequest* req,
                                                  v1::AuthorizePaymentResponse* resp) {
  return server::Serve(metrics_, "AuthorizePayment", req->request_id(), [&]() -> absl::Status {
    if (req->request_id().empty()) return InvalidField("request_id", "required");
    return Authorize(*req, resp->mutable_payment());
  });
}

grpc::Status PaymentServiceImpl::ListPayments(grpc::ServerContext*,
                                              const v1::ListPaymentsRequest* req,
                                              v1::ListPaymentsResponse* resp) {
  return server::Serve(metrics_, "ListPayments", "", [&]() -> absl::Status {
    if (req->order_id().empty()) return InvalidField("order_id", "required");
    ASSIGN_OR_RETURN(std::vector<v1::Payment> payments, store_.ListByOrder(req->order_id()));
    for (v1::Payment& p : payments) *resp->add_payments() = std::move(p);
    return absl::OkStatus();
  });
}

absl::Status PaymentServiceImpl::Void(PaymentStore::Txn& txn, const std::string& payment_id,
                                      v1::Payment* out) {
  ASSIGN_OR_RETURN(*out, txn.LockPayment(payment_id));
  if (out->status() == common::v1::PAYMENT_STATUS_VOIDED) return absl::OkStatus();  // harmless
  if (out->installments_size() > 0 && out->status() != common::v1::PAYMENT_STATUS_PENDING) {
    return VoidInstallments(txn, out);
  }
  // A partly captured payment keeps what it took and releases the rest.
  const bool release_rest = out->status() == common::v1::PAYMENT_STATUS_PARTIALLY_CAPTURED;
  const common::v1::PaymentStatus after =
      release_rest ? common::v1::PAYMENT_STATUS_CAPTURED : common::v1::PAYMENT_STATUS_VOIDED;
  // A check or gift card taken at submit is given back whole when the order
  // is undone or canceled before anything shipped (the front door voids
  // nothing an invoice used).
  const bool prepaid_back = IsPrepaidTakenAtSubmit(*out);
  if (out->status() == common::v1::PAYMENT_STATUS_CAPTURED && !prepaid_back) {
    return absl::FailedPreconditionError(
        absl::StrCat("payment ", payment_id, " is captured and cannot be voided"));
  }
  if (!prepaid_back) RETURN_IF_ERROR(CheckPaymentTransition(out->status(), after));
  if (out->method() == common::v1::PAYMENT_METHOD_CARD) {  // authorised or pending here
    // The gateway releases the money first; if it cannot, nothing changes
    // here and the void can be retried.
    ConnectorDecision d = connector_->Void(out->payment_id(), out->authorization_code());
    if (!d.approved) {
      return absl::UnavailableError(
          absl::StrCat("the payment gateway did not void payment ", payment_id, ": ", d.reason));
    }
  }
  if (out->method() == common::v1::PAYMENT_METHOD_GIFT_CARD &&
      out->status() != common::v1::PAYMENT_STATUS_PENDING) {
    // The reserved balance not captured goes back on the card (all of it
    // when it was taken at submit and is given back).
    RETURN_IF_ERROR(AdjustGiftCard(
        txn, out->gift_card_number(),
        out->amount().minor_units() - (prepaid_back ? 0 : out->captured().minor_units()),
        out->amount().currency(), /*check_balance=*/false));
  }
  if (prepaid_back) out->mutable_captured()->set_minor_units(0);
  out->set_status(after);
  txn.Update(*out);
  return absl::OkStatus();
}

grpc::Status PaymentServiceImpl::LimitInstallments(grpc::ServerContext*,
                                                   const v1::LimitInstallmentsRequest* req,
                                                   v1::LimitInstallmentsResponse* resp) {
  return server::Serve(metrics_, "LimitInstallments", "", [&]() -> absl::Status {
    if (req->payment_id().empty()) return InvalidField("payment_id", "required");
    if (!IsUuid(req->payment_id())) return InvalidField("payment_id", "not a payment id");
    if (req->at_most().minor_units() < 0) return InvalidField("at_most", "must be >= 0");
    if (req->captured_seen().minor_units() < 0) {
      return InvalidField("captured_seen", "must be >= 0");
    }
    return store_.Transact([&](PaymentStore::Txn& txn) -> absl::Status {
      ASSIGN_OR_RETURN(v1::Payment p, txn.LockPayment(req->payment_id()));
      if (p.installments().empty()) {
        return absl::FailedPreconditionError(
            absl::StrCat("payment ", p.payment_id(), " was not taken with a schedule"));
      }
      if (req->at_most().currency() != p.amount().currency()) {
        return InvalidField("at_most.currency", absl::StrCat("must be the payment's currency, ",
                                                             p.amount().currency()));
      }
      // Later installments are authorised when they fall due: lowering
      // them asks nothing of the gateway.
      // Captured since the caller looked: that much less is still owed.
      const int64_t captured_since =
          std::max<int64_t>(0, p.captured().minor_units() - req->captured_seen().minor_units());
      if (p.status() == common::v1::PAYMENT_STATUS_PARTIALLY_CAPTURED &&
          LimitPendingInstallments(&p, req->at_most().minor_units() - captured_since) > 0) {
        p.set_status(StatusAfterInstallment(p));
        txn.Update(p);
      }
      *resp->mutable_payment() = std::move(p);
      return absl::OkStatus();
    });
  });
}

grpc::Status PaymentServiceImpl::VoidPayment(grpc::ServerContext*,
                                             const v1::VoidPaymentRequest* req,
                                             v1::VoidPaymentResponse* resp) {
  return server::Serve(metrics_, "VoidPayment", req->request_id(), [&]() -> absl::Status {
    if (req->payment_id().empty()) return InvalidField("payment_id", "required");
    return store_.Transact([&](PaymentStore::Txn& txn) {
      return Void(txn, req->payment_id(), resp->mutable_payment());
    });
  });
}

absl::Status PaymentServiceImpl::Capture(PaymentStore::Txn& txn,
                                         const v1::CapturePaymentRequest& req,
                                         v1::CapturePaymentResponse* out) {
  ASSIGN_OR_RETURN(const bool answered, LockOrReplay(txn, req, out));
  if (answered) return absl::OkStatus();  // a retry: the first answer, nothing taken again
  v1::Payment& p = *out->mutable_payment();
  RETURN_IF_ERROR(RequireLive(p, ": nothing to capture"));
  const std::string& currency = p.amount().currency();
  if (req.has_amount() && req.amount().currency() != currency) {
    return InvalidField("amount.currency", absl::StrCat("the payment is in ", currency));
  }
  ASSIGN_OR_RETURN(const int64_t take,
                   CaptureAmount(p.amount().minor_units(), p.captured().minor_units(),
                                 req.has_amount() ? req.amount().minor_units() : 0));
  *out->mutable_captured() = common::v1::Money();
  out->mutable_captured()->set_currency(currency);
  auto declined = [&](const std::string& reason) {
    out->set_declined(true);
    out->set_decline_reason(reason);
    txn.InsertCapture(req.request_id(), *out);
    return absl::OkStatus();
  };
  if (p.method() == common::v1::PAYMENT_METHOD_CARD) {
    const google::protobuf::Timestamp& authorized =
        p.has_authorized_at() ? p.authorized_at() : p.created_at();
    if (req.has_reauthorize_if_authorized_before() &&
        authorized < req.reauthorize_if_authorized_before()) {
      // An authorisation about to lapse: authorised again for what is left.
      const int64_t left = p.amount().minor_units() - p.captured().minor_units();
      ConnectorDecision d = connector_->Reauthorize(p.card_token(), left, currency,
                                                    absl::StrCat(req.request_id(), ":reauth"));
      if (!d.approved) return declined(d.reason);
      p.set_authorization_code(d.authorization_code);
      *p.mutable_authorized_at() = google::protobuf::util::TimeUtil::GetCurrentTime();
      txn.Update(p);
    }
    ConnectorDecision d = connector_->Capture(p.card_token(), p.authorization_code(), take,
                                              currency, req.request_id());
    if (!d.approved) return declined(d.reason);
  }
  // Checks, gift cards and on-account payments: the record is the capture.
  ASSIGN_OR_RETURN(const int64_t captured,
                   (money::Amount(p.captured().minor_units()) + take).Get("captured"));
  p.mutable_captured()->set_currency(currency);
  p.mutable_captured()->set_minor_units(captured);
  p.set_status(StatusAfterCapture(p.amount().minor_units(), captured));
  txn.Update(p);
  out->mutable_captured()->set_minor_units(take);
  txn.InsertCapture(req.request_id(), *out);
  return absl::OkStatus();
}

absl::Status PaymentServiceImpl::CaptureInstallment(PaymentStore::Txn& txn,
                                                    const v1::CapturePaymentRequest& req,
                                                    v1::CapturePaymentResponse* out) {
  ASSIGN_OR_RETURN(const bool answered, LockOrReplay(txn, req, out));
  if (answered) return absl::OkStatus();  // a retry: the first answer, nothing taken again
  v1::Payment& p = *out->mutable_payment();
  if (req.installment() > p.installments_size()) {
    return InvalidField("installment", absl::StrCat("payment ", p.payment_id(), " has ",
                                                    p.installments_size(), " installments"));
  }
  RETURN_IF_ERROR(RequireLive(p, ": no installment to capture"));
  const int index = req.installment() - 1;
  common::v1::Installment& inst = *p.mutable_installments(index);
  const bool first_one = index == 0;
  if (inst.status() != (first_one ? common::v1::PAYMENT_STATUS_AUTHORIZED
                                  : common::v1::PAYMENT_STATUS_PENDING)) {
    return absl::FailedPreconditionError(
        absl::StrCat("installment ", req.installment(), " of payment ", p.payment_id(), " is ",
                     common::v1::PaymentStatus_Name(inst.status())));
  }
  if (first_one && !req.schedule_start_on().empty()) {
    RETURN_IF_ERROR(RedateInstallments(p, req.schedule_start_on()));
  }
  const std::string& currency = p.amount().currency();
  *out->mutable_captured() = common::v1::Money();
  out->mutable_captured()->set_currency(currency);
  if (req.has_amount()) {
    // The first is authorised when the payment is added and taken whole at
    // submit; only a later one (not yet authorised) can be lowered.
    if (first_one) {
      return InvalidField("amount", "the first installment is captured whole at submit");
    }
    if (req.amount().currency() != currency) {
      return InvalidField("amount.currency",
                          absl::StrCat("must be the payment's currency, ", currency));
    }
    // The order owes less than planned: this installment takes at most that.
    ReduceInstallment(&p, index, req.amount().minor_units());
    if (inst.amount().minor_units() == 0) {
      inst.set_status(common::v1::PAYMENT_STATUS_VOIDED);
      p.set_status(StatusAfterInstallment(p));
      txn.Update(p);
      txn.InsertCapture(req.request_id(), *out);
      return absl::OkStatus();
    }
  }
  const int64_t amount = inst.amount().minor_units();
  auto declined = [&](const std::string& reason) {
    inst.set_status(common::v1::PAYMENT_STATUS_DECLINED);
    p.set_decline_reason(reason);
    p.set_status(StatusAfterInstallment(p));
    txn.Update(p);
    out->set_declined(true);
    out->set_decline_reason(reason);
    txn.InsertCapture(req.request_id(), *out);
    return absl::OkStatus();
  };
  if (p.method() == common::v1::PAYMENT_METHOD_CARD) {
    if (!first_one) {
      // A later installment: authorised on the card when it falls due.
      ConnectorDecision d =
          connector_->Reauthorize(p.card_token(), amount, currency,
                                  absl::StrCat(req.request_id(), ":auth"));
      if (!d.approved) return declined(d.reason);
      p.set_authorization_code(d.authorization_code);
      *p.mutable_authorized_at() = google::protobuf::util::TimeUtil::GetCurrentTime();
    }
    ConnectorDecision d = connector_->Capture(p.card_token(), p.authorization_code(), amount,
                                              currency, req.request_id());
    if (!d.approved) return declined(d.reason);
  }
  // On account: the record is the capture (the account is billed).
  ASSIGN_OR_RETURN(const int64_t captured,
                   (money::Amount(p.captured().minor_units()) + amount).Get("captured"));
  p.mutable_captured()->set_currency(currency);
  p.mutable_captured()->set_minor_units(captured);
  inst.set_status(common::v1::PAYMENT_STATUS_CAPTURED);
  p.set_status(StatusAfterInstallment(p));
  txn.Update(p);
  out->mutable_captured()->set_minor_units(amount);
  txn.InsertCapture(req.request_id(), *out);
  return absl::OkStatus();
}

absl::Status PaymentServiceImpl::VoidInstallments(PaymentStore::Txn& txn, v1::Payment* p) {
  RETURN_IF_ERROR(RequireLive(*p, " and cannot be voided"));
  if (p->method() == common::v1::PAYMENT_METHOD_CARD) {
    // What the installments took goes back to the card (the order was
    // undone or canceled before it shipped), then the live authorisation
    // is released; the gateway first, so a refusal changes nothing here.
    const int64_t taken = p->captured().minor_units();
    if (taken > 0) {
      ConnectorDecision d =
          connector_->Refund(p->card_token(), p->authorization_code(), taken,
                             p->amount().currency(), absl::StrCat(p->payment_id(), ":giveback"));
      if (!d.approved) {
        return absl::UnavailableError(absl::StrCat(
            "the payment gateway did not give back payment ", p->payment_id(), ": ", d.reason));
      }
    } else {
      ConnectorDecision d = connector_->Void(p->payment_id(), p->authorization_code());
      if (!d.approved) {
        return absl::UnavailableError(absl::StrCat(
            "the payment gateway did not void payment ", p->payment_id(), ": ", d.reason));
      }
    }
  }
  for (auto& inst : *p->mutable_installments()) {
    if (inst.status() != common::v1::PAYMENT_STATUS_DECLINED) {
      inst.set_status(common::v1::PAYMENT_STATUS_VOIDED);
    }
  }
  p->mutable_captured()->set_minor_units(0);
  p->set_status(common::v1::PAYMENT_STATUS_VOIDED);
  txn.Update(*p);
  return absl::OkStatus();
}

grpc::Status PaymentServiceImpl::CapturePayment(grpc::ServerContext*,
                                                const v1::CapturePaymentRequest* req,
                                                v1::CapturePaymentResponse* resp) {
  return server::Serve(metrics_, "CapturePayment", req->request_id(), [&]() -> absl::Status {
    if (req->request_id().empty()) return InvalidField("request_id", "required");
    if (req->payment_id().empty()) return InvalidField("payment_id", "required");
    if (req->installment() < 0) return InvalidField("installment", "must be >= 0");
    if (req->installment() > 0) {
      if (req->has_amount() && req->amount().minor_units() < 0) {
        return InvalidField("amount", "must be >= 0 (at most this much of the installment)");
      }
      return store_.Transact(
          [&](PaymentStore::Txn& txn) { return CaptureInstallment(txn, *req, resp); });
    }
    if (req->has_amount() && req->amount().minor_units() <= 0) {
      return InvalidField("amount", "must be > 0 (leave it unset to capture the rest)");
    }
    return store_.Transact([&](PaymentStore::Txn& txn) { return Capture(txn, *req, resp); });
  });
}

absl::Status PaymentServiceImpl::Refund(PaymentStore::Txn& txn, const v1::RefundPaymentRequest& req,
                                        v1::RefundPaymentResponse* out) {
  // Locked first, as for captures: a concurrent same-key refund waits, then
  // finds the first answer.
  ASSIGN_OR_RETURN(v1::Payment locked, txn.LockPayment(req.payment_id()));
  ASSIGN_OR_RETURN(std::optional<v1::RefundPaymentResponse> first,
                   txn.FindRefund(req.request_id()));
  if (first) {  // a retry: the first answer, nothing given back again
    *out = *std::move(first);
    return absl::OkStatus();
  }
  v1::Payment& p = *out->mutable_payment();
  p = std::move(locked);
  const std::string& currency = p.amount().currency();
  if (req.amount().currency() != currency) {
    return InvalidField("amount.currency", absl::StrCat("the payment is in ", currency));
  }
  RETURN_IF_ERROR(CheckRefundMethod(p, req.refund_method()));
  const int64_t amount = req.amount().minor_units();
  RETURN_IF_ERROR(
      CheckRefundAmount(p.captured().minor_units(), p.refunded().minor_units(), amount));
  switch (req.refund_method()) {
    case common::v1::PAYMENT_METHOD_CARD: {
      ConnectorDecision d = connector_->Refund(p.card_token(), p.authorization_code(), amount,
                                               currency, req.request_id());
      if (!d.approved) {
        // Nothing stored: the caller asks again (same key) or refunds otherwise.
        return absl::UnavailableError(absl::StrCat("the card refund was refused: ", d.reason));
      }
      break;
    }
    case common::v1::PAYMENT_METHOD_GIFT_CARD:
      RETURN_IF_ERROR(AdjustGiftCard(txn, p.gift_card_number(), amount, currency,
                                     /*check_balance=*/false));
      break;
    default:
      // ON_ACCOUNT: the refund row is the account's credit (the on-account
      // check counts it); CHECK: the row is the check to mail.
      break;
  }
  ASSIGN_OR_RETURN(const int64_t refunded,
                   (money::Amount(p.refunded().minor_units()) + amount).Get("refunded"));
  p.mutable_refunded()->set_currency(currency);
  p.mutable_refunded()->set_minor_units(refunded);
  p.set_status(StatusAfterRefund(p));
  txn.Update(p);
  out->mutable_refunded()->set_currency(currency);
  out->mutable_refunded()->set_minor_units(amount);
  txn.InsertRefund(req, *out);
  return absl::OkStatus();
}

grpc::Status PaymentServiceImpl::RefundPayment(grpc::ServerContext*,
                                               const v1::RefundPaymentRequest* req,
                                               v1::RefundPaymentResponse* resp) {
  return server::Serve(metrics_, "RefundPayment", req->request_id(), [&]() -> absl::Status {
    if (req->request_id().empty()) return InvalidField("request_id", "required");
    if (req->payment_id().empty()) return InvalidField("payment_id", "required");
    if (req->amount().minor_units() <= 0) return InvalidField("amount", "must be > 0");
    return store_.Transact([&](PaymentStore::Txn& txn) { return Refund(txn, *req, resp); });
  });
}

grpc::Status PaymentServiceImpl::VoidAllForOrder(grpc::ServerContext*,
                                                 const v1::VoidAllForOrderRequest* req,
                                                 v1::VoidAllForOrderResponse* resp) {
  return server::Serve(metrics_, "VoidAllForOrder", req->request_id(), [&]() -> absl::Status {
    if (req->order_id().empty()) return InvalidField("order_id", "required");
    const std::set<std::string> named(req->payment_ids().begin(), req->payment_ids().end());
    return store_.Transact([&](PaymentStore::Txn& txn) -> absl::Status {
      for (const std::string& payment_id : txn.LockLivePayments(req->order_id())) {
        if (!named.empty() && named.count(payment_id) == 0) continue;
        RETURN_IF_ERROR(Void(txn, payment_id, resp->add_voided()));
      }
      return absl::OkStatus();
    });
  });
}

grpc::Status PaymentServiceImpl::ListLivePayments(grpc::ServerContext*,
                                                  const v1::ListLivePaymentsRequest* req,
                                                  v1::ListLivePaymentsResponse* resp) {
  return server::Serve(metrics_, "ListLivePayments", "", [&]() -> absl::Status {
    if (req->page_size() < 1 || req->page_size() > 1000) {
      return InvalidField("page_size", "must be 1 to 1000");
    }
    const int64_t min_age_us =
        google::protobuf::util::TimeUtil::DurationToMicroseconds(req->min_age());
    if (min_age_us < 0) return InvalidField("min_age", "must not be negative");
    // Page tokens are "<microseconds since 1970>_<payment_id>" of the last row.
    PaymentStore::LiveCursor after;
    if (!req->page_token().empty()) {
      const std::vector<std::string> parts = absl::StrSplit(req->page_token(), '_');
      if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &after.created_us) ||
          !IsUuid(parts[1])) {
        return InvalidField("page_token", "not a token from ListLivePayments");
      }
      after.payment_id = parts[1];
    }
    ASSIGN_OR_RETURN(PaymentStore::LivePage page,
                     store_.ListLive(min_age_us, after, req->page_size()));
    for (v1::Payment& p : page.payments) *resp->add_payments() = std::move(p);
    resp->set_next_page_token(page.payments.empty()
                                  ? req->page_token()
                                  : absl::StrCat(page.last.created_us, "_", page.last.payment_id));
    return absl::OkStatus();
  });
}

}  // namespace callcenter::payment
