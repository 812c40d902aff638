#ifndef CALLCENTER_SERVICES_ORCHESTRATION_ORDER_ENTRY_SERVICE_H_
#define CALLCENTER_SERVICES_ORCHESTRATION_ORDER_ENTRY_SERVICE_H_

#include "callcenter/orchestration/v1/orchestration.grpc.pb.h"
#include "libs/metrics/metrics.h"
#include "libs/server/parsing_handler.h"
#include "services/orchestration/clients/clients.h"
#include "services/orchestration/identity.h"
#include "services/orchestration/workflows/change_runner.h"
#include "services/orchestration/workflows/directed_selling.h"
#include "services/orchestration/workflows/hold_workflow.h"
#include "services/orchestration/workflows/payment_workflow.h"
#include "services/orchestration/workflows/return_workflow.h"
#include "services/orchestration/workflows/sagas.h"

namespace callcenter::orchestration {

// What the handlers work with (FrontDoor owns them all).
struct OrderEntryParts {
  const CallerIdentity* identity;
  Clients* clients;
  ChangeRunner* changes;
  DirectedSelling* selling;
  PaymentWorkflow* payments;
  HoldWorkflow* holds;
  SubmitSaga* submit;
  CancelSaga* cancel;
  ReturnWorkflow* returns;
  metrics::Metrics* metrics;  // may be null
};

// The front door (API.md): the agent's whole order workflow. Each handler
// identifies the caller and checks the request, then edits the order
// through the ChangeRunner (read, change, reprice, save) or hands it to a
// workflow; a repeated request_id returns the first result.
class OrderEntryServiceImpl final : public server::ParsingHandlers<v1::OrderEntryService::Service> {
 public:
  OrderEntryServiceImpl(OrderEntryParts parts, Clock clock);

  grpc::Status StartOrder(grpc::ServerContext*, const v1::StartOrderRequest*,
                          v1::StartOrderResponse*) override;
  grpc::Status AddLine(grpc::ServerContext*, const v1::AddLineRequest*,
                       v1::AddLineResponse*) override;
  grpc::Status UpdateLineQuantity(grpc::ServerContext*, const v1::UpdateLineQuantityRequest*,
                                  v1::UpdateLineQuantityResponse*) override;
  grpc::Status RemoveLine(grpc::ServerContext*, const v1::RemoveLineRequest*,
                          v1::RemoveLineResponse*) override;
  grpc::Status SetSourceCode(grpc::ServerContext*, const v1::SetSourceCodeRequest*,
                             v1::SetSourceCodeResponse*) override;
  grpc::Status ApplyCoupon(grpc::ServerContext*, const v1::ApplyCouponRequest*,
                           v1::ApplyCouponResponse*) override;
  grpc::Status OverrideLinePrice(grpc::ServerContext*, const v1::OverrideLinePriceRequest*,
                                 v1::OverrideLinePriceResponse*) override;
  grpc::Status SetDelivery(grpc::ServerContext*, const v1::SetDeliveryRequest*,
                           v1::SetDeliveryResponse*) override;
  grpc::Status AddPayment(grpc::ServerContext*, const v1::AddPaymentRequest*,
                          v1::AddPaymentResponse*) override;
  grpc::Status GetOrderSummary(grpc::ServerContext*, const v1::GetOrderSummaryRequest*,
                               v1::GetOrderSummaryResponse*) override;
  grpc::Status SubmitOrder(grpc::ServerContext*, const v1::SubmitOrderRequest*,
                           v1::SubmitOrderResponse*) override;
  grpc::Status PlaceHold(grpc::ServerContext*, const v1::PlaceHoldRequest*,
                         v1::PlaceHoldResponse*) override;
  grpc::Status ClearHold(grpc::ServerContext*, const v1::ClearHoldRequest*,
                         v1::ClearHoldResponse*) override;
  grpc::Status ListHolds(grpc::ServerContext*, const v1::ListHoldsRequest*,
                         v1::ListHoldsResponse*) override;
  grpc::Status CheckOutHold(grpc::ServerContext*, const v1::CheckOutHoldRequest*,
                            v1::CheckOutHoldResponse*) override;
  grpc::Status ReleaseHoldCheckout(grpc::ServerContext*, const v1::ReleaseHoldCheckoutRequest*,
                                   v1::ReleaseHoldCheckoutResponse*) override;
  grpc::Status CancelOrder(grpc::ServerContext*, const v1::CancelOrderRequest*,
                           v1::CancelOrderResponse*) override;
  grpc::Status CancelContinuity(grpc::ServerContext*, const v1::CancelContinuityRequest*,
                                v1::CancelContinuityResponse*) override;
  grpc::Status GetOrder(grpc::ServerContext*, const v1::GetOrderRequest*,
                        v1::GetOrderResponse*) override;
  grpc::Status ListCustomerOrders(grpc::ServerContext*, const v1::ListCustomerOrdersRequest*,
                                  v1::ListCustomerOrdersResponse*) override;
  grpc::Status RequestCatalog(grpc::ServerContext*, const v1::RequestCatalogRequest*,
                              v1::RequestCatalogResponse*) override;
  grpc::Status GetProductDetails(grpc::ServerContext*, const v1::GetProductDetailsRequest*,
                                 v1::GetProductDetailsResponse*) override;
  // Returns and price matches (DOMAIN 10).
  grpc::Status StartReturn(grpc::ServerContext*, const v1::StartReturnRequest*,
                           v1::StartReturnResponse*) override;
  grpc::Status AdjustReturnCredit(grpc::ServerContext*, const v1::AdjustReturnCreditRequest*,
                                  v1::AdjustReturnCreditResponse*) override;
  grpc::Status ApproveRefund(grpc::ServerContext*, const v1::ApproveRefundRequest*,
                             v1::ApproveRefundResponse*) override;
  grpc::Status CancelReturn(grpc::ServerContext*, const v1::CancelReturnRequest*,
                            v1::CancelReturnResponse*) override;
  grpc::Status GetReturn(grpc::ServerContext*, const v1::GetReturnRequest*,
                         v1::GetReturnResponse*) override;
  grpc::Status PriceMatch(grpc::ServerContext*, const v1::PriceMatchRequest*,
                          v1::PriceMatchResponse*) override;
  grpc::Status GetPriceDetails(grpc::ServerContext*, const v1::GetPriceDetailsRequest*,
                               v1::GetPriceDetailsResponse*) override;

 private:
  // The caller's user and call center (and `customer_id`'s record, if
  // given) for a call on no order; PERMISSION_DENIED for a user of none.
  absl::StatusOr<order::v1::GetOrderContextResponse> CallerContext(const Caller& caller,
                                                                   const std::string& customer_id);

  OrderEntryParts parts_;
  Clock clock_;
};

}  // namespace callcenter::orchestration

#endif  // CALLCENTER_SERVICES_ORCHESTRATION_ORDER_ENTRY_SERVICE_H_
