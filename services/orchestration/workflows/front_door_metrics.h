#ifndef CALLCENTER_SERVICES_ORCHESTRATION_WORKFLOWS_FRONT_DOOR_METRICS_H_
#define CALLCENTER_SERVICES_ORCHESTRATION_WORKFLOWS_FRONT_DOOR_METRICS_H_

#include "libs/metrics/metrics.h"

namespace callcenter::orchestration {

// The front door's own counters (besides every RPC's, which Serve records),
// declared once here: names, help and label values. A default-constructed
// one (no metrics: unit tests) counts nothing.
struct FrontDoorMetrics {
  FrontDoorMetrics() = default;
  explicit FrontDoorMetrics(metrics::Metrics* m) {
    if (m == nullptr) return;
    context_refreshes = m->MakeCounter("order_context_refreshes_total",
                                       "Changes done again on a freshly read order context.", {});
    const char* submits = "Orders submitted, by outcome (confirmed, on_hold).";
    submits_confirmed = m->MakeCounter("submits_total", submits, {{"outcome", "confirmed"}});
    submits_on_hold = m->MakeCounter("submits_total", submits, {{"outcome", "on_hold"}});
    const char* recovered =
        "Interrupted submits and cancellations settled by recovery: finished (the order was "
        "saved) or compensated (undone).";
    sagas_finished = m->MakeCounter("sagas_recovered_total", recovered, {{"outcome", "finished"}});
    sagas_compensated =
        m->MakeCounter("sagas_recovered_total", recovered, {{"outcome", "compensated"}});
    const char* compensations = "Compensations run.";
    payment_compensations =
        m->MakeCounter("saga_compensations_total", compensations, {{"step", "add_payment"}});
    hold_compensations =
        m->MakeCounter("saga_compensations_total", compensations, {{"step", "hold"}});
    submit_compensations =
        m->MakeCounter("saga_compensations_total", compensations, {{"step", "submit"}});
    unrecorded_authorizations_voided = m->MakeCounter(
        "unrecorded_authorizations_voided_total",
        "Payment authorisations that no order counts (on no order after a crash or timeout "
        "before saving, or shown voided by their order after a crash before voiding), voided by "
        "the sweep.",
        {});
    shipments_recorded =
        m->MakeCounter("shipments_recorded_total", "Shipments recorded and invoiced.", {});
    const char* captures = "Invoice captures asked of the payment service, by outcome.";
    captures_taken = m->MakeCounter("invoice_captures_total", captures, {{"outcome", "taken"}});
    captures_declined =
        m->MakeCounter("invoice_captures_total", captures, {{"outcome", "declined"}});
    delay_notices = m->MakeCounter("delay_notices_total", "Delayed-order notices recorded.", {});
    returns_started = m->MakeCounter("returns_started_total", "Returns (RMAs) started.", {});
    refunds_made =
        m->MakeCounter("refunds_total", "Refunds made at the payment service (each once).", {});
    const char* installments = "Installments due that a run asked to capture, by outcome.";
    installments_captured =
        m->MakeCounter("installment_captures_total", installments, {{"outcome", "captured"}});
    installments_declined =
        m->MakeCounter("installment_captures_total", installments, {{"outcome", "declined"}});
  }

  metrics::Counter context_refreshes;
  metrics::Counter submits_confirmed, submits_on_hold;
  metrics::Counter sagas_finished, sagas_compensated;
  metrics::Counter payment_compensations, hold_compensations, submit_compensations;
  metrics::Counter unrecorded_authorizations_voided;
  metrics::Counter shipments_recorded, captures_taken, captures_declined, delay_notices;
  metrics::Counter returns_started, refunds_made;
  metrics::Counter installments_captured, installments_declined;
};

}  // namespace callcenter::orchestration

#endif  // CALLCENTER_SERVICES_ORCHESTRATION_WORKFLOWS_FRONT_DOOR_METRICS_H_
