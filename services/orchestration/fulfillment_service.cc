#include "services/orchestration/fulfillment_service.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "libs/server/serve.h"
#include "libs/status/status.h"

namespace callcenter::orchestration {

using server::Serve;

FulfillmentServiceImpl::FulfillmentServiceImpl(const CallerIdentity* identity,
                                               FulfillmentWorkflow* fulfillment,
                                               ReturnWorkflow* returns, metrics::Metrics* metrics)
    : identity_(identity), fulfillment_(fulfillment), returns_(returns), metrics_(metrics) {
  // Requests protobuf refuses (invalid UTF-8): INVALID_ARGUMENT naming the field.
  const google::protobuf::ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          v1::FulfillmentService::service_full_name());
  auto use = [&](const char* name, auto method) {
    const google::protobuf::MethodDescriptor* m = service->FindMethodByName(name);
    UseParsingHandler(m->index(), absl::StrCat("/", service->full_name(), "/", name), method);
  };
  use("RecordShipment", &FulfillmentServiceImpl::RecordShipment);
  use("SetExpectedShipDate", &FulfillmentServiceImpl::SetExpectedShipDate);
  use("RunDelayedOrderNotices", &FulfillmentServiceImpl::RunDelayedOrderNotices);
  use("PurgeOrders", &FulfillmentServiceImpl::PurgeOrders);
  use("RecordReturnReceipt", &FulfillmentServiceImpl::RecordReturnReceipt);
  use("RunInstallments", &FulfillmentServiceImpl::RunInstallments);
}

grpc::Status FulfillmentServiceImpl::RunInstallments(grpc::ServerContext* ctx,
                                                     const v1::RunInstallmentsRequest* req,
                                                     v1::RunInstallmentsResponse* resp) {
  return Serve(metrics_, "RunInstallments", "", [&]() -> absl::Status {
    // Idempotent by its date (no request id; API.md).
    ASSIGN_OR_RETURN(Caller caller, identity_->Identify(ctx, "RunInstallments", *req, "", false));
    return fulfillment_->RunInstallments(caller, *req, resp);
  });
}

grpc::Status FulfillmentServiceImpl::RecordShipment(grpc::ServerContext* ctx,
                                                    const v1::RecordShipmentRequest* req,
                                                    v1::RecordShipmentResponse* resp) {
  return Serve(metrics_, "RecordShipment", req->request_id(), [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller,
                     identity_->Identify(ctx, "RecordShipment", *req, req->request_id(), true));
    return fulfillment_->RecordShipment(caller, *req, resp->mutable_order());
  });
}

grpc::Status FulfillmentServiceImpl::SetExpectedShipDate(grpc::ServerContext* ctx,
                                                         const v1::SetExpectedShipDateRequest* req,
                                                         v1::SetExpectedShipDateResponse* resp) {
  return Serve(metrics_, "SetExpectedShipDate", req->request_id(), [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, identity_->Identify(ctx, "SetExpectedShipDate", *req,
                                                        req->request_id(), true));
    return fulfillment_->SetExpectedShipDate(caller, *req, resp->mutable_order());
  });
}

grpc::Status FulfillmentServiceImpl::RunDelayedOrderNotices(
    grpc::ServerContext* ctx, const v1::RunDelayedOrderNoticesRequest* req,
    v1::RunDelayedOrderNoticesResponse* resp) {
  return Serve(metrics_, "RunDelayedOrderNotices", "", [&]() -> absl::Status {
    // Idempotent by its date (no request id; API.md).
    ASSIGN_OR_RETURN(Caller caller,
                     identity_->Identify(ctx, "RunDelayedOrderNotices", *req, "", false));
    return fulfillment_->RunDelayedOrderNotices(caller, *req, resp);
  });
}

grpc::Status FulfillmentServiceImpl::PurgeOrders(grpc::ServerContext* ctx,
                                                 const v1::PurgeOrdersRequest* req,
                                                 v1::PurgeOrdersResponse* resp) {
  return Serve(metrics_, "PurgeOrders", "", [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, identity_->Identify(ctx, "PurgeOrders", *req, "", false));
    return fulfillment_->PurgeOrders(caller, *req, resp);
  });
}

grpc::Status FulfillmentServiceImpl::RecordReturnReceipt(grpc::ServerContext* ctx,
                                                         const v1::RecordReturnReceiptRequest* req,
                                                         v1::RecordReturnReceiptResponse* resp) {
  return Serve(metrics_, "RecordReturnReceipt", req->request_id(), [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, identity_->Identify(ctx, "RecordReturnReceipt", *req,
                                                        req->request_id(), true));
    return returns_->RecordReceipt(caller, *req, resp->mutable_return_order());
  });
}

}  // namespace callcenter::orchestration
