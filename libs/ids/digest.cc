#include "libs/ids/digest.h"

#include <openssl/evp.h>

#include <cstdint>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace callcenter {

std::string Digest(std::initializer_list<absl::string_view> parts, int hex_chars) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  for (absl::string_view p : parts) {
    const std::string length = absl::StrCat(p.size(), ":");
    EVP_DigestUpdate(ctx, length.data(), length.size());
    EVP_DigestUpdate(ctx, p.data(), p.size());
  }
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, out, &len);
  EVP_MD_CTX_free(ctx);
  std::string hex =
      absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(out), len));
  if (hex_chars < static_cast<int>(hex.size())) hex.resize(hex_chars);
  return hex;
}

}  // namespace callcenter
