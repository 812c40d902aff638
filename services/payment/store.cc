#include "services/payment/store.h"

#include "absl/strings/str_cat.h"
#include "libs/status/status.h"
#include "services/payment/domain/payment_rules.h"
#include "services/payment/queries.h"

namespace callcenter::payment {
namespace {

using common::v1::PaymentMethod_Name;
using common::v1::PaymentStatus_Name;

absl::Status ReadPayment(const pqxx::row& row, v1::Payment* out) {
  return db::FromJson(row["body"].as<std::string>(), out);
}

bool Insert(pqxx::transaction_base& txn, const std::string& request_id, const v1::Payment& p) {
  return !db::Exec(txn, queries::kPaymentInsert, p.payment_id(), request_id, p.order_id(),
                   p.customer_id(), PaymentMethod_Name(p.method()), p.amount().currency(),
                   p.amount().minor_units(), PaymentStatus_Name(p.status()), db::ToJson(p))
              .empty();
}

void Write(pqxx::transaction_base& txn, const v1::Payment& p) {
  const std::string next_due = NextInstallmentDue(p);
  db::Exec(txn, queries::kPaymentUpdate, p.payment_id(), PaymentStatus_Name(p.status()),
           db::ToJson(p), p.captured().minor_units(), next_due);
}

}  // namespace

const db::EntityTable& PaymentStore::GiftCards() {
  static const auto* t = new db::EntityTable("gift_cards");
  return *t;
}

const db::EntityTable& PaymentStore::Schedules() {
  static const auto* t = new db::EntityTable("payment_schedules");
  return *t;
}

absl::StatusOr<v1::PaymentSchedule> PaymentStore::GetSchedule(const std::string& schedule_id) {
  v1::PaymentSchedule out;
  RETURN_IF_ERROR(
      pool_->Read([&](pqxx::work& txn) { return Schedules().Get(txn, schedule_id, &out); }));
  return out;
}

absl::StatusOr<std::vector<v1::Payment>> PaymentStore::ListDueInstallments(
    const std::string& as_of, const std::string& after_payment_id, int page_size) {
  std::vector<v1::Payment> out;
  RETURN_IF_ERROR(pool_->Read([&](pqxx::work& txn) -> absl::Status {
    for (const auto& row :
         db::Exec(txn, queries::kInstallmentsDuePage, as_of, after_payment_id, page_size)) {
      RETURN_IF_ERROR(ReadPayment(row, &out.emplace_back()));
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<std::optional<v1::Payment>> PaymentStore::FindByRequest(
    const std::string& request_id) {
  std::optional<v1::Payment> out;
  RETURN_IF_ERROR(pool_->Single([&](pqxx::transaction_base& txn) -> absl::Status {
    pqxx::result r = db::Exec(txn, queries::kPaymentByRequest, request_id);
    if (r.empty()) return absl::OkStatus();
    out.emplace();
    return ReadPayment(r[0], &*out);
  }));
  return out;
}

absl::StatusOr<bool> PaymentStore::InsertIfNew(const std::string& request_id,
                                               const v1::Payment& payment) {
  bool inserted = false;
  RETURN_IF_ERROR(pool_->Single([&](pqxx::transaction_base& txn) {
    inserted = Insert(txn, request_id, payment);
    return absl::OkStatus();
  }));
  return inserted;
}

absl::Status PaymentStore::Update(const v1::Payment& payment) {
  return pool_->Single([&](pqxx::transaction_base& txn) {
    Write(txn, payment);
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<v1::Payment>> PaymentStore::ListByOrder(const std::string& order_id) {
  std::vector<v1::Payment> out;
  RETURN_IF_ERROR(pool_->Read([&](pqxx::work& txn) -> absl::Status {
    for (const auto& row : db::Exec(txn, queries::kPaymentsByOrder, order_id)) {
      RETURN_IF_ERROR(ReadPayment(row, &out.emplace_back()));
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<PaymentStore::LivePage> PaymentStore::ListLive(int64_t min_age_us,
                                                              const LiveCursor& after,
                                                              int page_size) {
  LivePage page;
  page.last = after;
  RETURN_IF_ERROR(pool_->Read([&](pqxx::work& txn) -> absl::Status {
    for (const auto& row : db::Exec(txn, queries::kPaymentsLivePage, min_age_us, after.created_us,
                                    after.payment_id, page_size)) {
      RETURN_IF_ERROR(ReadPayment(row, &page.payments.emplace_back()));
      page.last.created_us = row["created_us"].as<int64_t>();
      page.last.payment_id = row["payment_id"].as<std::string>();
    }
    return absl::OkStatus();
  }));
  return page;
}

absl::Status PaymentStore::Transact(const std::function<absl::Status(Txn&)>& fn) {
  return pool_->Transact([&](pqxx::work& work) {
    Txn txn(work);
    return fn(txn);
  });
}

absl::StatusOr<v1::Payment> PaymentStore::Txn::LockPayment(const std::string& payment_id) {
  pqxx::result r = db::Exec(txn_, queries::kPaymentLock, payment_id);
  if (r.empty()) return absl::NotFoundError(absl::StrCat("payment ", payment_id, " not found"));
  v1::Payment out;
  RETURN_IF_ERROR(ReadPayment(r[0], &out));
  return out;
}

std::vector<std::string> PaymentStore::Txn::LockLivePayments(const std::string& order_id) {
  std::vector<std::string> ids;
  for (const auto& row : db::Exec(txn_, queries::kPaymentsLiveByOrder, order_id)) {
    ids.push_back(row["payment_id"].as<std::string>());
  }
  return ids;
}

absl::StatusOr<v1::GiftCard> PaymentStore::Txn::LockGiftCard(const std::string& number) {
  pqxx::result r = db::Exec(txn_, queries::kGiftCardLock, number);
  if (r.empty()) return absl::NotFoundError(absl::StrCat("gift card ", number, " is unknown"));
  v1::GiftCard card;
  RETURN_IF_ERROR(db::FromJson(r[0]["body"].as<std::string>(), &card));
  return card;
}

void PaymentStore::Txn::SaveGiftCard(const v1::GiftCard& card) {
  db::Exec(txn_, queries::kGiftCardSave, card.gift_card_number(), db::ToJson(card));
}

int64_t PaymentStore::Txn::LockOnAccountTotal(const std::string& customer_id,
                                              const std::string& currency) {
  db::Exec(txn_, queries::kCustomerCreditLock, customer_id);
  return db::Exec(txn_, queries::kOpenOnAccountTotal, customer_id, currency)[0]["open_total"]
      .as<int64_t>();
}

bool PaymentStore::Txn::InsertIfNew(const std::string& request_id, const v1::Payment& payment) {
  return Insert(txn_, request_id, payment);
}

void PaymentStore::Txn::Update(const v1::Payment& payment) { Write(txn_, payment); }

absl::StatusOr<std::optional<v1::CapturePaymentResponse>> PaymentStore::Txn::FindCapture(
    const std::string& request_id) {
  pqxx::result r = db::Exec(txn_, queries::kCaptureByRequest, request_id);
  if (r.empty()) return std::nullopt;
  const pqxx::binarystring bytes(r[0]["response"]);
  v1::CapturePaymentResponse answer;
  if (!answer.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(absl::StrCat("the stored capture ", request_id, " is unreadable"));
  }
  return answer;
}

void PaymentStore::Txn::InsertCapture(const std::string& request_id,
                                      const v1::CapturePaymentResponse& answer) {
  db::Exec(txn_, queries::kCaptureInsert, request_id, answer.payment().payment_id(),
           answer.captured().minor_units(), answer.declined(),
           pqxx::binarystring(answer.SerializeAsString()));
}

absl::StatusOr<std::optional<v1::RefundPaymentResponse>> PaymentStore::Txn::FindRefund(
    const std::string& request_id) {
  pqxx::result r = db::Exec(txn_, queries::kRefundByRequest, request_id);
  if (r.empty()) return std::nullopt;
  const pqxx::binarystring bytes(r[0]["response"]);
  v1::RefundPaymentResponse answer;
  if (!answer.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(absl::StrCat("the stored refund ", request_id, " is unreadable"));
  }
  return answer;
}

void PaymentStore::Txn::InsertRefund(const v1::RefundPaymentRequest& request,
                                     const v1::RefundPaymentResponse& answer) {
  db::Exec(txn_, queries::kRefundInsert, request.request_id(), answer.payment().payment_id(),
           answer.payment().customer_id(), common::v1::PaymentMethod_Name(request.refund_method()),
           answer.refunded().minor_units(), answer.refunded().currency(), request.reference(),
           pqxx::binarystring(answer.SerializeAsString()));
}

}  // namespace callcenter::payment
