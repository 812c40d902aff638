// What one gRPC call between two of the suite's processes costs in CPU,
// with the caller's thread parked on a blocking stub (as the front door
// calls today) or with no thread parked at all (gRPC's callback API, each
// completion issuing the next call): docs/benchmarks.md, issue 25.
//
//   bazel build -c opt //tests/load:call_cost
//   bazel-bin/tests/load/call_cost --target=unix:<state>/sockets/guidedselling.sock \
//       --server_pid=$(cat <state>/guidedselling.pid) --mode=sync --in_flight=16
//
// Each call is guided selling's GetGuidance with nothing asked (the
// server's work is the call itself). It prints calls per second and the CPU
// per call of this process (the caller) and of the server.
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "callcenter/guidedselling/v1/guidedselling.grpc.pb.h"
#include "grpcpp/grpcpp.h"

ABSL_FLAG(std::string, target, "", "the guided selling service (gRPC target)");
ABSL_FLAG(int, server_pid, 0, "its process id, for its CPU (0: not measured)");
ABSL_FLAG(std::string, mode, "sync", "sync: blocking stubs, one thread per call in flight; "
                                     "callback: no thread parked, each completion calls again");
ABSL_FLAG(int, in_flight, 16, "calls in flight at once");
ABSL_FLAG(int, seconds, 10, "how long to measure (after one second of warm-up)");

namespace {

using callcenter::guidedselling::v1::GetGuidanceRequest;
using callcenter::guidedselling::v1::GetGuidanceResponse;
using callcenter::guidedselling::v1::GuidedSellingService;

double OwnCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double ProcessCpuSeconds(int pid) {
  if (pid == 0) return 0;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string field;
  long ticks = 0;
  for (int i = 1; i <= 15 && stat >> field; ++i) {
    if (i == 14 || i == 15) ticks += std::stol(field);  // utime, stime
  }
  return static_cast<double>(ticks) / sysconf(_SC_CLK_TCK);
}

std::atomic<bool> counting{false};
std::atomic<bool> stopping{false};
std::atomic<long> calls{0};
std::atomic<long> failures{0};

void Count(const grpc::Status& s) {
  if (!counting) return;
  if (s.ok()) {
    calls.fetch_add(1, std::memory_order_relaxed);
  } else {
    failures.fetch_add(1, std::memory_order_relaxed);
  }
}

// One call after another on a blocking stub, on its own thread.
void SyncLoop(GuidedSellingService::Stub* stub) {
  GetGuidanceRequest req;
  GetGuidanceResponse resp;
  while (!stopping) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(3));
    Count(stub->GetGuidance(&ctx, req, &resp));
  }
}

// One call after another with no thread of its own: each completion,
// on gRPC's thread, starts the next call.
class CallbackChain {
 public:
  explicit CallbackChain(GuidedSellingService::Stub* stub) : stub_(stub) {}

  void Start() { Next(); }
  void Wait() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return done_; });
  }

 private:
  void Next() {
    ctx_ = std::make_unique<grpc::ClientContext>();
    ctx_->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(3));
    stub_->async()->GetGuidance(ctx_.get(), &req_, &resp_, [this](grpc::Status s) {
      Count(s);
      if (!stopping) {
        Next();
        return;
      }
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
      cv_.notify_all();
    });
  }

  GuidedSellingService::Stub* stub_;
  std::unique_ptr<grpc::ClientContext> ctx_;
  GetGuidanceRequest req_;
  GetGuidanceResponse resp_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
};

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string target = absl::GetFlag(FLAGS_target);
  if (target.empty()) {
    std::fprintf(stderr, "--target is required\n");
    return 2;
  }
  const std::string mode = absl::GetFlag(FLAGS_mode);
  const int in_flight = absl::GetFlag(FLAGS_in_flight);
  const int server_pid = absl::GetFlag(FLAGS_server_pid);
  auto stub = GuidedSellingService::NewStub(
      grpc::CreateChannel(target, grpc::InsecureChannelCredentials()));

  std::vector<std::thread> threads;
  std::vector<std::unique_ptr<CallbackChain>> chains;
  if (mode == "sync") {
    for (int i = 0; i < in_flight; ++i) threads.emplace_back(SyncLoop, stub.get());
  } else if (mode == "callback") {
    for (int i = 0; i < in_flight; ++i) {
      chains.push_back(std::make_unique<CallbackChain>(stub.get()));
      chains.back()->Start();
    }
  } else {
    std::fprintf(stderr, "--mode is sync or callback\n");
    return 2;
  }

  absl::SleepFor(absl::Seconds(1));  // warm-up: connections, threads
  const double own_before = OwnCpuSeconds();
  const double server_before = ProcessCpuSeconds(server_pid);
  const absl::Time start = absl::Now();
  counting = true;
  absl::SleepFor(absl::Seconds(absl::GetFlag(FLAGS_seconds)));
  counting = false;
  const double elapsed = absl::ToDoubleSeconds(absl::Now() - start);
  const double own = OwnCpuSeconds() - own_before;
  const double server = ProcessCpuSeconds(server_pid) - server_before;
  stopping = true;
  for (auto& t : threads) t.join();
  for (auto& c : chains) c->Wait();

  const long n = calls.load();
  if (n == 0) {
    std::fprintf(stderr, "no call succeeded (%ld failed)\n", failures.load());
    return 1;
  }
  std::printf("mode=%s in_flight=%d calls/s=%.0f failed=%ld caller_us_per_call=%.1f "
              "server_us_per_call=%.1f\n",
              mode.c_str(), in_flight, n / elapsed, failures.load(), 1e6 * own / n,
              server_pid ? 1e6 * server / n : 0.0);
  return 0;
}
