#include "services/orchestration/workflows/fulfillment_workflow.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "libs/ids/order_event_kind.h"
#include "libs/money/money.h"
#include "libs/money/money_proto.h"
#include "libs/status/status.h"
#include "services/orchestration/domain/fulfillment.h"
#include "services/orchestration/domain/order_math.h"
#include "services/orchestration/domain/order_rules.h"

namespace callcenter::orchestration {

absl::Status FulfillmentWorkflow::RecordShipment(const Caller& caller,
                                                 const v1::RecordShipmentRequest& req, Order* out) {
  if (req.shipment_id().empty()) return InvalidField("shipment_id", "required");
  std::string saga_id;
  RETURN_IF_ERROR(changes_->Run(
      kRecordShipmentChange, caller, req, req.order_id(),
      [&](Context& c, Order& order, Edit& edit) -> absl::Status {
        RETURN_IF_ERROR(RequireFulfilmentUser(c.data.user()));
        for (const auto& s : order.shipments()) {
          if (s.shipment_id() == req.shipment_id()) {
            edit.unchanged = true;  // recorded already: nothing changes
            return absl::OkStatus();
          }
        }
        RETURN_IF_ERROR(CheckShipment(order, req.lines()));
        ASSIGN_OR_RETURN(const int64_t invoice, InvoiceAmount(order, req.lines()));
        // Logged before the save, so that recovery makes the captures should
        // this process stop after it.
        if (sagas_ != nullptr) {
          ASSIGN_OR_RETURN(Saga saga,
                           sagas_->Begin(order.order_id(), c.caller.request_id, kSagaShipment));
          saga_id = saga.saga_id;
        }
        common::v1::Shipment s;
        s.set_shipment_id(req.shipment_id());
        *s.mutable_lines() = req.lines();
        s.set_carrier(req.carrier());
        s.set_tracking_number(req.tracking_number());
        *s.mutable_shipped_at() = clock_.Timestamp();
        *s.mutable_invoice_amount() = MoneyOf(order.currency(), invoice);
        int units = 0;
        for (const auto& l : req.lines()) units += l.quantity();
        ApplyShipment(order, std::move(s));
        edit.events.push_back(MakeOrderEvent(
            c.user_id(), common::v1::ORDER_EVENT_KIND_SHIPPED,
            absl::StrCat("shipment ", req.shipment_id(), ": ", units, " units",
                         req.carrier().empty() ? "" : absl::StrCat(" by ", req.carrier()),
                         req.tracking_number().empty()
                             ? ""
                             : absl::StrCat(", tracking ", req.tracking_number()),
                         "; invoice ", money::Format(invoice))));
        return absl::OkStatus();
      },
      out));
  if (!saga_id.empty()) {
    metrics_->shipments_recorded.Increment();
    RETURN_IF_ERROR(sagas_->Record(saga_id, kStepShipmentSaved));
  }
  if (crash_after_step_ == kStepShipmentSaved) {
    return absl::UnavailableError("injected crash after the shipment was saved");
  }
  // The invoice's captures (also on a retry or a repeated shipment id,
  // which finish what a stopped attempt left).
  ASSIGN_OR_RETURN(*out, invoices_->Settle(req.order_id()));
  if (!saga_id.empty()) sagas_->MarkDone(saga_id);
  return absl::OkStatus();
}

absl::Status FulfillmentWorkflow::SetExpectedShipDate(const Caller& caller,
                                                      const v1::SetExpectedShipDateRequest& req,
                                                      Order* out) {
  RETURN_IF_ERROR(CheckDate("expected_ship_date", req.expected_ship_date()));
  order::v1::CallCenter call_center;
  RETURN_IF_ERROR(changes_->Run(
      kSetExpectedShipDateChange, caller, req, req.order_id(),
      [&](Context& c, Order& order, Edit& edit) -> absl::Status {
        RETURN_IF_ERROR(RequireFulfilmentUser(c.data.user()));
        call_center = c.data.call_center();
        if (!AwaitsShipment(order.status())) {
          return absl::FailedPreconditionError(absl::StrCat(
              "order ", order.order_id(), " is ", common::v1::OrderStatus_Name(order.status()),
              ": only a submitted order with units still to ship has an expected ship date"));
        }
        if (order.expected_ship_date() == req.expected_ship_date()) {
          edit.unchanged = true;
          return absl::OkStatus();
        }
        edit.events.push_back(MakeOrderEvent(
            c.user_id(), common::v1::ORDER_EVENT_KIND_EXPECTED_SHIP_DATE_SET,
            absl::StrCat("expected ship date ",
                         order.expected_ship_date().empty() ? "(none)" : order.expected_ship_date(),
                         " -> ", req.expected_ship_date())));
        order.set_expected_ship_date(req.expected_ship_date());
        return absl::OkStatus();
      },
      out));
  out->set_backordered(IsBackordered(*out, call_center, clock_.Today()));
  return absl::OkStatus();
}

absl::StatusOr<order::v1::GetOrderContextResponse> FulfillmentWorkflow::FulfilmentCaller(
    const Caller& caller) {
  ASSIGN_OR_RETURN(order::v1::GetOrderContextResponse data,
                   clients_->orders.CallerContext(caller.scope(), caller.user_id, ""));
  RETURN_IF_ERROR(RequireCallCenterUser(data, caller.user_id));
  RETURN_IF_ERROR(RequireFulfilmentUser(data.user()));
  return data;
}

absl::Status FulfillmentWorkflow::PurgeOrders(const Caller& caller,
                                              const v1::PurgeOrdersRequest& req,
                                              v1::PurgeOrdersResponse* out) {
  RETURN_IF_ERROR(CheckDate("created_on_or_before", req.created_on_or_before()));
  ASSIGN_OR_RETURN(order::v1::GetOrderContextResponse data, FulfilmentCaller(caller));
  ASSIGN_OR_RETURN(std::vector<std::string> purged,
                   clients_->orders.PurgeOrders(caller.scope(), data.user().call_center_id(),
                                                req.created_on_or_before(), req.customer_id()));
  for (auto& id : purged) out->add_purged_order_ids(std::move(id));
  return absl::OkStatus();
}

absl::Status FulfillmentWorkflow::RunInstallments(const Caller& caller,
                                                  const v1::RunInstallmentsRequest& req,
                                                  v1::RunInstallmentsResponse* out) {
  RETURN_IF_ERROR(CheckDate("as_of", req.as_of()));
  ASSIGN_OR_RETURN(order::v1::GetOrderContextResponse data, FulfilmentCaller(caller));
  return installments_->Run(caller, data.user().call_center_id(), req, out);
}

absl::Status FulfillmentWorkflow::RunDelayedOrderNotices(
    const Caller& caller, const v1::RunDelayedOrderNoticesRequest& req,
    v1::RunDelayedOrderNoticesResponse* out) {
  RETURN_IF_ERROR(CheckDate("as_of", req.as_of()));
  ASSIGN_OR_RETURN(order::v1::GetOrderContextResponse data, FulfilmentCaller(caller));
  const order::v1::CallCenter& call_center = data.call_center();
  // The earliest notice bounds the orders to look at: created (so also
  // submitted) at least that many days before as_of.
  int32_t first_days = 0;
  for (int32_t days : {call_center.first_notice_days(), call_center.second_notice_days(),
                       call_center.cancellation_notice_days()}) {
    if (days > 0 && (first_days == 0 || days < first_days)) first_days = days;
  }
  if (first_days == 0) return absl::OkStatus();  // notices are off
  absl::CivilDay as_of;
  absl::ParseCivilTime(req.as_of(), &as_of);
  const std::string created_by = absl::FormatCivilTime(as_of - first_days);
  std::map<std::string, bool> exempt_products;  // product id -> notice_exempt, for this run
  std::string token;
  do {
    ASSIGN_OR_RETURN(order::v1::ListOpenOrdersResponse page,
                     clients_->orders.ListOpenOrders(caller.scope(), data.user().call_center_id(),
                                                     created_by, token));
    for (const std::string& order_id : page.order_ids()) {
      RETURN_IF_ERROR(NoticesFor(caller, req, order_id, exempt_products, out));
    }
    token = page.next_page_token();
  } while (!token.empty());
  return absl::OkStatus();
}

absl::Status FulfillmentWorkflow::NoticesFor(const Caller& caller,
                                             const v1::RunDelayedOrderNoticesRequest& req,
                                             const std::string& order_id,
                                             std::map<std::string, bool>& exempt_products,
                                             v1::RunDelayedOrderNoticesResponse* out) {
  // Keyed by the date and the order: the same date again replays the first
  // answer and records nothing.
  Caller per_order = caller;
  per_order.request_id = ScopedRequestId(caller.user_id, "RunDelayedOrderNotices",
                                         absl::StrCat(req.as_of(), "/", order_id));
  std::vector<v1::CustomerNotice> recorded;
  std::string saga_id;
  bool canceled = false, released = false;
  Order saved;
  bool replayed = false;
  RETURN_IF_ERROR(changes_->Run(
      kDelayNoticesChange, per_order, req, order_id,
      [&](Context& c, Order& order, Edit& edit) -> absl::Status {
        recorded.clear();
        canceled = released = false;
        std::vector<std::string> exempt;
        for (const auto& l : order.lines()) {
          auto it = exempt_products.find(l.product_id());
          if (it == exempt_products.end()) {
            absl::StatusOr<pricing::v1::Product> p =
                clients_->pricing.GetProduct(c.scope(), l.product_id());
            if (!p.ok() && !absl::IsNotFound(p.status())) return p.status();
            it = exempt_products.emplace(l.product_id(), p.ok() && p->notice_exempt()).first;
          }
          if (it->second) exempt.push_back(l.product_id());
        }
        const std::vector<std::string> due = DueNotices(
            order, c.data.call_center(), c.data.customer().notice_exempt(), exempt, req.as_of());
        if (due.empty()) {
          edit.unchanged = true;
          return absl::OkStatus();
        }
        for (const std::string& kind : due) {
          common::v1::DelayNotice* n = order.add_delay_notices();
          n->set_kind(kind);
          n->set_on(req.as_of());
          v1::CustomerNotice notice;
          notice.set_order_id(order.order_id());
          notice.set_customer_id(order.customer_id());
          v1::NoticeKind kind_enum = v1::NOTICE_KIND_UNSPECIFIED;
          v1::NoticeKind_Parse(absl::AsciiStrToUpper(absl::StrCat("NOTICE_KIND_", kind)),
                               &kind_enum);
          notice.set_kind(kind_enum);
          notice.set_on(req.as_of());
          recorded.push_back(std::move(notice));
          edit.events.push_back(
              MakeOrderEvent(c.user_id(), common::v1::ORDER_EVENT_KIND_DELAY_NOTICE,
                             absl::StrCat(kind, " delayed-order notice of ", req.as_of(), " for ",
                                          order.customer_id())));
        }
        if (due.back() != kCancellationNotice) return absl::OkStatus();
        // Logged before the save: recovery finishes the voids (a cancel
        // saga) or the release (a settle) should this process stop after it.
        const int32_t units = CancelOpenQuantity(order, exempt);
        canceled = order.status() == common::v1::ORDER_STATUS_CANCELED;
        released = !canceled && !HasOpenQuantity(order);
        if (sagas_ != nullptr && (canceled || released)) {
          ASSIGN_OR_RETURN(Saga saga, sagas_->Begin(order.order_id(), c.caller.request_id,
                                                    canceled ? kSagaCancel : kSagaShipment));
          saga_id = saga.saga_id;
        }
        edit.events.push_back(MakeOrderEvent(
            c.user_id(), common::v1::ORDER_EVENT_KIND_QUANTITY_CANCELED,
            absl::StrCat(units, " open units canceled by the cancellation notice of ",
                         req.as_of())));
        if (canceled) {
          MarkLivePaymentsVoided(&order);
          edit.events.push_back(
              MakeOrderEvent(c.user_id(), common::v1::ORDER_EVENT_KIND_CANCELLED,
                             "nothing shipped by the cancellation notice: order canceled"));
        } else {
          RETURN_IF_ERROR(RecomputePaid(&order));
        }
        return absl::OkStatus();
      },
      &saved, nullptr, &replayed));
  // Another run of the date (a second front door) recorded this order's
  // notices first: they are its to report, not this run's.
  if (replayed) recorded.clear();
  if (canceled) {
    RETURN_IF_ERROR(money_->FinishCancel(order_id, per_order.request_id, saved));
  } else if (released) {
    RETURN_IF_ERROR(invoices_->Settle(order_id).status());
  }
  if (!saga_id.empty()) sagas_->MarkDone(saga_id);
  for (auto& n : recorded) {
    metrics_->delay_notices.Increment();
    *out->add_notices() = std::move(n);
  }
  return absl::OkStatus();
}

}  // namespace callcenter::orchestration
