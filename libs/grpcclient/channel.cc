#include "libs/grpcclient/channel.h"

#include "absl/strings/str_format.h"

namespace callcenter::grpcclient {

std::string ServiceConfigJson(const std::string& service, const RetryPolicy& retry) {
  return absl::StrFormat(
      R"({"loadBalancingConfig": [{"round_robin": {}}],)"
      R"( "methodConfig": [{"name": [{"service": "%s"}],)"
      R"( "retryPolicy": {"maxAttempts": %d, "initialBackoff": "%.3fs", "maxBackoff": "%.3fs",)"
      R"( "backoffMultiplier": 2, "retryableStatusCodes": ["UNAVAILABLE"]}}]})",
      service, retry.max_attempts, retry.initial_backoff_ms / 1000.0, retry.max_backoff_ms / 1000.0);
}

std::shared_ptr<grpc::Channel> NewIdempotentServiceChannel(const std::string& target,
                                                           const std::string& service,
                                                           const RetryPolicy& retry) {
  grpc::ChannelArguments args;
  args.SetServiceConfigJSON(ServiceConfigJson(service, retry));
  return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
}

}  // namespace callcenter::grpcclient
