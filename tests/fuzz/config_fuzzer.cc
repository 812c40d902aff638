// Settings from the environment: any value of any variable is either taken
// (within the variable's range) or reported as invalid, never a crash or a
// value out of range; API.md's limits the same.
#include <algorithm>
#include <cstdint>
#include <map>
#include <string>

#include "libs/config/config.h"
#include "libs/validation/validation.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using callcenter::Config;
  using callcenter::fuzz::FuzzInput;
  FuzzInput in(data, size);
  std::map<std::string, std::string> env;
  for (const char* name : {"INT", "BOOL", "PORT", "TEXT", "MAX_LINES_PER_ORDER", "MAX_QUANTITY",
                           "MAX_TEXT_CHARS", "MAX_ID_CHARS", "MAX_AMOUNT_MINOR_UNITS",
                           "MAX_PAGE_SIZE", "MAX_EVENTS_PER_ORDER"}) {
    if (in.Byte() % 2) {
      std::string value = in.String(24);
      value.erase(std::remove(value.begin(), value.end(), '\0'), value.end());  // as env can hold
      env[name] = value;
    }
  }
  Config config([&](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  });
  const int64_t lo = in.Range(-1000000, 1000000);
  const int64_t hi = lo + in.Range(0, 1000000);
  const int64_t value = config.Int("INT", lo, lo, hi);
  FUZZ_CHECK(value >= lo && value <= hi);
  config.Bool("BOOL", false);
  const int port = config.Port("PORT", 8080);
  FUZZ_CHECK(port >= 0 && port <= 65535);
  const std::string text = config.String("TEXT", "d");
  FUZZ_CHECK(text == "d" || (env.count("TEXT") && text == env["TEXT"]));
  const auto limits = callcenter::validation::Limits::FromConfig(config);
  FUZZ_CHECK(limits.max_lines >= 1 && limits.max_quantity >= 1 && limits.max_text >= 1 &&
             limits.max_id >= 1 && limits.max_amount >= 1 && limits.max_page_size >= 1 &&
             limits.max_events >= 1);
  // Whatever was bad is named.
  if (!config.status().ok()) FUZZ_CHECK(!config.status().message().empty());
  return 0;
}
