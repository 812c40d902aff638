#ifndef CALLCENTER_LIBS_MONEY_MONEY_H_
#define CALLCENTER_LIBS_MONEY_MONEY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace callcenter::money {

// The largest amount the API accepts (API.md's default limit: 10^12 minor
// units). Sums of such amounts over an order's limits (500 lines of 9,999
// units) still fit in 64 bits; Amount catches anything beyond.
inline constexpr int64_t kMaxAmount = 1'000'000'000'000;

// Minor units whose arithmetic never wraps. Every sum and product of
// amounts and quantities goes through it: an overflow makes the result
// invalid, and every result computed from an invalid one too (the way NaN
// spreads), and Get() reports it as an error instead of a wrapped number.
class Amount {
 public:
  constexpr Amount() = default;
  // Implicit, so that amounts and plain minor units mix in expressions.
  constexpr Amount(int64_t minor_units) : value_(minor_units) {}  // NOLINT
  static Amount Invalid() {
    Amount a;
    a.ok_ = false;
    return a;
  }

  bool ok() const { return ok_; }
  // The value; 0 when !ok() (check ok() or use Get()).
  int64_t value() const { return ok_ ? value_ : 0; }
  // The value, or INVALID_ARGUMENT (reason AMOUNT_OVERFLOW) naming `what`.
  absl::StatusOr<int64_t> Get(absl::string_view what) const;

  Amount& operator+=(Amount o);
  Amount& operator-=(Amount o);
  Amount& operator*=(int64_t factor);
  friend Amount operator+(Amount a, Amount b) { return a += b; }
  friend Amount operator-(Amount a, Amount b) { return a -= b; }
  friend Amount operator*(Amount a, int64_t n) { return a *= n; }
  friend Amount operator*(int64_t n, Amount a) { return a *= n; }
  // `bp` basis points of this amount, rounded half away from zero.
  Amount Percent(int64_t bp) const;

 private:
  int64_t value_ = 0;
  bool ok_ = true;
};

// Money is always integer minor units (1234 = 12.34); never floating point.
// Rounding everywhere is half away from zero to the minor unit.

// numerator / denominator rounded half away from zero; denominator > 0.
int64_t DivideRounded(__int128 numerator, int64_t denominator);

// `bp` basis points of `amount` (1500 bp = 15%), rounded half away from zero:
// PercentOf(850, 2500) == 213 (25% of 8.50 = 2.125 -> 2.13).
int64_t PercentOf(int64_t amount, int64_t bp);

// Splits `total` over `weights` in proportion, so that the parts add up to
// `total` exactly: each part is floored, then the cents left over go one by
// one to the largest remainders (ties to the later entry).
// Allocate(1000, {1, 1, 1}) == {333, 333, 334}. All-zero weights split evenly.
std::vector<int64_t> Allocate(int64_t total, const std::vector<int64_t>& weights);

// "12.34", "-0.05" (two decimals; currencies with other minor units are
// formatted by their callers).
std::string Format(int64_t minor_units);

// Parses "12.34", "12.3", "12" into minor units; false on bad input.
bool Parse(const std::string& text, int64_t* minor_units);

}  // namespace callcenter::money

#endif  // CALLCENTER_LIBS_MONEY_MONEY_H_
