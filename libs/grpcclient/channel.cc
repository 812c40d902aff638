#include "libs/grpcclient/channel.h"

#include <algorithm>

#include "absl/strings/str_format.h"

namespace callcenter::grpcclient {

std::string ServiceConfigJson(const std::string& service, const RetryPolicy& retry) {
  return absl::StrFormat(
      R"({"loadBalancingConfig": [{"round_robin": {}}],)"
      R"( "methodConfig": [{"name": [{"service": "%s"}],)"
      R"( "retryPolicy": {"maxAttempts": %d, "initialBackoff": "%.3fs", "maxBackoff": "%.3fs",)"
      R"( "backoffMultiplier": 2, "retryableStatusCodes": ["UNAVAILABLE"]}}]})",
      service, std::clamp(retry.max_attempts, 2, 5), retry.initial_backoff_ms / 1000.0,
      retry.max_backoff_ms / 1000.0);
}

std::shared_ptr<grpc::Channel> NewIdempotentServiceChannel(
    const std::string& target, const std::string& service, const RetryPolicy& retry,
    std::shared_ptr<grpc::ChannelCredentials> credentials) {
  grpc::ChannelArguments args;
  args.SetServiceConfigJSON(ServiceConfigJson(service, retry));
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, std::min(100, retry.max_reconnect_backoff_ms));
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, std::min(100, retry.max_reconnect_backoff_ms));
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, retry.max_reconnect_backoff_ms);
  return grpc::CreateCustomChannel(
      target, credentials ? credentials : grpc::InsecureChannelCredentials(), args);
}

}  // namespace callcenter::grpcclient
