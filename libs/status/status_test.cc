#include "libs/status/status.h"

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace callcenter {
namespace {

TEST(StatusTest, MapsEveryCodeBothWays) {
  const absl::StatusCode codes[] = {
      absl::StatusCode::kInvalidArgument,   absl::StatusCode::kNotFound,
      absl::StatusCode::kAlreadyExists,     absl::StatusCode::kFailedPrecondition,
      absl::StatusCode::kPermissionDenied,  absl::StatusCode::kUnauthenticated,
      absl::StatusCode::kAborted,           absl::StatusCode::kUnavailable,
      absl::StatusCode::kDeadlineExceeded,  absl::StatusCode::kResourceExhausted,
      absl::StatusCode::kInternal,          absl::StatusCode::kUnimplemented};
  for (absl::StatusCode code : codes) {
    absl::Status in(code, "msg");
    grpc::Status g = ToGrpcStatus(in);
    EXPECT_EQ(static_cast<int>(g.error_code()), static_cast<int>(code));
    EXPECT_EQ(g.error_message(), "msg");
    absl::Status back = FromGrpcStatus(g);
    EXPECT_EQ(back.code(), code);
    EXPECT_EQ(back.message(), "msg");
  }
}

// What a client in any language decodes from grpc-status-details-bin.
google::rpc::Status DetailsOf(const grpc::Status& g) {
  google::rpc::Status details;
  EXPECT_TRUE(details.ParseFromString(g.error_details()));
  return details;
}

TEST(StatusTest, EveryErrorCarriesAnErrorInfo) {
  google::rpc::Status d = DetailsOf(ToGrpcStatus(absl::NotFoundError("order x not found")));
  EXPECT_EQ(d.code(), static_cast<int>(grpc::StatusCode::NOT_FOUND));
  EXPECT_EQ(d.message(), "order x not found");
  ASSERT_EQ(d.details_size(), 1);
  google::rpc::ErrorInfo info;
  ASSERT_TRUE(d.details(0).UnpackTo(&info));
  EXPECT_EQ(d.details(0).type_url(), "type.googleapis.com/google.rpc.ErrorInfo");
  EXPECT_EQ(info.reason(), "NOT_FOUND");
  EXPECT_EQ(info.domain(), "callcenter");
}

TEST(StatusTest, InvalidFieldCarriesABadRequestNamingTheField) {
  grpc::Status g = ToGrpcStatus(InvalidField("lines[3].quantity", "must be 1 to 9999"));
  google::rpc::Status d = DetailsOf(g);
  ASSERT_EQ(d.details_size(), 2);
  google::rpc::ErrorInfo info;
  google::rpc::BadRequest bad;
  ASSERT_TRUE(d.details(0).UnpackTo(&info));
  ASSERT_TRUE(d.details(1).UnpackTo(&bad));
  EXPECT_EQ(info.reason(), "INVALID_FIELD");
  ASSERT_EQ(bad.field_violations_size(), 1);
  EXPECT_EQ(bad.field_violations(0).field(), "lines[3].quantity");
  EXPECT_EQ(bad.field_violations(0).description(), "must be 1 to 9999");
}

TEST(StatusTest, PlainInvalidArgumentGetsABadRequestFromItsMessage) {
  google::rpc::BadRequest bad;
  ASSERT_TRUE(DetailsOf(ToGrpcStatus(absl::InvalidArgumentError("coupon_code: unknown")))
                  .details(1)
                  .UnpackTo(&bad));
  EXPECT_EQ(bad.field_violations(0).field(), "coupon_code");
}

TEST(StatusTest, ReasonAndFieldsSurviveAHop) {
  absl::Status first = WithReason(InvalidField("amount", "above the balance due 12.00"),
                                  "PAYMENT_EXCEEDS_BALANCE", {{"balance_due", "1200"}});
  // Downstream service -> wire -> front door -> wire -> caller.
  absl::Status relayed = FromGrpcStatus(ToGrpcStatus(first));
  EXPECT_EQ(ReasonOf(relayed), "PAYMENT_EXCEEDS_BALANCE");
  EXPECT_TRUE(HasReason(relayed));
  EXPECT_EQ(MetadataOf(relayed).at("balance_due"), "1200");
  ASSERT_EQ(FieldViolationsOf(relayed).size(), 1u);
  EXPECT_EQ(FieldViolationsOf(relayed)[0].first, "amount");
  absl::Status again = FromGrpcStatus(ToGrpcStatus(relayed));
  EXPECT_EQ(ReasonOf(again), "PAYMENT_EXCEEDS_BALANCE");
  EXPECT_EQ(FieldViolationsOf(again).size(), 1u);
}

TEST(StatusTest, WithMessageKeepsTheDetails) {
  absl::Status s = WithMessage(
      WithReason(absl::UnavailableError("socket /x refused"), kReasonServiceUnavailable),
      "the order service is unavailable");
  EXPECT_EQ(s.message(), "the order service is unavailable");
  EXPECT_EQ(ReasonOf(s), kReasonServiceUnavailable);
  EXPECT_FALSE(HasReason(absl::UnavailableError("x")));
}

TEST(StatusTest, OkIsOk) {
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
  EXPECT_TRUE(FromGrpcStatus(grpc::Status::OK).ok());
}

TEST(StatusTest, InvalidFieldNamesTheField) {
  absl::Status s = InvalidField("line.quantity", "must be > 0");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "line.quantity: must be > 0");
}

absl::StatusOr<int> Half(int x) {
  if (x % 2) return absl::InvalidArgumentError("odd");
  return x / 2;
}

absl::Status UseMacros(int x, int* out) {
  ASSIGN_OR_RETURN(int h, Half(x));
  RETURN_IF_ERROR(h > 10 ? absl::OutOfRangeError("big") : absl::OkStatus());
  *out = h;
  return absl::OkStatus();
}

TEST(StatusTest, Macros) {
  int out = 0;
  EXPECT_TRUE(UseMacros(8, &out).ok());
  EXPECT_EQ(out, 4);
  EXPECT_EQ(UseMacros(3, &out).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(UseMacros(40, &out).code(), absl::StatusCode::kOutOfRange);
}

}  // namespace
}  // namespace callcenter
