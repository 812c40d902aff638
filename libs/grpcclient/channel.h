#ifndef CALLCENTER_LIBS_GRPCCLIENT_CHANNEL_H_
#define CALLCENTER_LIBS_GRPCCLIENT_CHANNEL_H_

#include <memory>
#include <string>

#include "grpcpp/grpcpp.h"

namespace callcenter::grpcclient {

struct RetryPolicy {
  // Attempts in all, the first included: 2 to 5 (gRPC's bounds).
  int max_attempts = 3;
  int initial_backoff_ms = 20;
  int max_backoff_ms = 200;
  // Longest wait between attempts to reconnect to a service that went away
  // (gRPC's default grows to 120 s: a restarted service would stay cut off).
  int max_reconnect_backoff_ms = 1000;
};

// The service config for `service` (full name, e.g.
// "callcenter.pricing.v1.PricingService"): round-robin over the addresses a
// headless Service resolves to, and UNAVAILABLE retried with backoff (the
// call did not reach a healthy server). gRPC never retries past the call's
// deadline, so a retry cannot outlive the caller's budget.
std::string ServiceConfigJson(const std::string& service, const RetryPolicy& retry);

// One long-lived channel to a downstream service whose every method is safe
// to repeat: a read, or a change keyed by a request id (idempotent).
// `credentials`: null = plaintext (see libs/tls for TLS and mutual TLS).
std::shared_ptr<grpc::Channel> NewIdempotentServiceChannel(
    const std::string& target, const std::string& service, const RetryPolicy& retry = {},
    std::shared_ptr<grpc::ChannelCredentials> credentials = nullptr);

}  // namespace callcenter::grpcclient

#endif  // CALLCENTER_LIBS_GRPCCLIENT_CHANNEL_H_
