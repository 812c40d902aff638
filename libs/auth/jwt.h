#ifndef CALLCENTER_LIBS_AUTH_JWT_H_
#define CALLCENTER_LIBS_AUTH_JWT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"

namespace callcenter::auth {

struct Claims {
  std::string subject;  // `sub`: the user id
  absl::Time expires;   // `exp`
};

// How far clocks may disagree when `nbf` and `iat` are checked.
inline constexpr absl::Duration kClockSkew = absl::Seconds(60);

// Hand-written rather than Debian's libcpp-jwt-dev (cpp-jwt 1.4), for a
// reason its tests show: cpp-jwt ends the process with an uncaught
// exception on a token whose claims part is a JSON array or string, signed
// or not, even through its error_code overload, so one request would stop
// the front door (jwt_test.cc, ClaimsThatAreNotAnObjectAreRefusedNotFatal,
// keeps this verifier from doing the same); it also accepts tokens with no
// `exp`, no `sub` or any lifetime unless every caller adds those checks.
//
// Verifies an HS256 JSON Web Token against `secret` at time `now`: each
// part canonical base64url (no padding, unused bits zero: one token has
// one spelling), the header alg HS256, the signature matching
// (constant-time compare), `sub` a non-empty string, `exp` a number after
// `now` (strictly), `nbf` (if present) not after `now`, `iat` (if present) not after
// `now` (both with kClockSkew), and a lifetime of at most `max_lifetime`
// (exp - iat, and exp - now). Any failure is UNAUTHENTICATED with a reason
// that never echoes the token.
absl::StatusOr<Claims> VerifyHs256(absl::string_view token, absl::string_view secret,
                                   absl::Time now, absl::Duration max_lifetime = absl::Hours(24));

// Takes the token out of an `authorization: Bearer <token>` header value.
absl::StatusOr<std::string> BearerToken(absl::string_view header_value);

// Signs claims (for tests, tools and the sample session); `iat` when given.
std::string SignHs256(absl::string_view subject, absl::Time expires, absl::string_view secret,
                      absl::optional<absl::Time> issued_at = absl::nullopt);
// Signs a payload as given (JSON object text), for tests of the claims.
std::string SignHs256Payload(absl::string_view payload_json, absl::string_view secret);

}  // namespace callcenter::auth

#endif  // CALLCENTER_LIBS_AUTH_JWT_H_
