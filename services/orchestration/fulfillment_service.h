#ifndef CALLCENTER_SERVICES_ORCHESTRATION_FULFILLMENT_SERVICE_H_
#define CALLCENTER_SERVICES_ORCHESTRATION_FULFILLMENT_SERVICE_H_

#include "callcenter/orchestration/v1/orchestration.grpc.pb.h"
#include "libs/metrics/metrics.h"
#include "libs/server/parsing_handler.h"
#include "services/orchestration/identity.h"
#include "services/orchestration/workflows/fulfillment_workflow.h"
#include "services/orchestration/workflows/return_workflow.h"

namespace callcenter::orchestration {

// FulfillmentService (API.md), on the front door's port: what warehouse
// and scheduling systems report, with the same bearer JWT as agents; the
// user must have may_record_fulfillment and act on its own call center's
// orders. Thin handlers: identify, then the FulfillmentWorkflow (the
// ReturnWorkflow for returned goods).
class FulfillmentServiceImpl final
    : public server::ParsingHandlers<v1::FulfillmentService::Service> {
 public:
  FulfillmentServiceImpl(const CallerIdentity* identity, FulfillmentWorkflow* fulfillment,
                         ReturnWorkflow* returns, metrics::Metrics* metrics);

  grpc::Status RecordShipment(grpc::ServerContext*, const v1::RecordShipmentRequest*,
                              v1::RecordShipmentResponse*) override;
  grpc::Status SetExpectedShipDate(grpc::ServerContext*, const v1::SetExpectedShipDateRequest*,
                                   v1::SetExpectedShipDateResponse*) override;
  grpc::Status RunDelayedOrderNotices(grpc::ServerContext*,
                                      const v1::RunDelayedOrderNoticesRequest*,
                                      v1::RunDelayedOrderNoticesResponse*) override;
  grpc::Status PurgeOrders(grpc::ServerContext*, const v1::PurgeOrdersRequest*,
                           v1::PurgeOrdersResponse*) override;
  grpc::Status RecordReturnReceipt(grpc::ServerContext*, const v1::RecordReturnReceiptRequest*,
                                   v1::RecordReturnReceiptResponse*) override;
  grpc::Status RunInstallments(grpc::ServerContext*, const v1::RunInstallmentsRequest*,
                               v1::RunInstallmentsResponse*) override;

 private:
  const CallerIdentity* identity_;
  FulfillmentWorkflow* fulfillment_;
  ReturnWorkflow* returns_;
  metrics::Metrics* metrics_;  // may be null
};

}  // namespace callcenter::orchestration

#endif  // CALLCENTER_SERVICES_ORCHESTRATION_FULFILLMENT_SERVICE_H_
