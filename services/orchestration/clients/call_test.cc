// The one deadline rule of every downstream call, and the status mapping.
#include "services/orchestration/clients/call.h"

#include "gtest/gtest.h"
#include "libs/status/status.h"

namespace callcenter::orchestration {
namespace {

TEST(CallFactoryTest, DeadlineIsTheEarlierOfTheCallersAndTheCallsOwn) {
  const absl::Time now = absl::FromUnixSeconds(1'800'000'000);
  const CallFactory calls(absl::Seconds(3));
  struct Case {
    const char* name;
    absl::Time caller_deadline;
    absl::Time want;
  };
  const Case cases[] = {
      {"no caller deadline (the system's work)", absl::InfiniteFuture(), now + absl::Seconds(3)},
      {"the caller has longer", now + absl::Seconds(20), now + absl::Seconds(3)},
      {"the caller has less", now + absl::Seconds(1), now + absl::Seconds(1)},
      {"exactly the same", now + absl::Seconds(3), now + absl::Seconds(3)},
      {"the caller's already passed", now - absl::Seconds(1), now - absl::Seconds(1)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(calls.DeadlineFor(CallScope{"r1", c.caller_deadline}, now), c.want);
  }
}

TEST(CallFactoryTest, ContextCarriesTheRequestIdAndTheDeadline) {
  const CallFactory calls(absl::Seconds(3));
  const absl::Time caller = absl::Now() + absl::Milliseconds(500);
  std::unique_ptr<grpc::ClientContext> ctx = calls.New(CallScope{"r1", caller});
  EXPECT_LE(absl::FromChrono(ctx->deadline()), caller);
  EXPECT_GE(absl::FromChrono(ctx->deadline()), caller - absl::Milliseconds(1));
}

TEST(CallScopeTest, KeyedScopes) {
  const CallScope caller{"r1", absl::FromUnixSeconds(100)};
  EXPECT_EQ(caller.Keyed(":void").request_id, "r1:void");
  EXPECT_EQ(caller.Keyed(":void").deadline, caller.deadline);
}

TEST(FromDownstreamTest, OwnWordsPassFaultsAreSanitised) {
  struct Case {
    const char* name;
    grpc::Status in;
    absl::StatusCode code;
    std::string message;  // empty: passed as it came
    std::string reason;
  };
  const Case cases[] = {
      {"a refusal passes", grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "coupon used up"),
       absl::StatusCode::kFailedPrecondition, "coupon used up", ""},
      {"unavailable hides the address",
       grpc::Status(grpc::StatusCode::UNAVAILABLE, "connect to unix:/tmp/secret.sock failed"),
       absl::StatusCode::kUnavailable, "the pricing service is unavailable; retry with backoff",
       "SERVICE_UNAVAILABLE"},
      {"a deadline", grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "Deadline Exceeded"),
       absl::StatusCode::kDeadlineExceeded,
       "the pricing service did not answer in time; retry with backoff", "SERVICE_UNAVAILABLE"},
      {"internal hides the database's text",
       grpc::Status(grpc::StatusCode::INTERNAL, "ERROR: relation \"x\" does not exist"),
       absl::StatusCode::kInternal, "the pricing service failed (the error is logged)", "INTERNAL"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const absl::Status s = FromDownstream("pricing", c.in);
    EXPECT_EQ(s.code(), c.code);
    EXPECT_EQ(s.message(), c.message);
    if (!c.reason.empty()) {
      EXPECT_EQ(ReasonOf(s), c.reason);
      EXPECT_EQ(MetadataOf(s).at("service"), "pricing");
    }
  }
}

}  // namespace
}  // namespace callcenter::orchestration
