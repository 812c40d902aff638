#include "libs/server/service_main.h"

#include <atomic>
#include <condition_variable>
#include <cstring>
#include <iostream>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/stubs/logging.h"
#include "libs/db/listener.h"
#include "libs/logging/log.h"
#include "libs/server/host.h"
#include "libs/server/serve.h"
#include "libs/status/status.h"
#include "libs/tls/tls.h"

namespace callcenter::server {

void KeepSnapshotFresh(const Wiring& wiring, const std::string& channel, absl::Duration period,
                       std::function<absl::Status()> load, std::function<void()> refresh,
                       Built* built) {
  auto listener = std::make_shared<db::ChangeListener>(wiring.pool->options().conninfo, channel,
                                                       period, std::move(refresh));
  built->on_ready = [load = std::move(load), listener]() -> absl::Status {
    absl::Status s = load();
    if (s.ok()) listener->Start();
    return s;
  };
  built->on_stop = [listener] { listener->Stop(); };
}

void RunEvery(absl::Duration period, std::function<void()> task, Built* built) {
  struct Loop {
    std::mutex mu;
    std::condition_variable cv;
    bool stopping = false;
    std::thread thread;
  };
  auto loop = std::make_shared<Loop>();
  built->on_ready = [loop, period, task = std::move(task),
                     ready = std::move(built->on_ready)]() -> absl::Status {
    if (ready) RETURN_IF_ERROR(ready());
    std::lock_guard<std::mutex> lock(loop->mu);
    if (!loop->thread.joinable() && !loop->stopping) {
      loop->thread = std::thread([loop, period, task] {
        std::unique_lock<std::mutex> lock(loop->mu);
        while (!loop->stopping) {
          lock.unlock();
          task();
          lock.lock();
          loop->cv.wait_for(lock, absl::ToChronoMilliseconds(period),
                            [&] { return loop->stopping; });
        }
      });
    }
    return absl::OkStatus();
  };
  built->on_stop = [loop, stop = std::move(built->on_stop)] {
    {
      std::lock_guard<std::mutex> lock(loop->mu);
      loop->stopping = true;
    }
    loop->cv.notify_all();
    if (loop->thread.joinable()) loop->thread.join();
    if (stop) stop();
  };
}

void PurgeEvery(absl::Duration period, absl::Duration retention, const std::string& what,
                std::function<absl::StatusOr<int>(absl::Duration)> purge, Built* built) {
  if (retention <= absl::ZeroDuration()) return;
  RunEvery(period, [retention, what, purge = std::move(purge)] {
    absl::StatusOr<int> purged = purge(retention);
    if (!purged.ok()) {
      log::Warning(absl::StrCat("purging ", what, " failed"),
                   {{"error", std::string(purged.status().message())}});
    } else if (*purged > 0) {
      log::Info(absl::StrCat(what, " purged"), {{"rows", absl::StrCat(*purged)}});
    }
  }, built);
}

int RunServiceMain(int argc, char** argv, const ServiceSpec& spec, const Builder& build) {
  // Debian's Abseil is built with mutex deadlock detection on, which gRPC's
  // locks pay for on every call; production services turn it off.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  BlockTerminationSignals();
  log::Init(spec.service);
  // protobuf's own complaints (e.g. a request with invalid UTF-8, which the
  // front door answers INVALID_ARGUMENT) as JSON lines like every other log
  // line; they name fields, never values.
  google::protobuf::SetLogHandler(
      [](google::protobuf::LogLevel level, const char* file, int line, const std::string& message) {
        log::Write(level >= google::protobuf::LOGLEVEL_ERROR ? log::Severity::kWarning
                                                             : log::Severity::kInfo,
                   "protobuf", "", {{"detail", message}, {"at", absl::StrCat(file, ":", line)}});
      });
  bool migrate_only = false;
  bool list_config = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--migrate") == 0) {
      migrate_only = true;
    } else if (std::strcmp(argv[i], "--list-config") == 0) {
      list_config = true;
    } else {
      std::cerr << "unknown flag " << argv[i] << " (--migrate or --list-config)" << std::endl;
      return 2;
    }
  }

  Config config;
  const int port = config.Port("PORT", spec.default_port);
  const int metrics_port = config.Port("METRICS_PORT", spec.default_port + 1000);
  const std::string database_url = config.String("DATABASE_URL", "");
  const int pool_size = static_cast<int>(config.Int("DB_POOL_SIZE", 8, 1, 256));
  const int64_t drain_ms = config.Int("DRAIN_DELAY_MS", 2000, 0, 600000);
  const int64_t grace_ms = config.Int("SHUTDOWN_GRACE_MS", 10000, 0, 600000);
  const bool migrate_on_start = config.Bool("MIGRATE_ON_START", true);
  const std::string bind = config.String("BIND_ADDRESS", "0.0.0.0");
  const int idle_threads = static_cast<int>(config.Int("GRPC_IDLE_THREADS", 64, 1, 1024));
  // Calls handled at once before new ones are refused (RESOURCE_EXHAUSTED).
  const int max_in_flight = static_cast<int>(config.Int("MAX_CALLS_IN_FLIGHT", 512, 0, 100000));
  // Also listen on this Unix socket (callers on the same machine skip TCP).
  const std::string unix_socket = config.String("UNIX_SOCKET", "");
  // TLS on PORT and UNIX_SOCKET (mutual TLS with a CA): see libs/tls.
  const tls::Files tls_files = tls::Read(&config);
  // A plaintext health-only listener for probes (0 = none).
  const int probe_port = config.Port("PROBE_PORT", 0);

  if (migrate_only) {
    config.ExitIfInvalid();
    int applied = 0;
    absl::Status s = db::Migrate(database_url, spec.schema, *spec.migrations, &applied);
    if (!s.ok()) {
      log::Error("migration failed", {{"error", std::string(s.message())}});
      return 1;
    }
    log::Info("migrations up to date", {{"applied", absl::StrCat(applied)}});
    return 0;
  }

  db::PoolOptions pool_options;
  pool_options.conninfo = database_url;
  pool_options.schema = spec.schema;
  pool_options.max_size = pool_size;
  db::Pool pool(pool_options);
  metrics::Metrics metrics(spec.service);
  metrics.AddGauge("grpc_server_calls_in_flight", "Calls being handled now.", {},
                   [] { return CallsInFlight(); });
  const char* kPoolHelp = "PostgreSQL connections of the pool (in_use = open - idle).";
  metrics.AddGauge("db_pool_connections", kPoolHelp, {{"state", "open"}},
                   [&pool] { return pool.stats().open; });
  metrics.AddGauge("db_pool_connections", kPoolHelp, {{"state", "idle"}},
                   [&pool] { return pool.stats().idle; });
  metrics.AddGauge("db_pool_waiting", "Callers waiting for a free connection.", {},
                   [&pool] { return pool.stats().waiting; });

  absl::StatusOr<Built> built = build(Wiring{&config, &pool, &metrics, &tls_files});
  if (list_config) {
    // The variables this service reads with their defaults, for operators
    // and for the deployment and README checks (one JSON object).
    auto quoted = [](const std::string& s) {
      std::string out = "\"";
      for (char ch : s) {
        if (ch == '"' || ch == '\\') out += '\\';
        out += ch;
      }
      return out + "\"";
    };
    std::cout << "{\"service\": " << quoted(spec.service) << ", \"reads\": [";
    bool first = true;
    for (const auto& [name, value] : config.effective()) {
      std::cout << (first ? "" : ", ") << quoted(name);
      first = false;
    }
    std::cout << "], \"defaults\": {";
    first = true;
    for (const auto& [name, value] : config.defaults()) {
      std::cout << (first ? "" : ", ") << quoted(name) << ": " << quoted(value);
      first = false;
    }
    std::cout << "}, \"required\": [";
    first = true;
    for (const auto& name : config.required()) {
      std::cout << (first ? "" : ", ") << quoted(name);
      first = false;
    }
    std::cout << "]}" << std::endl;
    return 0;
  }
  config.ExitIfInvalid();
  if (!built.ok()) {
    log::Error("cannot start", {{"error", std::string(built.status().message())}});
    return 1;
  }
  std::map<std::string, std::string> effective(config.effective().begin(),
                                               config.effective().end());
  log::Info("configuration", effective);

  if (metrics_port > 0) {
    absl::Status s = metrics.Expose(metrics_port);
    if (!s.ok()) log::Warning("metrics disabled", {{"error", std::string(s.message())}});
  }

  SetMaxCallsInFlight(max_in_flight);
  HostOptions host_options;
  host_options.service = spec.service;
  host_options.listen_address = absl::StrCat(bind, ":", port);
  if (!unix_socket.empty()) host_options.unix_socket = unix_socket;
  if (tls_files.serves_tls()) host_options.credentials = tls::ServerCredentials(tls_files);
  if (probe_port > 0) host_options.probe_address = absl::StrCat(bind, ":", probe_port);
  host_options.max_idle_threads = idle_threads;
  host_options.drain_delay = absl::Milliseconds(drain_ms);
  host_options.shutdown_grace = absl::Milliseconds(grace_ms);
  ServiceHost host(host_options);
  for (auto& s : built->services) host.Register(s.get());
  absl::Status started = host.Start();
  if (!started.ok()) {
    log::Error("cannot start", {{"error", std::string(started.message())}});
    return 1;
  }

  // Readiness follows the database: NOT_SERVING until it answers and the
  // migrations are applied, and again the moment a call finds it gone (the
  // pool tells); a ping every second (every 250 ms while not ready) brings
  // it back.
  std::mutex mu;
  std::condition_variable cv;
  bool stopping = false;
  std::atomic<bool> initialized{false};
  pool.SetReachabilityObserver([&](bool reachable) {
    if (!reachable && initialized) host.SetReady(false);
    cv.notify_all();
  });
  std::thread watcher([&] {
    while (true) {
      bool ok = false;
      if (!initialized) {
        // Without migrating itself, a replica is ready once the Job has
        // applied every migration this binary knows.
        absl::Status s = migrate_on_start
                             ? db::Migrate(database_url, spec.schema, *spec.migrations)
                             : db::CheckMigrated(database_url, spec.schema, *spec.migrations);
        if (s.ok() && built->on_ready) s = built->on_ready();
        if (s.ok()) {
          initialized = true;
          ok = true;
        } else {
          log::Warning("waiting for the database", {{"error", std::string(s.message())}});
        }
      } else {
        ok = pool.Ping().ok();
      }
      host.SetReady(ok);
      std::unique_lock<std::mutex> lock(mu);
      const auto period = std::chrono::milliseconds(ok ? 1000 : 250);
      if (cv.wait_for(lock, period, [&] { return stopping; })) return;
    }
  });

  const int sig = WaitForTerminationSignal();
  log::Info("signal received, shutting down", {{"signal", strsignal(sig)}});
  {
    std::lock_guard<std::mutex> lock(mu);
    stopping = true;
  }
  cv.notify_all();
  watcher.join();
  host.Shutdown();
  if (built->on_stop) built->on_stop();
  log::Info("stopped");
  return 0;
}

}  // namespace callcenter::server
