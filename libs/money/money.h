#ifndef CALLCENTER_LIBS_MONEY_MONEY_H_
#define CALLCENTER_LIBS_MONEY_MONEY_H_

#include <cstdint>
#include <string>
#include <vector>

namespace callcenter::money {

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
