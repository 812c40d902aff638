#include "libs/auth/jwt.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
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
  // It expires in 2100: accepted only where such lifetimes are allowed.
  absl::StatusOr<Claims> claims = VerifyHs256(token, "k", kNow, absl::InfiniteDuration());
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->subject, "u1");
  EXPECT_EQ(VerifyHs256(token, "k", kNow).status().code(), absl::StatusCode::kUnauthenticated);
}

// One thread, several secrets in turn (the keyed context follows the key):
// each token verifies under its own secret only.
TEST(JwtTest, SecretsInTurnOnOneThread) {
  const absl::Time now = absl::FromUnixSeconds(1700000000);
  for (const char* secret : {"a", "b", "a-longer-secret", "a"}) {
    const std::string token = SignHs256("u1", now + absl::Hours(1), secret);
    EXPECT_TRUE(VerifyHs256(token, secret, now).ok()) << "secret '" << secret << "'";
    for (const char* other : {"a", "b", "a-longer-secret"}) {
      if (std::string(other) == secret) continue;
      EXPECT_FALSE(VerifyHs256(token, other, now).ok()) << secret << " vs " << other;
    }
  }
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

// Debian's cpp-jwt 1.4 (libcpp-jwt-dev) ends the process on these: an
// uncaught nlohmann exception when the claims part is a JSON array or
// string, signed or not, even through its error_code overload. One such
// request would take the front door down; this verifier refuses them.
TEST(JwtTest, ClaimsThatAreNotAnObjectAreRefusedNotFatal) {
  const std::string header = absl::WebSafeBase64Escape(R"({"alg":"HS256","typ":"JWT"})");
  for (const std::string claims : {"[1,2]", R"("x")", "5", "null", "[]", R"({"sub":["u"]})"}) {
    const std::string unsigned_token =
        header + "." + absl::WebSafeBase64Escape(claims) + ".AAAA";
    EXPECT_EQ(VerifyHs256(unsigned_token, "s3cret", kNow).status().code(),
              absl::StatusCode::kUnauthenticated)
        << claims;
    EXPECT_EQ(VerifyHs256(SignHs256Payload(claims, "s3cret"), "s3cret", kNow).status().code(),
              absl::StatusCode::kUnauthenticated)
        << claims;
  }
}

// A token signed with `payload` (JSON) by the right secret.
std::string With(const std::string& payload) { return SignHs256Payload(payload, "s3cret"); }
std::string At(absl::Duration d) { return absl::StrCat(absl::ToUnixSeconds(kNow + d)); }

TEST(JwtTest, TimeClaimsAndLifetime) {
  struct Case {
    const char* name;
    std::string payload;
    bool ok;
  };
  const Case cases[] = {
      {"exp only, 1 h", R"({"sub":"u","exp":)" + At(absl::Hours(1)) + "}", true},
      {"iat now, exp in 24 h",
       R"({"sub":"u","iat":)" + At(absl::ZeroDuration()) + R"(,"exp":)" + At(absl::Hours(24)) + "}",
       true},
      {"lifetime 24 h + 1 s",
       R"({"sub":"u","iat":)" + At(absl::ZeroDuration()) + R"(,"exp":)" +
           At(absl::Hours(24) + absl::Seconds(1)) + "}",
       false},
      {"exp 30 days away, no iat", R"({"sub":"u","exp":)" + At(absl::Hours(24 * 30)) + "}", false},
      {"long-lived since iat, even if near exp",
       R"({"sub":"u","iat":)" + At(-absl::Hours(48)) + R"(,"exp":)" + At(absl::Hours(1)) + "}",
       false},
      {"nbf in the past",
       R"({"sub":"u","nbf":)" + At(-absl::Minutes(5)) + R"(,"exp":)" + At(absl::Hours(1)) + "}",
       true},
      {"nbf within the skew",
       R"({"sub":"u","nbf":)" + At(absl::Seconds(30)) + R"(,"exp":)" + At(absl::Hours(1)) + "}",
       true},
      {"nbf in the future",
       R"({"sub":"u","nbf":)" + At(absl::Minutes(5)) + R"(,"exp":)" + At(absl::Hours(1)) + "}",
       false},
      {"iat in the future",
       R"({"sub":"u","iat":)" + At(absl::Minutes(5)) + R"(,"exp":)" + At(absl::Hours(1)) + "}",
       false},
      {"nbf not a number", R"({"sub":"u","nbf":"soon","exp":)" + At(absl::Hours(1)) + "}", false},
      {"exp not a number", R"({"sub":"u","exp":"later"})", false},
      {"exp absurdly far", R"({"sub":"u","exp":1e300})", false},
      {"expired a second ago (exp takes no skew)",
       R"({"sub":"u","exp":)" + At(-absl::Seconds(1)) + "}", false},
  };
  for (const Case& c : cases) {
    absl::StatusOr<Claims> got = VerifyHs256(With(c.payload), "s3cret", kNow);
    EXPECT_EQ(got.ok(), c.ok) << c.name << ": " << got.status();
    if (!c.ok) EXPECT_EQ(got.status().code(), absl::StatusCode::kUnauthenticated) << c.name;
  }
  // The lifetime is configurable.
  const std::string week = R"({"sub":"u","exp":)" + At(absl::Hours(24 * 6)) + "}";
  EXPECT_TRUE(VerifyHs256(With(week), "s3cret", kNow, absl::Hours(24 * 7)).ok());
}

TEST(JwtTest, OnlyCanonicalBase64url) {
  const std::string token = SignHs256("agent-1", kNow + absl::Hours(1), "s3cret");
  ASSERT_TRUE(VerifyHs256(token, "s3cret", kNow).ok());
  // The signature is 32 bytes: 43 characters, the last one carrying 4 bits
  // and 2 unused ones. Flipping an unused bit decodes to the same bytes
  // with a lenient decoder; a token has one spelling.
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string altered = token;
  const size_t idx = alphabet.find(altered.back());
  altered.back() = alphabet[idx ^ 1];
  std::string a, b;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(token.substr(token.rfind('.') + 1), &a));
  ASSERT_TRUE(absl::WebSafeBase64Unescape(altered.substr(altered.rfind('.') + 1), &b));
  ASSERT_EQ(a, b);  // the same signature bytes
  EXPECT_EQ(VerifyHs256(altered, "s3cret", kNow).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_FALSE(VerifyHs256(token + "=", "s3cret", kNow).ok());  // padding
  std::string plus = token;
  plus[plus.find('.') - 1] = '+';  // standard base64, not base64url
  EXPECT_FALSE(VerifyHs256(plus, "s3cret", kNow).ok());
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
