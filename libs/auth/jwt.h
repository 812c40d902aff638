#ifndef CALLCENTER_LIBS_AUTH_JWT_H_
#define CALLCENTER_LIBS_AUTH_JWT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace callcenter::auth {

struct Claims {
  std::string subject;  // `sub`: the user id
  absl::Time expires;   // `exp`
};

// Verifies an HS256 JSON Web Token against `secret` at time `now`: the
// header must say alg HS256, the signature must match (constant-time
// compare), `sub` must be a non-empty string and `exp` a number after `now`.
// Any failure is UNAUTHENTICATED with a reason that never echoes the token.
absl::StatusOr<Claims> VerifyHs256(absl::string_view token, absl::string_view secret,
                                   absl::Time now);

// Takes the token out of an `authorization: Bearer <token>` header value.
absl::StatusOr<std::string> BearerToken(absl::string_view header_value);

// Signs claims (for tests, tools and the sample session).
std::string SignHs256(absl::string_view subject, absl::Time expires, absl::string_view secret);

}  // namespace callcenter::auth

#endif  // CALLCENTER_LIBS_AUTH_JWT_H_
