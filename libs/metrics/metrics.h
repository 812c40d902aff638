#ifndef CALLCENTER_LIBS_METRICS_METRICS_H_
#define CALLCENTER_LIBS_METRICS_METRICS_H_

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "prometheus/counter.h"
#include "prometheus/exposer.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace callcenter::metrics {

// Prometheus metrics of one service, served as text on a separate HTTP port:
// grpc_server_handled_total{grpc_service,grpc_method,grpc_code} and the
// latency histogram grpc_server_handling_seconds{grpc_service,grpc_method},
// plus any counters a service adds (saga steps, compensations, ...).
// One counter series, registered once and bumped without a lookup; a
// default-constructed one counts nothing (code run without metrics).
class Counter {
 public:
  Counter() = default;
  void Increment() const {
    if (counter_ != nullptr) counter_->Increment();
  }

 private:
  friend class Metrics;
  explicit Counter(prometheus::Counter* counter) : counter_(counter) {}
  prometheus::Counter* counter_ = nullptr;
};

class Metrics {
 public:
  explicit Metrics(std::string service);

  void RecordRpc(absl::string_view method, absl::string_view code, absl::Duration latency);
  // The counter series `name`{labels}, registered now (scraped as 0 until
  // first bumped). A service declares its counters once, in a struct of
  // its own, and bumps them through the handles.
  Counter MakeCounter(const std::string& name, const std::string& help,
                      const std::map<std::string, std::string>& labels);

  // A gauge `name` whose value `read` gives at each scrape (pool sizes,
  // calls in flight: state that is cheaper to read than to track).
  void AddGauge(const std::string& name, const std::string& help,
                const std::map<std::string, std::string>& labels, std::function<double()> read);

  // Serves /metrics on 0.0.0.0:port (port 0 = any free port; see port()).
  absl::Status Expose(int port);
  int port() const;

  // The text exposition (what /metrics serves).
  std::string Scrape() const;

 private:
  std::string service_;
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>* handled_;
  prometheus::Family<prometheus::Histogram>* latency_;
  // The registry with the read-at-scrape gauges brought up to date first.
  class Collector;
  std::shared_ptr<Collector> collector_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  std::mutex counters_mu_;
  std::map<std::string, prometheus::Family<prometheus::Counter>*> counters_;
};

}  // namespace callcenter::metrics

#endif  // CALLCENTER_LIBS_METRICS_METRICS_H_
