#include "services/orchestration/order_entry_service.h"

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/descriptor.h"
#include "libs/ids/order_event_kind.h"
#include "libs/ids/uuid.h"
#include "libs/money/money.h"
#include "libs/money/money_proto.h"
#include "libs/server/serve.h"
#include "libs/status/status.h"
#include "services/orchestration/domain/fulfillment.h"
#include "services/orchestration/domain/order_rules.h"

namespace callcenter::orchestration {

using server::Serve;

OrderEntryServiceImpl::OrderEntryServiceImpl(OrderEntryParts parts, Clock clock)
    : parts_(parts), clock_(std::move(clock)) {
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
  CC_PARSING(ListHolds);
  CC_PARSING(CheckOutHold);
  CC_PARSING(ReleaseHoldCheckout);
  CC_PARSING(CancelOrder);
  CC_PARSING(CancelContinuity);
  CC_PARSING(GetOrder);
  CC_PARSING(ListCustomerOrders);
  CC_PARSING(RequestCatalog);
  CC_PARSING(GetProductDetails);
  CC_PARSING(StartReturn);
  CC_PARSING(AdjustReturnCredit);
  CC_PARSING(ApproveRefund);
  CC_PARSING(CancelReturn);
  CC_PARSING(GetReturn);
  CC_PARSING(PriceMatch);
  CC_PARSING(GetPriceDetails);
#undef CC_PARSING
}

// ------------------------------------------------------------- order entry

grpc::Status OrderEntryServiceImpl::StartOrder(grpc::ServerContext* ctx,
                                               const v1::StartOrderRequest* req,
                                               v1::StartOrderResponse* resp) {
  return Serve(parts_.metrics, "StartOrder", req->request_id(), [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller,
                     parts_.identity->Identify(ctx, "StartOrder", *req, req->request_id(), true));
    if (req->call_center_id().empty()) return InvalidField("call_center_id", "required");
    if (req->customer_id().empty()) return InvalidField("customer_id", "required");
    Context c(caller);
    c.fingerprint = Fingerprint(*req);
    ASSIGN_OR_RETURN(c.data, parts_.clients->orders.StartContext(
                                 c.scope(), caller.user_id, req->call_center_id(),
                                 req->customer_id(), c.fingerprint));
    if (!c.data.has_user() || c.data.user().call_center_id() != req->call_center_id()) {
      return WithReason(
          absl::PermissionDeniedError(absl::StrCat(
              "user ", caller.user_id, " is not a user of call center ", req->call_center_id())),
          "OTHER_CALL_CENTER");
    }
    const std::string& exchange_for = req->exchange_for_return_id();
    if (c.data.has_replayed_order()) {
      *resp->mutable_order() = c.data.replayed_order();
      // A start that stopped before linking its return finishes here.
      if (!exchange_for.empty()) {
        return parts_.returns->LinkExchange(caller, exchange_for, resp->order().order_id());
      }
      return absl::OkStatus();
    }
    Order o = NewDraft(c.data.call_center(), c.data.customer(), caller.user_id);
    Edit edit;
    if (!exchange_for.empty()) {
      // An exchange: the return's credit pays as much of the new order as
      // it can (kept current as the draft changes).
      ASSIGN_OR_RETURN(v1::ReturnOrder ret, parts_.returns->ExchangeableReturn(caller, exchange_for,
                                                                               req->customer_id()));
      o.set_exchange_for_return_id(exchange_for);
      *o.mutable_exchange_credit() = ret.credit_total();
      common::v1::OrderPayment* credit = o.add_payments();
      credit->set_payment_id(NewUuid());
      credit->set_method(common::v1::PAYMENT_METHOD_RETURN_CREDIT);
      credit->set_status(common::v1::PAYMENT_STATUS_AUTHORIZED);
      *credit->mutable_amount() = MoneyOf(o.currency(), 0);
      edit.events.push_back(MakeOrderEvent(
          caller.user_id, common::v1::ORDER_EVENT_KIND_PAYMENT_AUTHORIZED,
          absl::StrCat("exchange for return ", exchange_for, ": its credit of ",
                       money::Format(ret.credit_total().minor_units()), " pays this order")));
    }
    if (!req->source_code().empty()) {
      RETURN_IF_ERROR(parts_.selling->ApplySourceCode(c, req->source_code(), o, edit));
    } else {
      RETURN_IF_ERROR(parts_.selling->LoadGuidance(c, common::v1::SCRIPT_TIMING_BEGINNING, {},
                                                   std::nullopt, o));
    }
    RETURN_IF_ERROR(parts_.changes->Reprice(c, &o));
    ASSIGN_OR_RETURN(*resp->mutable_order(),
                     parts_.clients->orders.Create(c.scope(), std::move(o), std::move(edit.events),
                                                   c.fingerprint));
    if (!exchange_for.empty()) {
      RETURN_IF_ERROR(parts_.returns->LinkExchange(caller, exchange_for, resp->order().order_id()));
    }
    // The agent's next change starts from here (a replayed start may be
    // older than the stored order: the next save finds that out).
    *c.data.mutable_order() = resp->order();
    parts_.changes->Keep(caller.user_id, std::move(c.data));
    return absl::OkStatus();
  });
}

grpc::Status OrderEntryServiceImpl::AddLine(grpc::ServerContext* ctx, const v1::AddLineRequest* req,
                                            v1::AddLineResponse* resp) {
  return Serve(parts_.metrics, "AddLine", req->request_id(), [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller,
                     parts_.identity->Identify(ctx, "AddLine", *req, req->request_id(), true));
    if (req->product_id().empty()) return InvalidField("product_id", "required");
    if (req->quantity() <= 0) return InvalidField("quantity", "must be > 0");
    return parts_.changes->Run(
        kAddLineChange, caller, *req, req->order_id(),
        [&](Context& c, Order& order, Edit& edit) -> absl::Status {
          RETURN_IF_ERROR(RequireDraft(order));
          edit.events.push_back(orchestration::AddLine(
              order, NewUuid(), req->product_id(), req->quantity(), req->origin(), c.user_id()));
          return absl::OkStatus();
        },
        resp->mutable_order(),
        [&](Context& c, Order& order, Edit&) -> absl::Status {
          // Upsell and cross-sell prompts and the item scripts of the product.
          return parts_.selling->LoadGuidance(c, common::v1::SCRIPT_TIMING_ITEM,
                                              {req->product_id()},
                                              std::vector<std::string>{req->product_id()}, order);
        });
  });
}

grpc::Status OrderEntryServiceImpl::UpdateLineQuantity(grpc::ServerContext* ctx,
                                                       const v1::UpdateLineQuantityRequest* req,
                                                       v1::UpdateLineQuantityResponse* resp) {
  return Serve(parts_.metrics, "UpdateLineQuantity", req->request_id(), [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, parts_.identity->Identify(ctx, "UpdateLineQuantity", *req,
                                                              req->request_id(), true));
    if (req->line_id().empty()) return InvalidField("line_id", "required");
    if (req->quantity() <= 0) return InvalidField("quantity", "must be > 0");
    return parts_.changes->Run(
        kUpdateLineQuantityChange, caller, *req, req->order_id(),
        [&](Context& c, Order& order, Edit& edit) -> absl::Status {
          RETURN_IF_ERROR(RequireDraft(order));
          ASSIGN_OR_RETURN(OrderEvent e,
                           ChangeQuantity(order, req->line_id(), req->quantity(), c.user_id()));
          edit.events.push_back(std::move(e));
          return absl::OkStatus();
        },
        resp->mutable_order());
  });
}

grpc::Status OrderEntryServiceImpl::RemoveLine(grpc::ServerContext* ctx,
                                               const v1::RemoveLineRequest* req,
                                               v1::RemoveLineResponse* resp) {
  return Serve(parts_.metrics, "RemoveLine", req->request_id(), [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller,
                     parts_.identity->Identify(ctx, "RemoveLine", *req, req->request_id(), true));
    if (req->line_id().empty()) return InvalidField("line_id", "required");
    return parts_.changes->Run(
        kRemoveLineChange, caller, *req, req->order_id(),
        [&](Context& c, Order& order, Edit& edit) -> absl::Status {
          RETURN_IF_ERROR(RequireDraft(order));
          ASSIGN_OR_RETURN(OrderEvent e,
                           orchestration::RemoveLine(order, req->line_id(), c.user_id()));
          edit.events.push_back(std::move(e));
          return absl::OkStatus();
        },
        resp->mutable_order());
  });
}

grpc::Status OrderEntryServiceImpl::SetSourceCode(grpc::ServerContext* ctx,
                                                  const v1::SetSourceCodeRequest* req,
                                                  v1::SetSourceCodeResponse* resp) {
  return Serve(parts_.metrics, "SetSourceCode", req->request_id(), [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, parts_.identity->Identify(ctx, "SetSourceCode", *req,
                                                              req->request_id(), true));
    if (req->source_code().empty()) return InvalidField("source_code", "required");
    return parts_.changes->Run(
        kSetSourceCodeChange, caller, *req, req->order_id(),
        [&](Context& c, Order& order, Edit& edit) -> absl::Status {
          RETURN_IF_ERROR(RequireDraft(order));
          return parts_.selling->ApplySourceCode(c, req->source_code(), order, edit);
        },
        resp->mutable_order());
  });
}

grpc::Status OrderEntryServiceImpl::ApplyCoupon(grpc::ServerContext* ctx,
                                                const v1::ApplyCouponRequest* req,
                                                v1::ApplyCouponResponse* resp) {
  return Serve(parts_.metrics, "ApplyCoupon", req->request_id(), [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller,
                     parts_.identity->Identify(ctx, "ApplyCoupon", *req, req->request_id(), true));
    if (req->coupon_code().empty()) return InvalidField("coupon_code", "required");
    return parts_.changes->Run(
        kApplyCouponChange, caller, *req, req->order_id(),
        [&](Context& c, Order& order, Edit& edit) -> absl::Status {
          RETURN_IF_ERROR(RequireDraft(order));
          RETURN_IF_ERROR(RequireFeature(c.data.call_center().order_completion_enabled(),
                                         c.data.call_center(), kOrderCompletion, "coupons are"));
          if (HasCoupon(order, req->coupon_code())) {
            edit.unchanged = true;  // already applied
            return absl::OkStatus();
          }
          // Unknown, inactive, expired or used up: pricing refuses it with
          // the reason when the order is repriced, and nothing is saved.
          edit.coupon_to_check = req->coupon_code();
          order.add_coupon_codes(req->coupon_code());
          edit.events.push_back(MakeOrderEvent(
              c.user_id(), common::v1::ORDER_EVENT_KIND_COUPON_APPLIED, req->coupon_code()));
          return absl::OkStatus();
        },
        resp->mutable_order());
  });
}

grpc::Status OrderEntryServiceImpl::OverrideLinePrice(grpc::ServerContext* ctx,
                                                      const v1::OverrideLinePriceRequest* req,
                                                      v1::OverrideLinePriceResponse* resp) {
  return Serve(parts_.metrics, "OverrideLinePrice", req->request_id(), [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, parts_.identity->Identify(ctx, "OverrideLinePrice", *req,
                                                              req->request_id(), true));
    if (req->line_id().empty()) return InvalidField("line_id", "required");
    if (req->reason_code().empty()) return InvalidField("reason_code", "required");
    if (!req->has_unit_price()) return InvalidField("unit_price", "required");
    return parts_.changes->Run(
        kOverrideLinePriceChange, caller, *req, req->order_id(),
        [&](Context& c, Order& order, Edit& edit) -> absl::Status {
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
          RETURN_IF_ERROR(parts_.changes->Reprice(c, &system));
          const int64_t system_price = FindLine(system, req->line_id())->unit_price().minor_units();
          RETURN_IF_ERROR(parts_.clients->pricing.ValidateOverride(
              c.scope(), line->product_id(), MoneyOf(order.currency(), system_price),
              req->unit_price(), c.data.user().price_override_max_bp()));
          edit.events.push_back(OverridePrice(*line, req->unit_price(), system_price,
                                              req->reason_code(), c.user_id()));
          return absl::OkStatus();
        },
        resp->mutable_order(),
        [&](Context&, Order& order, Edit&) -> absl::Status {
          // The margin is known once the order is repriced (DOMAIN 11).
          return CheckOverrideMargin(*FindLine(order, req->line_id()));
        });
  });
}

grpc::Status OrderEntryServiceImpl::SetDelivery(grpc::ServerContext* ctx,
                                                const v1::SetDeliveryRequest* req,
                                                v1::SetDeliveryResponse* resp) {
  return Serve(parts_.metrics, "SetDelivery", req->request_id(), [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller,
                     parts_.identity->Identify(ctx, "SetDelivery", *req, req->request_id(), true));
    if (req->delivery_mode().empty()) return InvalidField("delivery_mode", "required");
    return parts_.changes->Run(
        kSetDeliveryChange, caller, *req, req->order_id(),
        [&](Context& c, Order& order, Edit& edit) -> absl::Status {
          RETURN_IF_ERROR(RequireDraft(order));
          RETURN_IF_ERROR(CheckDelivery(c.data.call_center(), req->delivery_mode(),
                                        req->has_address() ? &req->address() : nullptr));
          order.set_delivery_mode(req->delivery_mode());
          if (req->has_address()) *order.mutable_delivery_address() = req->address();
          edit.events.push_back(MakeOrderEvent(
              c.user_id(), common::v1::ORDER_EVENT_KIND_DELIVERY_SET, req->delivery_mode()));
          return absl::OkStatus();
        },
        resp->mutable_order());
  });
}

grpc::Status OrderEntryServiceImpl::AddPayment(grpc::ServerContext* ctx,
                                               const v1::AddPaymentRequest* req,
                                               v1::AddPaymentResponse* resp) {
  return Serve(parts_.metrics, "AddPayment", req->request_id(), [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller,
                     parts_.identity->Identify(ctx, "AddPayment", *req, req->request_id(), true));
    return parts_.payments->Add(caller, *req, resp->mutable_order());
  });
}

grpc::Status OrderEntryServiceImpl::GetOrderSummary(grpc::ServerContext* ctx,
                                                    const v1::GetOrderSummaryRequest* req,
                                                    v1::GetOrderSummaryResponse* resp) {
  return Serve(parts_.metrics, "GetOrderSummary", "", [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller,
                     parts_.identity->Identify(ctx, "GetOrderSummary", *req, "", false));
    ASSIGN_OR_RETURN(Context c, parts_.changes->Load(caller, req->order_id()));
    Order order = c.data.order();
    // A draft shows current prices, its end scripts and prompts for the
    // completed order; a submitted order shows what was agreed.
    if (order.status() == common::v1::ORDER_STATUS_DRAFT) {
      RETURN_IF_ERROR(parts_.changes->Reprice(c, &order));
      const std::vector<std::string> products = ProductsOf(order);
      RETURN_IF_ERROR(parts_.selling->LoadGuidance(c, common::v1::SCRIPT_TIMING_END, products,
                                                   products, order));
    }
    *resp->mutable_order() = std::move(order);
    return absl::OkStatus();
  });
}

grpc::Status OrderEntryServiceImpl::SubmitOrder(grpc::ServerContext* ctx,
                                                const v1::SubmitOrderRequest* req,
                                                v1::SubmitOrderResponse* resp) {
  return Serve(parts_.metrics, "SubmitOrder", req->request_id(), [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller,
                     parts_.identity->Identify(ctx, "SubmitOrder", *req, req->request_id(), true));
    return parts_.submit->Run(caller, *req, req->order_id(), resp->mutable_order());
  });
}

// ------------------------------------------------------ holds and cancelling

grpc::Status OrderEntryServiceImpl::PlaceHold(grpc::ServerContext* ctx,
                                              const v1::PlaceHoldRequest* req,
                                              v1::PlaceHoldResponse* resp) {
  return Serve(parts_.metrics, "PlaceHold", req->request_id(), [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller,
                     parts_.identity->Identify(ctx, "PlaceHold", *req, req->request_id(), true));
    if (req->hold_code().empty()) return InvalidField("hold_code", "required");
    if (req->note().empty()) return InvalidField("note", "required: say why the order is held");
    return parts_.holds->Place(caller, *req, resp->mutable_order());
  });
}

grpc::Status OrderEntryServiceImpl::ClearHold(grpc::ServerContext* ctx,
                                              const v1::ClearHoldRequest* req,
                                              v1::ClearHoldResponse* resp) {
  return Serve(parts_.metrics, "ClearHold", req->request_id(), [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller,
                     parts_.identity->Identify(ctx, "ClearHold", *req, req->request_id(), true));
    if (req->hold_id().empty()) return InvalidField("hold_id", "required");
    if (req->reason().empty())
      return InvalidField("reason", "required: say why the hold is cleared");
    return parts_.holds->Clear(caller, *req, resp->mutable_order());
  });
}

grpc::Status OrderEntryServiceImpl::ListHolds(grpc::ServerContext* ctx,
                                              const v1::ListHoldsRequest* req,
                                              v1::ListHoldsResponse* resp) {
  return Serve(parts_.metrics, "ListHolds", "", [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, parts_.identity->Identify(ctx, "ListHolds", *req, "", false));
    return parts_.holds->List(caller, *req, resp);
  });
}

grpc::Status OrderEntryServiceImpl::CheckOutHold(grpc::ServerContext* ctx,
                                                 const v1::CheckOutHoldRequest* req,
                                                 v1::CheckOutHoldResponse* resp) {
  return Serve(parts_.metrics, "CheckOutHold", req->request_id(), [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller,
                     parts_.identity->Identify(ctx, "CheckOutHold", *req, req->request_id(), true));
    return parts_.holds->CheckOut(caller, *req, resp->mutable_order());
  });
}

grpc::Status OrderEntryServiceImpl::ReleaseHoldCheckout(grpc::ServerContext* ctx,
                                                        const v1::ReleaseHoldCheckoutRequest* req,
                                                        v1::ReleaseHoldCheckoutResponse* resp) {
  return Serve(parts_.metrics, "ReleaseHoldCheckout", req->request_id(), [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, parts_.identity->Identify(ctx, "ReleaseHoldCheckout", *req,
                                                              req->request_id(), true));
    return parts_.holds->ReleaseCheckout(caller, *req, resp->mutable_order());
  });
}

grpc::Status OrderEntryServiceImpl::CancelOrder(grpc::ServerContext* ctx,
                                                const v1::CancelOrderRequest* req,
                                                v1::CancelOrderResponse* resp) {
  return Serve(parts_.metrics, "CancelOrder", req->request_id(), [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller,
                     parts_.identity->Identify(ctx, "CancelOrder", *req, req->request_id(), true));
    return parts_.cancel->Run(caller, *req, req->order_id(), req->reason(), resp->mutable_order());
  });
}

grpc::Status OrderEntryServiceImpl::CancelContinuity(grpc::ServerContext* ctx,
                                                     const v1::CancelContinuityRequest* req,
                                                     v1::CancelContinuityResponse* resp) {
  return Serve(parts_.metrics, "CancelContinuity", req->request_id(), [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, parts_.identity->Identify(ctx, "CancelContinuity", *req,
                                                              req->request_id(), true));
    if (req->reason().empty()) return InvalidField("reason", "required");
    // Any user of the order's call center: the customer asks, the agent does.
    ASSIGN_OR_RETURN(Context c, parts_.changes->Load(caller, req->order_id()));
    // Idempotent by effect: a retry finds nothing left to cancel.
    RETURN_IF_ERROR(parts_.clients->orders.CancelSchedules(c.scope(), req->order_id(),
                                                           caller.user_id, req->reason()));
    ASSIGN_OR_RETURN(*resp->mutable_order(),
                     parts_.clients->orders.Get(c.scope(), req->order_id()));
    return absl::OkStatus();
  });
}

// ------------------------------------------------------------------ reads

grpc::Status OrderEntryServiceImpl::GetOrder(grpc::ServerContext* ctx,
                                             const v1::GetOrderRequest* req,
                                             v1::GetOrderResponse* resp) {
  return Serve(parts_.metrics, "GetOrder", "", [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, parts_.identity->Identify(ctx, "GetOrder", *req, "", false));
    ASSIGN_OR_RETURN(Context c, parts_.changes->Load(caller, req->order_id()));
    *resp->mutable_order() = std::move(*c.data.mutable_order());
    resp->mutable_order()->set_backordered(
        IsBackordered(resp->order(), c.data.call_center(), clock_.Today()));
    return absl::OkStatus();
  });
}

absl::StatusOr<order::v1::GetOrderContextResponse> OrderEntryServiceImpl::CallerContext(
    const Caller& caller, const std::string& customer_id) {
  ASSIGN_OR_RETURN(
      order::v1::GetOrderContextResponse data,
      parts_.clients->orders.CallerContext(caller.scope(), caller.user_id, customer_id));
  RETURN_IF_ERROR(RequireCallCenterUser(data, caller.user_id));
  return data;
}

grpc::Status OrderEntryServiceImpl::ListCustomerOrders(grpc::ServerContext* ctx,
                                                       const v1::ListCustomerOrdersRequest* req,
                                                       v1::ListCustomerOrdersResponse* resp) {
  return Serve(parts_.metrics, "ListCustomerOrders", "", [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller,
                     parts_.identity->Identify(ctx, "ListCustomerOrders", *req, "", false));
    if (req->customer_id().empty()) return InvalidField("customer_id", "required");
    ASSIGN_OR_RETURN(order::v1::GetOrderContextResponse data,
                     CallerContext(caller, req->customer_id()));
    // Only the orders of the caller's own call center (DOMAIN 1).
    ASSIGN_OR_RETURN(order::v1::ListCustomerOrdersResponse got,
                     parts_.clients->orders.ListCustomerOrders(
                         caller.scope(), req->customer_id(), data.user().call_center_id(),
                         req->page_size(), req->page_token()));
    *resp->mutable_orders() = std::move(*got.mutable_orders());
    resp->set_next_page_token(got.next_page_token());
    return absl::OkStatus();
  });
}

grpc::Status OrderEntryServiceImpl::RequestCatalog(grpc::ServerContext* ctx,
                                                   const v1::RequestCatalogRequest* req,
                                                   v1::RequestCatalogResponse* resp) {
  return Serve(parts_.metrics, "RequestCatalog", req->request_id(), [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, parts_.identity->Identify(ctx, "RequestCatalog", *req,
                                                              req->request_id(), true));
    if (req->customer_id().empty()) return InvalidField("customer_id", "required");
    if (req->source_code().empty()) return InvalidField("source_code", "required");
    if (req->quantity() <= 0) return InvalidField("quantity", "must be > 0");
    ASSIGN_OR_RETURN(order::v1::GetOrderContextResponse data,
                     CallerContext(caller, req->customer_id()));
    RETURN_IF_ERROR(RequireFeature(data.call_center().directed_selling_enabled(), data.call_center(),
                                   kDirectedSelling, "catalog requests are"));
    ASSIGN_OR_RETURN(guidedselling::v1::CatalogRequest r,
                     parts_.clients->selling.RecordCatalogRequest(
                         caller.scope(), req->customer_id(), req->source_code(), req->quantity()));
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
  return Serve(parts_.metrics, "GetProductDetails", "", [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller,
                     parts_.identity->Identify(ctx, "GetProductDetails", *req, "", false));
    if (req->product_id().empty()) return InvalidField("product_id", "required");
    ASSIGN_OR_RETURN(order::v1::GetOrderContextResponse data, CallerContext(caller, ""));
    ASSIGN_OR_RETURN(pricing::v1::Product p,
                     parts_.clients->pricing.GetProduct(caller.scope(), req->product_id()));
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
    ASSIGN_OR_RETURN(std::optional<guidedselling::v1::ProductMedia> media,
                     parts_.clients->selling.ProductMedia(caller.scope(), req->product_id()));
    if (!media) return absl::OkStatus();  // none
    for (const auto& url : media->image_urls()) out->add_image_urls(url);
    out->set_detail_text(media->detail_text());
    return absl::OkStatus();
  });
}

// ------------------------------------------------------ returns (DOMAIN 10)

// A mutating return RPC: identified with its request id, then `run`.
#define CC_RETURN_RPC(Method, call)                                                           \
  return Serve(parts_.metrics, #Method, req->request_id(), [&]() -> absl::Status {            \
    ASSIGN_OR_RETURN(Caller caller,                                                           \
                     parts_.identity->Identify(ctx, #Method, *req, req->request_id(), true)); \
    return call;                                                                              \
  })

grpc::Status OrderEntryServiceImpl::StartReturn(grpc::ServerContext* ctx,
                                                const v1::StartReturnRequest* req,
                                                v1::StartReturnResponse* resp) {
  CC_RETURN_RPC(StartReturn, parts_.returns->Start(caller, *req, resp->mutable_return_order()));
}

grpc::Status OrderEntryServiceImpl::AdjustReturnCredit(grpc::ServerContext* ctx,
                                                       const v1::AdjustReturnCreditRequest* req,
                                                       v1::AdjustReturnCreditResponse* resp) {
  CC_RETURN_RPC(AdjustReturnCredit,
                parts_.returns->AdjustCredit(caller, *req, resp->mutable_return_order()));
}

grpc::Status OrderEntryServiceImpl::ApproveRefund(grpc::ServerContext* ctx,
                                                  const v1::ApproveRefundRequest* req,
                                                  v1::ApproveRefundResponse* resp) {
  CC_RETURN_RPC(ApproveRefund,
                parts_.returns->ApproveRefund(caller, *req, resp->mutable_return_order()));
}

grpc::Status OrderEntryServiceImpl::CancelReturn(grpc::ServerContext* ctx,
                                                 const v1::CancelReturnRequest* req,
                                                 v1::CancelReturnResponse* resp) {
  CC_RETURN_RPC(CancelReturn, parts_.returns->Cancel(caller, *req, resp->mutable_return_order()));
}

grpc::Status OrderEntryServiceImpl::PriceMatch(grpc::ServerContext* ctx,
                                               const v1::PriceMatchRequest* req,
                                               v1::PriceMatchResponse* resp) {
  CC_RETURN_RPC(PriceMatch, parts_.returns->PriceMatch(caller, *req, resp->mutable_order()));
}

#undef CC_RETURN_RPC

grpc::Status OrderEntryServiceImpl::GetReturn(grpc::ServerContext* ctx,
                                              const v1::GetReturnRequest* req,
                                              v1::GetReturnResponse* resp) {
  return Serve(parts_.metrics, "GetReturn", "", [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, parts_.identity->Identify(ctx, "GetReturn", *req, "", false));
    return parts_.returns->Get(caller, req->return_id(), resp->mutable_return_order());
  });
}

// The pricing service's enums mirror the contract's, value for value.
static_assert(static_cast<int>(pricing::v1::PRICE_SOURCE_OVERRIDE) ==
              static_cast<int>(v1::PRICE_SOURCE_OVERRIDE));
static_assert(static_cast<int>(pricing::v1::DISCOUNT_OUTCOME_KIND_BELOW_THRESHOLD) ==
              static_cast<int>(v1::DISCOUNT_OUTCOME_KIND_BELOW_THRESHOLD));
static_assert(static_cast<int>(pricing::v1::DISCOUNT_OUTCOME_KIND_IGNORED) ==
              static_cast<int>(v1::DISCOUNT_OUTCOME_KIND_IGNORED));

// Price details (DOMAIN 3): the order priced again as it stands, by the
// same engine pass, with each line explained; nothing is saved. A draft is
// explained as of today, a submitted order as of its submit day with its
// coupons as they were redeemed, so both read as they were priced.
grpc::Status OrderEntryServiceImpl::GetPriceDetails(grpc::ServerContext* ctx,
                                                    const v1::GetPriceDetailsRequest* req,
                                                    v1::GetPriceDetailsResponse* resp) {
  return Serve(parts_.metrics, "GetPriceDetails", "", [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller,
                     parts_.identity->Identify(ctx, "GetPriceDetails", *req, "", false));
    ASSIGN_OR_RETURN(Context c, parts_.changes->Load(caller, req->order_id()));
    RETURN_IF_ERROR(RequireFeature(c.data.call_center().price_control_enabled(),
                                   c.data.call_center(), kPriceControl, "price details are"));
    const Order& order = c.data.order();
    if (order.archived()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "order ", order.order_id(), " is archived: only its summary is kept"));
    }
    if (order.lines().empty()) return absl::OkStatus();
    const bool submitted = order.status() != common::v1::ORDER_STATUS_DRAFT && order.has_submitted_at();
    const std::string day = submitted ? absl::FormatCivilTime(SubmitDay(order)) : clock_.Today();
    ASSIGN_OR_RETURN(pricing::v1::PriceOrderResponse priced,
                     parts_.clients->pricing.Explain(c.scope(), order, c.data.call_center(),
                                                     c.data.customer(), day, submitted));
    for (const pricing::v1::PricedLine& p : priced.lines()) {
      v1::LinePriceDetail* d = resp->add_lines();
      d->set_line_id(p.line_id());
      d->set_product_id(p.product_id());
      *d->mutable_base_price() = p.base_price();
      *d->mutable_unit_price() = p.unit_price();
      d->set_price_source(static_cast<v1::PriceSource>(p.price_source()));
      d->set_trade_agreement_id(p.trade_agreement_id());
      d->set_price_group_id(p.price_group_id());
      d->set_margin_bp(p.margin_bp());
      for (const pricing::v1::DiscountExplanation& e : p.explanations()) {
        v1::DiscountOutcome* o = d->add_discounts();
        o->set_discount_id(e.discount_id());
        o->set_name(e.name());
        o->set_priority(e.priority());
        o->set_outcome(static_cast<v1::DiscountOutcomeKind>(e.outcome()));
        if (e.has_amount()) *o->mutable_amount() = e.amount();
        o->set_beaten_by(e.beaten_by());
        if (e.has_amount_needed()) *o->mutable_amount_needed() = e.amount_needed();
      }
    }
    return absl::OkStatus();
  });
}

}  // namespace callcenter::orchestration
