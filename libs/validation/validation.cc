#include "libs/validation/validation.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "libs/status/status.h"

namespace callcenter::validation {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

bool LuhnValid(const std::string& digits) {
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int d = *it - '0';
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// How a string field is limited, from its name.
enum class Kind { kId, kPageToken, kText };

Kind KindOf(const FieldDescriptor* f) {
  const std::string& n = f->name();
  if (n == "page_token") return Kind::kPageToken;
  for (absl::string_view suffix : {"_id", "_ids", "_code", "_codes", "_token", "_number", "_mode",
                                   "_modes", "_group", "_groups", "_date", "_on"}) {
    if (absl::EndsWith(n, suffix)) return Kind::kId;
  }
  for (absl::string_view exact : {"currency", "country", "postal_code", "as_of", "since",
                                  "valid_from", "valid_to", "last4", "carrier", "phone", "query"}) {
    if (n == exact) return Kind::kId;
  }
  return Kind::kText;
}

// Card numbers are looked for in free text and in card tokens; not in ids
// (a numeric account number may pass Luhn) or gift card numbers.
bool MayHideCardNumber(const FieldDescriptor* f, Kind kind) {
  if (f->name() == "email" || f->name() == "value") return false;  // contact data
  return kind == Kind::kText || f->name() == "card_token";
}

std::string PathOf(absl::string_view prefix, const FieldDescriptor* f, int index) {
  std::string path = prefix.empty() ? f->name() : absl::StrCat(prefix, ".", f->name());
  if (index >= 0) absl::StrAppend(&path, "[", index, "]");
  return path;
}

absl::Status TooLong(absl::string_view field, int max, absl::string_view what) {
  return InvalidField(field, absl::StrCat("at most ", max, " ", what), kReasonLimitExceeded);
}

bool IsMoney(const Descriptor* d) { return d->full_name() == "callcenter.common.v1.Money"; }

absl::Status CheckMoney(absl::string_view path, const Message& m, const Limits& limits) {
  const Descriptor* d = m.GetDescriptor();
  const Reflection* r = m.GetReflection();
  const std::string currency = r->GetString(m, d->FindFieldByName("currency"));
  const int64_t units = r->GetInt64(m, d->FindFieldByName("minor_units"));
  if (!currency.empty()) {
    bool letters = currency.size() == 3;
    for (char c : currency) letters = letters && c >= 'A' && c <= 'Z';
    if (!letters) {
      return InvalidField(absl::StrCat(path, ".currency"), "must be an ISO 4217 code, e.g. USD");
    }
  }
  if (units > limits.max_amount || units < -limits.max_amount) {
    return InvalidField(absl::StrCat(path, ".minor_units"),
                        absl::StrCat("at most ", limits.max_amount, " minor units either way"),
                        kReasonLimitExceeded);
  }
  return absl::OkStatus();
}

absl::Status CheckInt(absl::string_view path, const FieldDescriptor* f, int64_t v,
                      const Limits& limits) {
  if (f->name() == "quantity" && v != 0 && (v < 1 || v > limits.max_quantity)) {
    return InvalidField(path, absl::StrCat("must be 1 to ", limits.max_quantity),
                        v > limits.max_quantity ? kReasonLimitExceeded : kReasonInvalidField);
  }
  if (f->name() == "page_size" && (v < 0 || v > limits.max_page_size)) {
    return InvalidField(path, absl::StrCat("must be 0 to ", limits.max_page_size),
                        kReasonLimitExceeded);
  }
  return absl::OkStatus();
}

absl::Status CheckField(const Message& m, const FieldDescriptor* f, int index,
                        absl::string_view prefix, const Limits& limits);

absl::Status Walk(const Message& m, const Limits& limits, absl::string_view prefix) {
  const Reflection* r = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(m, &fields);  // only the set ones
  for (const FieldDescriptor* f : fields) {
    if (f->is_repeated()) {
      const int n = r->FieldSize(m, f);
      if (n > limits.max_repeated && !f->is_map()) {
        return TooLong(PathOf(prefix, f, -1), limits.max_repeated, "entries");
      }
      for (int i = 0; i < n; ++i) RETURN_IF_ERROR(CheckField(m, f, i, prefix, limits));
    } else {
      RETURN_IF_ERROR(CheckField(m, f, -1, prefix, limits));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckField(const Message& m, const FieldDescriptor* f, int index,
                        absl::string_view prefix, const Limits& limits) {
  const Reflection* r = m.GetReflection();
  const std::string path = PathOf(prefix, f, index);
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING: {
      if (f->type() == FieldDescriptor::TYPE_BYTES) return absl::OkStatus();
      std::string scratch;
      const std::string& v = index >= 0 ? r->GetRepeatedStringReference(m, f, index, &scratch)
                                        : r->GetStringReference(m, f, &scratch);
      const Kind kind = KindOf(f);
      const int max = kind == Kind::kId          ? limits.max_id
                      : kind == Kind::kPageToken ? limits.max_page_token
                                                 : limits.max_text;
      return CheckString(path, v, max, MayHideCardNumber(f, kind));
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const int v = index >= 0 ? r->GetRepeatedEnumValue(m, f, index) : r->GetEnumValue(m, f);
      if (f->enum_type()->FindValueByNumber(v) == nullptr) {
        return InvalidField(path,
                            absl::StrCat(v, " is not a value of ", f->enum_type()->full_name()));
      }
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT32:
      return CheckInt(path, f, index >= 0 ? r->GetRepeatedInt32(m, f, index) : r->GetInt32(m, f),
                      limits);
    case FieldDescriptor::CPPTYPE_INT64:
      return CheckInt(path, f, index >= 0 ? r->GetRepeatedInt64(m, f, index) : r->GetInt64(m, f),
                      limits);
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      const Message& sub = index >= 0 ? r->GetRepeatedMessage(m, f, index) : r->GetMessage(m, f);
      if (f->is_map()) {  // key and value of one entry, named by the map
        return Walk(sub, limits, PathOf(prefix, f, -1));
      }
      if (IsMoney(sub.GetDescriptor())) return CheckMoney(path, sub, limits);
      if (sub.GetDescriptor()->full_name().rfind("google.protobuf.", 0) == 0) {
        return absl::OkStatus();  // timestamps and the like
      }
      return Walk(sub, limits, path);
    }
    default:
      return absl::OkStatus();
  }
}

}  // namespace

Limits Limits::FromConfig(Config& config) {
  Limits l;
  l.max_lines = static_cast<int>(config.Int("MAX_LINES_PER_ORDER", l.max_lines, 1, 100000));
  l.max_quantity = static_cast<int>(config.Int("MAX_QUANTITY", l.max_quantity, 1, 1000000));
  l.max_text = static_cast<int>(config.Int("MAX_TEXT_CHARS", l.max_text, 16, 1000000));
  l.max_id = static_cast<int>(config.Int("MAX_ID_CHARS", l.max_id, 16, 1024));
  l.max_amount = config.Int("MAX_AMOUNT_MINOR_UNITS", l.max_amount, 1, money::kMaxAmount * 1000);
  l.max_page_size = static_cast<int>(config.Int("MAX_PAGE_SIZE", l.max_page_size, 1, 10000));
  l.max_events = static_cast<int>(config.Int("MAX_EVENTS_PER_ORDER", l.max_events, 100, 1000000));
  return l;
}

bool IsValidUtf8(absl::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (int k = 1; k < len; ++k) {
      const unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

bool ContainsCardNumber(absl::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    if (!IsDigit(text[i])) {
      ++i;
      continue;
    }
    // A run: digits, with single spaces or dashes between two digits.
    std::string digits;
    size_t j = i;
    while (j < text.size()) {
      if (IsDigit(text[j])) {
        digits.push_back(text[j]);
        ++j;
      } else if ((text[j] == ' ' || text[j] == '-') && j + 1 < text.size() &&
                 IsDigit(text[j + 1])) {
        ++j;
      } else {
        break;
      }
    }
    if (digits.size() >= 13 && digits.size() <= 19 && LuhnValid(digits)) return true;
    i = j;
  }
  return false;
}

absl::Status CheckString(absl::string_view field, absl::string_view value, int max_chars,
                         bool no_card_numbers) {
  if (!IsValidUtf8(value)) return InvalidField(field, "is not valid UTF-8");
  if (value.find('\0') != absl::string_view::npos) {
    return InvalidField(field, "must not contain a NUL byte");
  }
  // Characters, not bytes: count the bytes that start a code point.
  int chars = 0;
  for (char c : value) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  if (chars > max_chars) return TooLong(field, max_chars, "characters");
  if (no_card_numbers && ContainsCardNumber(value)) {
    return InvalidField(field,
                        "holds what looks like a payment card number; send a token, and never "
                        "a card number in free text",
                        "CARD_NUMBER_REFUSED");
  }
  return absl::OkStatus();
}

absl::Status CheckMessage(const google::protobuf::Message& message, const Limits& limits,
                          absl::string_view prefix) {
  return Walk(message, limits, prefix);
}

}  // namespace callcenter::validation
