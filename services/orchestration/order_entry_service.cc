#include "services/orchestration/order_entry_service.h"

#include <functional>
#include <optional>
#include <set>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/util/time_util.h"
#include "libs/auth/jwt.h"
#include "libs/ids/digest.h"
#include "libs/ids/uuid.h"
#include "libs/logging/log.h"
#include "libs/money/money.h"
#include "libs/money/money_proto.h"
#include "libs/server/serve.h"
#include "libs/status/status.h"
#include "services/orchestration/domain/order_math.h"
#include "services/orchestration/domain/order_rules.h"

namespace callcenter::orchestration {

using server::Serve;

namespace {

// The caller's deadline (gRPC reports "none" as the largest time point).
absl::Time DeadlineOf(const grpc::ServerContext* ctx) {
  const auto d = ctx->deadline();
  if (d >= std::chrono::system_clock::time_point::max() - std::chrono::hours(24 * 365 * 100)) {
    return absl::InfiniteFuture();
  }
  return absl::FromChrono(d);
}

}  // namespace

absl::Status FromDownstream(const char* service, const grpc::Status& status) {
  absl::Status s = FromGrpcStatus(status);
  const char* what = nullptr;
  switch (s.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kResourceExhausted:
      what = "is unavailable; retry with backoff";
      break;
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kCancelled:
      what = "did not answer in time; retry with backoff";
      break;
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kUnimplemented:
      what = "failed (the error is logged)";
      break;
    default:
      return s;  // our services' own words: codes a caller acts on
  }
  const std::string reason =
      HasReason(s) ? ReasonOf(s)
      : s.code() == absl::StatusCode::kInternal || s.code() == absl::StatusCode::kUnknown
          ? kReasonInternal
          : kReasonServiceUnavailable;
  // A database outage behind a service is logged there, once per change.
  if (reason != kReasonDatabaseUnavailable) {
    log::Warning("downstream call failed", {{"service", service},
                                            {"code", absl::StatusCodeToString(s.code())},
                                            {"error", std::string(s.message())}});
  }
  return WithReason(WithMessage(s, absl::StrCat("the ", service, " service ", what)), reason,
                    {{"service", service}});
}

std::string ScopedRequestId(const std::string& user_id, const char* method,
                            const std::string& request_id) {
  return absl::StrCat("r", Digest({user_id, method, request_id}, 40));
}

std::string Fingerprint(const google::protobuf::Message& request) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.SetSerializationDeterministic(true);
    request.SerializeToCodedStream(&out);
  }
  return Digest({bytes}, 32);
}

OrderEntryServiceImpl::OrderEntryServiceImpl(Downstream downstream, OrderEntryOptions options,
                                             SagaLog* sagas, metrics::Metrics* metrics)
    : downstream_(std::move(downstream)),
      options_(std::move(options)),
      sagas_(sagas),
      metrics_(metrics) {
  // Requests that protobuf refuses (invalid UTF-8) are answered
  // INVALID_ARGUMENT naming the field, as every other bad field is.
  const google::protobuf::ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          "callcenter.orchestration.v1.OrderEntryService");
  auto use = [&](const char* name, auto method) {
    const google::protobuf::MethodDescriptor* m = service->FindMethodByName(name);
    UseParsingHandler(m->index(), absl::StrCat("/", service->full_name(), "/", name), method);
  };
#define CC_PARSING(Method) use(#Method, &OrderEntryServiceImpl::Method)
  CC_PARSING(StartOrder);
  CC_PARSING(AddLine);
  CC_PARSING(UpdateLineQuantity);
  CC_PARSING(RemoveLine);
  CC_PARSING(SetSourceCode);
  CC_PARSING(ApplyCoupon);
  CC_PARSING(OverrideLinePrice);
  CC_PARSING(SetDelivery);
  CC_PARSING(AddPayment);
  CC_PARSING(GetOrderSummary);
  CC_PARSING(SubmitOrder);
  CC_PARSING(PlaceHold);
  CC_PARSING(ClearHold);
  CC_PARSING(CancelOrder);
  CC_PARSING(CancelContinuity);
  CC_PARSING(GetOrder);
  CC_PARSING(ListCustomerOrders);
  CC_PARSING(RequestCatalog);
  CC_PARSING(GetProductDetails);
#undef CC_PARSING
}

absl::StatusOr<std::string> OrderEntryServiceImpl::Authenticate(grpc::ServerContext* ctx) const {
  const auto& md = ctx->client_metadata();
  auto it = md.find("authorization");
  if (it == md.end()) {
    return absl::UnauthenticatedError("missing bearer token (metadata authorization: Bearer <JWT>)");
  }
  ASSIGN_OR_RETURN(std::string token,
                   auth::BearerToken(absl::string_view(it->second.data(), it->second.size())));
  ASSIGN_OR_RETURN(
      auth::Claims claims,
      auth::VerifyHs256(token, options_.jwt_secret, options_.clock(), options_.max_token_lifetime));
  return claims.subject;
}

absl::StatusOr<OrderEntryServiceImpl::Caller> OrderEntryServiceImpl::Identify(
    grpc::ServerContext* ctx, const char* method, const google::protobuf::Message& request,
    const std::string& request_id, bool mutating) const {
  ASSIGN_OR_RETURN(std::string user_id, Authenticate(ctx));
  if (mutating && request_id.empty()) return InvalidField("request_id", "required");
  RETURN_IF_ERROR(validation::CheckMessage(request, options_.limits));
  Caller caller;
  if (!request_id.empty()) caller.request_id = ScopedRequestId(user_id, method, request_id);
  caller.user_id = std::move(user_id);
  return caller;
}

std::unique_ptr<grpc::ClientContext> OrderEntryServiceImpl::Call(
    const std::string& request_id) const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(absl::ToChronoTime(absl::Now() + options_.downstream_timeout));
  if (!request_id.empty()) ctx->AddMetadata("x-request-id", request_id);
  return ctx;
}

std::unique_ptr<grpc::ClientContext> OrderEntryServiceImpl::Call(const Context& c) const {
  auto ctx = Call(c.request_id);
  const absl::Time own = absl::Now() + options_.downstream_timeout;
  ctx->set_deadline(absl::ToChronoTime(c.deadline < own ? c.deadline : own));
  return ctx;
}

google::protobuf::Timestamp OrderEntryServiceImpl::Now() const {
  return google::protobuf::util::TimeUtil::NanosecondsToTimestamp(
      absl::ToUnixNanos(options_.clock()));
}

std::string OrderEntryServiceImpl::Today() const {
  return absl::FormatTime("%Y-%m-%d", options_.clock(), absl::UTCTimeZone());
}

OrderEntryServiceImpl::Context OrderEntryServiceImpl::Context::For(grpc::ServerContext* ctx,
                                                                   const Caller& caller) {
  Context c;
  c.user_id = caller.user_id;
  c.request_id = caller.request_id;
  c.deadline = DeadlineOf(ctx);
  return c;
}

absl::StatusOr<OrderEntryServiceImpl::Context> OrderEntryServiceImpl::Load(
    grpc::ServerContext* ctx, const Caller& caller, const std::string& order_id,
    const std::string& method, const std::string& fingerprint) {
  if (order_id.empty()) return InvalidField("order_id", "required");
  Context c = Context::For(ctx, caller);
  c.fingerprint = fingerprint;
  if (c.deadline <= absl::Now()) return absl::DeadlineExceededError("no time left for the call");
  order::v1::GetOrderContextRequest req;
  req.set_order_id(order_id);
  req.set_user_id(c.user_id);
  req.set_method(method);
  req.set_request_id(method.empty() ? "" : caller.request_id);
  req.set_request_fingerprint(fingerprint);
  RETURN_IF_ERROR(
      FromDownstream("order", downstream_.orders->GetOrderContext(Call(c).get(), req, &c.data)));
  if (!c.data.has_user()) {
    return absl::PermissionDeniedError(absl::StrCat("user ", c.user_id, " is not a call-center user"));
  }
  if (c.data.user().call_center_id() != c.data.order().call_center_id()) {
    return WithReason(absl::PermissionDeniedError(absl::StrCat(
                          "user ", c.user_id, " is not a user of call center ",
                          c.data.order().call_center_id(), ", which the order belongs to")),
                      "OTHER_CALL_CENTER");
  }
  return c;
}

absl::Status OrderEntryServiceImpl::Reprice(Context& c, Order* order) {
  c.priced.Clear();
  if (HasNothingToPrice(*order) && c.check_coupon.empty()) {  // nothing to price: no call
    return ApplyZeroPricing(order);
  }
  pricing::v1::PriceOrderRequest req =
      BuildPriceRequest(*order, c.data.call_center(), c.data.customer());
  req.set_source_price_group(order->source_price_group());
  req.set_pricing_date(Today());
  req.set_check_coupon_code(c.check_coupon);
  RETURN_IF_ERROR(
      FromDownstream("pricing", downstream_.pricing->PriceOrder(Call(c).get(), req, &c.priced)));
  return ApplyPricing(c.priced, order);
}

absl::Status OrderEntryServiceImpl::Save(Context& c, const char* method, Order order,
                                         std::vector<OrderEvent> events, Order* out) {
  order::v1::SaveOrderRequest save;
  save.set_request_id(c.request_id);
  save.set_method(method);
  save.set_request_fingerprint(c.fingerprint);
  if (c.kept) {  // decided on a kept context: it must still be the stored one
    save.set_user_id(c.user_id);
    save.set_master_data_token(c.data.master_data_token());
  }
  *save.mutable_order() = std::move(order);
  for (auto& e : events) *save.add_new_events() = std::move(e);
  for (auto& s : c.new_schedules) *save.add_new_schedules() = std::move(s);
  order::v1::SaveOrderResponse saved;
  RETURN_IF_ERROR(
      FromDownstream("order", downstream_.orders->SaveOrder(Call(c).get(), save, &saved)));
  *out = std::move(*saved.mutable_order());
  // Keep the saved draft's context for the next change (a replayed save
  // returns an earlier order: not kept).
  if (!saved.replayed() && out->status() == common::v1::ORDER_STATUS_DRAFT) {
    *c.data.mutable_order() = *out;
    contexts_.Put(c.user_id, std::move(c.data));  // the save is a change's last step
  } else {
    contexts_.Erase(out->order_id(), c.user_id);
  }
  return absl::OkStatus();
}

namespace {

// Changes that call nothing but reads before their save. These may start
// from a kept context: a change that does not save on it is done again on
// a fresh one, so nothing but the save must have happened in between.
bool MayStartFromKeptContext(absl::string_view method) {
  static const auto* const kMethods = new absl::flat_hash_set<absl::string_view>{
      "AddLine",     "UpdateLineQuantity", "RemoveLine", "SetSourceCode",
      "ApplyCoupon", "OverrideLinePrice",  "SetDelivery"};
  return kMethods->contains(method);
}

// Changes bounded by the order's event log: a draft's edits and payments.
// Submitting, holds and cancelling always go through, so that an order at
// the limit can still be finished or cancelled.
bool CountsTowardTheEventLimit(absl::string_view method) {
  return MayStartFromKeptContext(method) || method == "AddPayment";
}

}  // namespace

absl::Status OrderEntryServiceImpl::Mutate(grpc::ServerContext* ctx, const char* method,
                                           const Caller& caller,
                                           const google::protobuf::Message& request,
                                           const std::string& order_id, const Change& change,
                                           Order* out, const Change& after_pricing) {
  if (order_id.empty()) return InvalidField("order_id", "required");
  const std::string& user_id = caller.user_id;
  const std::string fingerprint = Fingerprint(request);  // once: the read and the save
  if (MayStartFromKeptContext(method)) {
    if (auto kept = contexts_.Find(order_id, user_id)) {
      Context c = Context::For(ctx, caller);
      c.fingerprint = fingerprint;
      c.data = *std::move(kept);
      c.kept = true;
      absl::Status s = Apply(c, method, change, out, after_pricing);
      if (s.ok() && !c.unchanged) return s;
      contexts_.Erase(order_id, user_id);
      // A dependency that stalled or is down is not asked again: one
      // stalled service costs the caller one downstream deadline, not two.
      if (s.code() == absl::StatusCode::kDeadlineExceeded ||
          s.code() == absl::StatusCode::kUnavailable) {
        return s;
      }
      // Stale, refused or nothing saved: the answer comes from a fresh read.
      if (metrics_) {
        metrics_->Increment("order_context_refreshes_total",
                            "Changes done again on a freshly read order context.", {});
      }
    }
  }
  ASSIGN_OR_RETURN(Context c, Load(ctx, caller, order_id, method, fingerprint));
  if (c.data.has_replayed_order()) {  // a retry: the first result, nothing changes
    *out = c.data.replayed_order();
    return absl::OkStatus();
  }
  return Apply(c, method, change, out, after_pricing);
}

absl::Status OrderEntryServiceImpl::Apply(Context& c, const char* method, const Change& change,
                                          Order* out, const Change& after_pricing) {
  Order order = std::move(*c.data.mutable_order());  // c.data keeps the rest of the context
  std::vector<OrderEvent> events;
  RETURN_IF_ERROR(change(c, order, events));
  if (c.unchanged) {
    *out = std::move(order);
    return absl::OkStatus();
  }
  if (CountsTowardTheEventLimit(method) &&
      order.events_size() + static_cast<int>(events.size()) > options_.limits.max_events) {
    return InvalidField(
        "order_id",
        absl::StrCat("the order has recorded ", order.events_size(),
                     " changes, the most one order may (", options_.limits.max_events,
                     "); submit or cancel it, or start another"),
        kReasonLimitExceeded);
  }
  if (order.lines_size() > options_.limits.max_lines) {
    return InvalidField("lines",
                        absl::StrCat("an order has at most ", options_.limits.max_lines, " lines"),
                        kReasonLimitExceeded);
  }
  // Every change reprices the whole order; a submitted order keeps its prices.
  if (order.status() == common::v1::ORDER_STATUS_DRAFT && !c.priced_now) {
    RETURN_IF_ERROR(Reprice(c, &order));
    if (order.total().minor_units() > options_.limits.max_amount) {
      return InvalidField(
          "total",
          absl::StrCat("the order total would be ", money::Format(order.total().minor_units()),
                       ", above the limit of ", money::Format(options_.limits.max_amount)),
          kReasonLimitExceeded);
    }
  }
  if (after_pricing) RETURN_IF_ERROR(after_pricing(c, order, events));
  return Save(c, method, std::move(order), std::move(events), out);
}

// ------------------------------------------------------ directed selling

absl::Status OrderEntryServiceImpl::ApplySourceCode(Context& c, const std::string& code,
                                                    Order& order, std::vector<OrderEvent>& events) {
  RETURN_IF_ERROR(RequireFeature(c.data.call_center().directed_selling_enabled(),
                                 c.data.call_center(), kDirectedSelling, "source codes are"));
  guidedselling::v1::ValidateSourceCodeRequest req;
  req.set_source_code(code);
  req.set_on_date(Today());
  guidedselling::v1::ValidateSourceCodeResponse resp;
  RETURN_IF_ERROR(FromDownstream(
      "guided selling", downstream_.selling->ValidateSourceCode(Call(c).get(), req, &resp)));
  const guidedselling::v1::SourceCode& source = resp.source_code();
  order.set_source_code(source.source_code());
  order.set_source_price_group(source.price_group_id());
  order.set_catalog_id(source.catalog_id());
  events.push_back(Event(c.user_id, "source_code_set",
                         absl::StrCat(source.source_code(), " (catalog ", source.catalog_id(), ")")));
  // The catalog's free products come with it, once.
  for (OrderEvent& e : AddFreeSourceLines(
           order, code, {source.free_product_ids().begin(), source.free_product_ids().end()},
           NewUuid, c.user_id)) {
    events.push_back(std::move(e));
  }
  return LoadGuidance(c, common::v1::SCRIPT_TIMING_BEGINNING, {}, std::nullopt, order);
}

absl::Status OrderEntryServiceImpl::LoadGuidance(
    const Context& c, common::v1::ScriptTiming timing, const std::vector<std::string>& products,
    const std::optional<std::vector<std::string>>& prompt_triggers, Order& order) {
  order.clear_scripts();
  if (prompt_triggers) order.clear_prompts();
  if (!c.data.call_center().directed_selling_enabled()) return absl::OkStatus();
  guidedselling::v1::GetGuidanceRequest req;
  guidedselling::v1::GetScriptsRequest* scripts = req.mutable_scripts();
  scripts->set_timing(timing);
  scripts->set_call_center_id(order.call_center_id());
  scripts->set_source_code(order.source_code());
  for (const auto& p : products) scripts->add_product_ids(p);
  if (prompt_triggers && !prompt_triggers->empty()) {
    guidedselling::v1::GetPromptsRequest* prompts = req.mutable_prompts();
    for (const auto& t : *prompt_triggers) prompts->add_trigger_product_ids(t);
    for (const auto& p : ProductsOf(order)) prompts->add_order_product_ids(p);
    prompts->set_customer_group(c.data.customer().customer_group());
    *prompts->mutable_order_amount() = MoneyOf(
        order.currency(), order.subtotal().minor_units() - order.discount_total().minor_units());
    prompts->set_source_code(order.source_code());
    prompts->set_on_date(Today());
  }
  guidedselling::v1::GetGuidanceResponse resp;
  RETURN_IF_ERROR(FromDownstream("guided selling",
                                 downstream_.selling->GetGuidance(Call(c).get(), req, &resp)));
  *order.mutable_scripts() = std::move(*resp.mutable_scripts());
  if (prompt_triggers) *order.mutable_prompts() = std::move(*resp.mutable_prompts());
  return absl::OkStatus();
}

// ------------------------------------------------------------- order entry

grpc::Status OrderEntryServiceImpl::StartOrder(grpc::ServerContext* ctx,
                                               const v1::StartOrderRequest* req,
                                               v1::StartOrderResponse* resp) {
  return Serve(metrics_, "StartOrder", req->request_id(), [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Identify(ctx, "StartOrder", *req, req->request_id(), true));
    const std::string& user_id = caller.user_id;
    if (req->call_center_id().empty()) return InvalidField("call_center_id", "required");
    if (req->customer_id().empty()) return InvalidField("customer_id", "required");
    if (!req->exchange_for_return_id().empty()) {
      return InvalidField("exchange_for_return_id", "returns and exchanges are not available yet",
                          "NOT_AVAILABLE_YET");
    }
    Context c = Context::For(ctx, caller);
    c.fingerprint = Fingerprint(*req);
    order::v1::GetOrderContextRequest creq;
    creq.set_user_id(user_id);
    creq.set_call_center_id(req->call_center_id());
    creq.set_customer_id(req->customer_id());
    // A replay is answered before anything else is looked at (the body
    // checked by its fingerprint).
    creq.set_method("CreateOrder");
    creq.set_request_id(caller.request_id);
    creq.set_request_fingerprint(c.fingerprint);
    RETURN_IF_ERROR(
        FromDownstream("order", downstream_.orders->GetOrderContext(Call(c).get(), creq, &c.data)));
    if (!c.data.has_user() || c.data.user().call_center_id() != req->call_center_id()) {
      return WithReason(
          absl::PermissionDeniedError(absl::StrCat(
              "user ", user_id, " is not a user of call center ", req->call_center_id())),
          "OTHER_CALL_CENTER");
    }
    if (c.data.has_replayed_order()) {
      *resp->mutable_order() = c.data.replayed_order();
      return absl::OkStatus();
    }
    Order o;
    o.set_call_center_id(req->call_center_id());
    o.set_customer_id(req->customer_id());
    o.set_status(common::v1::ORDER_STATUS_DRAFT);
    o.set_currency(c.data.call_center().currency());
    o.set_created_by(user_id);
    *o.mutable_financial_dimensions() = c.data.call_center().financial_dimensions();
    *o.mutable_delivery_address() = c.data.customer().delivery_address();
    std::vector<OrderEvent> events;
    if (!req->source_code().empty()) {
      RETURN_IF_ERROR(ApplySourceCode(c, req->source_code(), o, events));
    } else {
      RETURN_IF_ERROR(LoadGuidance(c, common::v1::SCRIPT_TIMING_BEGINNING, {}, std::nullopt, o));
    }
    RETURN_IF_ERROR(Reprice(c, &o));
    order::v1::CreateOrderRequest create;
    create.set_request_id(caller.request_id);
    create.set_request_fingerprint(c.fingerprint);
    *create.mutable_order() = std::move(o);
    for (auto& e : events) *create.mutable_order()->add_events() = std::move(e);
    order::v1::CreateOrderResponse created;
    RETURN_IF_ERROR(
        FromDownstream("order", downstream_.orders->CreateOrder(Call(c).get(), create, &created)));
    *resp->mutable_order() = created.order();
    // The agent's next change starts from here (a replayed start may be
    // older than the stored order: the next save finds that out).
    *c.data.mutable_order() = created.order();
    contexts_.Put(user_id, std::move(c.data));
    return absl::OkStatus();
  });
}

grpc::Status OrderEntryServiceImpl::AddLine(grpc::ServerContext* ctx, const v1::AddLineRequest* req,
                                            v1::AddLineResponse* resp) {
  return Serve(metrics_, "AddLine", req->request_id(), [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Identify(ctx, "AddLine", *req, req->request_id(), true));
    if (req->product_id().empty()) return InvalidField("product_id", "required");
    if (req->quantity() <= 0) return InvalidField("quantity", "must be > 0");
    return Mutate(
        ctx, "AddLine", caller, *req, req->order_id(),
        [&](Context& c, Order& order, std::vector<OrderEvent>& events) -> absl::Status {
          RETURN_IF_ERROR(RequireDraft(order));
          events.push_back(orchestration::AddLine(order, NewUuid(), req->product_id(),
                                                  req->quantity(), req->origin(), c.user_id));
          return absl::OkStatus();
        },
        resp->mutable_order(),
        [&](Context& c, Order& order, std::vector<OrderEvent>&) -> absl::Status {
          // Upsell and cross-sell prompts and the item scripts of the product.
          return LoadGuidance(c, common::v1::SCRIPT_TIMING_ITEM, {req->product_id()},
                              std::vector<std::string>{req->product_id()}, order);
        });
  });
}

grpc::Status OrderEntryServiceImpl::UpdateLineQuantity(grpc::ServerContext* ctx,
                                                       const v1::UpdateLineQuantityRequest* req,
                                                       v1::UpdateLineQuantityResponse* resp) {
  return Serve(metrics_, "UpdateLineQuantity", req->request_id(), [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller,
                     Identify(ctx, "UpdateLineQuantity", *req, req->request_id(), true));
    if (req->line_id().empty()) return InvalidField("line_id", "required");
    if (req->quantity() <= 0) return InvalidField("quantity", "must be > 0");
    return Mutate(
        ctx, "UpdateLineQuantity", caller, *req, req->order_id(),
        [&](Context& c, Order& order, std::vector<OrderEvent>& events) -> absl::Status {
          RETURN_IF_ERROR(RequireDraft(order));
          ASSIGN_OR_RETURN(OrderEvent e,
                           ChangeQuantity(order, req->line_id(), req->quantity(), c.user_id));
          events.push_back(std::move(e));
          return absl::OkStatus();
        },
        resp->mutable_order());
  });
}

grpc::Status OrderEntryServiceImpl::RemoveLine(grpc::ServerContext* ctx,
                                               const v1::RemoveLineRequest* req,
                                               v1::RemoveLineResponse* resp) {
  return Serve(metrics_, "RemoveLine", req->request_id(), [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Identify(ctx, "RemoveLine", *req, req->request_id(), true));
    if (req->line_id().empty()) return InvalidField("line_id", "required");
    return Mutate(
        ctx, "RemoveLine", caller, *req, req->order_id(),
        [&](Context& c, Order& order, std::vector<OrderEvent>& events) -> absl::Status {
          RETURN_IF_ERROR(RequireDraft(order));
          ASSIGN_OR_RETURN(OrderEvent e,
                           orchestration::RemoveLine(order, req->line_id(), c.user_id));
          events.push_back(std::move(e));
          return absl::OkStatus();
        },
        resp->mutable_order());
  });
}

grpc::Status OrderEntryServiceImpl::SetSourceCode(grpc::ServerContext* ctx,
                                                  const v1::SetSourceCodeRequest* req,
                                                  v1::SetSourceCodeResponse* resp) {
  return Serve(metrics_, "SetSourceCode", req->request_id(), [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Identify(ctx, "SetSourceCode", *req, req->request_id(), true));
    if (req->source_code().empty()) return InvalidField("source_code", "required");
    return Mutate(
        ctx, "SetSourceCode", caller, *req, req->order_id(),
        [&](Context& c, Order& order, std::vector<OrderEvent>& events) -> absl::Status {
          RETURN_IF_ERROR(RequireDraft(order));
          return ApplySourceCode(c, req->source_code(), order, events);
        },
        resp->mutable_order());
  });
}

grpc::Status OrderEntryServiceImpl::ApplyCoupon(grpc::ServerContext* ctx,
                                                const v1::ApplyCouponRequest* req,
                                                v1::ApplyCouponResponse* resp) {
  return Serve(metrics_, "ApplyCoupon", req->request_id(), [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Identify(ctx, "ApplyCoupon", *req, req->request_id(), true));
    if (req->coupon_code().empty()) return InvalidField("coupon_code", "required");
    return Mutate(
        ctx, "ApplyCoupon", caller, *req, req->order_id(),
        [&](Context& c, Order& order, std::vector<OrderEvent>& events) -> absl::Status {
          RETURN_IF_ERROR(RequireDraft(order));
          RETURN_IF_ERROR(RequireFeature(c.data.call_center().order_completion_enabled(),
                                         c.data.call_center(), kOrderCompletion, "coupons are"));
          if (HasCoupon(order, req->coupon_code())) {
            c.unchanged = true;  // already applied
            return absl::OkStatus();
          }
          // Unknown, inactive, expired or used up: pricing refuses it with
          // the reason when the order is repriced, and nothing is saved.
          c.check_coupon = req->coupon_code();
          order.add_coupon_codes(req->coupon_code());
          events.push_back(Event(c.user_id, "coupon_applied", req->coupon_code()));
          return absl::OkStatus();
        },
        resp->mutable_order());
  });
}

grpc::Status OrderEntryServiceImpl::OverrideLinePrice(grpc::ServerContext* ctx,
                                                      const v1::OverrideLinePriceRequest* req,
                                                      v1::OverrideLinePriceResponse* resp) {
  return Serve(metrics_, "OverrideLinePrice", req->request_id(), [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller,
                     Identify(ctx, "OverrideLinePrice", *req, req->request_id(), true));
    if (req->line_id().empty()) return InvalidField("line_id", "required");
    if (req->reason_code().empty()) return InvalidField("reason_code", "required");
    if (!req->has_unit_price()) return InvalidField("unit_price", "required");
    return Mutate(
        ctx, "OverrideLinePrice", caller, *req, req->order_id(),
        [&](Context& c, Order& order, std::vector<OrderEvent>& events) -> absl::Status {
          RETURN_IF_ERROR(RequireDraft(order));
          RETURN_IF_ERROR(RequireFeature(c.data.call_center().price_control_enabled(),
                                         c.data.call_center(), kPriceControl, "price overrides are"));
          common::v1::OrderLine* line = FindLine(order, req->line_id());
          if (line == nullptr) {
            return absl::NotFoundError(absl::StrCat("line ", req->line_id(), " not found"));
          }
          if (req->unit_price().currency() != order.currency()) {
            return InvalidField("unit_price.currency",
                                absl::StrCat("must be the order's currency ", order.currency()));
          }
          // The system price: what pricing gives the line without any override.
          Order system = order;
          FindLine(system, req->line_id())->set_price_overridden(false);
          RETURN_IF_ERROR(Reprice(c, &system));
          const int64_t system_price = FindLine(system, req->line_id())->unit_price().minor_units();
          pricing::v1::ValidatePriceOverrideRequest check;
          check.set_product_id(line->product_id());
          *check.mutable_system_unit_price() = MoneyOf(order.currency(), system_price);
          *check.mutable_unit_price() = req->unit_price();
          check.set_price_override_max_bp(c.data.user().price_override_max_bp());
          pricing::v1::ValidatePriceOverrideResponse checked;
          RETURN_IF_ERROR(FromDownstream("pricing", downstream_.pricing->ValidatePriceOverride(
                                                        Call(c).get(), check, &checked)));
          *line->mutable_unit_price() = req->unit_price();
          line->set_price_overridden(true);
          line->set_override_reason_code(req->reason_code());
          events.push_back(Event(c.user_id, "price_overridden",
                                 absl::StrCat(line->product_id(), ": ", money::Format(system_price),
                                              " -> ", money::Format(req->unit_price().minor_units()),
                                              " (", req->reason_code(), ")")));
          return absl::OkStatus();
        },
        resp->mutable_order());
  });
}

grpc::Status OrderEntryServiceImpl::SetDelivery(grpc::ServerContext* ctx,
                                                const v1::SetDeliveryRequest* req,
                                                v1::SetDeliveryResponse* resp) {
  return Serve(metrics_, "SetDelivery", req->request_id(), [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Identify(ctx, "SetDelivery", *req, req->request_id(), true));
    if (req->delivery_mode().empty()) return InvalidField("delivery_mode", "required");
    return Mutate(
        ctx, "SetDelivery", caller, *req, req->order_id(),
        [&](Context& c, Order& order, std::vector<OrderEvent>& events) -> absl::Status {
          RETURN_IF_ERROR(RequireDraft(order));
          RETURN_IF_ERROR(CheckDelivery(c.data.call_center(), req->delivery_mode(),
                                        req->has_address() ? &req->address() : nullptr));
          order.set_delivery_mode(req->delivery_mode());
          if (req->has_address()) *order.mutable_delivery_address() = req->address();
          events.push_back(Event(c.user_id, "delivery_set", req->delivery_mode()));
          return absl::OkStatus();
        },
        resp->mutable_order());
  });
}

grpc::Status OrderEntryServiceImpl::AddPayment(grpc::ServerContext* ctx,
                                               const v1::AddPaymentRequest* req,
                                               v1::AddPaymentResponse* resp) {
  return Serve(metrics_, "AddPayment", req->request_id(), [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Identify(ctx, "AddPayment", *req, req->request_id(), true));
    common::v1::OrderPayment unsaved;  // the authorised payment, until the order records it
    absl::Status s = Mutate(
        ctx, "AddPayment", caller, *req, req->order_id(),
        [&](Context& c, Order& order, std::vector<OrderEvent>& events) -> absl::Status {
          RETURN_IF_ERROR(RequireDraft(order));
          RETURN_IF_ERROR(RequireFeature(c.data.call_center().order_completion_enabled(),
                                         c.data.call_center(), kOrderCompletion, "payments are"));
          if (req->method() == common::v1::PAYMENT_METHOD_UNSPECIFIED ||
              req->method() == common::v1::PAYMENT_METHOD_RETURN_CREDIT) {
            return InvalidField("method", "must be CARD, CHECK, ON_ACCOUNT or GIFT_CARD");
          }
          if (!req->schedule_id().empty()) {
            return InvalidField("schedule_id", "installment billing is not available yet",
                                "NOT_AVAILABLE_YET");
          }
          // Price first so that "empty amount" means the current balance due.
          RETURN_IF_ERROR(Reprice(c, &order));
          payment::v1::AuthorizePaymentRequest auth;
          auth.set_request_id(c.request_id);
          auth.set_order_id(order.order_id());
          auth.set_customer_id(order.customer_id());
          auth.set_method(req->method());
          // An amount, a share of the total or the balance due; never above it.
          ASSIGN_OR_RETURN(const int64_t amount,
                           PaymentAmount(order, req->has_amount() ? &req->amount() : nullptr,
                                         req->percent_of_total_bp()));
          *auth.mutable_amount() = MoneyOf(order.currency(), amount);
          auth.set_card_token(req->card_token());
          auth.set_check_number(req->check_number());
          auth.set_gift_card_number(req->gift_card_number());
          *auth.mutable_allowed_methods() = c.data.call_center().payment_methods();
          auth.set_allow_on_account(c.data.customer().allow_on_account());
          *auth.mutable_credit_limit() = c.data.customer().credit_limit();
          payment::v1::AuthorizePaymentResponse authorized;
          RETURN_IF_ERROR(FromDownstream(
              "payment", downstream_.payments->AuthorizePayment(Call(c).get(), auth, &authorized)));
          const payment::v1::Payment& p = authorized.payment();
          common::v1::OrderPayment* op = order.add_payments();
          op->set_payment_id(p.payment_id());
          op->set_method(p.method());
          *op->mutable_amount() = p.amount();
          op->set_status(p.status());
          op->set_last4(p.last4());
          op->set_decline_reason(p.decline_reason());
          const bool ok = p.status() == common::v1::PAYMENT_STATUS_AUTHORIZED;
          if (ok) unsaved = *op;
          // Prices did not change: no second pricing call.
          RETURN_IF_ERROR(RecomputePaid(&order));
          c.priced_now = true;
          // VOIDED: a retry arriving after the sweep voided its unrecorded
          // authorisation.
          const bool voided = p.status() == common::v1::PAYMENT_STATUS_VOIDED;
          events.push_back(
              Event(c.user_id,
                    ok       ? "payment_authorized"
                    : voided ? "payment_voided"
                             : "payment_declined",
                    absl::StrCat(common::v1::PaymentMethod_Name(p.method()), " ",
                                 money::Format(p.amount().minor_units()),
                                 p.last4().empty() ? "" : absl::StrCat(" card ending ", p.last4()),
                                 ok       ? ""
                                 : voided ? ": voided, as no order had recorded it"
                                          : absl::StrCat(": ", p.decline_reason()))));
          return absl::OkStatus();
        },
        resp->mutable_order());
    if (!s.ok() && !unsaved.payment_id().empty()) {
      absl::Status settled = VoidUnsavedPayment(req->order_id(), caller.request_id, unsaved, s);
      if (!settled.ok()) {  // the sweep voids it later
        log::Warning("an authorisation the order did not record is not voided yet",
                     {{"order_id", req->order_id()},
                      {"payment_id", unsaved.payment_id()},
                      {"error", std::string(settled.message())}});
      }
    }
    return s;
  });
}

grpc::Status OrderEntryServiceImpl::GetOrderSummary(grpc::ServerContext* ctx,
                                                    const v1::GetOrderSummaryRequest* req,
                                                    v1::GetOrderSummaryResponse* resp) {
  return Serve(metrics_, "GetOrderSummary", "", [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Identify(ctx, "GetOrderSummary", *req, "", false));
    ASSIGN_OR_RETURN(Context c, Load(ctx, caller, req->order_id()));
    Order order = c.data.order();
    // A draft shows current prices, its end scripts and prompts for the
    // completed order; a submitted order shows what was agreed.
    if (order.status() == common::v1::ORDER_STATUS_DRAFT) {
      RETURN_IF_ERROR(Reprice(c, &order));
      const std::vector<std::string> products = ProductsOf(order);
      RETURN_IF_ERROR(LoadGuidance(c, common::v1::SCRIPT_TIMING_END, products, products, order));
    }
    *resp->mutable_order() = std::move(order);
    return absl::OkStatus();
  });
}

// ------------------------------------------------------------------ submit

absl::Status OrderEntryServiceImpl::RedeemCoupons(const Context& c, const Order& order) {
  if (order.coupon_codes().empty()) return absl::OkStatus();
  pricing::v1::RedeemCouponsRequest req;
  req.set_order_id(order.order_id());
  req.set_customer_id(order.customer_id());
  *req.mutable_coupon_codes() = order.coupon_codes();
  pricing::v1::RedeemCouponsResponse resp;
  return FromDownstream("pricing", downstream_.pricing->RedeemCoupons(Call(c).get(), req, &resp));
}

absl::Status OrderEntryServiceImpl::EvaluateFraud(const Context& c, Order& order,
                                                  std::vector<OrderEvent>& events) {
  hold::v1::EvaluateFraudRequest req;
  req.set_request_id(c.request_id);
  req.set_order_id(order.order_id());
  req.set_customer_id(order.customer_id());
  req.set_email(c.data.customer().email());
  req.set_phone(c.data.customer().phone());
  req.set_billing_postal_code(c.data.customer().billing_address().postal_code());
  req.set_delivery_postal_code(order.delivery_address().postal_code());
  req.set_delivery_country(order.delivery_address().country());
  *req.mutable_order_total() = order.total();
  for (const auto& l : order.lines()) {
    hold::v1::FraudLine* fl = req.add_lines();
    fl->set_product_id(l.product_id());
    fl->set_quantity(l.quantity());
  }
  req.set_min_fraud_score(c.data.call_center().min_fraud_score());
  hold::v1::EvaluateFraudResponse resp;
  RETURN_IF_ERROR(
      FromDownstream("hold", downstream_.holds->EvaluateFraud(Call(c).get(), req, &resp)));
  order.set_fraud_score(resp.score());
  if (resp.has_hold()) {
    bool known = false;
    for (const auto& h : order.holds()) known = known || h.hold_id() == resp.hold().hold_id();
    if (!known) *order.add_holds() = resp.hold();
    events.push_back(Event("", "held", absl::StrCat("FRAUD hold: ", resp.hold().note())));
  }
  return absl::OkStatus();
}

grpc::Status OrderEntryServiceImpl::SubmitOrder(grpc::ServerContext* ctx,
                                                const v1::SubmitOrderRequest* req,
                                                v1::SubmitOrderResponse* resp) {
  return Serve(metrics_, "SubmitOrder", req->request_id(), [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Identify(ctx, "SubmitOrder", *req, req->request_id(), true));
    std::string saga_id;
    bool crashed = false;
    auto step = [&](const char* name) -> absl::Status {
      if (sagas_ != nullptr && !saga_id.empty()) RETURN_IF_ERROR(sagas_->Record(saga_id, name));
      if (options_.crash_after_step == name) {
        crashed = true;
        return absl::UnavailableError(absl::StrCat("injected crash after ", name));
      }
      return absl::OkStatus();
    };
    absl::Status s = Mutate(
        ctx, "SubmitOrder", caller, *req, req->order_id(),
        [&](Context&, Order& order, std::vector<OrderEvent>&) -> absl::Status {
          RETURN_IF_ERROR(RequireDraft(order));
          if (order.lines_size() == 0) {
            return absl::FailedPreconditionError("the order has no lines to submit");
          }
          return absl::OkStatus();
        },
        resp->mutable_order(),
        [&](Context& c, Order& order, std::vector<OrderEvent>& events) -> absl::Status {
          const bool completion = c.data.call_center().order_completion_enabled();
          if (completion) RETURN_IF_ERROR(CheckPaymentsCoverTotal(order));
          if (sagas_ != nullptr) {
            ASSIGN_OR_RETURN(Saga saga, sagas_->Begin(order.order_id(), c.request_id, kSagaSubmit));
            saga_id = saga.saga_id;
          }
          // The log reads "submitted" before what the submit led to (a hold).
          std::vector<OrderEvent> outcome;
          if (completion) {
            RETURN_IF_ERROR(RedeemCoupons(c, order));
            RETURN_IF_ERROR(step(kStepCouponsRedeemed));
            RETURN_IF_ERROR(EvaluateFraud(c, order, outcome));
            RETURN_IF_ERROR(step(kStepFraudEvaluated));
          }
          c.new_schedules = PlanContinuity(c.priced, order, Today());
          *order.mutable_submitted_at() = Now();
          order.set_status(SubmitOutcome(order));
          const bool held = order.status() == common::v1::ORDER_STATUS_ON_HOLD;
          events.push_back(Event(c.user_id, "submitted",
                                 absl::StrCat("total ", money::Format(order.total().minor_units()),
                                              held ? "; on hold" : "; confirmed")));
          for (OrderEvent& e : outcome) events.push_back(std::move(e));
          return absl::OkStatus();
        });
    if (s.ok()) {
      if (sagas_ != nullptr && !saga_id.empty()) sagas_->MarkDone(saga_id);
      if (metrics_ != nullptr && !saga_id.empty()) {  // a submit done now, not a replayed one
        const bool held = resp->order().status() == common::v1::ORDER_STATUS_ON_HOLD;
        metrics_->Increment("submits_total", "Orders submitted, by outcome (confirmed, on_hold).",
                            {{"outcome", held ? "on_hold" : "confirmed"}});
      }
      return absl::OkStatus();
    }
    if (!saga_id.empty() && !crashed) {
      // A failure after the submit began changing things: undo it now,
      // unless its save did happen (e.g. the reply was lost in a timeout).
      absl::StatusOr<bool> undone =
          UndoUnsavedSubmit(req->order_id(), caller.request_id,
                            absl::StrCat("the submit failed (", s.message(), ") and was undone"));
      if (undone.ok()) {
        sagas_->Record(saga_id, *undone ? kStepCompensated : kStepDone).IgnoreError();
      } else {
        log::Error("submit compensation failed; recovery will retry",
                   {{"order_id", req->order_id()},
                    {"error", std::string(undone.status().message())}});
      }
    }
    return s;
  });
}

// ------------------------------------------------------------------- holds

grpc::Status OrderEntryServiceImpl::PlaceHold(grpc::ServerContext* ctx,
                                              const v1::PlaceHoldRequest* req,
                                              v1::PlaceHoldResponse* resp) {
  return Serve(metrics_, "PlaceHold", req->request_id(), [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Identify(ctx, "PlaceHold", *req, req->request_id(), true));
    if (req->hold_code().empty()) return InvalidField("hold_code", "required");
    if (req->note().empty()) return InvalidField("note", "required: say why the order is held");
    common::v1::OrderHold placed_hold;  // placed at the hold service, until the order shows it
    absl::Status s = Mutate(
        ctx, "PlaceHold", caller, *req, req->order_id(),
        [&](Context& c, Order& order, std::vector<OrderEvent>& events) -> absl::Status {
          RETURN_IF_ERROR(CheckMayHold(order));
          hold::v1::PlaceHoldRequest place;
          place.set_request_id(c.request_id);
          place.set_order_id(order.order_id());
          place.set_hold_code(req->hold_code());
          place.set_note(req->note());
          place.set_user_id(c.user_id);
          hold::v1::PlaceHoldResponse placed;
          RETURN_IF_ERROR(
              FromDownstream("hold", downstream_.holds->PlaceHold(Call(c).get(), place, &placed)));
          if (!placed.hold().open()) {  // this request's hold was released after a failure
            return absl::FailedPreconditionError(
                "the hold this request placed was released when its order could not record it; "
                "place it again with a new request_id");
          }
          placed_hold = placed.hold();
          *order.add_holds() = placed.hold();
          if (order.status() == common::v1::ORDER_STATUS_DRAFT) {
            // Put on hold as it stands (no payment needed); prices are kept.
            RETURN_IF_ERROR(Reprice(c, &order));
            if (c.data.call_center().order_completion_enabled()) {
              RETURN_IF_ERROR(RedeemCoupons(c, order));
            }
            *order.mutable_submitted_at() = Now();
            order.set_status(common::v1::ORDER_STATUS_ON_HOLD);
          }
          events.push_back(Event(c.user_id, "held", absl::StrCat(req->hold_code(), ": ", req->note())));
          return absl::OkStatus();
        },
        resp->mutable_order());
    if (!s.ok() && !placed_hold.hold_id().empty()) {
      // Two services, no half: the hold goes unless the order shows it.
      absl::Status released =
          ReleaseUnrecordedHold(req->order_id(), caller.request_id, placed_hold, s);
      if (!released.ok()) {
        log::Error("a hold the order did not record is still open",
                   {{"order_id", req->order_id()},
                    {"hold_id", placed_hold.hold_id()},
                    {"error", std::string(released.message())}});
      }
    }
    return s;
  });
}

grpc::Status OrderEntryServiceImpl::ClearHold(grpc::ServerContext* ctx,
                                              const v1::ClearHoldRequest* req,
                                              v1::ClearHoldResponse* resp) {
  return Serve(metrics_, "ClearHold", req->request_id(), [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Identify(ctx, "ClearHold", *req, req->request_id(), true));
    if (req->hold_id().empty()) return InvalidField("hold_id", "required");
    if (req->reason().empty()) {
      return InvalidField("reason", "required: say why the hold is cleared");
    }
    return Mutate(
        ctx, "ClearHold", caller, *req, req->order_id(),
        [&](Context& c, Order& order, std::vector<OrderEvent>& events) -> absl::Status {
          for (const auto& h : order.holds()) {
            if (h.hold_id() == req->hold_id() && !h.open()) {
              c.unchanged = true;  // clearing twice is harmless
              return absl::OkStatus();
            }
          }
          hold::v1::ClearHoldRequest clear;
          clear.set_request_id(c.request_id);
          clear.set_order_id(order.order_id());
          clear.set_hold_id(req->hold_id());
          clear.set_reason(req->reason());
          clear.set_user_id(c.user_id);
          *clear.mutable_clearable_hold_codes() = c.data.user().clearable_hold_codes();
          hold::v1::ClearHoldResponse cleared;
          RETURN_IF_ERROR(
              FromDownstream("hold", downstream_.holds->ClearHold(Call(c).get(), clear, &cleared)));
          bool found = false;
          for (auto& h : *order.mutable_holds()) {
            if (h.hold_id() == req->hold_id()) {
              h = cleared.hold();
              found = true;
            }
          }
          if (!found) *order.add_holds() = cleared.hold();
          events.push_back(Event(c.user_id, "hold_cleared",
                                 absl::StrCat(cleared.hold().hold_code(), ": ", req->reason())));
          if (order.status() == common::v1::ORDER_STATUS_ON_HOLD && !cleared.order_has_open_holds()) {
            order.set_status(common::v1::ORDER_STATUS_CONFIRMED);  // the last hold cleared
            events.push_back(Event(c.user_id, "confirmed", "all holds cleared"));
          }
          return absl::OkStatus();
        },
        resp->mutable_order());
  });
}

grpc::Status OrderEntryServiceImpl::CancelOrder(grpc::ServerContext* ctx,
                                                const v1::CancelOrderRequest* req,
                                                v1::CancelOrderResponse* resp) {
  return Serve(metrics_, "CancelOrder", req->request_id(), [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Identify(ctx, "CancelOrder", *req, req->request_id(), true));
    std::string saga_id;
    absl::Status s = Mutate(
        ctx, "CancelOrder", caller, *req, req->order_id(),
        [&](Context& c, Order& order, std::vector<OrderEvent>& events) -> absl::Status {
          RETURN_IF_ERROR(CheckMayCancel(order, c.data.user()));
          // Logged before the save, so that recovery finishes the voids
          // should this process stop between the save and the voids.
          if (sagas_ != nullptr) {
            ASSIGN_OR_RETURN(Saga saga, sagas_->Begin(order.order_id(), c.request_id, kSagaCancel));
            saga_id = saga.saga_id;
          }
          // The order first: its payments show VOIDED from now on.
          MarkLivePaymentsVoided(&order);
          order.set_status(common::v1::ORDER_STATUS_CANCELED);
          events.push_back(Event(c.user_id, "cancelled", req->reason()));
          return absl::OkStatus();
        },
        resp->mutable_order());
    // Not saved, or its reply lost: recovery looks at the order later.
    RETURN_IF_ERROR(s);
    if (options_.crash_after_step == kStepCancelSaved) {
      return absl::UnavailableError("injected crash after the cancellation was saved");
    }
    // Then the money, also on a retry (which finishes a cancel that stopped
    // here): the authorisations voided, coupon uses released.
    RETURN_IF_ERROR(FinishCancel(req->order_id(), caller.request_id, resp->order()));
    if (!saga_id.empty()) sagas_->MarkDone(saga_id);
    return absl::OkStatus();
  });
}

grpc::Status OrderEntryServiceImpl::CancelContinuity(grpc::ServerContext* ctx,
                                                     const v1::CancelContinuityRequest* req,
                                                     v1::CancelContinuityResponse* resp) {
  return Serve(metrics_, "CancelContinuity", req->request_id(), [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller,
                     Identify(ctx, "CancelContinuity", *req, req->request_id(), true));
    if (req->reason().empty()) return InvalidField("reason", "required");
    // Any user of the order's call center: the customer asks, the agent does.
    ASSIGN_OR_RETURN(Context c, Load(ctx, caller, req->order_id()));
    order::v1::CancelScheduleRequest cancel;
    cancel.set_request_id(caller.request_id);
    cancel.set_parent_order_id(req->order_id());
    cancel.set_user_id(c.user_id);
    cancel.set_reason(req->reason());
    order::v1::CancelScheduleResponse cancelled;
    // Idempotent by effect: a retry finds nothing left to cancel.
    RETURN_IF_ERROR(FromDownstream(
        "order", downstream_.continuity->CancelSchedule(Call(c).get(), cancel, &cancelled)));
    order::v1::GetOrderRequest get;
    get.set_order_id(req->order_id());
    order::v1::GetOrderResponse got;
    RETURN_IF_ERROR(
        FromDownstream("order", downstream_.orders->GetOrder(Call(c).get(), get, &got)));
    *resp->mutable_order() = std::move(*got.mutable_order());
    return absl::OkStatus();
  });
}

// ------------------------------------------------------------------ reads

grpc::Status OrderEntryServiceImpl::GetOrder(grpc::ServerContext* ctx,
                                             const v1::GetOrderRequest* req,
                                             v1::GetOrderResponse* resp) {
  return Serve(metrics_, "GetOrder", "", [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Identify(ctx, "GetOrder", *req, "", false));
    ASSIGN_OR_RETURN(Context c, Load(ctx, caller, req->order_id()));
    *resp->mutable_order() = c.data.order();
    return absl::OkStatus();
  });
}

absl::StatusOr<order::v1::GetOrderContextResponse> OrderEntryServiceImpl::CallerContext(
    const Context& c, const std::string& customer_id) {
  const std::string& user_id = c.user_id;
  order::v1::GetOrderContextRequest req;
  req.set_user_id(user_id);
  req.set_customer_id(customer_id);
  order::v1::GetOrderContextResponse data;
  RETURN_IF_ERROR(
      FromDownstream("order", downstream_.orders->GetOrderContext(Call(c).get(), req, &data)));
  if (!data.has_user()) {
    return absl::PermissionDeniedError(
        absl::StrCat("user ", user_id, " is not a call-center user"));
  }
  return data;
}

grpc::Status OrderEntryServiceImpl::ListCustomerOrders(grpc::ServerContext* ctx,
                                                       const v1::ListCustomerOrdersRequest* req,
                                                       v1::ListCustomerOrdersResponse* resp) {
  return Serve(metrics_, "ListCustomerOrders", "", [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Identify(ctx, "ListCustomerOrders", *req, "", false));
    if (req->customer_id().empty()) return InvalidField("customer_id", "required");
    const Context c = Context::For(ctx, caller);
    ASSIGN_OR_RETURN(order::v1::GetOrderContextResponse data, CallerContext(c, req->customer_id()));
    order::v1::ListCustomerOrdersRequest down;
    down.set_customer_id(req->customer_id());
    // Only the orders of the caller's own call center (DOMAIN 1).
    down.set_call_center_id(data.user().call_center_id());
    down.set_page_size(req->page_size());
    down.set_page_token(req->page_token());
    order::v1::ListCustomerOrdersResponse got;
    RETURN_IF_ERROR(
        FromDownstream("order", downstream_.orders->ListCustomerOrders(Call(c).get(), down, &got)));
    *resp->mutable_orders() = std::move(*got.mutable_orders());
    resp->set_next_page_token(got.next_page_token());
    return absl::OkStatus();
  });
}

grpc::Status OrderEntryServiceImpl::RequestCatalog(grpc::ServerContext* ctx,
                                                   const v1::RequestCatalogRequest* req,
                                                   v1::RequestCatalogResponse* resp) {
  return Serve(metrics_, "RequestCatalog", req->request_id(), [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Identify(ctx, "RequestCatalog", *req, req->request_id(), true));
    if (req->customer_id().empty()) return InvalidField("customer_id", "required");
    if (req->source_code().empty()) return InvalidField("source_code", "required");
    if (req->quantity() <= 0) return InvalidField("quantity", "must be > 0");
    const Context c = Context::For(ctx, caller);
    ASSIGN_OR_RETURN(order::v1::GetOrderContextResponse data, CallerContext(c, req->customer_id()));
    RETURN_IF_ERROR(RequireFeature(data.call_center().directed_selling_enabled(), data.call_center(),
                                   kDirectedSelling, "catalog requests are"));
    guidedselling::v1::RecordCatalogRequestRequest record;
    record.set_request_id(caller.request_id);
    record.set_customer_id(req->customer_id());
    record.set_source_code(req->source_code());
    record.set_quantity(req->quantity());
    guidedselling::v1::RecordCatalogRequestResponse recorded;
    RETURN_IF_ERROR(FromDownstream("guided selling", downstream_.selling->RecordCatalogRequest(
                                                         Call(c).get(), record, &recorded)));
    const auto& r = recorded.catalog_request();
    v1::CatalogRequest* out = resp->mutable_catalog_request();
    out->set_catalog_request_id(r.catalog_request_id());
    out->set_customer_id(r.customer_id());
    out->set_source_code(r.source_code());
    out->set_quantity(r.quantity());
    out->set_requested_on(r.requested_on());
    return absl::OkStatus();
  });
}

grpc::Status OrderEntryServiceImpl::GetProductDetails(grpc::ServerContext* ctx,
                                                      const v1::GetProductDetailsRequest* req,
                                                      v1::GetProductDetailsResponse* resp) {
  return Serve(metrics_, "GetProductDetails", "", [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Identify(ctx, "GetProductDetails", *req, "", false));
    if (req->product_id().empty()) return InvalidField("product_id", "required");
    const Context c = Context::For(ctx, caller);
    ASSIGN_OR_RETURN(order::v1::GetOrderContextResponse data, CallerContext(c, ""));
    pricing::v1::GetProductRequest preq;
    preq.set_product_id(req->product_id());
    pricing::v1::GetProductResponse product;
    RETURN_IF_ERROR(
        FromDownstream("pricing", downstream_.pricing->GetProduct(Call(c).get(), preq, &product)));
    const pricing::v1::Product& p = product.product();
    v1::ProductDetails* out = resp->mutable_product();
    out->set_product_id(p.product_id());
    out->set_name(p.name());
    out->set_description(p.description());
    *out->mutable_base_price() = p.base_price();
    out->set_allow_price_override(p.allow_price_override());
    out->set_continuity_interval_days(p.continuity().interval_days());
    out->set_continuity_repeats(p.continuity().repeats());
    // Images and detail text are directed selling: shown only where it is on.
    if (!data.call_center().directed_selling_enabled()) return absl::OkStatus();
    if (!p.image_url().empty()) out->add_image_urls(p.image_url());
    guidedselling::v1::GetProductMediaRequest mreq;
    mreq.set_product_id(req->product_id());
    guidedselling::v1::GetProductMediaResponse media;
    grpc::Status got = downstream_.selling->GetProductMedia(Call(c).get(), mreq, &media);
    if (got.error_code() == grpc::StatusCode::NOT_FOUND) return absl::OkStatus();  // none
    RETURN_IF_ERROR(FromDownstream("guided selling", got));
    for (const auto& url : media.product_media().image_urls()) out->add_image_urls(url);
    out->set_detail_text(media.product_media().detail_text());
    return absl::OkStatus();
  });
}

}  // namespace callcenter::orchestration
