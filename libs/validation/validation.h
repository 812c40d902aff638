#ifndef CALLCENTER_LIBS_VALIDATION_VALIDATION_H_
#define CALLCENTER_LIBS_VALIDATION_VALIDATION_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "libs/config/config.h"
#include "libs/money/money.h"

namespace callcenter::validation {

// API.md's limits (defaults; each configurable by environment).
struct Limits {
  int max_lines = 500;                     // MAX_LINES_PER_ORDER
  int max_quantity = 9999;                 // MAX_QUANTITY (the least is 1)
  int max_text = 2000;                     // MAX_TEXT_CHARS: notes, reasons, other free text
  int max_id = 64;                         // MAX_ID_CHARS: ids, codes, tokens
  int64_t max_amount = money::kMaxAmount;  // MAX_AMOUNT_MINOR_UNITS
  int max_page_size = 200;                 // MAX_PAGE_SIZE
  int max_page_token = 512;                // page tokens are ours, opaque, longer than ids
  int max_repeated = 500;                  // any repeated field (ids, lines) of one request
  int max_events = 5000;                   // MAX_EVENTS_PER_ORDER: a draft's log of changes

  // The limits from the environment (a bad value is recorded in `config`).
  static Limits FromConfig(Config& config);
  // For master data (products, discounts, call centers...): a discount or a
  // source code may name many more products than an order has lines.
  static Limits ForMasterData() {
    Limits l;
    l.max_repeated = 100000;
    return l;
  }
};

// Whether `text` holds a payment card number: a run of 13 to 19 digits
// (single spaces or dashes between them allowed) that passes the Luhn
// check, anywhere in the text ("tok_4111111111111111" holds one).
bool ContainsCardNumber(absl::string_view text);

// Whether `text` is well-formed UTF-8 (no overlong forms or surrogates).
bool IsValidUtf8(absl::string_view text);

// One string field: well-formed UTF-8, no NUL byte, at most `max_chars`
// characters; with `no_card_numbers`, no card number in it.
absl::Status CheckString(absl::string_view field, absl::string_view value, int max_chars,
                         bool no_card_numbers);

// Checks every field of `message` (recursively), naming the first bad one
// by its path under `prefix` ("address.postal_code", "lines[2].quantity"):
// - strings: UTF-8, no NUL; ids and codes (`*_id`, `*_ids`, `*_code`,
//   `*_codes`, `*_token`, `*_number`, `*_mode`, `currency`, ...) at most
//   max_id characters, page tokens max_page_token, any other (free text)
//   max_text; free text and card tokens must hold no card number;
// - enums: a value the enum declares (proto3 keeps unknown numbers);
// - Money: |minor_units| at most max_amount, currency 3 letters when set;
// - `quantity`: 0 (unset) or 1..max_quantity; `page_size`: 0..max_page_size;
// - repeated fields: at most max_repeated entries.
// INVALID_ARGUMENT (reason LIMIT_EXCEEDED for limits, INVALID_FIELD else).
absl::Status CheckMessage(const google::protobuf::Message& message, const Limits& limits,
                          absl::string_view prefix = "");

}  // namespace callcenter::validation

#endif  // CALLCENTER_LIBS_VALIDATION_VALIDATION_H_
