#ifndef CALLCENTER_SERVICES_ORCHESTRATION_ORDER_ENTRY_SERVICE_H_
#define CALLCENTER_SERVICES_ORCHESTRATION_ORDER_ENTRY_SERVICE_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "callcenter/orchestration/v1/orchestration.grpc.pb.h"
#include "callcenter/order/v1/order.grpc.pb.h"
#include "callcenter/payment/v1/payment.grpc.pb.h"
#include "callcenter/pricing/v1/pricing.grpc.pb.h"
#include "libs/metrics/metrics.h"

namespace callcenter::orchestration {

using common::v1::Order;
using common::v1::OrderEvent;

// Stubs of the downstream services (one long-lived channel each).
struct Downstream {
  std::unique_ptr<order::v1::SalesOrderService::StubInterface> orders;
  std::unique_ptr<pricing::v1::PricingService::StubInterface> pricing;
  std::unique_ptr<payment::v1::PaymentService::StubInterface> payments;
};

struct OrderEntryOptions {
  std::string jwt_secret;
  absl::Duration downstream_timeout = absl::Seconds(3);
  std::function<absl::Time()> clock = [] { return absl::Now(); };
};

// The front door. Each call: authenticate the agent, load the order with its
// call center, user and customer in one call, apply the change, reprice the
// whole order, and save it with its version (idempotent by request_id).
class OrderEntryServiceImpl final : public v1::OrderEntryService::Service {
 public:
  OrderEntryServiceImpl(Downstream downstream, OrderEntryOptions options,
                        metrics::Metrics* metrics);

  grpc::Status StartOrder(grpc::ServerContext*, const v1::StartOrderRequest*,
                          v1::StartOrderResponse*) override;
  grpc::Status AddLine(grpc::ServerContext*, const v1::AddLineRequest*,
                       v1::AddLineResponse*) override;
  grpc::Status UpdateLineQuantity(grpc::ServerContext*, const v1::UpdateLineQuantityRequest*,
                                  v1::UpdateLineQuantityResponse*) override;
  grpc::Status RemoveLine(grpc::ServerContext*, const v1::RemoveLineRequest*,
                          v1::RemoveLineResponse*) override;
  grpc::Status SetDelivery(grpc::ServerContext*, const v1::SetDeliveryRequest*,
                           v1::SetDeliveryResponse*) override;
  grpc::Status AddPayment(grpc::ServerContext*, const v1::AddPaymentRequest*,
                          v1::AddPaymentResponse*) override;
  grpc::Status GetOrderSummary(grpc::ServerContext*, const v1::GetOrderSummaryRequest*,
                               v1::GetOrderSummaryResponse*) override;
  grpc::Status SubmitOrder(grpc::ServerContext*, const v1::SubmitOrderRequest*,
                           v1::SubmitOrderResponse*) override;
  grpc::Status CancelOrder(grpc::ServerContext*, const v1::CancelOrderRequest*,
                           v1::CancelOrderResponse*) override;
  grpc::Status GetOrder(grpc::ServerContext*, const v1::GetOrderRequest*,
                        v1::GetOrderResponse*) override;
  grpc::Status ListCustomerOrders(grpc::ServerContext*, const v1::ListCustomerOrdersRequest*,
                                  v1::ListCustomerOrdersResponse*) override;

 private:
  // What a change sees: the caller and the order's context.
  struct Context {
    std::string user_id;
    std::string request_id;
    order::v1::GetOrderContextResponse data;
  };
  using Change = std::function<absl::Status(Context&, Order&, std::vector<OrderEvent>&)>;

  absl::StatusOr<std::string> Authenticate(grpc::ServerContext* ctx) const;
  std::unique_ptr<grpc::ClientContext> Call(const std::string& request_id) const;
  absl::StatusOr<Context> Load(grpc::ServerContext* ctx, const std::string& order_id,
                               const std::string& method, const std::string& request_id);
  absl::Status Reprice(const Context& c, Order* order);
  // Load, check, change, reprice, `after_pricing`, save.
  absl::Status Mutate(grpc::ServerContext* ctx, const char* method, const std::string& request_id,
                      const google::protobuf::Message& request, const std::string& order_id,
                      const Change& change, Order* out, const Change& after_pricing = nullptr);

  Downstream downstream_;
  OrderEntryOptions options_;
  metrics::Metrics* metrics_;
};

}  // namespace callcenter::orchestration

#endif  // CALLCENTER_SERVICES_ORCHESTRATION_ORDER_ENTRY_SERVICE_H_
