#ifndef CALLCENTER_SERVICES_ORCHESTRATION_IDENTITY_H_
#define CALLCENTER_SERVICES_ORCHESTRATION_IDENTITY_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "grpcpp/server_context.h"
#include "libs/validation/validation.h"
#include "services/orchestration/workflows/context.h"

namespace callcenter::orchestration {

// Every handler's first step: who calls (bearer JWT, HS256), whether the
// request keeps API.md's limits, and the request id scoped for downstream.
class CallerIdentity {
 public:
  CallerIdentity(std::string jwt_secret, absl::Duration max_token_lifetime,
                 validation::Limits limits, Clock clock)
      : jwt_secret_(std::move(jwt_secret)),
        max_token_lifetime_(max_token_lifetime),
        limits_(limits),
        clock_(std::move(clock)) {}

  // Checks the request against the limits (INVALID_ARGUMENT naming the
  // field), authenticates the caller and scopes `request_id` (required when
  // `mutating`); the caller's deadline is the call's.
  absl::StatusOr<Caller> Identify(const grpc::ServerContext* ctx, const char* method,
                                  const google::protobuf::Message& request,
                                  const std::string& request_id, bool mutating) const;

 private:
  absl::StatusOr<std::string> Authenticate(const grpc::ServerContext* ctx) const;

  std::string jwt_secret_;
  absl::Duration max_token_lifetime_;
  validation::Limits limits_;
  Clock clock_;
};

}  // namespace callcenter::orchestration

#endif  // CALLCENTER_SERVICES_ORCHESTRATION_IDENTITY_H_
