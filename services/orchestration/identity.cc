#include "services/orchestration/identity.h"

#include <chrono>

#include "libs/auth/jwt.h"
#include "libs/status/status.h"

namespace callcenter::orchestration {

namespace {

// The caller's deadline (gRPC reports "none" as the largest time point).
absl::Time DeadlineOf(const grpc::ServerContext* ctx) {
  const auto d = ctx->deadline();
  if (d >= std::chrono::system_clock::time_point::max() - std::chrono::hours(24 * 365 * 100)) {
    return absl::InfiniteFuture();
  }
  return absl::FromChrono(d);
}

}  // namespace

absl::StatusOr<std::string> CallerIdentity::Authenticate(const grpc::ServerContext* ctx) const {
  const auto& md = ctx->client_metadata();
  auto it = md.find("authorization");
  if (it == md.end()) {
    return absl::UnauthenticatedError(
        "missing bearer token (metadata authorization: Bearer <JWT>)");
  }
  ASSIGN_OR_RETURN(std::string token,
                   auth::BearerToken(absl::string_view(it->second.data(), it->second.size())));
  ASSIGN_OR_RETURN(auth::Claims claims,
                   auth::VerifyHs256(token, jwt_secret_, clock_.Now(), max_token_lifetime_));
  return claims.subject;
}

absl::StatusOr<Caller> CallerIdentity::Identify(const grpc::ServerContext* ctx, const char* method,
                                                const google::protobuf::Message& request,
                                                const std::string& request_id,
                                                bool mutating) const {
  ASSIGN_OR_RETURN(std::string user_id, Authenticate(ctx));
  if (mutating && request_id.empty()) return InvalidField("request_id", "required");
  RETURN_IF_ERROR(validation::CheckMessage(request, limits_));
  Caller caller;
  if (!request_id.empty()) caller.request_id = ScopedRequestId(user_id, method, request_id);
  caller.user_id = std::move(user_id);
  caller.deadline = DeadlineOf(ctx);
  return caller;
}

}  // namespace callcenter::orchestration
