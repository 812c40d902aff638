#ifndef CALLCENTER_SERVICES_ORCHESTRATION_WORKFLOWS_FULFILLMENT_WORKFLOW_H_
#define CALLCENTER_SERVICES_ORCHESTRATION_WORKFLOWS_FULFILLMENT_WORKFLOW_H_

#include <map>
#include <string>

#include "absl/status/status.h"
#include "callcenter/orchestration/v1/orchestration.pb.h"
#include "services/orchestration/clients/clients.h"
#include "services/orchestration/store.h"
#include "services/orchestration/workflows/change_runner.h"
#include "services/orchestration/workflows/context.h"
#include "services/orchestration/workflows/front_door_metrics.h"
#include "services/orchestration/workflows/installment_runner.h"
#include "services/orchestration/workflows/invoice_settler.h"
#include "services/orchestration/workflows/money_protocol.h"

namespace callcenter::orchestration {

// What fulfilment systems report (DOMAIN 9), for a caller with
// may_record_fulfillment of the order's call center.
//
// Recording a shipment is a saga: logged, then the shipment saved on its
// order (lines shipped, invoiced, its captures pending), then the invoice
// captured and recorded (InvoiceSettler). A crash after the save loses
// nothing: a retry, the next shipment of the order or recovery makes the
// captures, each once. The same shipment id twice changes nothing.
class FulfillmentWorkflow {
 public:
  FulfillmentWorkflow(ChangeRunner* changes, Clients* clients, MoneyProtocol* money,
                      InvoiceSettler* invoices, InstallmentRunner* installments, SagaLog* sagas,
                      Clock clock, const FrontDoorMetrics* metrics, std::string crash_after_step)
      : changes_(changes),
        clients_(clients),
        money_(money),
        invoices_(invoices),
        installments_(installments),
        sagas_(sagas),
        clock_(std::move(clock)),
        metrics_(metrics),
        crash_after_step_(std::move(crash_after_step)) {}

  absl::Status RecordShipment(const Caller& caller, const v1::RecordShipmentRequest& req,
                              Order* out);
  absl::Status SetExpectedShipDate(const Caller& caller, const v1::SetExpectedShipDateRequest& req,
                                   Order* out);
  // Records the delayed-order notices due on req.as_of for the caller's call
  // center's open orders (DOMAIN 9); a cancellation notice cancels the open
  // units (an order with nothing shipped is CANCELED: voided, coupons
  // released). Per order idempotent by the date: the same date again
  // records nothing.
  absl::Status RunDelayedOrderNotices(const Caller& caller,
                                      const v1::RunDelayedOrderNoticesRequest& req,
                                      v1::RunDelayedOrderNoticesResponse* out);
  // Archives the caller's call center's finished orders created on or
  // before the date (DOMAIN 9): each replaced by its summary.
  absl::Status PurgeOrders(const Caller& caller, const v1::PurgeOrdersRequest& req,
                           v1::PurgeOrdersResponse* out);
  // Captures the installments due by req.as_of of the caller's call
  // center's orders (DOMAIN 11; InstallmentRunner), each once: the same
  // date again captures nothing more.
  absl::Status RunInstallments(const Caller& caller, const v1::RunInstallmentsRequest& req,
                               v1::RunInstallmentsResponse* out);

 private:
  // The caller's user record, who must be a fulfilment user.
  absl::StatusOr<order::v1::GetOrderContextResponse> FulfilmentCaller(const Caller& caller);
  // One order's notices of the run; those recorded now are added to `out`.
  absl::Status NoticesFor(const Caller& caller, const v1::RunDelayedOrderNoticesRequest& req,
                          const std::string& order_id, std::map<std::string, bool>& exempt_products,
                          v1::RunDelayedOrderNoticesResponse* out);

  ChangeRunner* changes_;
  Clients* clients_;
  MoneyProtocol* money_;
  InvoiceSettler* invoices_;
  InstallmentRunner* installments_;
  SagaLog* sagas_;  // nullptr: no saga log (unit tests)
  Clock clock_;
  const FrontDoorMetrics* metrics_;
  std::string crash_after_step_;  // tests: stop as a killed process would
};

}  // namespace callcenter::orchestration

#endif  // CALLCENTER_SERVICES_ORCHESTRATION_WORKFLOWS_FULFILLMENT_WORKFLOW_H_
