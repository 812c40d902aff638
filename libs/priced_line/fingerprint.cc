#include "libs/priced_line/fingerprint.h"

#include <cstring>

namespace callcenter::priced_line {
namespace {

// splitmix64's finalizer: every input bit reaches every output bit.
uint64_t Mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBULL;
  x ^= x >> 31;
  return x;
}

}  // namespace

void Digest::Add(uint64_t word) { state_ = Mix(state_ + 0x9E3779B97F4A7C15ULL + word); }

void Digest::Add(absl::string_view bytes) {
  Add(static_cast<uint64_t>(bytes.size()));  // "ab","c" differs from "a","bc"
  size_t at = 0;
  for (; at + 8 <= bytes.size(); at += 8) {
    uint64_t word;
    std::memcpy(&word, bytes.data() + at, 8);
    Add(word);
  }
  if (at < bytes.size()) {
    uint64_t word = 0;
    std::memcpy(&word, bytes.data() + at, bytes.size() - at);
    Add(word);
  }
}

void Digest::Add(bool present, const common::v1::Money& money) {
  Add(static_cast<uint64_t>(present));
  if (!present) return;
  Add(static_cast<uint64_t>(money.minor_units()));
  Add(money.currency());
}

}  // namespace callcenter::priced_line
