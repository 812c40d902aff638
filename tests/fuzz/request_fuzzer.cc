// Every front-door request (OrderEntryService and FulfillmentService) from
// the fuzzer's bytes, as the front door takes it: its own wire scan for
// invalid UTF-8 (which must agree with protobuf: never a false alarm, never
// a miss), then API.md's limits. A request the limits accept must hold
// them: strings well-formed UTF-8 without NUL, ids at most 64 characters,
// free text at most 2,000, known enum values, money within 10^12 minor
// units, quantities 1 to 9,999, page sizes up to 200, at most 500 entries
// in any list.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "callcenter/orchestration/v1/orchestration.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/stubs/logging.h"
#include "libs/server/parsing_handler.h"
#include "libs/validation/validation.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Strict UTF-8, written apart from the code under test.
bool WellFormed(const std::string& s, size_t* chars) {
  *chars = 0;
  for (size_t i = 0; i < s.size(); ++(*chars)) {
    const unsigned char c = s[i];
    size_t n = 0;
    uint32_t cp = 0;
    if (c < 0x80) { n = 1; cp = c; }
    else if ((c & 0xE0) == 0xC0) { n = 2; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { n = 3; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { n = 4; cp = c & 0x07; }
    else return false;
    if (i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      const unsigned char cc = s[i + k];
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static const uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n;
  }
  return true;
}

void Holds(const Message& m) {
  const Reflection* r = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  if (m.GetDescriptor()->full_name() == "callcenter.common.v1.Money") {
    const int64_t minor = m.GetReflection()->GetInt64(
        m, m.GetDescriptor()->FindFieldByName("minor_units"));
    FUZZ_CHECK(minor <= 1000000000000 && minor >= -1000000000000);
  }
  for (const FieldDescriptor* f : fields) {
    const int n = f->is_repeated() ? r->FieldSize(m, f) : 1;
    if (f->is_repeated()) FUZZ_CHECK(n <= 500);
    for (int i = 0; i < n; ++i) {
      switch (f->cpp_type()) {
        case FieldDescriptor::CPPTYPE_STRING: {
          if (f->type() == FieldDescriptor::TYPE_BYTES) break;
          const std::string v = f->is_repeated() ? r->GetRepeatedString(m, f, i)
                                                 : r->GetString(m, f);
          size_t chars = 0;
          FUZZ_CHECK(WellFormed(v, &chars));
          FUZZ_CHECK(v.find('\0') == std::string::npos);
          FUZZ_CHECK(chars <= 2000);
          if (absl::EndsWith(f->name(), "_id")) FUZZ_CHECK(chars <= 64);
          break;
        }
        case FieldDescriptor::CPPTYPE_ENUM: {
          const int number = f->is_repeated() ? r->GetRepeatedEnumValue(m, f, i)
                                              : r->GetEnumValue(m, f);
          FUZZ_CHECK(f->enum_type()->FindValueByNumber(number) != nullptr);
          break;
        }
        case FieldDescriptor::CPPTYPE_INT32: {
          const int32_t v = f->is_repeated() ? r->GetRepeatedInt32(m, f, i) : r->GetInt32(m, f);
          if (f->name() == "quantity") FUZZ_CHECK(v >= 0 && v <= 9999);
          if (f->name() == "page_size") FUZZ_CHECK(v >= 0 && v <= 200);
          break;
        }
        case FieldDescriptor::CPPTYPE_MESSAGE:
          Holds(f->is_repeated() ? r->GetRepeatedMessage(m, f, i) : r->GetMessage(m, f));
          break;
        default:
          break;
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<const Descriptor*> requests = [] {
    std::vector<const Descriptor*> out;
    // Through a generated message, so that the file is linked and registered.
    const auto* file = callcenter::orchestration::v1::StartOrderRequest::descriptor()->file();
    for (const char* name : {"OrderEntryService", "FulfillmentService"}) {
      const auto* service = file->FindServiceByName(name);
      FUZZ_CHECK(service != nullptr);
      for (int i = 0; i < service->method_count(); ++i) out.push_back(service->method(i)->input_type());
    }
    return out;
  }();
  google::protobuf::LogSilencer quiet;  // protobuf logs every invalid UTF-8 it refuses
  callcenter::fuzz::FuzzInput in(data, size);
  const Descriptor* type = requests[in.Byte() % requests.size()];
  const std::string bytes = in.Rest();
  std::unique_ptr<Message> request(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(type)->New());
  const std::string bad_field = callcenter::server::FindInvalidUtf8(bytes, type);
  const bool parsed = request->ParseFromString(bytes);
  if (parsed) FUZZ_CHECK(bad_field.empty());
  if (!parsed) return 0;
  const absl::Status checked =
      callcenter::validation::CheckMessage(*request, callcenter::validation::Limits());
  if (!checked.ok()) {
    FUZZ_CHECK(checked.code() == absl::StatusCode::kInvalidArgument);
    return 0;
  }
  Holds(*request);
  return 0;
}
