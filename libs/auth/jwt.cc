#include "libs/auth/jwt.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"

namespace callcenter::auth {
namespace {

// HMAC-SHA256. OpenSSL 3's one-shot HMAC() looks the algorithm up again on
// every call, most of a token check's cost; each thread keeps a context
// keyed with the last key it was given and copies it per message.
std::string HmacSha256(absl::string_view key, absl::string_view data) {
  struct Keyed {
    std::string key;
    EVP_MAC_CTX* ctx = nullptr;
    ~Keyed() { EVP_MAC_CTX_free(ctx); }
  };
  static EVP_MAC* const kHmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  thread_local Keyed keyed;
  unsigned char out[EVP_MAX_MD_SIZE];
  if (kHmac != nullptr && (keyed.ctx == nullptr || keyed.key != key)) {
    EVP_MAC_CTX_free(keyed.ctx);
    keyed.ctx = EVP_MAC_CTX_new(kHmac);
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest, 0),
                                 OSSL_PARAM_construct_end()};
    static const unsigned char kEmpty = 0;  // an empty key is a key too
    const unsigned char* bytes =
        key.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(key.data());
    if (keyed.ctx == nullptr || EVP_MAC_init(keyed.ctx, bytes, key.size(), params) != 1) {
      EVP_MAC_CTX_free(keyed.ctx);
      keyed.ctx = nullptr;
    }
    keyed.key = std::string(key);
  }
  if (keyed.ctx != nullptr) {
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_dup(keyed.ctx);
    size_t len = 0;
    const bool ok = ctx != nullptr &&
                    EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()),
                                   data.size()) == 1 &&
                    EVP_MAC_final(ctx, out, &len, sizeof(out)) == 1;
    EVP_MAC_CTX_free(ctx);
    if (ok) return std::string(reinterpret_cast<char*>(out), len);
  }
  // The one-shot form, should the keyed context be unavailable.
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

absl::Status Unauthenticated(absl::string_view why) {
  return absl::UnauthenticatedError(absl::StrCat("invalid bearer token: ", why));
}

// base64url as RFC 7515 writes it: no padding, and the one spelling of the
// bytes (altered unused bits in the last character decode alike, so a
// decoded part is encoded again and must come out the same).
bool DecodeCanonical(absl::string_view part, std::string* out) {
  if (part.empty() || part.size() % 4 == 1) return false;
  for (char c : part) {
    if (!(absl::ascii_isalnum(c) || c == '-' || c == '_')) return false;
  }
  return absl::WebSafeBase64Unescape(part, out) && absl::WebSafeBase64Escape(*out) == part;
}

// A NumericDate claim, if present: false when present but not a number.
bool NumericDate(const nlohmann::json& payload, const char* name, absl::optional<absl::Time>* out) {
  if (!payload.contains(name)) return true;
  const nlohmann::json& v = payload[name];
  if (!v.is_number() || !(v.get<double>() > -1e11 && v.get<double>() < 1e11)) return false;
  *out = absl::FromUnixSeconds(v.get<int64_t>());
  return true;
}

}  // namespace

absl::StatusOr<Claims> VerifyHs256(absl::string_view token, absl::string_view secret,
                                   absl::Time now, absl::Duration max_lifetime) {
  if (secret.empty()) return absl::UnauthenticatedError("token verification is not configured");
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3) return Unauthenticated("not a JWT");
  std::string header_json, payload_json, signature;
  if (!DecodeCanonical(parts[0], &header_json) || !DecodeCanonical(parts[1], &payload_json) ||
      !DecodeCanonical(parts[2], &signature)) {
    return Unauthenticated("not canonical base64url");
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
  absl::optional<absl::Time> exp, nbf, iat;
  if (!payload.contains("exp")) return Unauthenticated("missing exp");
  if (!NumericDate(payload, "exp", &exp)) return Unauthenticated("exp is not a NumericDate");
  if (!NumericDate(payload, "nbf", &nbf)) return Unauthenticated("nbf is not a NumericDate");
  if (!NumericDate(payload, "iat", &iat)) return Unauthenticated("iat is not a NumericDate");
  Claims claims;
  claims.subject = payload["sub"].get<std::string>();
  claims.expires = *exp;
  if (claims.expires <= now) return Unauthenticated("expired");  // exp is strict
  if (nbf && *nbf > now + kClockSkew) return Unauthenticated("not valid yet (nbf)");
  if (iat && *iat > now + kClockSkew) return Unauthenticated("issued in the future (iat)");
  if ((iat && claims.expires - *iat > max_lifetime) ||
      claims.expires - now > max_lifetime + kClockSkew) {
    return Unauthenticated(
        absl::StrCat("lives longer than the allowed ", absl::FormatDuration(max_lifetime)));
  }
  return claims;
}

absl::StatusOr<std::string> BearerToken(absl::string_view header_value) {
  constexpr absl::string_view kPrefix = "Bearer ";
  if (!absl::StartsWithIgnoreCase(header_value, kPrefix) || header_value.size() == kPrefix.size()) {
    return absl::UnauthenticatedError("missing bearer token (metadata authorization: Bearer <JWT>)");
  }
  return std::string(header_value.substr(kPrefix.size()));
}

std::string SignHs256Payload(absl::string_view payload_json, absl::string_view secret) {
  nlohmann::json header = {{"alg", "HS256"}, {"typ", "JWT"}};
  std::string signing_input = absl::StrCat(absl::WebSafeBase64Escape(header.dump()), ".",
                                           absl::WebSafeBase64Escape(std::string(payload_json)));
  return absl::StrCat(signing_input, ".",
                      absl::WebSafeBase64Escape(HmacSha256(secret, signing_input)));
}

std::string SignHs256(absl::string_view subject, absl::Time expires, absl::string_view secret,
                      absl::optional<absl::Time> issued_at) {
  nlohmann::json payload = {{"sub", std::string(subject)}, {"exp", absl::ToUnixSeconds(expires)}};
  if (issued_at) payload["iat"] = absl::ToUnixSeconds(*issued_at);
  return SignHs256Payload(payload.dump(), secret);
}

}  // namespace callcenter::auth
