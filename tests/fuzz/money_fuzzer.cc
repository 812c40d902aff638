// Money: the checked Amount against 128-bit arithmetic (a result that fits
// is exact, one that does not is an error, never a wrapped value), the
// percent and allocation helpers, and Parse/Format.
#include <cstdint>
#include <string>
#include <vector>

#include "libs/money/money.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

using callcenter::fuzz::FuzzInput;
namespace money = callcenter::money;

bool Fits(__int128 v) { return v >= INT64_MIN && v <= INT64_MAX; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzInput in(data, size);
  // A chain of checked operations beside the exact value.
  money::Amount a(in.Int<int64_t>());
  __int128 exact = a.value();
  bool overflowed = false;
  for (int step = 0; step < 8 && !in.empty(); ++step) {
    const int64_t x = in.Int<int64_t>();
    switch (in.Byte() % 3) {
      case 0: a += x; exact += x; break;
      case 1: a -= x; exact -= x; break;
      default: a *= x; exact *= x; break;
    }
    // Once out of range the exact value is no longer followed (it may wrap
    // in 128 bits too); the amount must stay invalid from then on.
    if (!Fits(exact)) overflowed = true;
    if (overflowed) {
      FUZZ_CHECK(!a.ok());
      FUZZ_CHECK(!a.Get("x").ok());
      break;
    }
    FUZZ_CHECK(a.ok());
    FUZZ_CHECK(a.value() == static_cast<int64_t>(exact));
  }

  // PercentOf: rounded half away from zero, within one unit of the exact
  // quotient, for the amounts and rates the API allows.
  const int64_t amount = in.Range(-money::kMaxAmount, money::kMaxAmount);
  const int64_t bp = in.Range(0, 10000);
  const int64_t pct = money::PercentOf(amount, bp);
  const __int128 scaled = static_cast<__int128>(amount) * bp;
  const __int128 diff = static_cast<__int128>(pct) * 10000 - scaled;
  FUZZ_CHECK(diff <= 5000 && diff >= -5000);
  FUZZ_CHECK(amount >= 0 ? pct >= 0 && pct <= amount : pct <= 0 && pct >= amount);

  // Allocate: the parts add up to the total exactly, none negative.
  const int64_t total = in.Range(0, money::kMaxAmount);
  std::vector<int64_t> weights(in.Range(1, 20));
  for (auto& w : weights) w = in.Range(0, money::kMaxAmount);
  const std::vector<int64_t> parts = money::Allocate(total, weights);
  FUZZ_CHECK(parts.size() == weights.size());
  __int128 sum = 0;
  for (int64_t p : parts) {
    FUZZ_CHECK(p >= 0);
    sum += p;
  }
  FUZZ_CHECK(sum == total);

  // Format then Parse gives the amount back; any text Parse accepts gives
  // an amount that formats and parses to itself.
  const int64_t minor = in.Range(-money::kMaxAmount * 1000, money::kMaxAmount * 1000);
  int64_t back = 0;
  FUZZ_CHECK(money::Parse(money::Format(minor), &back));
  FUZZ_CHECK(back == minor);
  const std::string text = in.Rest();
  int64_t parsed = 0;
  if (money::Parse(text, &parsed)) {
    int64_t again = 0;
    FUZZ_CHECK(money::Parse(money::Format(parsed), &again));
    FUZZ_CHECK(again == parsed);
  }
  return 0;
}
