#ifndef CALLCENTER_LIBS_SERVER_HOST_H_
#define CALLCENTER_LIBS_SERVER_HOST_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/grpcpp.h"
#include "libs/metrics/metrics.h"

namespace callcenter::server {

// Name of the health-check service that reports readiness (traffic may come).
inline constexpr char kReadinessService[] = "readiness";

struct HostOptions {
  std::string service;                  // e.g. "pricing"
  std::string listen_address;           // e.g. "0.0.0.0:50053"; port 0 = any free port
  std::string unix_socket;              // optional second listener, e.g. "/run/cc/pricing.sock"
  // Credentials of both listeners (TLS or mutual TLS, see libs/tls); null =
  // plaintext.
  std::shared_ptr<grpc::ServerCredentials> credentials;
  // Optional plaintext listener that serves only grpc.health.v1 with the
  // same statuses, for probes that cannot speak TLS (the kubelet's gRPC
  // probe); e.g. "0.0.0.0:52053"; port 0 = any free port.
  std::string probe_address;
  absl::Duration drain_delay = absl::Seconds(2);
  absl::Duration shutdown_grace = absl::Seconds(10);
  // Connections are recycled so that new replicas get traffic.
  absl::Duration max_connection_age = absl::Minutes(5);
  // Handler threads kept waiting for calls between bursts (gRPC's
  // MAX_POLLERS); more are started as calls arrive, fewer leave churn.
  int max_idle_threads = 64;
};

// A gRPC server with health checking (overall "" = alive; "readiness" and
// each served service's full name, e.g. "callcenter.pricing.v1.PricingService",
// = ready for traffic), server reflection (v1alpha and v1) and a graceful
// shutdown.
class ServiceHost {
 public:
  explicit ServiceHost(HostOptions options);
  ~ServiceHost();

  // Services are not owned; register before Start.
  void Register(grpc::Service* service);
  // Starts listening. Liveness ("") is SERVING, readiness NOT_SERVING until
  // SetReady(true).
  absl::Status Start();
  int port() const { return port_; }
  int probe_port() const { return probe_port_; }
  void SetReady(bool ready);
  bool ready() const { return ready_; }
  // Readiness NOT_SERVING, waits the drain delay, then shuts down with a
  // deadline so in-flight calls finish and nothing hangs.
  void Shutdown();

 private:
  // Sets a health status on the server and on the probe listener.
  void SetHealth(const std::string& service, bool serving);
  // "readiness" and every served service's name.
  void SetReadiness(bool ready);

  HostOptions options_;
  std::vector<grpc::Service*> services_;
  // Full names of the services the server serves (gRPC's own included).
  std::vector<std::string> service_names_;
  std::unique_ptr<grpc::Service> reflection_v1_;
  std::unique_ptr<grpc::CallbackGenericService> unknown_methods_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<grpc::Server> probe_server_;
  int port_ = 0;
  int probe_port_ = 0;
  std::atomic<bool> ready_{false};
};

// Blocks SIGTERM and SIGINT in this thread and every thread started after
// (call first in main), so that WaitForTerminationSignal receives them.
void BlockTerminationSignals();
// Waits for SIGTERM or SIGINT; returns its number.
int WaitForTerminationSignal();

}  // namespace callcenter::server

#endif  // CALLCENTER_LIBS_SERVER_HOST_H_
