#ifndef CALLCENTER_LIBS_SERVER_SERVE_H_
#define CALLCENTER_LIBS_SERVER_SERVE_H_

#include <atomic>
#include <exception>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/grpcpp.h"
#include "libs/logging/log.h"
#include "libs/metrics/metrics.h"
#include "libs/status/status.h"

namespace callcenter::server {

namespace internal {
inline std::atomic<int> calls_in_flight{0};
inline std::atomic<int> max_calls_in_flight{0};
}  // namespace internal

// Caps the calls this process handles at once (0 = no cap). Beyond it a
// call is refused at once with RESOURCE_EXHAUSTED: an overloaded replica
// sheds load instead of queueing every caller into its deadline.
inline void SetMaxCallsInFlight(int max) { internal::max_calls_in_flight = max; }
// Calls being handled now (for the metrics).
inline int CallsInFlight() { return internal::calls_in_flight; }

// The one wrapper around every unary handler: runs `fn` (returning
// absl::Status), turns an escaped exception into INTERNAL, records the RPC's
// code and latency, logs failures, and maps the status to gRPC.
template <typename Fn>
grpc::Status Serve(metrics::Metrics* metrics, const char* method, const std::string& request_id,
                   Fn&& fn) {
  const absl::Time start = absl::Now();
  absl::Status status;
  const int max = internal::max_calls_in_flight;
  if (internal::calls_in_flight.fetch_add(1) >= max && max > 0) {
    status = absl::ResourceExhaustedError(
        absl::StrCat("server busy: ", max, " calls in flight; retry with backoff"));
  } else {
    try {
      status = fn();
    } catch (const std::exception& e) {
      log::Error("exception in a handler", {{"method", method}, {"error", e.what()}});
      status = WithReason(absl::InternalError("internal error (logged)"), kReasonInternal);
    }
  }
  internal::calls_in_flight.fetch_sub(1);
  if (metrics != nullptr) {
    metrics->RecordRpc(method, absl::StatusCodeToString(status.code()), absl::Now() - start);
  }
  // A database outage is logged once per change by the pool, not per call.
  if (!status.ok() && ReasonOf(status) != kReasonDatabaseUnavailable) {
    const bool server_fault = status.code() == absl::StatusCode::kInternal ||
                              status.code() == absl::StatusCode::kUnknown ||
                              status.code() == absl::StatusCode::kDataLoss;
    log::Write(server_fault ? log::Severity::kError : log::Severity::kInfo, status.message(),
               request_id,
               {{"method", method}, {"code", absl::StatusCodeToString(status.code())}});
  }
  return ToGrpcStatus(status);
}

}  // namespace callcenter::server

#endif  // CALLCENTER_LIBS_SERVER_SERVE_H_
