#ifndef CALLCENTER_SERVICES_ORDER_ORDER_SERVICE_H_
#define CALLCENTER_SERVICES_ORDER_ORDER_SERVICE_H_

#include "callcenter/order/v1/order.grpc.pb.h"
#include "libs/metrics/metrics.h"
#include "services/order/store.h"

namespace callcenter::order {

// Thin gRPC handlers: validate, call the store, map the status.
class CallCenterServiceImpl final : public v1::CallCenterService::Service {
 public:
  CallCenterServiceImpl(OrderStore* store, metrics::Metrics* metrics)
      : store_(store), metrics_(metrics) {}
  grpc::Status UpsertCallCenter(grpc::ServerContext*, const v1::UpsertCallCenterRequest*,
                                v1::UpsertCallCenterResponse*) override;
  grpc::Status GetCallCenter(grpc::ServerContext*, const v1::GetCallCenterRequest*,
                             v1::GetCallCenterResponse*) override;
  grpc::Status ListCallCenters(grpc::ServerContext*, const v1::ListCallCentersRequest*,
                               v1::ListCallCentersResponse*) override;
  grpc::Status UpsertUser(grpc::ServerContext*, const v1::UpsertUserRequest*,
                          v1::UpsertUserResponse*) override;
  grpc::Status GetUser(grpc::ServerContext*, const v1::GetUserRequest*,
                       v1::GetUserResponse*) override;
  grpc::Status RemoveUser(grpc::ServerContext*, const v1::RemoveUserRequest*,
                          v1::RemoveUserResponse*) override;

 private:
  OrderStore* store_;
  metrics::Metrics* metrics_;
};

class CustomerServiceImpl final : public v1::CustomerService::Service {
 public:
  CustomerServiceImpl(OrderStore* store, metrics::Metrics* metrics)
      : store_(store), metrics_(metrics) {}
  grpc::Status UpsertCustomer(grpc::ServerContext*, const v1::UpsertCustomerRequest*,
                              v1::UpsertCustomerResponse*) override;
  grpc::Status GetCustomer(grpc::ServerContext*, const v1::GetCustomerRequest*,
                           v1::GetCustomerResponse*) override;
  grpc::Status SearchCustomers(grpc::ServerContext*, const v1::SearchCustomersRequest*,
                               v1::SearchCustomersResponse*) override;
  // RFM scores (DOMAIN 11), one statement over the orders.
  grpc::Status RunRfm(grpc::ServerContext*, const v1::RunRfmRequest*, v1::RunRfmResponse*) override;

 private:
  OrderStore* store_;
  metrics::Metrics* metrics_;
};

class SalesOrderServiceImpl final : public v1::SalesOrderService::Service {
 public:
  SalesOrderServiceImpl(OrderStore* store, metrics::Metrics* metrics)
      : store_(store), metrics_(metrics) {}
  grpc::Status CreateOrder(grpc::ServerContext*, const v1::CreateOrderRequest*,
                           v1::CreateOrderResponse*) override;
  grpc::Status GetOrder(grpc::ServerContext*, const v1::GetOrderRequest*,
                        v1::GetOrderResponse*) override;
  grpc::Status ListRecordedPayments(grpc::ServerContext*, const v1::ListRecordedPaymentsRequest*,
                                    v1::ListRecordedPaymentsResponse*) override;
  grpc::Status SaveOrder(grpc::ServerContext*, const v1::SaveOrderRequest*,
                         v1::SaveOrderResponse*) override;
  grpc::Status ListCustomerOrders(grpc::ServerContext*, const v1::ListCustomerOrdersRequest*,
                                  v1::ListCustomerOrdersResponse*) override;
  grpc::Status GetOrderContext(grpc::ServerContext*, const v1::GetOrderContextRequest*,
                               v1::GetOrderContextResponse*) override;
  grpc::Status ListOpenOrders(grpc::ServerContext*, const v1::ListOpenOrdersRequest*,
                              v1::ListOpenOrdersResponse*) override;
  grpc::Status PurgeOrders(grpc::ServerContext*, const v1::PurgeOrdersRequest*,
                           v1::PurgeOrdersResponse*) override;

 private:
  OrderStore* store_;
  metrics::Metrics* metrics_;
};

class ContinuityServiceImpl final : public v1::ContinuityService::Service {
 public:
  ContinuityServiceImpl(OrderStore* store, metrics::Metrics* metrics)
      : store_(store), metrics_(metrics) {}
  grpc::Status RunDue(grpc::ServerContext*, const v1::RunDueRequest*, v1::RunDueResponse*) override;
  grpc::Status CancelSchedule(grpc::ServerContext*, const v1::CancelScheduleRequest*,
                              v1::CancelScheduleResponse*) override;

 private:
  OrderStore* store_;
  metrics::Metrics* metrics_;
};

}  // namespace callcenter::order

#endif  // CALLCENTER_SERVICES_ORDER_ORDER_SERVICE_H_
