// Continuity programs: a parent order's children when due, and cancelling what
// remains. End to end through the front door (front_door_fixture.h).
#include "tests/e2e/front_door_fixture.h"

namespace callcenter::testing {
namespace {

TEST_F(FrontDoorTest, ContinuityParentGetsItsChildren) {
  Order order = SubmittedContinuityOrder();
  grpc::ClientContext ctx;
  order::v1::RunDueRequest run;
  run.set_as_of("2099-01-01");
  order::v1::RunDueResponse ran;
  ASSERT_TRUE(suite->continuity->RunDue(&ctx, run, &ran).ok());
  Order parent = Get(order.order_id());
  ASSERT_EQ(parent.child_order_ids_size(), 2);
  Order child = Get(parent.child_order_ids(0));
  EXPECT_EQ(child.parent_order_id(), order.order_id());
  EXPECT_EQ(child.total().minor_units(), 1900);
}

// The customer stops the subscription after the first child: the agent
// cancels the rest; no further children come, the log says who and why.
TEST_F(FrontDoorTest, ContinuityCancelledAfterTheFirstChild) {
  Order order = SubmittedContinuityOrder();
  auto run_due = [&](absl::Duration ahead) {
    grpc::ClientContext ctx;
    order::v1::RunDueRequest run;
    run.set_as_of(absl::FormatTime("%Y-%m-%d", absl::Now() + ahead, absl::UTCTimeZone()));
    order::v1::RunDueResponse ran;
    EXPECT_TRUE(suite->continuity->RunDue(&ctx, run, &ran).ok());
  };
  run_due(absl::Hours(24 * 31));  // the first child, 30 days on
  ASSERT_EQ(Get(order.order_id()).child_order_ids_size(), 1);

  fd::CancelContinuityRequest cancel;
  cancel.set_request_id(Id("stop"));
  cancel.set_order_id(order.order_id());
  cancel.set_reason("customer request");
  fd::CancelContinuityResponse stopped;
  // Someone who is no user of the call center may not; the reason is required.
  EXPECT_EQ(suite->front->CancelContinuity(suite->As(Id("outsider")).get(), cancel, &stopped)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  fd::CancelContinuityRequest no_reason = cancel;
  no_reason.clear_reason();
  grpc::Status s =
      suite->front->CancelContinuity(suite->As(Id("agent")).get(), no_reason, &stopped);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("reason"), std::string::npos);

  ASSERT_TRUE(suite->front->CancelContinuity(suite->As(Id("agent")).get(), cancel, &stopped).ok());
  const auto& events = stopped.order().events();
  ASSERT_GT(events.size(), 0);
  EXPECT_EQ(events[events.size() - 1].kind(), "continuity_cancelled");
  EXPECT_EQ(events[events.size() - 1].user_id(), Id("agent"));
  EXPECT_EQ(events[events.size() - 1].detail(),
            "1 remaining shipments cancelled: customer request");
  // A retry changes nothing more; no further child ever comes.
  fd::CancelContinuityResponse again;
  ASSERT_TRUE(suite->front->CancelContinuity(suite->As(Id("agent")).get(), cancel, &again).ok());
  EXPECT_EQ(again.order().events_size(), stopped.order().events_size());
  run_due(absl::Hours(24 * 365));
  EXPECT_EQ(Get(order.order_id()).child_order_ids_size(), 1);

  // An order without a schedule has nothing to cancel.
  Order plain = Start("", Id("plain"));
  cancel.set_request_id(Id("stop-plain"));
  cancel.set_order_id(plain.order_id());
  EXPECT_EQ(
      suite->front->CancelContinuity(suite->As(Id("agent")).get(), cancel, &stopped).error_code(),
      grpc::StatusCode::FAILED_PRECONDITION);
}

// ------------------------------------------------------------- history

}  // namespace
}  // namespace callcenter::testing
