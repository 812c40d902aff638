#ifndef CALLCENTER_LIBS_IDS_DIGEST_H_
#define CALLCENTER_LIBS_IDS_DIGEST_H_

#include <initializer_list>
#include <string>

#include "absl/strings/string_view.h"

namespace callcenter {

// Lowercase hex SHA-256 of `parts`, each length-prefixed so that no two
// different lists digest alike; the first `hex_chars` characters (<= 64).
// Stable across processes, builds and machines (unlike std::hash), so it
// may key stored records.
std::string Digest(std::initializer_list<absl::string_view> parts, int hex_chars = 64);

}  // namespace callcenter

#endif  // CALLCENTER_LIBS_IDS_DIGEST_H_
