#include "services/orchestration/clients/order_client.h"

#include "absl/strings/match.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/wire_format_lite.h"
#include "libs/status/status.h"

namespace callcenter::orchestration {

namespace {
constexpr char kService[] = "order";

// Appends events[from, end) to `run` as Order.events entries.
template <typename Events>
void AppendEvents(const Events& events, size_t from, std::string* run) {
  using google::protobuf::internal::WireFormatLite;
  if (from >= static_cast<size_t>(events.size())) return;  // the stream would grow `run` first
  google::protobuf::io::StringOutputStream raw(run);       // appends
  google::protobuf::io::CodedOutputStream out(&raw);
  for (size_t i = from; i < static_cast<size_t>(events.size()); ++i) {
    const common::v1::OrderEvent& e = events[static_cast<int>(i)];
    WireFormatLite::WriteTag(Order::kEventsFieldNumber, WireFormatLite::WIRETYPE_LENGTH_DELIMITED,
                             &out);
    out.WriteVarint32(static_cast<uint32_t>(e.ByteSizeLong()));  // caches the sizes
    e.SerializeWithCachedSizes(&out);
  }
}

}  // namespace

std::string SaveStamps(int64_t version, const google::protobuf::Timestamp& updated_at,
                       absl::string_view events) {
  using google::protobuf::internal::WireFormatLite;
  std::string doc;
  {
    google::protobuf::io::StringOutputStream raw(&doc);
    google::protobuf::io::CodedOutputStream out(&raw);
    WireFormatLite::WriteInt64(Order::kVersionFieldNumber, version, &out);
    // Both fields of the time, even zero: they replace the earlier time's.
    std::string time;
    {
      google::protobuf::io::StringOutputStream time_raw(&time);
      google::protobuf::io::CodedOutputStream time_out(&time_raw);
      WireFormatLite::WriteInt64(google::protobuf::Timestamp::kSecondsFieldNumber,
                                 updated_at.seconds(), &time_out);
      WireFormatLite::WriteInt32(google::protobuf::Timestamp::kNanosFieldNumber,
                                 updated_at.nanos(), &time_out);
    }
    WireFormatLite::WriteBytes(Order::kUpdatedAtFieldNumber, time, &out);
  }
  doc.append(events.data(), events.size());
  return doc;
}

std::string SerializeWithEventsRun(Order* order, EventsRun* run) {
  const int events = order->events_size();
  if (run->count > events) *run = EventsRun();  // not this order's log: built anew
  AppendEvents(order->events(), static_cast<size_t>(run->count), &run->bytes);
  run->count = events;
  // The rest of the order, then its log: a parser reads fields in any
  // order, and the events keep theirs.
  google::protobuf::RepeatedPtrField<common::v1::OrderEvent> log;
  log.Swap(order->mutable_events());
  std::string doc;
  order->SerializeToString(&doc);
  order->mutable_events()->Swap(&log);
  doc.append(run->bytes);
  return doc;
}

absl::StatusOr<order::v1::GetOrderContextResponse> OrderClient::OrderContext(
    const CallScope& scope, const std::string& order_id, const std::string& user_id,
    const std::string& method, const std::string& fingerprint, bool with_returns) {
  order::v1::GetOrderContextRequest req;
  req.set_order_id(order_id);
  req.set_user_id(user_id);
  req.set_method(method);
  req.set_request_id(method.empty() ? "" : scope.request_id);
  req.set_request_fingerprint(fingerprint);
  req.set_with_returns(with_returns);
  order::v1::GetOrderContextResponse resp;
  RETURN_IF_ERROR(
      FromDownstream(kService, orders_->GetOrderContext(calls_.New(scope).get(), req, &resp)));
  return resp;
}

absl::StatusOr<order::v1::GetOrderContextResponse> OrderClient::ReturnContext(
    const CallScope& scope, const std::string& return_id, const std::string& user_id) {
  order::v1::GetOrderContextRequest req;
  req.set_return_id(return_id);
  req.set_user_id(user_id);
  req.set_with_returns(true);
  order::v1::GetOrderContextResponse resp;
  RETURN_IF_ERROR(
      FromDownstream(kService, orders_->GetOrderContext(calls_.New(scope).get(), req, &resp)));
  return resp;
}

absl::StatusOr<order::v1::GetOrderContextResponse> OrderClient::StartContext(
    const CallScope& scope, const std::string& user_id, const std::string& call_center_id,
    const std::string& customer_id, const std::string& fingerprint) {
  order::v1::GetOrderContextRequest req;
  req.set_user_id(user_id);
  req.set_call_center_id(call_center_id);
  req.set_customer_id(customer_id);
  // A replay is answered before anything else is looked at (the body
  // checked by its fingerprint).
  req.set_method("CreateOrder");
  req.set_request_id(scope.request_id);
  req.set_request_fingerprint(fingerprint);
  order::v1::GetOrderContextResponse resp;
  RETURN_IF_ERROR(
      FromDownstream(kService, orders_->GetOrderContext(calls_.New(scope).get(), req, &resp)));
  return resp;
}

absl::StatusOr<order::v1::GetOrderContextResponse> OrderClient::CallerContext(
    const CallScope& scope, const std::string& user_id, const std::string& customer_id) {
  order::v1::GetOrderContextRequest req;
  req.set_user_id(user_id);
  req.set_customer_id(customer_id);
  order::v1::GetOrderContextResponse resp;
  RETURN_IF_ERROR(
      FromDownstream(kService, orders_->GetOrderContext(calls_.New(scope).get(), req, &resp)));
  return resp;
}

absl::StatusOr<Order> OrderClient::Create(const CallScope& scope, Order order,
                                          std::vector<OrderEvent> events,
                                          const std::string& fingerprint) {
  order::v1::CreateOrderRequest req;
  req.set_request_id(scope.request_id);
  req.set_request_fingerprint(fingerprint);
  *req.mutable_order() = std::move(order);
  for (auto& e : events) *req.mutable_order()->add_events() = std::move(e);
  order::v1::CreateOrderResponse resp;
  RETURN_IF_ERROR(
      FromDownstream(kService, orders_->CreateOrder(calls_.New(scope).get(), req, &resp)));
  return std::move(*resp.mutable_order());
}

absl::StatusOr<SavedOrder> OrderClient::Save(const CallScope& scope, OrderSave save) {
  order::v1::SaveOrderRequest req;
  req.set_request_id(scope.request_id);
  req.set_method(save.method);
  req.set_request_fingerprint(save.fingerprint);
  if (save.kept_by_user) {
    req.set_user_id(*save.kept_by_user);
    req.set_master_data_token(save.master_data_token);
  }
  // The order goes as bytes, which the order service parses onto an arena;
  // stored as sent, it comes back as the stamps the save added to it, not
  // as the whole order again.
  EventsRun run = std::move(save.events_run);
  *req.mutable_order_doc() = SerializeWithEventsRun(&save.order, &run);
  req.set_reply_without_order(true);
  for (const auto& e : save.events) *req.add_new_events() = e;
  for (auto& s : save.schedules) *req.add_new_schedules() = std::move(s);
  for (auto& r : save.returns) *req.add_returns() = std::move(r);
  order::v1::SaveOrderResponse resp;
  grpc::Status sent = orders_->SaveOrder(calls_.New(scope).get(), req, &resp);
  if (sent.error_code() == grpc::StatusCode::INVALID_ARGUMENT &&
      absl::StartsWith(sent.error_message(), "order.order_id: required")) {
    // An order service older than order_doc (during a rolling update)
    // ignored it and found no order: it gets the order as a message.
    req.clear_order_doc();
    *req.mutable_order() = save.order;
    resp.Clear();
    sent = orders_->SaveOrder(calls_.New(scope).get(), req, &resp);
  }
  RETURN_IF_ERROR(FromDownstream(kService, sent));
  if (!resp.has_saved()) return SavedOrder{std::move(*resp.mutable_order()), resp.replayed()};
  for (auto& e : save.events) *e.mutable_at() = resp.saved().updated_at();
  // The new events, stamped, serialized once: they end the reply's stamps
  // and extend the run kept for the next save.
  std::string added;
  AppendEvents(save.events, 0, &added);
  std::vector<std::string> doc;
  doc.push_back(std::move(*req.mutable_order_doc()));
  doc.push_back(SaveStamps(resp.saved().version(), resp.saved().updated_at(), added));
  run.bytes += added;
  run.count += static_cast<int>(save.events.size());
  Order stored = std::move(save.order);
  stored.set_version(resp.saved().version());
  *stored.mutable_updated_at() = resp.saved().updated_at();
  for (auto& e : save.events) *stored.add_events() = std::move(e);
  return SavedOrder{std::move(stored), resp.replayed(), std::move(doc), std::move(run)};
}

absl::StatusOr<Order> OrderClient::Get(const CallScope& scope, const std::string& order_id) {
  order::v1::GetOrderRequest req;
  req.set_order_id(order_id);
  order::v1::GetOrderResponse resp;
  RETURN_IF_ERROR(FromDownstream(kService, orders_->GetOrder(calls_.New(scope).get(), req, &resp)));
  return std::move(*resp.mutable_order());
}

absl::StatusOr<order::v1::ListCustomerOrdersResponse> OrderClient::ListCustomerOrders(
    const CallScope& scope, const std::string& customer_id, const std::string& call_center_id,
    int32_t page_size, const std::string& page_token) {
  order::v1::ListCustomerOrdersRequest req;
  req.set_customer_id(customer_id);
  req.set_call_center_id(call_center_id);
  req.set_page_size(page_size);
  req.set_page_token(page_token);
  order::v1::ListCustomerOrdersResponse resp;
  RETURN_IF_ERROR(
      FromDownstream(kService, orders_->ListCustomerOrders(calls_.New(scope).get(), req, &resp)));
  return resp;
}

absl::StatusOr<order::v1::ListOpenOrdersResponse> OrderClient::ListOpenOrders(
    const CallScope& scope, const std::string& call_center_id,
    const std::string& created_on_or_before, const std::string& page_token) {
  order::v1::ListOpenOrdersRequest req;
  req.set_call_center_id(call_center_id);
  req.set_created_on_or_before(created_on_or_before);
  req.set_page_size(200);
  req.set_page_token(page_token);
  order::v1::ListOpenOrdersResponse resp;
  RETURN_IF_ERROR(
      FromDownstream(kService, orders_->ListOpenOrders(calls_.New(scope).get(), req, &resp)));
  return resp;
}

absl::StatusOr<std::vector<std::string>> OrderClient::PurgeOrders(
    const CallScope& scope, const std::string& call_center_id,
    const std::string& created_on_or_before, const std::string& customer_id) {
  order::v1::PurgeOrdersRequest req;
  req.set_call_center_id(call_center_id);
  req.set_created_on_or_before(created_on_or_before);
  req.set_customer_id(customer_id);
  order::v1::PurgeOrdersResponse resp;
  RETURN_IF_ERROR(
      FromDownstream(kService, orders_->PurgeOrders(calls_.New(scope).get(), req, &resp)));
  return std::vector<std::string>(resp.purged_order_ids().begin(), resp.purged_order_ids().end());
}

absl::StatusOr<order::v1::ListRecordedPaymentsResponse> OrderClient::RecordedPayments(
    const CallScope& scope, const std::vector<std::string>& order_ids) {
  order::v1::ListRecordedPaymentsRequest req;
  for (const auto& id : order_ids) req.add_order_ids(id);
  order::v1::ListRecordedPaymentsResponse resp;
  RETURN_IF_ERROR(
      FromDownstream(kService, orders_->ListRecordedPayments(calls_.New(scope).get(), req, &resp)));
  return resp;
}

absl::Status OrderClient::CancelSchedules(const CallScope& scope,
                                          const std::string& parent_order_id,
                                          const std::string& user_id, const std::string& reason) {
  order::v1::CancelScheduleRequest req;
  req.set_request_id(scope.request_id);
  req.set_parent_order_id(parent_order_id);
  req.set_user_id(user_id);
  req.set_reason(reason);
  order::v1::CancelScheduleResponse resp;
  return FromDownstream(kService, continuity_->CancelSchedule(calls_.New(scope).get(), req, &resp));
}

}  // namespace callcenter::orchestration
