#include "libs/status/status.h"

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
    EXPECT_EQ(FromGrpcStatus(g), in);
  }
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
