// The JWT verifier on any text: never a crash; a token it accepts is one
// whose signature is the HMAC of its own first two parts under the secret
// (so accepting implies the secret signed exactly these bytes), with a
// subject and an expiry after now. Half the runs sign the fuzzer's claims
// properly, so the claim checks are reached, not only the signature's.
#include <cstdint>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/time/time.h"
#include "openssl/evp.h"
#include "openssl/hmac.h"
#include "libs/auth/jwt.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using callcenter::fuzz::FuzzInput;
  namespace auth = callcenter::auth;
  constexpr char kSecret[] = "fuzz-secret";
  const absl::Time now = absl::FromUnixSeconds(1800000000);
  FuzzInput in(data, size);
  const bool sign = in.Byte() % 2 == 0;
  const std::string text = in.Rest();
  const std::string token = sign ? auth::SignHs256Payload(text, kSecret) : text;
  const absl::StatusOr<auth::Claims> claims = auth::VerifyHs256(token, kSecret, now);
  if (!claims.ok()) {
    FUZZ_CHECK(claims.status().code() == absl::StatusCode::kUnauthenticated);
    return 0;
  }
  FUZZ_CHECK(!claims->subject.empty());
  FUZZ_CHECK(claims->expires > now);
  FUZZ_CHECK(claims->expires - now <= absl::Hours(24) + absl::Seconds(60));
  // Its third part is exactly the HMAC-SHA256 of the first two, in
  // canonical base64url: one token, one spelling.
  const size_t first = token.find('.');
  const size_t second = token.find('.', first + 1);
  FUZZ_CHECK(first != std::string::npos && second != std::string::npos);
  FUZZ_CHECK(token.find('.', second + 1) == std::string::npos);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), kSecret, sizeof(kSecret) - 1,
       reinterpret_cast<const unsigned char*>(token.data()), second, mac, &mac_len);
  FUZZ_CHECK(token.substr(second + 1) ==
             absl::WebSafeBase64Escape(std::string(reinterpret_cast<char*>(mac), mac_len)));
  return 0;
}
