#include "services/orchestration/order_entry_service.h"

#include <functional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/util/time_util.h"
#include "libs/auth/jwt.h"
#include "libs/ids/uuid.h"
#include "libs/money/money.h"
#include "libs/server/serve.h"
#include "libs/status/status.h"
#include "services/orchestration/domain/order_math.h"

namespace callcenter::orchestration {

using server::Serve;

namespace {

OrderEvent Event(const std::string& user, const std::string& kind, const std::string& detail) {
  OrderEvent e;
  e.set_user_id(user);
  e.set_kind(kind);
  e.set_detail(detail);
  return e;
}

std::string Fingerprint(const google::protobuf::Message& request) {
  std::string bytes;
  request.SerializeToString(&bytes);
  return absl::StrFormat("%016x", std::hash<std::string>{}(bytes));
}

absl::Status RequireDraft(const Order& order) {
  if (order.status() != common::v1::ORDER_STATUS_DRAFT) {
    return absl::FailedPreconditionError(absl::StrCat(
        "order is ", common::v1::OrderStatus_Name(order.status()), "; only a DRAFT order changes"));
  }
  return absl::OkStatus();
}

common::v1::OrderLine* FindLine(Order& order, const std::string& line_id) {
  for (auto& line : *order.mutable_lines()) {
    if (line.line_id() == line_id) return &line;
  }
  return nullptr;
}

}  // namespace

OrderEntryServiceImpl::OrderEntryServiceImpl(Downstream downstream, OrderEntryOptions options,
                                             metrics::Metrics* metrics)
    : downstream_(std::move(downstream)), options_(std::move(options)), metrics_(metrics) {}

absl::StatusOr<std::string> OrderEntryServiceImpl::Authenticate(grpc::ServerContext* ctx) const {
  const auto& md = ctx->client_metadata();
  auto it = md.find("authorization");
  if (it == md.end()) {
    return absl::UnauthenticatedError("missing bearer token (metadata authorization: Bearer <JWT>)");
  }
  ASSIGN_OR_RETURN(std::string token,
                   auth::BearerToken(absl::string_view(it->second.data(), it->second.size())));
  ASSIGN_OR_RETURN(auth::Claims claims,
                   auth::VerifyHs256(token, options_.jwt_secret, options_.clock()));
  return claims.subject;
}

std::unique_ptr<grpc::ClientContext> OrderEntryServiceImpl::Call(
    const std::string& request_id) const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(absl::ToChronoTime(absl::Now() + options_.downstream_timeout));
  if (!request_id.empty()) ctx->AddMetadata("x-request-id", request_id);
  return ctx;
}

absl::StatusOr<OrderEntryServiceImpl::Context> OrderEntryServiceImpl::Load(
    grpc::ServerContext* ctx, const std::string& order_id, const std::string& method,
    const std::string& request_id) {
  Context c;
  ASSIGN_OR_RETURN(c.user_id, Authenticate(ctx));
  c.request_id = request_id;
  order::v1::GetOrderContextRequest req;
  req.set_order_id(order_id);
  req.set_user_id(c.user_id);
  req.set_method(method);
  req.set_request_id(request_id);
  RETURN_IF_ERROR(FromGrpcStatus(
      downstream_.orders->GetOrderContext(Call(request_id).get(), req, &c.data)));
  if (!c.data.has_user()) {
    return absl::PermissionDeniedError(absl::StrCat("user ", c.user_id, " is not a call-center user"));
  }
  if (c.data.user().call_center_id() != c.data.order().call_center_id()) {
    return absl::PermissionDeniedError(absl::StrCat(
        "user ", c.user_id, " is not a user of call center ", c.data.order().call_center_id()));
  }
  return c;
}

absl::Status OrderEntryServiceImpl::Reprice(const Context& c, Order* order) {
  pricing::v1::PriceOrderRequest req =
      BuildPriceRequest(*order, c.data.call_center(), c.data.customer());
  pricing::v1::PriceOrderResponse priced;
  RETURN_IF_ERROR(
      FromGrpcStatus(downstream_.pricing->PriceOrder(Call(c.request_id).get(), req, &priced)));
  return ApplyPricing(priced, order);
}

absl::Status OrderEntryServiceImpl::Mutate(grpc::ServerContext* ctx, const char* method,
                                           const std::string& request_id,
                                           const google::protobuf::Message& request,
                                           const std::string& order_id, const Change& change,
                                           Order* out, const Change& after_pricing) {
  if (request_id.empty()) return InvalidField("request_id", "required");
  if (order_id.empty()) return InvalidField("order_id", "required");
  ASSIGN_OR_RETURN(Context c, Load(ctx, order_id, method, request_id));
  if (c.data.has_replayed_order()) {  // a retry: the first result, nothing changes
    *out = c.data.replayed_order();
    return absl::OkStatus();
  }
  Order order = c.data.order();
  std::vector<OrderEvent> events;
  RETURN_IF_ERROR(change(c, order, events));
  RETURN_IF_ERROR(Reprice(c, &order));
  if (after_pricing) RETURN_IF_ERROR(after_pricing(c, order, events));
  order::v1::SaveOrderRequest save;
  save.set_request_id(request_id);
  save.set_method(method);
  save.set_request_fingerprint(Fingerprint(request));
  *save.mutable_order() = std::move(order);
  for (auto& e : events) *save.add_new_events() = std::move(e);
  order::v1::SaveOrderResponse saved;
  RETURN_IF_ERROR(
      FromGrpcStatus(downstream_.orders->SaveOrder(Call(request_id).get(), save, &saved)));
  *out = saved.order();
  return absl::OkStatus();
}

grpc::Status OrderEntryServiceImpl::StartOrder(grpc::ServerContext* ctx,
                                               const v1::StartOrderRequest* req,
                                               v1::StartOrderResponse* resp) {
  return Serve(metrics_, "StartOrder", req->request_id(), [&]() -> absl::Status {
    ASSIGN_OR_RETURN(std::string user_id, Authenticate(ctx));
    if (req->request_id().empty()) return InvalidField("request_id", "required");
    if (req->call_center_id().empty()) return InvalidField("call_center_id", "required");
    if (req->customer_id().empty()) return InvalidField("customer_id", "required");
    order::v1::GetOrderContextRequest creq;
    creq.set_user_id(user_id);
    creq.set_call_center_id(req->call_center_id());
    creq.set_customer_id(req->customer_id());
    order::v1::GetOrderContextResponse data;
    RETURN_IF_ERROR(FromGrpcStatus(
        downstream_.orders->GetOrderContext(Call(req->request_id()).get(), creq, &data)));
    if (!data.has_user() || data.user().call_center_id() != req->call_center_id()) {
      return absl::PermissionDeniedError(absl::StrCat(
          "user ", user_id, " is not a user of call center ", req->call_center_id()));
    }
    if (!req->source_code().empty()) {
      // Source codes belong to directed selling (guided-selling issue).
      if (!data.call_center().directed_selling_enabled()) {
        return absl::FailedPreconditionError(
            "directed selling is switched off for this call center: source codes are refused");
      }
      return absl::UnimplementedError("source_code: source codes on orders are not implemented yet");
    }
    order::v1::CreateOrderRequest create;
    create.set_request_id(req->request_id());
    Order* o = create.mutable_order();
    o->set_call_center_id(req->call_center_id());
    o->set_customer_id(req->customer_id());
    o->set_status(common::v1::ORDER_STATUS_DRAFT);
    o->set_currency(data.call_center().currency());
    o->set_created_by(user_id);
    *o->mutable_financial_dimensions() = data.call_center().financial_dimensions();
    *o->mutable_delivery_address() = data.customer().delivery_address();
    for (auto* m : {o->mutable_subtotal(), o->mutable_discount_total(), o->mutable_charges_total(),
                    o->mutable_tax_total(), o->mutable_total(), o->mutable_paid_total(),
                    o->mutable_balance_due()}) {
      m->set_currency(o->currency());
    }
    order::v1::CreateOrderResponse created;
    RETURN_IF_ERROR(FromGrpcStatus(
        downstream_.orders->CreateOrder(Call(req->request_id()).get(), create, &created)));
    *resp->mutable_order() = created.order();
    return absl::OkStatus();
  });
}

grpc::Status OrderEntryServiceImpl::AddLine(grpc::ServerContext* ctx, const v1::AddLineRequest* req,
                                            v1::AddLineResponse* resp) {
  return Serve(metrics_, "AddLine", req->request_id(), [&]() -> absl::Status {
    if (req->product_id().empty()) return InvalidField("product_id", "required");
    if (req->quantity() <= 0) return InvalidField("quantity", "must be > 0");
    return Mutate(ctx, "AddLine", req->request_id(), *req, req->order_id(),
                  [&](Context& c, Order& order, std::vector<OrderEvent>& events) -> absl::Status {
                    RETURN_IF_ERROR(RequireDraft(order));
                    common::v1::OrderLine* line = order.add_lines();
                    line->set_line_id(NewUuid());
                    line->set_product_id(req->product_id());
                    line->set_quantity(req->quantity());
                    line->set_origin(req->origin() == common::v1::LINE_ORIGIN_UNSPECIFIED
                                         ? common::v1::LINE_ORIGIN_NONE
                                         : req->origin());
                    events.push_back(Event(c.user_id, "line_added",
                                           absl::StrCat(req->quantity(), " x ", req->product_id())));
                    return absl::OkStatus();
                  },
                  resp->mutable_order());
  });
}

grpc::Status OrderEntryServiceImpl::UpdateLineQuantity(grpc::ServerContext* ctx,
                                                       const v1::UpdateLineQuantityRequest* req,
                                                       v1::UpdateLineQuantityResponse* resp) {
  return Serve(metrics_, "UpdateLineQuantity", req->request_id(), [&]() -> absl::Status {
    if (req->line_id().empty()) return InvalidField("line_id", "required");
    if (req->quantity() <= 0) return InvalidField("quantity", "must be > 0");
    return Mutate(ctx, "UpdateLineQuantity", req->request_id(), *req, req->order_id(),
                  [&](Context& c, Order& order, std::vector<OrderEvent>& events) -> absl::Status {
                    RETURN_IF_ERROR(RequireDraft(order));
                    common::v1::OrderLine* line = FindLine(order, req->line_id());
                    if (line == nullptr) {
                      return absl::NotFoundError(absl::StrCat("line ", req->line_id(), " not found"));
                    }
                    events.push_back(Event(c.user_id, "quantity_changed",
                                           absl::StrCat(line->product_id(), ": ", line->quantity(),
                                                        " -> ", req->quantity())));
                    line->set_quantity(req->quantity());
                    return absl::OkStatus();
                  },
                  resp->mutable_order());
  });
}

grpc::Status OrderEntryServiceImpl::RemoveLine(grpc::ServerContext* ctx,
                                               const v1::RemoveLineRequest* req,
                                               v1::RemoveLineResponse* resp) {
  return Serve(metrics_, "RemoveLine", req->request_id(), [&]() -> absl::Status {
    if (req->line_id().empty()) return InvalidField("line_id", "required");
    return Mutate(ctx, "RemoveLine", req->request_id(), *req, req->order_id(),
                  [&](Context& c, Order& order, std::vector<OrderEvent>& events) -> absl::Status {
                    RETURN_IF_ERROR(RequireDraft(order));
                    auto* lines = order.mutable_lines();
                    for (int i = 0; i < lines->size(); ++i) {
                      if (lines->Get(i).line_id() == req->line_id()) {
                        events.push_back(Event(c.user_id, "line_removed", lines->Get(i).product_id()));
                        lines->DeleteSubrange(i, 1);
                        return absl::OkStatus();
                      }
                    }
                    return absl::NotFoundError(absl::StrCat("line ", req->line_id(), " not found"));
                  },
                  resp->mutable_order());
  });
}

grpc::Status OrderEntryServiceImpl::SetDelivery(grpc::ServerContext* ctx,
                                                const v1::SetDeliveryRequest* req,
                                                v1::SetDeliveryResponse* resp) {
  return Serve(metrics_, "SetDelivery", req->request_id(), [&]() -> absl::Status {
    if (req->delivery_mode().empty()) return InvalidField("delivery_mode", "required");
    return Mutate(ctx, "SetDelivery", req->request_id(), *req, req->order_id(),
                  [&](Context& c, Order& order, std::vector<OrderEvent>& events) -> absl::Status {
                    RETURN_IF_ERROR(RequireDraft(order));
                    bool allowed = false;
                    for (const auto& m : c.data.call_center().delivery_modes()) {
                      allowed = allowed || m == req->delivery_mode();
                    }
                    if (!allowed) {
                      return InvalidField("delivery_mode",
                                          absl::StrCat("\"", req->delivery_mode(),
                                                       "\" is not a delivery mode of this call center"));
                    }
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
    std::string authorized_payment_id;
    absl::Status s = Mutate(
        ctx, "AddPayment", req->request_id(), *req, req->order_id(),
        [&](Context& c, Order& order, std::vector<OrderEvent>& events) -> absl::Status {
          RETURN_IF_ERROR(RequireDraft(order));
          if (!c.data.call_center().order_completion_enabled()) {
            return absl::FailedPreconditionError(
                "order completion is switched off for this call center: payments are refused");
          }
          // Price first so that "empty amount" means the current balance due.
          RETURN_IF_ERROR(Reprice(c, &order));
          payment::v1::AuthorizePaymentRequest auth;
          auth.set_request_id(req->request_id());
          auth.set_order_id(order.order_id());
          auth.set_customer_id(order.customer_id());
          auth.set_method(req->method());
          if (req->has_amount()) {
            if (req->amount().currency() != order.currency()) {
              return InvalidField("amount.currency",
                                  absl::StrCat("must be the order's currency ", order.currency()));
            }
            *auth.mutable_amount() = req->amount();
          } else {
            if (order.balance_due().minor_units() <= 0) {
              return absl::FailedPreconditionError("nothing is due on this order");
            }
            *auth.mutable_amount() = order.balance_due();
          }
          auth.set_card_token(req->card_token());
          auth.set_check_number(req->check_number());
          auth.set_gift_card_number(req->gift_card_number());
          *auth.mutable_allowed_methods() = c.data.call_center().payment_methods();
          auth.set_allow_on_account(c.data.customer().allow_on_account());
          *auth.mutable_credit_limit() = c.data.customer().credit_limit();
          payment::v1::AuthorizePaymentResponse authorized;
          RETURN_IF_ERROR(FromGrpcStatus(downstream_.payments->AuthorizePayment(
              Call(req->request_id()).get(), auth, &authorized)));
          const payment::v1::Payment& p = authorized.payment();
          common::v1::OrderPayment* op = order.add_payments();
          op->set_payment_id(p.payment_id());
          op->set_method(p.method());
          *op->mutable_amount() = p.amount();
          op->set_status(p.status());
          op->set_last4(p.last4());
          op->set_decline_reason(p.decline_reason());
          const bool ok = p.status() == common::v1::PAYMENT_STATUS_AUTHORIZED;
          if (ok) authorized_payment_id = p.payment_id();
          events.push_back(Event(
              c.user_id, ok ? "payment_authorized" : "payment_declined",
              absl::StrCat(common::v1::PaymentMethod_Name(p.method()), " ",
                           money::Format(p.amount().minor_units()),
                           p.last4().empty() ? "" : absl::StrCat(" card ending ", p.last4()),
                           ok ? "" : absl::StrCat(": ", p.decline_reason()))));
          return absl::OkStatus();
        },
        resp->mutable_order());
    if (!s.ok() && !authorized_payment_id.empty()) {
      // The order did not record the authorisation: void it (compensation)
      // so that no live authorisation is left behind.
      payment::v1::VoidPaymentRequest v;
      v.set_request_id(absl::StrCat(req->request_id(), ":void"));
      v.set_payment_id(authorized_payment_id);
      payment::v1::VoidPaymentResponse voided;
      downstream_.payments->VoidPayment(Call(req->request_id()).get(), v, &voided);
      if (metrics_) metrics_->Increment("saga_compensations_total", "Compensations run.",
                                        {{"step", "add_payment"}});
    }
    return s;
  });
}

grpc::Status OrderEntryServiceImpl::GetOrderSummary(grpc::ServerContext* ctx,
                                                    const v1::GetOrderSummaryRequest* req,
                                                    v1::GetOrderSummaryResponse* resp) {
  return Serve(metrics_, "GetOrderSummary", "", [&]() -> absl::Status {
    if (req->order_id().empty()) return InvalidField("order_id", "required");
    ASSIGN_OR_RETURN(Context c, Load(ctx, req->order_id(), "", ""));
    Order order = c.data.order();
    // A draft shows current prices; a submitted order shows what was agreed.
    if (order.status() == common::v1::ORDER_STATUS_DRAFT) RETURN_IF_ERROR(Reprice(c, &order));
    *resp->mutable_order() = std::move(order);
    return absl::OkStatus();
  });
}

grpc::Status OrderEntryServiceImpl::SubmitOrder(grpc::ServerContext* ctx,
                                                const v1::SubmitOrderRequest* req,
                                                v1::SubmitOrderResponse* resp) {
  return Serve(metrics_, "SubmitOrder", req->request_id(), [&]() -> absl::Status {
    return Mutate(
        ctx, "SubmitOrder", req->request_id(), *req, req->order_id(),
        [&](Context&, Order& order, std::vector<OrderEvent>&) -> absl::Status {
          RETURN_IF_ERROR(RequireDraft(order));
          if (order.lines_size() == 0) {
            return absl::FailedPreconditionError("the order has no lines to submit");
          }
          return absl::OkStatus();
        },
        resp->mutable_order(),
        [&](Context& c, Order& order, std::vector<OrderEvent>& events) -> absl::Status {
          if (c.data.call_center().order_completion_enabled()) {
            RETURN_IF_ERROR(CheckPaymentsCoverTotal(order));
          }
          order.set_status(common::v1::ORDER_STATUS_CONFIRMED);
          *order.mutable_submitted_at() = google::protobuf::util::TimeUtil::GetCurrentTime();
          events.push_back(Event(c.user_id, "submitted",
                                 absl::StrCat("total ", money::Format(order.total().minor_units()))));
          return absl::OkStatus();
        });
  });
}

grpc::Status OrderEntryServiceImpl::CancelOrder(grpc::ServerContext* ctx,
                                                const v1::CancelOrderRequest* req,
                                                v1::CancelOrderResponse* resp) {
  return Serve(metrics_, "CancelOrder", req->request_id(), [&]() -> absl::Status {
    return Mutate(ctx, "CancelOrder", req->request_id(), *req, req->order_id(),
                  [&](Context& c, Order& order, std::vector<OrderEvent>& events) -> absl::Status {
                    if (!c.data.user().may_cancel()) {
                      return absl::PermissionDeniedError(
                          absl::StrCat("user ", c.user_id, " may not cancel orders"));
                    }
                    if (order.status() != common::v1::ORDER_STATUS_DRAFT &&
                        order.status() != common::v1::ORDER_STATUS_ON_HOLD) {
                      return absl::FailedPreconditionError(
                          absl::StrCat("order is ", common::v1::OrderStatus_Name(order.status()),
                                       " and cannot be cancelled"));
                    }
                    payment::v1::VoidAllForOrderRequest v;
                    v.set_request_id(req->request_id());
                    v.set_order_id(order.order_id());
                    payment::v1::VoidAllForOrderResponse voided;
                    RETURN_IF_ERROR(FromGrpcStatus(downstream_.payments->VoidAllForOrder(
                        Call(req->request_id()).get(), v, &voided)));
                    for (const auto& p : voided.voided()) {
                      for (auto& op : *order.mutable_payments()) {
                        if (op.payment_id() == p.payment_id()) op.set_status(p.status());
                      }
                    }
                    order.set_status(common::v1::ORDER_STATUS_CANCELED);
                    events.push_back(Event(c.user_id, "cancelled", req->reason()));
                    return absl::OkStatus();
                  },
                  resp->mutable_order());
  });
}

grpc::Status OrderEntryServiceImpl::GetOrder(grpc::ServerContext* ctx,
                                             const v1::GetOrderRequest* req,
                                             v1::GetOrderResponse* resp) {
  return Serve(metrics_, "GetOrder", "", [&]() -> absl::Status {
    if (req->order_id().empty()) return InvalidField("order_id", "required");
    ASSIGN_OR_RETURN(Context c, Load(ctx, req->order_id(), "", ""));
    *resp->mutable_order() = c.data.order();
    return absl::OkStatus();
  });
}

grpc::Status OrderEntryServiceImpl::ListCustomerOrders(grpc::ServerContext* ctx,
                                                       const v1::ListCustomerOrdersRequest* req,
                                                       v1::ListCustomerOrdersResponse* resp) {
  return Serve(metrics_, "ListCustomerOrders", "", [&]() -> absl::Status {
    ASSIGN_OR_RETURN(std::string user_id, Authenticate(ctx));
    if (req->customer_id().empty()) return InvalidField("customer_id", "required");
    order::v1::ListCustomerOrdersRequest down;
    down.set_customer_id(req->customer_id());
    down.set_page_size(req->page_size());
    down.set_page_token(req->page_token());
    order::v1::ListCustomerOrdersResponse got;
    RETURN_IF_ERROR(
        FromGrpcStatus(downstream_.orders->ListCustomerOrders(Call("").get(), down, &got)));
    *resp->mutable_orders() = std::move(*got.mutable_orders());
    resp->set_next_page_token(got.next_page_token());
    return absl::OkStatus();
  });
}

}  // namespace callcenter::orchestration
