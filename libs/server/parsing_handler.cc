#include "libs/server/parsing_handler.h"

#include <grpc/byte_buffer.h>
#include <grpc/byte_buffer_reader.h>
#include <grpc/slice.h>

#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/unknown_field_set.h"
#include "google/protobuf/wire_format_lite.h"
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

bool SerializeWithSerializedPart(google::protobuf::Message& reply, ReplyScope& scope,
                                 grpc::ByteBuffer* out) {
  using google::protobuf::FieldDescriptor;
  using google::protobuf::internal::WireFormatLite;
  if (scope.serialized_parts().empty()) return false;
  const google::protobuf::Descriptor* type = reply.GetDescriptor();
  const google::protobuf::Reflection* reflection = reply.GetReflection();
  for (ReplyScope::SerializedPart& known : scope.serialized_parts()) {
    for (int i = 0; i < type->field_count(); ++i) {
      const FieldDescriptor* field = type->field(i);
      if (field->is_repeated() || field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE ||
          !reflection->HasField(reply, field) ||
          &reflection->GetMessage(reply, field) != known.part) {
        continue;
      }
      size_t size = 0;
      for (const std::string& piece : known.pieces) size += piece.size();
      if (!known.unchanged() || size > INT32_MAX) return false;
      // The rest of the reply, then the part as its field: on the wire a
      // message's fields may come in any order.
      google::protobuf::Message* part = reflection->ReleaseMessage(&reply, field);
      std::string head;
      const bool rest_ok = reply.AppendToString(&head);
      reflection->SetAllocatedMessage(&reply, part, field);
      if (!rest_ok) return false;
      {
        google::protobuf::io::StringOutputStream raw(&head);
        google::protobuf::io::CodedOutputStream wire(&raw);
        WireFormatLite::WriteTag(field->number(), WireFormatLite::WIRETYPE_LENGTH_DELIMITED,
                                 &wire);
        wire.WriteVarint32(static_cast<uint32_t>(size));
      }
      // Each piece a slice that owns it: the part's bytes are not copied.
      std::vector<grpc::Slice> slices;
      slices.reserve(known.pieces.size() + 1);
      known.pieces.insert(known.pieces.begin(), std::move(head));
      for (std::string& piece : known.pieces) {
        if (piece.empty()) continue;
        auto* owned = new std::string(std::move(piece));
        slices.emplace_back(
            owned->data(), owned->size(), [](void* s) { delete static_cast<std::string*>(s); },
            owned);
      }
      known.pieces.clear();
      *out = grpc::ByteBuffer(slices.data(), slices.size());
      return true;
    }
  }
  return false;
}

}  // namespace callcenter::server
