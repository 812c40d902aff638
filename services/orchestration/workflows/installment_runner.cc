#include "services/orchestration/workflows/installment_runner.h"

#include <map>
#include <optional>

#include "absl/strings/str_cat.h"
#include "libs/ids/order_event_kind.h"
#include "libs/ids/system_names.h"
#include "libs/money/money.h"
#include "libs/money/money_proto.h"
#include "libs/status/status.h"
#include "services/orchestration/domain/fulfillment.h"
#include "services/orchestration/domain/order_math.h"
#include "services/orchestration/domain/order_rules.h"
#include "services/orchestration/workflows/invoice_settler.h"

namespace callcenter::orchestration {
namespace {

constexpr int32_t kDuePageSize = 100;

// "CARD card ending 4242 installment 2 of 3, 33.33" (the installment's
// amount as the payment service has it: lowered when the order owed less).
std::string Describe(const common::v1::OrderPayment& p, const payment::v1::Payment& record,
                     int index) {
  return absl::StrCat(common::v1::PaymentMethod_Name(p.method()),
                      p.last4().empty() ? "" : absl::StrCat(" card ending ", p.last4()),
                      " installment ", index + 1, " of ", p.installments_size(), ", ",
                      money::Format(record.installments(index).amount().minor_units()));
}

}  // namespace

absl::Status InstallmentRunner::Run(const Caller& caller, const std::string& call_center_id,
                                    const v1::RunInstallmentsRequest& req,
                                    v1::RunInstallmentsResponse* out) {
  std::string token;
  do {
    ASSIGN_OR_RETURN(payment::v1::ListDueInstallmentsResponse page,
                     clients_->payments.ListDueInstallments(caller.scope(), req.as_of(),
                                                            kDuePageSize, token));
    for (const payment::v1::Payment& due : page.payments()) {
      RETURN_IF_ERROR(RunFor(call_center_id, due, req.as_of(), out));
    }
    token = page.next_page_token();
  } while (!token.empty());
  return absl::OkStatus();
}

absl::Status InstallmentRunner::RunFor(const std::string& call_center_id,
                                       const payment::v1::Payment& due, const std::string& as_of,
                                       v1::RunInstallmentsResponse* out) {
  const CallScope read{ScopedRequestId(kSystemUser, "RunInstallments", due.order_id())};
  absl::StatusOr<Order> order = clients_->orders.Get(read, due.order_id());
  if (absl::IsNotFound(order.status())) return absl::OkStatus();  // not an order's (yet)
  RETURN_IF_ERROR(order.status());
  // Only the caller's call center's orders, submitted and not canceled;
  // one on hold waits until its holds are cleared.
  if (order->call_center_id() != call_center_id ||
      order->status() == common::v1::ORDER_STATUS_DRAFT ||
      order->status() == common::v1::ORDER_STATUS_CANCELED || HasOpenHold(*order)) {
    return absl::OkStatus();
  }
  std::string saga_id;
  if (sagas_ != nullptr) {
    // Logged before the captures, so that recovery shows them on the order
    // should this process stop before it does.
    ASSIGN_OR_RETURN(Saga saga,
                     sagas_->Begin(due.order_id(),
                                   ScopedRequestId(kSystemUser, "RunInstallments",
                                                   absl::StrCat(due.order_id(), "@", as_of)),
                                   kSagaInstallments));
    saga_id = saga.saga_id;
  }
  // Lines canceled since the plan was made (a cancellation notice): the
  // installments take no more than the order still owes, the last ones
  // lowered or released.
  int64_t taken = due.captured().minor_units();
  for (int i = 0; i < due.installments_size(); ++i) {
    const common::v1::Installment& inst = due.installments(i);
    if (inst.status() != common::v1::PAYMENT_STATUS_PENDING || inst.due_on() > as_of) continue;
    const CallScope key{ScopedRequestId(kSystemUser, "Installment",
                                        absl::StrCat(due.payment_id(), "/", i + 1))};
    std::optional<common::v1::Money> at_most;
    const std::optional<int64_t> may_take =
        InstallmentsMayStillTake(*order, due.payment_id(), taken);
    if (may_take && *may_take < inst.amount().minor_units()) {
      at_most = MoneyOf(inst.amount().currency(), *may_take);
    }
    // A run of another front door may have asked first: the same key gets
    // its answer, nothing is taken twice.
    ASSIGN_OR_RETURN(payment::v1::CapturePaymentResponse captured,
                     clients_->payments.CaptureInstallment(key, due.payment_id(), i + 1, "",
                                                           at_most));
    if (!captured.declined()) taken += captured.captured().minor_units();
  }
  if (crash_after_step_ == kStepInstallmentsCaptured) {
    return absl::UnavailableError("injected crash after the installments were captured");
  }
  // Counted as the order first shows them (so once, whichever run did it).
  ASSIGN_OR_RETURN(Synced synced, Sync(due.order_id()));
  out->set_captured(out->captured() + synced.captured);
  out->set_declined(out->declined() + synced.declined);
  if (!saga_id.empty()) sagas_->MarkDone(saga_id);
  return absl::OkStatus();
}

absl::StatusOr<Order> InstallmentRunner::LimitPlans(const std::string& order_id) {
  const CallScope read{ScopedRequestId(kSystemUser, "LimitInstallments", order_id)};
  ASSIGN_OR_RETURN(Order order, clients_->orders.Get(read, order_id));
  bool limited = false;
  for (const common::v1::OrderPayment& p : order.payments()) {
    if (!HasInstallments(p) || p.status() != common::v1::PAYMENT_STATUS_PARTIALLY_CAPTURED) {
      continue;
    }
    const std::optional<int64_t> may_take =
        InstallmentsMayStillTake(order, p.payment_id(), p.captured().minor_units());
    if (!may_take || *may_take >= PendingInstallments(p)) continue;
    RETURN_IF_ERROR(
        clients_->payments
            .LimitInstallments(read, p.payment_id(), MoneyOf(p.amount().currency(), *may_take),
                               MoneyOf(p.amount().currency(), p.captured().minor_units()))
            .status());
    limited = true;
  }
  if (!limited) return order;
  ASSIGN_OR_RETURN(Synced synced, Sync(order_id));
  return std::move(synced.order);
}

absl::StatusOr<InstallmentRunner::Synced> InstallmentRunner::Sync(const std::string& order_id) {
  const CallScope read{ScopedRequestId(kSystemUser, "SyncInstallments", order_id)};
  for (int attempt = 0;; ++attempt) {
    ASSIGN_OR_RETURN(Order order, clients_->orders.Get(read, order_id));
    ASSIGN_OR_RETURN(std::vector<payment::v1::Payment> records,
                     clients_->payments.List(read, order_id));
    std::map<std::string, const payment::v1::Payment*> by_id;
    for (const auto& r : records) by_id[r.payment_id()] = &r;
    const std::string at_version = absl::StrCat(order_id, "@", order.version());
    std::vector<OrderEvent> events;
    std::string declines;  // this time's, for the hold's note
    int captured = 0, declined = 0;
    for (common::v1::OrderPayment& p : *order.mutable_payments()) {
      auto it = by_id.find(p.payment_id());
      if (!HasInstallments(p) || it == by_id.end()) continue;
      const payment::v1::Payment& record = *it->second;
      if (record.installments_size() != p.installments_size()) continue;
      bool changed = p.status() != record.status() ||
                     p.amount().minor_units() != record.amount().minor_units();
      for (int i = 0; i < p.installments_size(); ++i) {
        const common::v1::Installment& was_inst = p.installments(i);
        const common::v1::PaymentStatus was = was_inst.status();
        const common::v1::PaymentStatus now = record.installments(i).status();
        changed = changed || was != now || was_inst.due_on() != record.installments(i).due_on();
        const bool is_lower =
            record.installments(i).amount().minor_units() < was_inst.amount().minor_units();
        const std::string lowered =
            is_lower ? absl::StrCat(" (of ", money::Format(was_inst.amount().minor_units()),
                                    " planned: the order owes less after canceled lines or a "
                                    "return's credit)")
                     : "";
        if (was == now) {
          // Still to come, lowered ahead of its date (LimitPlans).
          if (now == common::v1::PAYMENT_STATUS_PENDING && is_lower) {
            events.push_back(
                MakeOrderEvent(kSystemUser, common::v1::ORDER_EVENT_KIND_PAYMENT_RELEASED,
                               absl::StrCat(Describe(p, record, i), " still to come", lowered)));
          }
          continue;
        }
        if (now == common::v1::PAYMENT_STATUS_CAPTURED) {
          ++captured;
          events.push_back(MakeOrderEvent(
              kSystemUser, common::v1::ORDER_EVENT_KIND_PAYMENT_CAPTURED,
              absl::StrCat(Describe(p, record, i), " captured", lowered)));
        } else if (now == common::v1::PAYMENT_STATUS_VOIDED) {
          events.push_back(MakeOrderEvent(
              kSystemUser, common::v1::ORDER_EVENT_KIND_PAYMENT_RELEASED,
              absl::StrCat(Describe(p, record, i), " released", lowered)));
        } else if (now == common::v1::PAYMENT_STATUS_DECLINED) {
          ++declined;
          absl::StrAppend(&declines, declines.empty() ? "" : "; ", Describe(p, record, i), ": ",
                          record.decline_reason());
          events.push_back(MakeOrderEvent(
              kSystemUser, common::v1::ORDER_EVENT_KIND_CAPTURE_DECLINED,
              absl::StrCat(Describe(p, record, i), " declined: ", record.decline_reason(),
                           "; its amount is due again")));
        }
      }
      if (!changed) continue;
      p.set_status(record.status());
      *p.mutable_amount() = record.amount();
      *p.mutable_captured() = record.captured();
      *p.mutable_installments() = record.installments();
      if (!record.decline_reason().empty()) p.set_decline_reason(record.decline_reason());
    }
    if (events.empty()) return Synced{std::move(order), 0, 0};  // shows them all already
    if (!declines.empty()) {
      RETURN_IF_ERROR(PlacePaymentHold(clients_, order, at_version,
                                       absl::StrCat("installment declined (", declines, ")"),
                                       events));
    }
    RETURN_IF_ERROR(RecomputePaid(&order));
    OrderSave save;
    save.method = "SyncInstallments";
    save.order = std::move(order);
    save.events = std::move(events);
    absl::StatusOr<SavedOrder> saved = clients_->orders.Save(
        CallScope{ScopedRequestId(kSystemUser, "SyncInstallments", at_version)}, std::move(save));
    if (!saved.ok()) {
      // A concurrent change: read again (what the payment service has stays).
      if (absl::IsAborted(saved.status()) && attempt < 2) continue;
      return saved.status();
    }
    // The same save made by another run first (the same key): counted by
    // it; read again, in case this run has seen more than it did.
    if (saved->replayed) {
      if (attempt < 2) continue;
      return Synced{std::move(saved->order), 0, 0};
    }
    for (int i = 0; i < captured; ++i) metrics_->installments_captured.Increment();
    for (int i = 0; i < declined; ++i) metrics_->installments_declined.Increment();
    return Synced{std::move(saved->order), captured, declined};
  }
}

}  // namespace callcenter::orchestration
