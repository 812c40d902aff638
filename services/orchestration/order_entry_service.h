#ifndef CALLCENTER_SERVICES_ORCHESTRATION_ORDER_ENTRY_SERVICE_H_
#define CALLCENTER_SERVICES_ORCHESTRATION_ORDER_ENTRY_SERVICE_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "callcenter/guidedselling/v1/guidedselling.grpc.pb.h"
#include "callcenter/hold/v1/hold.grpc.pb.h"
#include "callcenter/orchestration/v1/orchestration.grpc.pb.h"
#include "callcenter/order/v1/order.grpc.pb.h"
#include "callcenter/payment/v1/payment.grpc.pb.h"
#include "callcenter/pricing/v1/pricing.grpc.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "libs/metrics/metrics.h"
#include "libs/server/parsing_handler.h"
#include "libs/validation/validation.h"
#include "services/orchestration/context_cache.h"
#include "services/orchestration/saga.h"

namespace callcenter::orchestration {

using common::v1::Order;
using common::v1::OrderEvent;

// Stubs of the downstream services (one long-lived channel each).
struct Downstream {
  std::unique_ptr<order::v1::SalesOrderService::StubInterface> orders;
  std::unique_ptr<order::v1::ContinuityService::StubInterface> continuity;
  std::unique_ptr<pricing::v1::PricingService::StubInterface> pricing;
  std::unique_ptr<payment::v1::PaymentService::StubInterface> payments;
  std::unique_ptr<guidedselling::v1::GuidedSellingService::StubInterface> selling;
  std::unique_ptr<hold::v1::HoldService::StubInterface> holds;
};

struct OrderEntryOptions {
  std::string jwt_secret;
  // Tokens living longer than this (exp - iat, or exp - now) are refused.
  absl::Duration max_token_lifetime = absl::Hours(24);
  // API.md's limits on what a caller may send.
  validation::Limits limits;
  absl::Duration downstream_timeout = absl::Seconds(3);
  std::function<absl::Time()> clock = [] { return absl::Now(); };
  // Tests only: a submit "crashes" right after recording this saga step
  // (no compensation runs), as a killed process would; kStepCancelSaved: a
  // cancellation right after its save.
  std::string crash_after_step;
};

// The front door (API.md): the agent's whole order workflow. Each call
// authenticates the agent, loads the order with its call center, user and
// customer in one call, applies the change, reprices the whole order and
// saves it with its version; a repeated request_id returns the first result.
// Changes that only read before saving start from the context this process
// kept from the draft's last save instead (see ContextCache).
// A downstream call's status as the front door's caller may see it: codes
// and our services' own messages and details pass; transport and server
// faults (UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL, ...) say which service
// failed, never an address or a database's text (that is logged).
absl::Status FromDownstream(const char* service, const grpc::Status& status);

// The request id every downstream service sees: the caller's, scoped to
// the calling user and the RPC (API.md), so that two users (or two RPCs)
// never share one; 41 characters.
std::string ScopedRequestId(const std::string& user_id, const char* method,
                            const std::string& request_id);

// A digest of a request's every field: a retry must repeat it exactly.
std::string Fingerprint(const google::protobuf::Message& request);

class OrderEntryServiceImpl final : public server::ParsingHandlers<v1::OrderEntryService::Service> {
 public:
  OrderEntryServiceImpl(Downstream downstream, OrderEntryOptions options, SagaLog* sagas,
                        metrics::Metrics* metrics);

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

  // Recovery and the sweep (undo.cc, with the undo of submits, payments
  // and cancellations).
  // Settles sagas left unfinished (by a crash) for at least `idle`: a
  // submit that saved is marked done, one that did not is undone (the
  // draft's payments voided, its coupon uses released); a cancellation that
  // saved has its voids finished. Returns how many it settled.
  absl::StatusOr<int> RecoverSagas(absl::Duration idle);

  // Voids card (and other) authorisations that no order counts: on no
  // order (a crash or a timed-out call between authorising and saving), or
  // shown VOIDED by their order (a crash between marking and voiding).
  // Checks live (authorised or pending) payments at least `min_age` old,
  // oldest first, from where the last sweep ended, against their orders
  // (ListRecordedPayments). Returns how many it voided.
  absl::StatusOr<int> SweepUnrecordedPayments(absl::Duration min_age);

 private:
  // Who calls: the authenticated user and the request id as scoped for
  // downstream services (empty for reads).
  struct Caller {
    std::string user_id;
    std::string request_id;
  };

  // What a change sees: the caller, the order's context and its pricing.
  struct Context {
    // The caller's request, due by the front-door call's deadline.
    static Context For(grpc::ServerContext* ctx, const Caller& caller);

    std::string user_id;
    std::string request_id;
    // The request's Fingerprint, which the save stores for replays.
    std::string fingerprint;
    // The caller's deadline: downstream calls get min(this, per-call timeout).
    absl::Time deadline = absl::InfiniteFuture();
    order::v1::GetOrderContextResponse data;
    pricing::v1::PriceOrderResponse priced;
    std::vector<order::v1::ContinuitySchedule> new_schedules;
    // Set by a change that finds nothing to do (the order is returned as is).
    bool unchanged = false;
    // Set by a change that priced the order itself and changed no price after.
    bool priced_now = false;
    // A coupon being applied: pricing refuses the change unless it may be used.
    std::string check_coupon;
    // `data` came from the ContextCache: the save checks it is still current.
    bool kept = false;
  };
  using Change = std::function<absl::Status(Context&, Order&, std::vector<OrderEvent>&)>;

  absl::StatusOr<std::string> Authenticate(grpc::ServerContext* ctx) const;
  // Checks the request against the limits (INVALID_ARGUMENT naming the
  // field), authenticates the caller and scopes `request_id` (required when
  // `mutating`): every handler's first step.
  absl::StatusOr<Caller> Identify(grpc::ServerContext* ctx, const char* method,
                                  const google::protobuf::Message& request,
                                  const std::string& request_id, bool mutating) const;
  std::unique_ptr<grpc::ClientContext> Call(const std::string& request_id) const;
  std::unique_ptr<grpc::ClientContext> Call(const Context& c) const;
  // The front door's clock: now, and today's date (YYYY-MM-DD, UTC).
  google::protobuf::Timestamp Now() const;
  std::string Today() const;
  // The order's context for `caller`, who must be a user of its call center.
  absl::StatusOr<Context> Load(grpc::ServerContext* ctx, const Caller& caller,
                               const std::string& order_id, const std::string& method = "",
                               const std::string& fingerprint = "");
  // The caller's user and call center (and `customer_id`'s record, if given)
  // for a call on no order; PERMISSION_DENIED for a user of no call center.
  absl::StatusOr<order::v1::GetOrderContextResponse> CallerContext(const Context& c,
                                                                   const std::string& customer_id);
  absl::Status Reprice(Context& c, Order* order);
  absl::Status Mutate(grpc::ServerContext* ctx, const char* method, const Caller& caller,
                      const google::protobuf::Message& request, const std::string& order_id,
                      const Change& change, Order* out, const Change& after_pricing = nullptr);
  // A change on the context in `c`: change, reprice, save.
  absl::Status Apply(Context& c, const char* method, const Change& change, Order* out,
                     const Change& after_pricing);
  // Saves the changed order and keeps its context (c.data is moved out:
  // the save is a change's last step).
  absl::Status Save(Context& c, const char* method, Order order, std::vector<OrderEvent> events,
                    Order* out);

  // Directed selling: source code, scripts, prompts.
  absl::Status ApplySourceCode(Context& c, const std::string& code, Order& order,
                               std::vector<OrderEvent>& events);
  // Scripts of `timing` for `products` and, when `prompt_triggers` is given,
  // the prompts they raise (replacing the order's), in one call.
  absl::Status LoadGuidance(const Context& c, common::v1::ScriptTiming timing,
                            const std::vector<std::string>& products,
                            const std::optional<std::vector<std::string>>& prompt_triggers,
                            Order& order);

  // Submit steps.
  absl::Status RedeemCoupons(const Context& c, const Order& order);
  absl::Status EvaluateFraud(const Context& c, Order& order, std::vector<OrderEvent>& events);
  // Voids at the payment service each payment that `order` shows VOIDED
  // and that is still live there (idempotent).
  absl::Status VoidMarkedPayments(const std::string& order_id, const std::string& request_id,
                                  const Order& order);
  absl::Status ReleaseCouponUses(const std::string& order_id, const std::string& request_id);
  absl::Status VoidPayment(const std::string& payment_id, const std::string& request_id);
  // After a cancellation saved `order`: voids what it shows VOIDED and
  // releases coupon uses (idempotent; recovery calls it too).
  absl::Status FinishCancel(const std::string& order_id, const std::string& request_id,
                            const Order& order);
  // Reads the order, lets `change` edit it and the event it adds (as the
  // system user; false: nothing to save) and saves it under `request_id`
  // with its version checked, reading again after a concurrent change.
  absl::StatusOr<std::optional<Order>> RewriteOrder(
      const std::string& order_id, const std::string& request_id, const char* method,
      const std::function<bool(Order&, OrderEvent&)>& change);
  // AddPayment authorised `payment` but its save failed (`why`): unless the
  // save did happen after all, the draft records the payment VOIDED, then
  // it is voided at the payment service.
  absl::Status VoidUnsavedPayment(const std::string& order_id, const std::string& request_id,
                                  const common::v1::OrderPayment& payment, const absl::Status& why);
  // Clears a hold at the hold service as the system user, with `reason`
  // (idempotent by `request_id`).
  absl::Status ReleaseHold(const std::string& order_id, const std::string& request_id,
                           const std::string& hold_id, const std::string& hold_code,
                           const std::string& reason);
  // PlaceHold placed `hold` at the hold service but the order's save failed
  // (`why`): unless the order does show it, the order gets a new version
  // (fencing a late save) and the hold is cleared as the system user, so
  // that a hold exists only where its order shows it.
  absl::Status ReleaseUnrecordedHold(const std::string& order_id, const std::string& request_id,
                                     const common::v1::OrderHold& hold, const absl::Status& why);
  // Undoes a submit that did not save (failed, or found by recovery): saves
  // the draft with its live payments marked VOIDED (a new version: the
  // submit can no longer save), then voids them, releases coupon uses and
  // clears the FRAUD holds it left open, as the system user. `why` opens
  // the event. False, undoing nothing, when the submit did save.
  absl::StatusOr<bool> UndoUnsavedSubmit(const std::string& order_id,
                                         const std::string& request_id, const std::string& why);

  Downstream downstream_;
  OrderEntryOptions options_;
  SagaLog* sagas_;
  metrics::Metrics* metrics_;
  ContextCache contexts_;
};

}  // namespace callcenter::orchestration

#endif  // CALLCENTER_SERVICES_ORCHESTRATION_ORDER_ENTRY_SERVICE_H_
