#include "libs/server/reflection_v1.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"

namespace callcenter::server {
namespace {

using google::protobuf::DescriptorPool;
using google::protobuf::FileDescriptor;
using grpc::reflection::v1::ServerReflectionRequest;
using grpc::reflection::v1::ServerReflectionResponse;

void NotFound(const std::string& what, ServerReflectionResponse* resp) {
  resp->mutable_error_response()->set_error_code(grpc::StatusCode::NOT_FOUND);
  resp->mutable_error_response()->set_error_message(absl::StrCat(what, " not found"));
}

// Adds `file` and, unless this stream already sent them, the files it
// imports, so the client can build every type it names.
void AddFile(const FileDescriptor* file, bool requested, std::set<std::string>* sent,
             ServerReflectionResponse* resp) {
  if (!sent->insert(file->name()).second && !requested) return;
  google::protobuf::FileDescriptorProto proto;
  file->CopyTo(&proto);
  proto.SerializeToString(resp->mutable_file_descriptor_response()->add_file_descriptor_proto());
  for (int i = 0; i < file->dependency_count(); ++i) {
    AddFile(file->dependency(i), false, sent, resp);
  }
}

void Answer(const ServerReflectionRequest& req, const std::vector<std::string>& services,
            std::set<std::string>* sent, ServerReflectionResponse* resp) {
  const DescriptorPool* pool = DescriptorPool::generated_pool();
  const FileDescriptor* file = nullptr;
  switch (req.message_request_case()) {
    case ServerReflectionRequest::kListServices:
      for (const std::string& name : services) {
        resp->mutable_list_services_response()->add_service()->set_name(name);
      }
      return;
    case ServerReflectionRequest::kFileByFilename:
      file = pool->FindFileByName(req.file_by_filename());
      if (file == nullptr) return NotFound(absl::StrCat("file ", req.file_by_filename()), resp);
      break;
    case ServerReflectionRequest::kFileContainingSymbol:
      file = pool->FindFileContainingSymbol(req.file_containing_symbol());
      if (file == nullptr) {
        return NotFound(absl::StrCat("symbol ", req.file_containing_symbol()), resp);
      }
      break;
    case ServerReflectionRequest::kFileContainingExtension: {
      const auto& ext = req.file_containing_extension();
      const auto* type = pool->FindMessageTypeByName(ext.containing_type());
      const auto* field =
          type == nullptr ? nullptr : pool->FindExtensionByNumber(type, ext.extension_number());
      if (field == nullptr) {
        return NotFound(
            absl::StrCat("extension ", ext.extension_number(), " of ", ext.containing_type()),
            resp);
      }
      file = field->file();
      break;
    }
    case ServerReflectionRequest::kAllExtensionNumbersOfType: {
      const auto* type = pool->FindMessageTypeByName(req.all_extension_numbers_of_type());
      if (type == nullptr) {
        return NotFound(absl::StrCat("type ", req.all_extension_numbers_of_type()), resp);
      }
      std::vector<const google::protobuf::FieldDescriptor*> extensions;
      pool->FindAllExtensions(type, &extensions);
      auto* numbers = resp->mutable_all_extension_numbers_response();
      numbers->set_base_type_name(type->full_name());
      for (const auto* e : extensions) numbers->add_extension_number(e->number());
      return;
    }
    default:
      resp->mutable_error_response()->set_error_code(grpc::StatusCode::UNIMPLEMENTED);
      resp->mutable_error_response()->set_error_message("unknown reflection request");
      return;
  }
  AddFile(file, true, sent, resp);
}

}  // namespace

grpc::Status ReflectionV1Service::ServerReflectionInfo(
    grpc::ServerContext*,
    grpc::ServerReaderWriter<ServerReflectionResponse, ServerReflectionRequest>* stream) {
  std::set<std::string> sent;  // files this stream has sent already
  ServerReflectionRequest req;
  while (stream->Read(&req)) {
    ServerReflectionResponse resp;
    resp.set_valid_host(req.host());
    *resp.mutable_original_request() = req;
    Answer(req, *services_, &sent, &resp);
    if (!stream->Write(resp)) break;
  }
  return grpc::Status::OK;
}

}  // namespace callcenter::server
