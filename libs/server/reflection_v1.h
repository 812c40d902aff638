#ifndef CALLCENTER_LIBS_SERVER_REFLECTION_V1_H_
#define CALLCENTER_LIBS_SERVER_REFLECTION_V1_H_

#include <string>
#include <vector>

#include "grpc/reflection/v1/reflection.grpc.pb.h"
#include "grpcpp/grpcpp.h"

namespace callcenter::server {

// grpc.reflection.v1.ServerReflection, the protocol's stable name. gRPC
// 1.51's plugin serves only grpc.reflection.v1alpha; newer clients (grpcurl,
// grpc-go, ...) ask v1 first. Answers from the binary's generated
// descriptors, as the v1alpha plugin does.
class ReflectionV1Service final : public grpc::reflection::v1::ServerReflection::Service {
 public:
  // `services`: the server's service names, read per request (filled in
  // when the server is built); not owned.
  explicit ReflectionV1Service(const std::vector<std::string>* services) : services_(services) {}

  grpc::Status ServerReflectionInfo(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<grpc::reflection::v1::ServerReflectionResponse,
                               grpc::reflection::v1::ServerReflectionRequest>* stream) override;

 private:
  const std::vector<std::string>* services_;
};

}  // namespace callcenter::server

#endif  // CALLCENTER_LIBS_SERVER_REFLECTION_V1_H_
