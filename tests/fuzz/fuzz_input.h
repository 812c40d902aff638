#ifndef CALLCENTER_TESTS_FUZZ_FUZZ_INPUT_H_
#define CALLCENTER_TESTS_FUZZ_FUZZ_INPUT_H_

// Takes typed values from a fuzzer's bytes, front to back; past the end
// everything is zero or empty (so any input is a valid run). A small
// stand-in for clang's FuzzedDataProvider, so that the targets also build
// with gcc for the corpus replay tests.

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <cstdio>
#include <string>

namespace callcenter::fuzz {

// Stops the run loudly when an invariant does not hold (libFuzzer keeps the
// input that did it).
#define FUZZ_CHECK(cond)                                                      \
  do {                                                                        \
    if (!(cond)) {                                                            \
      fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond); \
      abort();                                                                \
    }                                                                         \
  } while (0)

class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  bool empty() const { return pos_ >= size_; }

  uint8_t Byte() { return pos_ < size_ ? data_[pos_++] : 0; }

  template <typename T>
  T Int() {
    T v{};
    const size_t n = std::min(sizeof(T), size_ - std::min(pos_, size_));
    std::memcpy(&v, data_ + pos_, n);
    pos_ += n;
    return v;
  }

  // An integer in [lo, hi].
  int64_t Range(int64_t lo, int64_t hi) {
    const uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
    const uint64_t r = Int<uint64_t>();
    return span == 0 ? static_cast<int64_t>(r) : lo + static_cast<int64_t>(r % span);
  }

  // A string of at most `max` bytes (its length taken first).
  std::string String(size_t max) {
    const size_t n = std::min<size_t>(Byte() % (max + 1), size_ - std::min(pos_, size_));
    std::string s(reinterpret_cast<const char*>(data_ + pos_), n);
    pos_ += n;
    return s;
  }

  // Whatever is left.
  std::string Rest() {
    std::string s(reinterpret_cast<const char*>(data_ + std::min(pos_, size_)),
                  size_ - std::min(pos_, size_));
    pos_ = size_;
    return s;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

}  // namespace callcenter::fuzz

#endif  // CALLCENTER_TESTS_FUZZ_FUZZ_INPUT_H_
