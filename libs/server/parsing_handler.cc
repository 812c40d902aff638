#include "libs/server/parsing_handler.h"

#include <grpc/byte_buffer.h>
#include <grpc/byte_buffer_reader.h>
#include <grpc/slice.h>

#include <map>

#include "absl/strings/str_cat.h"
#include "google/protobuf/unknown_field_set.h"
#include "libs/validation/validation.h"

namespace callcenter::server {

std::string FindInvalidUtf8(absl::string_view bytes,
                            const google::protobuf::Descriptor* descriptor) {
  using google::protobuf::FieldDescriptor;
  using google::protobuf::UnknownField;
  // The wire read without a schema: no UTF-8 check refuses it.
  google::protobuf::UnknownFieldSet fields;
  if (!fields.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return "";
  std::map<int, int> seen;  // occurrences per field number (repeated fields)
  for (int i = 0; i < fields.field_count(); ++i) {
    const UnknownField& f = fields.field(i);
    if (f.type() != UnknownField::TYPE_LENGTH_DELIMITED) continue;
    const FieldDescriptor* fd = descriptor->FindFieldByNumber(f.number());
    if (fd == nullptr) continue;
    const int index = seen[f.number()]++;
    std::string path = fd->name();
    if (fd->is_repeated() && !fd->is_map()) absl::StrAppend(&path, "[", index, "]");
    if (fd->type() == FieldDescriptor::TYPE_STRING) {
      if (!validation::IsValidUtf8(f.length_delimited())) return path;
    } else if (fd->type() == FieldDescriptor::TYPE_MESSAGE) {
      const std::string inner = FindInvalidUtf8(f.length_delimited(), fd->message_type());
      if (!inner.empty()) return fd->is_map() ? path : absl::StrCat(path, ".", inner);
    }
  }
  return "";
}

std::string TakeBytes(grpc_byte_buffer* buffer) {
  std::string bytes;
  grpc_byte_buffer_reader reader;
  if (grpc_byte_buffer_reader_init(&reader, buffer)) {
    grpc_slice all = grpc_byte_buffer_reader_readall(&reader);
    bytes.assign(reinterpret_cast<const char*>(GRPC_SLICE_START_PTR(all)), GRPC_SLICE_LENGTH(all));
    grpc_slice_unref(all);
    grpc_byte_buffer_reader_destroy(&reader);
  }
  grpc_byte_buffer_destroy(buffer);
  return bytes;
}

}  // namespace callcenter::server
