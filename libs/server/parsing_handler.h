#ifndef CALLCENTER_LIBS_SERVER_PARSING_HANDLER_H_
#define CALLCENTER_LIBS_SERVER_PARSING_HANDLER_H_

#include <deque>
#include <new>
#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/impl/rpc_service_method.h"
#include "grpcpp/support/method_handler.h"
#include "libs/server/after_reply.h"
#include "libs/status/status.h"

namespace callcenter::server {

// The path of the first string field in `bytes` (a `descriptor` message on
// the wire) that is not valid UTF-8, e.g. "address.line1" or "lines[2]";
// "" when there is none.
std::string FindInvalidUtf8(absl::string_view bytes,
                            const google::protobuf::Descriptor* descriptor);

// The request's bytes (decompressed), taking ownership of `buffer`.
std::string TakeBytes(grpc_byte_buffer* buffer);

// Writes `reply` into `out` with the bytes a part of it already has
// (ReplyPartSerialized in `scope`) instead of serializing that part again:
// the rest of the reply, then the part as its field. False, with `out`
// untouched, when no such part is still a field of the reply, unchanged.
bool SerializeWithSerializedPart(google::protobuf::Message& reply, ReplyScope& scope,
                                 grpc::ByteBuffer* out);

// A unary handler that parses its request itself. gRPC's own handler
// answers a request protobuf refuses (invalid UTF-8 in a string field of a
// proto3 message) with a bare INTERNAL; this one answers INVALID_ARGUMENT
// naming the field, with the error details every error carries (API.md).
// It then runs the service's method as gRPC's handler would, in a
// ReplyScope: what the method queued with AfterReply runs once the reply
// has been serialized, before it is sent.
template <class Service, class Request, class Response>
class ParsingUnaryHandler : public grpc::internal::MethodHandler {
 public:
  using Method = grpc::Status (Service::*)(grpc::ServerContext*, const Request*, Response*);

  ParsingUnaryHandler(Method method, Service* service) : method_(method), service_(service) {}

  // As gRPC's RpcMethodHandler::RunHandler, with the scope around it.
  void RunHandler(const HandlerParameter& param) override {
    Response rsp;
    grpc::Status status = param.status;
    ReplyScope scope;
    if (status.ok()) {
      status = grpc::internal::CatchingFunctionHandler([this, &param, &rsp] {
        return (service_->*method_)(static_cast<grpc::ServerContext*>(param.server_context),
                                    static_cast<Request*>(param.request), &rsp);
      });
      static_cast<Request*>(param.request)->~Request();
    }
    // The reply is serialized here rather than by gRPC, so that the work
    // queued with AfterReply runs between the two: before the reply can
    // reach the client (whose next call may count on that work done), and
    // after the reply's message was read.
    grpc::ByteBuffer reply;
    if (status.ok() && !SerializeWithSerializedPart(rsp, scope, &reply)) {
      bool own_buffer = false;
      status = grpc::SerializationTraits<Response>::Serialize(rsp, &reply, &own_buffer);
    }
    scope.Run();
    grpc::internal::UnaryRunHandlerHelper(param, &reply, status);
  }

  void* Deserialize(grpc_call* call, grpc_byte_buffer* req, grpc::Status* status,
                    void** /*handler_data*/) override {
    if (req == nullptr) {
      *status = ToGrpcStatus(absl::InvalidArgumentError("the call carried no request message"));
      return nullptr;
    }
    const std::string bytes = TakeBytes(req);
    auto* request =
        new (grpc::g_core_codegen_interface->grpc_call_arena_alloc(call, sizeof(Request))) Request;
    if (request->ParseFromString(bytes)) {
      *status = grpc::Status::OK;
      return request;
    }
    request->~Request();
    const std::string field = FindInvalidUtf8(bytes, Request::descriptor());
    *status = ToGrpcStatus(field.empty()
                               ? absl::InvalidArgumentError("the request is not a valid message")
                               : InvalidField(field, "is not valid UTF-8"));
    return nullptr;
  }

 private:
  Method method_;
  Service* service_;
};

// Lets a generated service class replace the handler of its method `index`
// (named `name`, "/package.Service/Method") with a ParsingUnaryHandler. The
// generated class registers gRPC's own handlers; `Service` (the
// implementation) calls this from its constructor for each unary method.
template <class GeneratedService>
class ParsingHandlers : public GeneratedService {
 protected:
  template <class Service, class Request, class Response>
  void UseParsingHandler(int index, const std::string& name,
                         grpc::Status (Service::*method)(grpc::ServerContext*, const Request*,
                                                         Response*)) {
    names_.push_back(name);          // RpcServiceMethod keeps the pointer
    this->MarkMethodGeneric(index);  // removes gRPC's handler
    this->AddMethod(new grpc::internal::RpcServiceMethod(
        names_.back().c_str(), grpc::internal::RpcMethod::NORMAL_RPC,
        new ParsingUnaryHandler<Service, Request, Response>(method, static_cast<Service*>(this))));
  }

 private:
  std::deque<std::string> names_;
};

}  // namespace callcenter::server

#endif  // CALLCENTER_LIBS_SERVER_PARSING_HANDLER_H_
