#include "services/orchestration/clients/call.h"

#include "absl/strings/str_cat.h"
#include "libs/logging/log.h"
#include "libs/status/status.h"

namespace callcenter::orchestration {

CallScope CallScope::Keyed(absl::string_view suffix) const {
  return CallScope{absl::StrCat(request_id, suffix), deadline};
}

std::unique_ptr<grpc::ClientContext> CallFactory::New(const CallScope& scope) const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  // Deadlines are real time (gRPC's), never the injected business clock.
  ctx->set_deadline(absl::ToChronoTime(DeadlineFor(scope, absl::Now())));
  if (!scope.request_id.empty()) ctx->AddMetadata("x-request-id", scope.request_id);
  return ctx;
}

absl::Status FromDownstream(const char* service, const grpc::Status& status) {
  absl::Status s = FromGrpcStatus(status);
  const char* what = nullptr;
  switch (s.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kResourceExhausted:
      what = "is unavailable; retry with backoff";
      break;
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kCancelled:
      what = "did not answer in time; retry with backoff";
      break;
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kUnimplemented:
      what = "failed (the error is logged)";
      break;
    default:
      return s;  // our services' own words: codes a caller acts on
  }
  const std::string reason =
      HasReason(s) ? ReasonOf(s)
      : s.code() == absl::StatusCode::kInternal || s.code() == absl::StatusCode::kUnknown
          ? kReasonInternal
          : kReasonServiceUnavailable;
  // A database outage behind a service is logged there, once per change.
  if (reason != kReasonDatabaseUnavailable) {
    log::Warning("downstream call failed", {{"service", service},
                                            {"code", absl::StatusCodeToString(s.code())},
                                            {"error", std::string(s.message())}});
  }
  return WithReason(WithMessage(s, absl::StrCat("the ", service, " service ", what)), reason,
                    {{"service", service}});
}

}  // namespace callcenter::orchestration
