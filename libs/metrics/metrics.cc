#include "libs/metrics/metrics.h"

#include <mutex>

#include "absl/strings/str_cat.h"
#include "prometheus/text_serializer.h"

namespace callcenter::metrics {

class Metrics::Collector : public prometheus::Collectable {
 public:
  explicit Collector(std::shared_ptr<prometheus::Registry> registry)
      : registry_(std::move(registry)) {}

  void Add(prometheus::Gauge* gauge, std::function<double()> read) {
    std::lock_guard<std::mutex> lock(mu_);
    gauges_.emplace_back(gauge, std::move(read));
  }

  std::vector<prometheus::MetricFamily> Collect() const override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (const auto& [gauge, read] : gauges_) gauge->Set(read());
    }
    return registry_->Collect();
  }

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  mutable std::mutex mu_;
  std::vector<std::pair<prometheus::Gauge*, std::function<double()>>> gauges_;
};

Metrics::Metrics(std::string service)
    : service_(std::move(service)),
      registry_(std::make_shared<prometheus::Registry>()),
      collector_(std::make_shared<Collector>(registry_)) {
  handled_ = &prometheus::BuildCounter()
                  .Name("grpc_server_handled_total")
                  .Help("RPCs completed on the server, by method and status code.")
                  .Register(*registry_);
  latency_ = &prometheus::BuildHistogram()
                  .Name("grpc_server_handling_seconds")
                  .Help("Latency of RPCs handled by the server.")
                  .Register(*registry_);
}

void Metrics::RecordRpc(absl::string_view method, absl::string_view code, absl::Duration latency) {
  const std::string m(method);
  handled_->Add({{"grpc_service", service_}, {"grpc_method", m}, {"grpc_code", std::string(code)}})
      .Increment();
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
  latency_->Add({{"grpc_service", service_}, {"grpc_method", m}}, kBuckets)
      .Observe(absl::ToDoubleSeconds(latency));
}

Counter Metrics::MakeCounter(const std::string& name, const std::string& help,
                             const std::map<std::string, std::string>& labels) {
  // Each family is registered once, with its first series.
  std::lock_guard<std::mutex> lock(counters_mu_);
  auto& family = counters_[name];
  if (family == nullptr) {
    family = &prometheus::BuildCounter().Name(name).Help(help).Register(*registry_);
  }
  return Counter(&family->Add(labels));
}

void Metrics::AddGauge(const std::string& name, const std::string& help,
                       const std::map<std::string, std::string>& labels,
                       std::function<double()> read) {
  auto& family = prometheus::BuildGauge().Name(name).Help(help).Register(*registry_);
  collector_->Add(&family.Add(labels), std::move(read));
}

absl::Status Metrics::Expose(int port) {
  try {
    exposer_ = std::make_unique<prometheus::Exposer>(absl::StrCat("0.0.0.0:", port), 1);
    exposer_->RegisterCollectable(collector_);
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("cannot serve metrics on port ", port, ": ", e.what()));
  }
  return absl::OkStatus();
}

int Metrics::port() const {
  if (!exposer_) return -1;
  auto ports = exposer_->GetListeningPorts();
  return ports.empty() ? -1 : ports.front();
}

std::string Metrics::Scrape() const {
  return prometheus::TextSerializer().Serialize(collector_->Collect());
}

}  // namespace callcenter::metrics
