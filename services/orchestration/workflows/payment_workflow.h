#ifndef CALLCENTER_SERVICES_ORCHESTRATION_WORKFLOWS_PAYMENT_WORKFLOW_H_
#define CALLCENTER_SERVICES_ORCHESTRATION_WORKFLOWS_PAYMENT_WORKFLOW_H_

#include <string>

#include "absl/status/status.h"
#include "callcenter/orchestration/v1/orchestration.pb.h"
#include "services/orchestration/clients/clients.h"
#include "services/orchestration/workflows/change_runner.h"
#include "services/orchestration/workflows/invoice_settler.h"
#include "services/orchestration/workflows/money_protocol.h"

namespace callcenter::orchestration {

// Taking a payment on a draft (DOMAIN 5), or for the balance due of a
// submitted order (DOMAIN 9: a declined capture; its invoices are then
// paid at once, InvoiceSettler): the draft repriced, the amount
// worked out (an amount, a share of the total or the balance due; never
// above it), authorised, recorded on the order. An authorisation the
// order could not record is voided (MoneyProtocol::VoidUnsavedPayment).
// With a payment schedule (DOMAIN 11) the payment is split into
// installments once the order may use it (its source code offers the
// schedule; the customer and every product eligible), only the first
// authorised now.
class PaymentWorkflow {
 public:
  PaymentWorkflow(ChangeRunner* changes, Clients* clients, MoneyProtocol* money,
                  InvoiceSettler* invoices, Clock clock)
      : changes_(changes),
        clients_(clients),
        money_(money),
        invoices_(invoices),
        clock_(std::move(clock)) {}

  absl::Status Add(const Caller& caller, const v1::AddPaymentRequest& req, Order* out);

 private:
  // Whether the order may pay `req` with its payment schedule (the source
  // code's offer, the customer's and products' eligibility).
  absl::Status CheckInstallments(const Context& c, const Order& order,
                                 const v1::AddPaymentRequest& req);

  ChangeRunner* changes_;
  Clients* clients_;
  MoneyProtocol* money_;
  InvoiceSettler* invoices_;
  Clock clock_;
};

}  // namespace callcenter::orchestration

#endif  // CALLCENTER_SERVICES_ORCHESTRATION_WORKFLOWS_PAYMENT_WORKFLOW_H_
