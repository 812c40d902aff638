#include "libs/auth/jwt.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"

namespace callcenter::auth {
namespace {

std::string HmacSha256(absl::string_view key, absl::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

absl::Status Unauthenticated(absl::string_view why) {
  return absl::UnauthenticatedError(absl::StrCat("invalid bearer token: ", why));
}

}  // namespace

absl::StatusOr<Claims> VerifyHs256(absl::string_view token, absl::string_view secret,
                                   absl::Time now) {
  if (secret.empty()) return absl::UnauthenticatedError("token verification is not configured");
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3) return Unauthenticated("not a JWT");
  std::string header_json, payload_json, signature;
  if (!absl::WebSafeBase64Unescape(parts[0], &header_json) ||
      !absl::WebSafeBase64Unescape(parts[1], &payload_json) ||
      !absl::WebSafeBase64Unescape(parts[2], &signature)) {
    return Unauthenticated("bad base64url");
  }
  nlohmann::json header = nlohmann::json::parse(header_json, nullptr, false);
  if (header.is_discarded() || !header.is_object() || !header.contains("alg") ||
      header["alg"] != "HS256") {
    return Unauthenticated("alg must be HS256");
  }
  const std::string expected =
      HmacSha256(secret, absl::StrCat(parts[0], ".", parts[1]));
  if (signature.size() != expected.size() ||
      CRYPTO_memcmp(signature.data(), expected.data(), expected.size()) != 0) {
    return Unauthenticated("bad signature");
  }
  nlohmann::json payload = nlohmann::json::parse(payload_json, nullptr, false);
  if (payload.is_discarded() || !payload.is_object()) return Unauthenticated("bad payload");
  if (!payload.contains("sub") || !payload["sub"].is_string() ||
      payload["sub"].get<std::string>().empty()) {
    return Unauthenticated("missing sub");
  }
  if (!payload.contains("exp") || !payload["exp"].is_number()) {
    return Unauthenticated("missing exp");
  }
  Claims claims;
  claims.subject = payload["sub"].get<std::string>();
  claims.expires = absl::FromUnixSeconds(payload["exp"].get<int64_t>());
  if (claims.expires <= now) return Unauthenticated("expired");
  return claims;
}

absl::StatusOr<std::string> BearerToken(absl::string_view header_value) {
  constexpr absl::string_view kPrefix = "Bearer ";
  if (!absl::StartsWithIgnoreCase(header_value, kPrefix) || header_value.size() == kPrefix.size()) {
    return absl::UnauthenticatedError("missing bearer token (metadata authorization: Bearer <JWT>)");
  }
  return std::string(header_value.substr(kPrefix.size()));
}

std::string SignHs256(absl::string_view subject, absl::Time expires, absl::string_view secret) {
  nlohmann::json header = {{"alg", "HS256"}, {"typ", "JWT"}};
  nlohmann::json payload = {{"sub", std::string(subject)},
                            {"exp", absl::ToUnixSeconds(expires)}};
  const std::string signing_input = absl::StrCat(absl::WebSafeBase64Escape(header.dump()), ".",
                                                 absl::WebSafeBase64Escape(payload.dump()));
  return absl::StrCat(signing_input, ".",
                      absl::WebSafeBase64Escape(HmacSha256(secret, signing_input)));
}

}  // namespace callcenter::auth
