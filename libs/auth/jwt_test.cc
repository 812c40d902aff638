#include "libs/auth/jwt.h"

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"

namespace callcenter::auth {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1800000000);

TEST(JwtTest, AcceptsValidToken) {
  std::string token = SignHs256("agent-1", kNow + absl::Hours(1), "s3cret");
  absl::StatusOr<Claims> claims = VerifyHs256(token, "s3cret", kNow);
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->subject, "agent-1");
  EXPECT_EQ(claims->expires, kNow + absl::Hours(1));
}

TEST(JwtTest, AcceptsTokenFromAnotherImplementation) {
  // Signed independently with Python's hmac module: sub "u1", exp 4102444800, key "k".
  const std::string token =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1MSIsImV4cCI6NDEwMjQ0NDgwMH0."
      "h_hkkj9D-caNwNEnJpBOhvwUhe9TG5PDA5ZFNjoIm2w";
  absl::StatusOr<Claims> claims = VerifyHs256(token, "k", kNow);
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->subject, "u1");
}

TEST(JwtTest, RejectsWrongSecret) {
  std::string token = SignHs256("agent-1", kNow + absl::Hours(1), "s3cret");
  EXPECT_EQ(VerifyHs256(token, "other", kNow).status().code(), absl::StatusCode::kUnauthenticated);
}

TEST(JwtTest, RejectsExpired) {
  std::string token = SignHs256("agent-1", kNow - absl::Seconds(1), "s3cret");
  absl::Status s = VerifyHs256(token, "s3cret", kNow).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(s.message().find("expired"), absl::string_view::npos);
}

TEST(JwtTest, RejectsTamperedPayload) {
  std::string token = SignHs256("agent-1", kNow + absl::Hours(1), "s3cret");
  std::string good = SignHs256("admin", kNow + absl::Hours(1), "s3cret");
  // Payload of one token with the signature of another.
  std::string forged = good.substr(0, good.rfind('.')) + token.substr(token.rfind('.'));
  EXPECT_EQ(VerifyHs256(forged, "s3cret", kNow).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(JwtTest, RejectsAlgNone) {
  std::string header = absl::WebSafeBase64Escape(R"({"alg":"none"})");
  std::string payload = absl::WebSafeBase64Escape(R"({"sub":"x","exp":4102444800})");
  EXPECT_FALSE(VerifyHs256(header + "." + payload + ".", "s3cret", kNow).ok());
}

TEST(JwtTest, RejectsGarbage) {
  EXPECT_FALSE(VerifyHs256("", "s", kNow).ok());
  EXPECT_FALSE(VerifyHs256("a.b", "s", kNow).ok());
  EXPECT_FALSE(VerifyHs256("a.b.c", "s", kNow).ok());
}

TEST(JwtTest, BearerHeader) {
  EXPECT_EQ(*BearerToken("Bearer abc"), "abc");
  EXPECT_EQ(*BearerToken("bearer abc"), "abc");
  EXPECT_FALSE(BearerToken("Basic abc").ok());
  EXPECT_FALSE(BearerToken("Bearer ").ok());
  EXPECT_FALSE(BearerToken("").ok());
}

}  // namespace
}  // namespace callcenter::auth
