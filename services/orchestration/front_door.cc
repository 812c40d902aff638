#include "services/orchestration/front_door.h"

namespace callcenter::orchestration {

FrontDoor::FrontDoor(Downstream downstream, const OrderEntryOptions& options, SagaLog* sagas,
                     metrics::Metrics* metrics)
    : clock_(options.clock),
      counters_(metrics),
      clients_(std::move(downstream), options.downstream_timeout),
      identity_(options.jwt_secret, options.max_token_lifetime, options.limits, clock_),
      money_(&clients_, &counters_),
      changes_(&clients_, options.limits, clock_, &counters_, options.kept_contexts_max_bytes),
      selling_(&clients_.selling, clock_),
      invoices_(&clients_, clock_, &counters_),
      installments_(&clients_, sagas, clock_, &counters_, options.crash_after_step),
      payments_(&changes_, &clients_, &money_, &invoices_, clock_),
      holds_(&changes_, &clients_, &money_, clock_),
      submit_(&changes_, &clients_, &money_, &returns_, sagas, clock_, &counters_,
              options.crash_after_step),
      cancel_(&changes_, &money_, sagas, options.crash_after_step),
      fulfillment_(&changes_, &clients_, &money_, &invoices_, &installments_, sagas, clock_,
                   &counters_, options.crash_after_step),
      returns_(&changes_, &clients_, sagas, clock_, &counters_, options.crash_after_step,
               &installments_),
      recovery_(&clients_, &money_, &invoices_, &installments_, &returns_, sagas, &counters_),
      sweeper_(&clients_, sagas, &counters_),
      service_(OrderEntryParts{&identity_, &clients_, &changes_, &selling_, &payments_, &holds_,
                               &submit_, &cancel_, &returns_, metrics},
               clock_),
      fulfillment_service_(&identity_, &fulfillment_, &returns_, metrics) {
  if (metrics != nullptr) {
    // Read through their own shared state: a scrape never touches the
    // front door itself.
    std::shared_ptr<const ContextCache::Gauges> kept = changes_.kept_context_gauges();
    const char* help =
        "Draft contexts kept for their next change: how many, and their estimated memory "
        "(bounded by KEPT_CONTEXTS_MAX_MB).";
    metrics->AddGauge("kept_order_contexts", help, {{"measure", "entries"}},
                      [kept] { return static_cast<double>(kept->entries.load()); });
    metrics->AddGauge("kept_order_contexts", help, {{"measure", "bytes"}},
                      [kept] { return static_cast<double>(kept->bytes.load()); });
  }
}

}  // namespace callcenter::orchestration
