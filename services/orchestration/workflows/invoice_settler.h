#ifndef CALLCENTER_SERVICES_ORCHESTRATION_WORKFLOWS_INVOICE_SETTLER_H_
#define CALLCENTER_SERVICES_ORCHESTRATION_WORKFLOWS_INVOICE_SETTLER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/orchestration/clients/clients.h"
#include "services/orchestration/workflows/context.h"
#include "services/orchestration/workflows/front_door_metrics.h"

namespace callcenter::orchestration {

// Paying the invoices of an order's shipments (DOMAIN 9), as the system:
// each invoice from the order's payments in the order they were added,
// each capture once under a key of the order, shipment and payment (so a
// retry, a second front door or recovery after a crash asks the payment
// service again and gets the first answer, never a second capture). A
// declined capture or re-authorisation releases that payment, leaves the
// invoice's balance due and puts the order on hold code PAYMENT; once
// nothing more can ship, what no invoice needs is released. The order is
// saved with what was captured, then the releases are voided at the
// payment service.
// Puts `order` (as read at `at_version`) on hold code PAYMENT unless such a
// hold is open already: a declined capture or installment (`what`, for the
// note) leaves a balance due for an agent to take. The status stays (an
// open hold stops shipments; the order takes a payment for the balance
// due meanwhile); the hold's event is added to `events`.
absl::Status PlacePaymentHold(Clients* clients, Order& order, const std::string& at_version,
                              const std::string& what, std::vector<OrderEvent>& events);

class InvoiceSettler {
 public:
  InvoiceSettler(Clients* clients, Clock clock, const FrontDoorMetrics* metrics)
      : clients_(clients), clock_(std::move(clock)), metrics_(metrics) {}

  // Makes every capture and release the order's invoices still need; the
  // order as it then stands (`backordered` worked out for today). Nothing
  // is saved when nothing is due.
  absl::StatusOr<Order> Settle(const std::string& order_id);

 private:
  Clients* clients_;
  Clock clock_;
  const FrontDoorMetrics* metrics_;
};

}  // namespace callcenter::orchestration

#endif  // CALLCENTER_SERVICES_ORCHESTRATION_WORKFLOWS_INVOICE_SETTLER_H_
