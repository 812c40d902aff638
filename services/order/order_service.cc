#include "services/order/order_service.h"

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/util/time_util.h"
#include "libs/db/entity_table.h"
#include "libs/ids/order_event_kind.h"
#include "libs/ids/uuid.h"
#include "libs/server/serve.h"
#include "libs/status/status.h"
#include "libs/validation/validation.h"
#include "services/order/domain/order_rules.h"

namespace callcenter::order {

using server::Serve;

namespace {
// RFM runs (DOMAIN 11): buckets per dimension by default, and the longest window.
constexpr int kDefaultRfmDivisions = 5;
constexpr int kMaxRfmWindowDays = 3660;
}  // namespace

grpc::Status CallCenterServiceImpl::UpsertCallCenter(grpc::ServerContext*,
                                                     const v1::UpsertCallCenterRequest* req,
                                                     v1::UpsertCallCenterResponse* resp) {
  return Serve(metrics_, "UpsertCallCenter", "", [&]() -> absl::Status {
    RETURN_IF_ERROR(validation::CheckMessage(*req, validation::Limits::ForMasterData()));
    v1::CallCenter cc = req->call_center();
    if (cc.concurrency_model() == common::v1::CONCURRENCY_MODEL_UNSPECIFIED) {
      cc.set_concurrency_model(common::v1::CONCURRENCY_MODEL_WITHIN_PRIORITY_NEVER_ACROSS);
    }
    RETURN_IF_ERROR(ValidateCallCenter(cc));
    RETURN_IF_ERROR(store_->UpsertCallCenter(cc));
    *resp->mutable_call_center() = cc;
    return absl::OkStatus();
  });
}

grpc::Status CallCenterServiceImpl::GetCallCenter(grpc::ServerContext*,
                                                  const v1::GetCallCenterRequest* req,
                                                  v1::GetCallCenterResponse* resp) {
  return Serve(metrics_, "GetCallCenter", "", [&]() -> absl::Status {
    if (req->call_center_id().empty()) return InvalidField("call_center_id", "required");
    ASSIGN_OR_RETURN(*resp->mutable_call_center(), store_->GetCallCenter(req->call_center_id()));
    return absl::OkStatus();
  });
}

grpc::Status CallCenterServiceImpl::ListCallCenters(grpc::ServerContext*,
                                                    const v1::ListCallCentersRequest* req,
                                                    v1::ListCallCentersResponse* resp) {
  return Serve(metrics_, "ListCallCenters", "", [&]() {
    return store_->ListCallCenters(db::ClampPageSize(req->page_size(), 50, 500), req->page_token(),
                                   resp);
  });
}

grpc::Status CallCenterServiceImpl::UpsertUser(grpc::ServerContext*,
                                               const v1::UpsertUserRequest* req,
                                               v1::UpsertUserResponse* resp) {
  return Serve(metrics_, "UpsertUser", "", [&]() -> absl::Status {
    RETURN_IF_ERROR(validation::CheckMessage(*req, validation::Limits::ForMasterData()));
    RETURN_IF_ERROR(ValidateUser(req->user()));
    RETURN_IF_ERROR(store_->UpsertUser(req->user()));
    *resp->mutable_user() = req->user();
    return absl::OkStatus();
  });
}

grpc::Status CallCenterServiceImpl::GetUser(grpc::ServerContext*, const v1::GetUserRequest* req,
                                            v1::GetUserResponse* resp) {
  return Serve(metrics_, "GetUser", "", [&]() -> absl::Status {
    if (req->user_id().empty()) return InvalidField("user_id", "required");
    ASSIGN_OR_RETURN(*resp->mutable_user(), store_->GetUser(req->user_id()));
    return absl::OkStatus();
  });
}

grpc::Status CallCenterServiceImpl::RemoveUser(grpc::ServerContext*,
                                               const v1::RemoveUserRequest* req,
                                               v1::RemoveUserResponse*) {
  return Serve(metrics_, "RemoveUser", "", [&]() -> absl::Status {
    if (req->user_id().empty()) return InvalidField("user_id", "required");
    return store_->RemoveUser(req->user_id());
  });
}

grpc::Status CustomerServiceImpl::UpsertCustomer(grpc::ServerContext*,
                                                 const v1::UpsertCustomerRequest* req,
                                                 v1::UpsertCustomerResponse* resp) {
  return Serve(metrics_, "UpsertCustomer", "", [&]() -> absl::Status {
    RETURN_IF_ERROR(validation::CheckMessage(*req, validation::Limits::ForMasterData()));
    RETURN_IF_ERROR(ValidateCustomer(req->customer()));
    ASSIGN_OR_RETURN(*resp->mutable_customer(), store_->UpsertCustomer(req->customer()));
    return absl::OkStatus();
  });
}

grpc::Status CustomerServiceImpl::RunRfm(grpc::ServerContext*, const v1::RunRfmRequest* req,
                                         v1::RunRfmResponse* resp) {
  return Serve(metrics_, "RunRfm", "", [&]() -> absl::Status {
    absl::CivilDay day;
    if (!absl::ParseCivilTime(req->as_of(), &day))
      return InvalidField("as_of", "must be YYYY-MM-DD");
    if (req->window_days() < 1 || req->window_days() > kMaxRfmWindowDays) {
      return InvalidField("window_days", absl::StrCat("must be 1 to ", kMaxRfmWindowDays));
    }
    // One digit per dimension in the score ("535").
    if (req->divisions() < 0 || req->divisions() > 9) {
      return InvalidField("divisions", "must be 0 (the default, 5) to 9");
    }
    RETURN_IF_ERROR(validation::CheckMessage(*req, validation::Limits::ForMasterData()));
    const int divisions = req->divisions() == 0 ? kDefaultRfmDivisions : req->divisions();
    ASSIGN_OR_RETURN(int scored, store_->RunRfm(req->as_of(), req->window_days(), divisions,
                                                req->customer_group()));
    resp->set_scored(scored);
    return absl::OkStatus();
  });
}

grpc::Status CustomerServiceImpl::GetCustomer(grpc::ServerContext*,
                                              const v1::GetCustomerRequest* req,
                                              v1::GetCustomerResponse* resp) {
  return Serve(metrics_, "GetCustomer", "", [&]() -> absl::Status {
    if (req->customer_id().empty()) return InvalidField("customer_id", "required");
    ASSIGN_OR_RETURN(*resp->mutable_customer(), store_->GetCustomer(req->customer_id()));
    return absl::OkStatus();
  });
}

grpc::Status CustomerServiceImpl::SearchCustomers(grpc::ServerContext*,
                                                  const v1::SearchCustomersRequest* req,
                                                  v1::SearchCustomersResponse* resp) {
  return Serve(metrics_, "SearchCustomers", "", [&]() -> absl::Status {
    if (req->query().empty()) return InvalidField("query", "required");
    return store_->SearchCustomers(req->query(), db::ClampPageSize(req->page_size(), 20, 200),
                                   req->page_token(), resp);
  });
}

grpc::Status SalesOrderServiceImpl::CreateOrder(grpc::ServerContext*,
                                                const v1::CreateOrderRequest* req,
                                                v1::CreateOrderResponse* resp) {
  return Serve(metrics_, "CreateOrder", req->request_id(), [&]() -> absl::Status {
    if (req->request_id().empty()) return InvalidField("request_id", "required");
    Order order = req->order();
    if (order.call_center_id().empty()) return InvalidField("order.call_center_id", "required");
    if (order.customer_id().empty()) return InvalidField("order.customer_id", "required");
    if (order.status() != common::v1::ORDER_STATUS_DRAFT) {
      return InvalidField("order.status", "a new order starts as DRAFT");
    }
    if (order.order_id().empty()) order.set_order_id(NewUuid());
    std::vector<OrderEvent> events = {
        MakeOrderEvent(order.created_by(), common::v1::ORDER_EVENT_KIND_CREATED,
                       absl::StrCat("order created in call center ", order.call_center_id()))};
    for (const OrderEvent& e : order.events()) events.push_back(e);
    ASSIGN_OR_RETURN(SaveResult result,
                     store_->CreateOrder(req->request_id(), req->request_fingerprint(),
                                         std::move(order), events));
    *resp->mutable_order() = std::move(result.order);
    return absl::OkStatus();
  });
}

grpc::Status SalesOrderServiceImpl::GetOrder(grpc::ServerContext*, const v1::GetOrderRequest* req,
                                             v1::GetOrderResponse* resp) {
  return Serve(metrics_, "GetOrder", "", [&]() -> absl::Status {
    if (req->order_id().empty()) return InvalidField("order_id", "required");
    ASSIGN_OR_RETURN(*resp->mutable_order(), store_->GetOrder(req->order_id()));
    return absl::OkStatus();
  });
}

grpc::Status SalesOrderServiceImpl::ListRecordedPayments(grpc::ServerContext*,
                                                         const v1::ListRecordedPaymentsRequest* req,
                                                         v1::ListRecordedPaymentsResponse* resp) {
  return Serve(metrics_, "ListRecordedPayments", "", [&]() -> absl::Status {
    if (req->order_ids_size() < 1 || req->order_ids_size() > 1000) {
      return InvalidField("order_ids", "give 1 to 1000 order ids");
    }
    ASSIGN_OR_RETURN(
        std::vector<v1::RecordedPayments> orders,
        store_->ListRecordedPayments({req->order_ids().begin(), req->order_ids().end()}));
    for (auto& o : orders) *resp->add_orders() = std::move(o);
    return absl::OkStatus();
  });
}

grpc::Status SalesOrderServiceImpl::SaveOrder(grpc::ServerContext*,
                                              const v1::SaveOrderRequest* req,
                                              v1::SaveOrderResponse* resp) {
  return Serve(metrics_, "SaveOrder", req->request_id(), [&]() -> absl::Status {
    if (req->method().empty()) return InvalidField("method", "required");
    // The order is read from the bytes the front door sends as a save's
    // view: only what the save reads or stamps is parsed (on an arena); the
    // lines and the rest are copied through as they came.
    google::protobuf::Arena arena;
    v1::OrderSaveView* order = google::protobuf::Arena::CreateMessage<v1::OrderSaveView>(&arena);
    if (!order->ParseFromString(req->order_doc().empty() ? req->order().SerializeAsString()
                                                           : req->order_doc())) {
      return InvalidField("order_doc", "is not a serialized callcenter.common.v1.Order");
    }
    if (order->order_id().empty()) return InvalidField("order.order_id", "required");
    std::vector<OrderEvent> events(req->new_events().begin(), req->new_events().end());
    std::vector<v1::ContinuitySchedule> schedules(req->new_schedules().begin(),
                                                  req->new_schedules().end());
    ASSIGN_OR_RETURN(SaveResult result,
                     store_->SaveOrder(req->method(), req->request_id(), req->request_fingerprint(),
                                       order, events, schedules,
                                       {req->user_id(), req->master_data_token()},
                                       {req->returns().begin(), req->returns().end()}));
    resp->set_replayed(result.replayed);
    if (result.as_sent && req->reply_without_order()) {
      resp->mutable_saved()->set_version(order->version());
      *resp->mutable_saved()->mutable_updated_at() = result.updated_at;
      return absl::OkStatus();
    }
    if (!resp->mutable_order()->ParseFromString(order->SerializeAsString())) {
      return absl::InternalError("a saved order does not read back as an order");
    }
    return absl::OkStatus();
  });
}

grpc::Status SalesOrderServiceImpl::ListCustomerOrders(grpc::ServerContext*,
                                                       const v1::ListCustomerOrdersRequest* req,
                                                       v1::ListCustomerOrdersResponse* resp) {
  return Serve(metrics_, "ListCustomerOrders", "", [&]() -> absl::Status {
    if (req->customer_id().empty()) return InvalidField("customer_id", "required");
    return store_->ListCustomerOrders(req->customer_id(), req->call_center_id(),
                                      db::ClampPageSize(req->page_size(), 20, 200),
                                      req->page_token(), resp);
  });
}

grpc::Status SalesOrderServiceImpl::GetOrderContext(grpc::ServerContext*,
                                                    const v1::GetOrderContextRequest* req,
                                                    v1::GetOrderContextResponse* resp) {
  return Serve(metrics_, "GetOrderContext", "", [&]() -> absl::Status {
    ASSIGN_OR_RETURN(*resp, store_->GetOrderContext(*req));
    return absl::OkStatus();
  });
}

grpc::Status SalesOrderServiceImpl::ListOpenOrders(grpc::ServerContext*,
                                                   const v1::ListOpenOrdersRequest* req,
                                                   v1::ListOpenOrdersResponse* resp) {
  return Serve(metrics_, "ListOpenOrders", "", [&]() -> absl::Status {
    if (req->call_center_id().empty()) return InvalidField("call_center_id", "required");
    absl::CivilDay day;
    if (!absl::ParseCivilTime(req->created_on_or_before(), &day)) {
      return InvalidField("created_on_or_before", "must be YYYY-MM-DD");
    }
    if (!req->page_token().empty() && !IsUuid(req->page_token())) {
      return InvalidField("page_token", "not a token from a previous response");
    }
    const int page_size = db::ClampPageSize(req->page_size(), 100, 500);
    ASSIGN_OR_RETURN(std::vector<std::string> ids,
                     store_->ListOpenOrders(req->call_center_id(), req->created_on_or_before(),
                                            req->page_token(), page_size + 1));
    for (int i = 0; i < static_cast<int>(ids.size()) && i < page_size; ++i) {
      resp->add_order_ids(ids[i]);
    }
    if (static_cast<int>(ids.size()) > page_size) resp->set_next_page_token(ids[page_size - 1]);
    return absl::OkStatus();
  });
}

grpc::Status SalesOrderServiceImpl::PurgeOrders(grpc::ServerContext*,
                                                const v1::PurgeOrdersRequest* req,
                                                v1::PurgeOrdersResponse* resp) {
  return Serve(metrics_, "PurgeOrders", "", [&]() -> absl::Status {
    if (req->call_center_id().empty()) return InvalidField("call_center_id", "required");
    absl::CivilDay day;
    if (!absl::ParseCivilTime(req->created_on_or_before(), &day)) {
      return InvalidField("created_on_or_before", "must be YYYY-MM-DD");
    }
    ASSIGN_OR_RETURN(std::vector<std::string> ids,
                     store_->PurgeOrders(req->call_center_id(), req->created_on_or_before(),
                                         req->customer_id()));
    for (auto& id : ids) resp->add_purged_order_ids(std::move(id));
    return absl::OkStatus();
  });
}

grpc::Status ContinuityServiceImpl::RunDue(grpc::ServerContext*, const v1::RunDueRequest* req,
                                           v1::RunDueResponse* resp) {
  return Serve(metrics_, "RunDue", "", [&]() -> absl::Status {
    absl::CivilDay day;
    if (!absl::ParseCivilTime(req->as_of(), &day)) return InvalidField("as_of", "must be YYYY-MM-DD");
    ASSIGN_OR_RETURN(std::vector<std::string> created, store_->RunDue(req->as_of()));
    for (auto& id : created) resp->add_child_order_ids(std::move(id));
    return absl::OkStatus();
  });
}

grpc::Status ContinuityServiceImpl::CancelSchedule(grpc::ServerContext*,
                                                   const v1::CancelScheduleRequest* req,
                                                   v1::CancelScheduleResponse* resp) {
  return Serve(metrics_, "CancelSchedule", req->request_id(), [&]() -> absl::Status {
    if (req->parent_order_id().empty()) return InvalidField("parent_order_id", "required");
    ASSIGN_OR_RETURN(int cancelled, store_->CancelSchedule(req->parent_order_id(), req->user_id(),
                                                           req->reason()));
    resp->set_cancelled_events(cancelled);
    *resp->mutable_cancelled_at() = google::protobuf::util::TimeUtil::GetCurrentTime();
    return absl::OkStatus();
  });
}

}  // namespace callcenter::order
