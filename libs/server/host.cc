#include "libs/server/host.h"

#include <signal.h>

#include "absl/strings/str_cat.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/impl/server_builder_option.h"
#include "grpcpp/impl/server_builder_plugin.h"
#include "grpcpp/impl/server_initializer.h"
#include "libs/logging/log.h"
#include "libs/server/reflection_v1.h"

namespace callcenter::server {
namespace {

// gRPC shows a server's list of services only to builder plugins; this one
// copies it so that each service's name can carry a health status, as the
// gRPC health protocol expects of servers.
class ServiceListPlugin : public grpc::ServerBuilderPlugin {
 public:
  explicit ServiceListPlugin(std::vector<std::string>* out) : out_(out) {}
  std::string name() override { return "callcenter_service_list"; }
  void InitServer(grpc::ServerInitializer*) override {}
  void Finish(grpc::ServerInitializer* si) override { *out_ = *si->GetServiceList(); }
  void ChangeArguments(const std::string&, void*) override {}

 private:
  std::vector<std::string>* out_;
};

class ServiceListOption : public grpc::ServerBuilderOption {
 public:
  explicit ServiceListOption(std::vector<std::string>* out) : out_(out) {}
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    plugins->push_back(std::make_unique<ServiceListPlugin>(out_));
  }

 private:
  std::vector<std::string>* out_;
};

}  // namespace

ServiceHost::ServiceHost(HostOptions options) : options_(std::move(options)) {}

ServiceHost::~ServiceHost() {
  if (server_) server_->Shutdown(std::chrono::system_clock::now());
  if (probe_server_) probe_server_->Shutdown(std::chrono::system_clock::now());
}

void ServiceHost::Register(grpc::Service* service) { services_.push_back(service); }

absl::Status ServiceHost::Start() {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  const std::shared_ptr<grpc::ServerCredentials> credentials =
      options_.credentials ? options_.credentials : grpc::InsecureServerCredentials();
  builder.AddListeningPort(options_.listen_address, credentials, &port_);
  if (!options_.unix_socket.empty()) {
    builder.AddListeningPort(absl::StrCat("unix:", options_.unix_socket), credentials);
  }
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS,
                             static_cast<int>(absl::ToInt64Milliseconds(options_.max_connection_age)));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS, 30000);
  // The synchronous server parks a thread as a poller after each call, up
  // to MAX_POLLERS, and ends it beyond that; gRPC's default (2) makes a busy
  // server create and end a thread for most calls. Keep enough parked.
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS,
                              options_.max_idle_threads);
  bool generic_methods = false;
  for (grpc::Service* s : services_) {
    builder.RegisterService(s);
    generic_methods = generic_methods || s->has_generic_methods();
  }
  // A service that replaced gRPC's handlers with its own (ParsingHandlers)
  // leaves methods marked generic; gRPC then wants a generic service. This
  // one answers unknown methods UNIMPLEMENTED, as a server without it does
  // (on gRPC's callback threads, which the health service runs anyway).
  if (generic_methods) {
    unknown_methods_ = std::make_unique<grpc::CallbackGenericService>();
    builder.RegisterCallbackGenericService(unknown_methods_.get());
  }
  reflection_v1_ = std::make_unique<ReflectionV1Service>(&service_names_);
  builder.RegisterService(reflection_v1_.get());
  builder.SetOption(std::make_unique<ServiceListOption>(&service_names_));
  server_ = builder.BuildAndStart();
  if (!server_ || port_ == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options_.listen_address));
  }
  if (!options_.probe_address.empty()) {
    grpc::ServerBuilder probe;
    probe.AddListeningPort(options_.probe_address, grpc::InsecureServerCredentials(), &probe_port_);
    probe_server_ = probe.BuildAndStart();
    if (!probe_server_ || probe_port_ == 0) {
      return absl::UnavailableError(absl::StrCat("cannot listen on ", options_.probe_address));
    }
  }
  SetHealth("", true);
  SetReadiness(false);
  log::Info("server started", {{"address", options_.listen_address},
                               {"port", absl::StrCat(port_)},
                               {"tls", options_.credentials ? "yes" : "no"},
                               {"probe_port", absl::StrCat(probe_port_)}});
  return absl::OkStatus();
}

void ServiceHost::SetHealth(const std::string& service, bool serving) {
  for (grpc::Server* s : {server_.get(), probe_server_.get()}) {
    if (s) s->GetHealthCheckService()->SetServingStatus(service, serving);
  }
}

void ServiceHost::SetReadiness(bool ready) {
  SetHealth(kReadinessService, ready);
  for (const std::string& name : service_names_) SetHealth(name, ready);
}

void ServiceHost::SetReady(bool ready) {
  if (!server_) return;
  if (ready_.exchange(ready) != ready) {
    SetReadiness(ready);
    log::Info(ready ? "ready" : "not ready");
  }
}

void ServiceHost::Shutdown() {
  if (!server_) return;
  SetReady(false);
  log::Info("draining", {{"drain_delay_ms",
                          absl::StrCat(absl::ToInt64Milliseconds(options_.drain_delay))}});
  absl::SleepFor(options_.drain_delay);
  SetHealth("", false);
  server_->Shutdown(absl::ToChronoTime(absl::Now() + options_.shutdown_grace));
  server_->Wait();
  server_.reset();
  if (probe_server_) {
    probe_server_->Shutdown(std::chrono::system_clock::now());
    probe_server_.reset();
  }
  log::Info("server stopped");
}

void BlockTerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int WaitForTerminationSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  int sig = 0;
  sigwait(&set, &sig);
  return sig;
}

}  // namespace callcenter::server
