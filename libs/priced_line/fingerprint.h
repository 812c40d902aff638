#ifndef CALLCENTER_LIBS_PRICED_LINE_FINGERPRINT_H_
#define CALLCENTER_LIBS_PRICED_LINE_FINGERPRINT_H_

#include <cstdint>
#include <cstring>

#include "absl/strings/string_view.h"
#include "callcenter/common/v1/common.pb.h"

namespace callcenter::priced_line {

// A 64-bit digest of the words and strings added to it, the same in every
// process and build (absl::Hash is seeded per process, so it cannot be
// compared across services). Strings are read as little-endian words, as
// on every platform the services are built for (x86-64, arm64).
// Inline: the front door and pricing fingerprint every line of an order
// on each change.
class Digest {
 public:
  void Add(uint64_t word) { state_ = Mix(state_ + 0x9E3779B97F4A7C15ULL + word); }

  // A string of up to 7 bytes is one word: its bytes, its length in the
  // top byte (0 to 7). A longer one is a word with its length and the top
  // byte 0xFF, then its bytes 8 at a time. Either way the first word says
  // how many follow ("ab","c" differs from "a","bc"), and the common short
  // strings (currencies, codes, empty ones) cost one step.
  void Add(absl::string_view bytes) {
    if (bytes.size() <= 7) {
      uint64_t word = 0;
      std::memcpy(&word, bytes.data(), bytes.size());
      Add(word | static_cast<uint64_t>(bytes.size()) << 56);
      return;
    }
    Add(static_cast<uint64_t>(bytes.size()) | kLongString);
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

  // Absent: one word whose top byte (0xFE) no string's first word has.
  // Present: the currency as a string, then the minor units. `Money` is a
  // common.v1.Money or any value with its two accessors (pricing digests a
  // line's amounts before it builds the message).
  template <typename Money>
  void Add(bool present, const Money& money) {
    if (!present) {
      Add(kAbsent);
      return;
    }
    Add(money.currency());
    Add(static_cast<uint64_t>(money.minor_units()));
  }

  uint64_t value() const { return state_; }

 private:
  // splitmix64's finalizer: every input bit reaches every output bit.
  static uint64_t Mix(uint64_t x) {
    x ^= x >> 30;
    x *= 0xBF58476D1CE4E5B9ULL;
    x ^= x >> 27;
    x *= 0x94D049BB133111EBULL;
    x ^= x >> 31;
    return x;
  }

  static constexpr uint64_t kLongString = 0xFFULL << 56;
  static constexpr uint64_t kAbsent = 0xFEULL << 56;

  uint64_t state_ = 0x2545F4914F6CDD1DULL;
};

// A line's prices as one value: every field pricing sets on an order line
// (what the front door's ApplyPricing copies), presence included, compared
// as ApplyPricing compares them. `Line` is an order line
// (common.v1.OrderLine) or a priced line (pricing.v1.PricedLine): the two
// name these fields alike (or pricing's view of a line it has not built
// yet, under the same names). The front door sends each priced line's
// fingerprint with PriceOrder and pricing leaves out the lines that price to
// the same (pricing.v1.PriceLineInput.priced_fingerprint); never 0, which
// means "no fingerprint".
template <typename Line>
uint64_t Fingerprint(const Line& line) {
  Digest d;
  d.Add(line.product_name());
  d.Add(line.has_base_price(), line.base_price());
  d.Add(line.has_unit_price(), line.unit_price());
  d.Add(line.has_discount(), line.discount());
  d.Add(line.has_net_amount(), line.net_amount());
  d.Add(line.has_tax(), line.tax());
  d.Add(static_cast<uint64_t>(line.discounts_size()));
  for (const auto& a : line.discounts()) {
    d.Add(a.discount_id());
    d.Add(a.name());
    d.Add(a.coupon_code());
    d.Add(a.has_amount(), a.amount());
  }
  // Margin and its alert in one word (each 32 bits).
  d.Add(static_cast<uint64_t>(static_cast<uint32_t>(line.margin_bp())) |
        static_cast<uint64_t>(static_cast<uint32_t>(line.margin_alert())) << 32);
  return d.value() | 1;
}

}  // namespace callcenter::priced_line

#endif  // CALLCENTER_LIBS_PRICED_LINE_FINGERPRINT_H_
