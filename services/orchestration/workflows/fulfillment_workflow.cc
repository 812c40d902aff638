#include "services/orchestration/workflows/fulfillment_workflow.h"

#include "absl/strings/str_cat.h"
#include "libs/ids/order_event_kind.h"
#include "libs/money/money.h"
#include "libs/money/money_proto.h"
#include "libs/status/status.h"
#include "services/orchestration/domain/fulfillment.h"
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
        if (order.status() != common::v1::ORDER_STATUS_CONFIRMED &&
            order.status() != common::v1::ORDER_STATUS_ON_HOLD &&
            order.status() != common::v1::ORDER_STATUS_PARTIALLY_SHIPPED) {
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

}  // namespace callcenter::orchestration
