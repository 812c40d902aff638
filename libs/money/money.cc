#include "libs/money/money.h"

#include <algorithm>
#include <cstdlib>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/status/status.h"

namespace callcenter::money {

absl::StatusOr<int64_t> Amount::Get(absl::string_view what) const {
  if (ok_) return value_;
  return InvalidField(what, "the amount is beyond what 64-bit minor units hold",
                      kReasonAmountOverflow);
}

Amount& Amount::operator+=(Amount o) {
  ok_ = ok_ && o.ok_ && !__builtin_add_overflow(value_, o.value_, &value_);
  return *this;
}

Amount& Amount::operator-=(Amount o) {
  ok_ = ok_ && o.ok_ && !__builtin_sub_overflow(value_, o.value_, &value_);
  return *this;
}

Amount& Amount::operator*=(int64_t factor) {
  ok_ = ok_ && !__builtin_mul_overflow(value_, factor, &value_);
  return *this;
}

Amount Amount::Percent(int64_t bp) const {
  if (!ok_) return *this;
  const __int128 scaled = static_cast<__int128>(value_) * bp;
  const __int128 magnitude = scaled < 0 ? -scaled : scaled;
  if (magnitude / 10000 > INT64_MAX - 1) return Invalid();
  return Amount(DivideRounded(scaled, 10000));
}

int64_t DivideRounded(__int128 numerator, int64_t denominator) {
  const bool negative = numerator < 0;
  const __int128 magnitude = negative ? -numerator : numerator;
  const __int128 rounded = (magnitude * 2 + denominator) / (2 * static_cast<__int128>(denominator));
  return static_cast<int64_t>(negative ? -rounded : rounded);
}

int64_t PercentOf(int64_t amount, int64_t bp) {
  return DivideRounded(static_cast<__int128>(amount) * bp, 10000);
}

std::vector<int64_t> Allocate(int64_t total, const std::vector<int64_t>& weights) {
  const size_t n = weights.size();
  std::vector<int64_t> parts(n, 0);
  if (n == 0) return parts;
  __int128 weight_sum = 0;
  for (int64_t w : weights) weight_sum += w;
  std::vector<int64_t> effective = weights;
  if (weight_sum == 0) {
    std::fill(effective.begin(), effective.end(), 1);
    weight_sum = static_cast<__int128>(n);
  }
  const bool negative = total < 0;
  const int64_t magnitude = negative ? -total : total;
  std::vector<__int128> remainders(n);
  int64_t assigned = 0;
  for (size_t i = 0; i < n; ++i) {
    const __int128 scaled = static_cast<__int128>(magnitude) * effective[i];
    parts[i] = static_cast<int64_t>(scaled / weight_sum);
    remainders[i] = scaled % weight_sum;
    assigned += parts[i];
  }
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (remainders[a] != remainders[b]) return remainders[a] > remainders[b];
    return a > b;  // ties: the later entry first
  });
  for (int64_t left = magnitude - assigned, k = 0; left > 0; --left, ++k) {
    ++parts[order[static_cast<size_t>(k) % n]];
  }
  if (negative) {
    for (int64_t& p : parts) p = -p;
  }
  return parts;
}

std::string Format(int64_t minor_units) {
  const bool negative = minor_units < 0;
  const uint64_t m = negative ? 0 - static_cast<uint64_t>(minor_units)
                              : static_cast<uint64_t>(minor_units);
  return absl::StrFormat("%s%d.%02d", negative ? "-" : "", m / 100, m % 100);
}

bool Parse(const std::string& text, int64_t* minor_units) {
  if (text.empty()) return false;
  size_t i = 0;
  bool negative = false;
  if (text[0] == '-') {
    negative = true;
    i = 1;
  }
  int64_t whole = 0;
  int digits = 0;
  for (; i < text.size() && text[i] != '.'; ++i) {
    if (text[i] < '0' || text[i] > '9' || whole > 90000000000000000) return false;
    whole = whole * 10 + (text[i] - '0');
    ++digits;
  }
  int64_t cents = 0;
  if (i < text.size()) {
    ++i;
    const size_t decimals = text.size() - i;
    if (decimals == 0 || decimals > 2) return false;
    for (; i < text.size(); ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      cents = cents * 10 + (text[i] - '0');
    }
    if (decimals == 1) cents *= 10;
  }
  if (digits == 0) return false;
  // Beyond 64 bits is no amount (found by the money fuzzer: whole * 100
  // used to overflow).
  const __int128 value = static_cast<__int128>(whole) * 100 + cents;
  if (value > INT64_MAX) return false;
  *minor_units = static_cast<int64_t>(negative ? -value : value);
  return true;
}

}  // namespace callcenter::money
