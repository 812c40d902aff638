#ifndef CALLCENTER_SERVICES_ORCHESTRATION_WORKFLOWS_CHANGE_RUNNER_H_
#define CALLCENTER_SERVICES_ORCHESTRATION_WORKFLOWS_CHANGE_RUNNER_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "libs/validation/validation.h"
#include "services/orchestration/clients/clients.h"
#include "services/orchestration/context_cache.h"
#include "services/orchestration/workflows/context.h"
#include "services/orchestration/workflows/front_door_metrics.h"

namespace callcenter::orchestration {

// How a change runs.
struct ChangeSpec {
  // The RPC: the order service keeps the answer under it for replays.
  const char* method;
  // The change calls nothing but reads before its save, so it may start
  // from the context kept from the draft's last save (if the save refuses
  // it, the change is done again on a fresh read).
  bool may_start_from_kept_context;
  // A draft's edits and payments are bounded by the order's event log;
  // submitting, holds and cancelling always go through, so that an order
  // at the limit can still be finished or cancelled.
  bool bounded_by_event_log;
  // The change reads and may change the order's returns (DOMAIN 10).
  bool with_returns = false;
  // The RPC answers with the order exactly as the change saved it (its
  // handler returns straight after Run): the reply may carry the bytes
  // sent to be saved, with the save's stamps, instead of serializing the
  // order a second time.
  bool replies_with_saved_order = false;
};

inline constexpr ChangeSpec kAddLineChange{"AddLine", true, true, false, true};
inline constexpr ChangeSpec kUpdateLineQuantityChange{"UpdateLineQuantity", true, true, false, true};
inline constexpr ChangeSpec kRemoveLineChange{"RemoveLine", true, true, false, true};
inline constexpr ChangeSpec kSetSourceCodeChange{"SetSourceCode", true, true, false, true};
inline constexpr ChangeSpec kApplyCouponChange{"ApplyCoupon", true, true, false, true};
inline constexpr ChangeSpec kOverrideLinePriceChange{"OverrideLinePrice", true, true, false, true};
inline constexpr ChangeSpec kSetDeliveryChange{"SetDelivery", true, true, false, true};
inline constexpr ChangeSpec kAddPaymentChange{"AddPayment", false, true};
inline constexpr ChangeSpec kSubmitOrderChange{"SubmitOrder", false, false};
inline constexpr ChangeSpec kPlaceHoldChange{"PlaceHold", false, false};
inline constexpr ChangeSpec kClearHoldChange{"ClearHold", false, false};
inline constexpr ChangeSpec kCheckOutHoldChange{"CheckOutHold", false, false};
inline constexpr ChangeSpec kReleaseHoldCheckoutChange{"ReleaseHoldCheckout", false, false};
inline constexpr ChangeSpec kCancelOrderChange{"CancelOrder", false, false};
inline constexpr ChangeSpec kRecordShipmentChange{"RecordShipment", false, false};
inline constexpr ChangeSpec kSetExpectedShipDateChange{"SetExpectedShipDate", false, false};
inline constexpr ChangeSpec kDelayNoticesChange{"RunDelayedOrderNotices", false, false};
inline constexpr ChangeSpec kStartReturnChange{"StartReturn", false, false, true};
inline constexpr ChangeSpec kAdjustReturnCreditChange{"AdjustReturnCredit", false, false, true};
inline constexpr ChangeSpec kApproveRefundChange{"ApproveRefund", false, false, true};
inline constexpr ChangeSpec kCancelReturnChange{"CancelReturn", false, false, true};
inline constexpr ChangeSpec kRecordReturnReceiptChange{"RecordReturnReceipt", false, false, true};
inline constexpr ChangeSpec kPriceMatchChange{"PriceMatch", false, false, true};
inline constexpr ChangeSpec kFinishRefundsChange{"FinishRefunds", false, false, true};
inline constexpr ChangeSpec kLinkExchangeChange{"LinkExchange", false, false, true};
inline constexpr ChangeSpec kExchangeSubmittedChange{"ExchangeSubmitted", false, false, true};

// The change pipeline every order edit goes through: read the order's
// context (or start from the kept one), let the change edit it, check the
// limits, reprice the whole draft, run what comes after pricing, save with
// the version checked; a retried request (same request id and body)
// returns the first result and changes nothing.
class ChangeRunner {
 public:
  // `kept_contexts_max_bytes`: the memory the kept contexts may take.
  ChangeRunner(Clients* clients, validation::Limits limits, Clock clock,
               const FrontDoorMetrics* metrics,
               size_t kept_contexts_max_bytes = ContextCache::kDefaultMaxBytes)
      : clients_(clients),
        limits_(limits),
        clock_(std::move(clock)),
        metrics_(metrics),
        contexts_(ContextCache::kDefaultCapacity, kept_contexts_max_bytes) {}

  // Runs `change` on `order_id` for `caller` (its result in `out`), then
  // `after_pricing`, if given, on the repriced order before the save.
  // `replayed` (optional): set when the answer is an earlier save of the
  // same request id (a retry, or another process that made it first), so
  // that nothing this call decided was written.
  absl::Status Run(const ChangeSpec& spec, const Caller& caller,
                   const google::protobuf::Message& request, const std::string& order_id,
                   const Change& change, Order* out, const Change& after_pricing = nullptr,
                   bool* replayed = nullptr);

  // The order's context for `caller`, who must be a user of its call
  // center; with `spec`, a replay of the caller's request id is answered
  // in data.replayed_order.
  absl::StatusOr<Context> Load(const Caller& caller, const std::string& order_id,
                               const ChangeSpec* spec = nullptr,
                               const std::string& fingerprint = "");

  // Prices `order` as it stands (nothing to price: no call); with
  // `check_coupon`, pricing refuses unless that coupon may be used.
  absl::Status Reprice(Context& c, Order* order, const std::string& check_coupon = "");

  // The kept contexts' count and memory, for the metrics.
  std::shared_ptr<const ContextCache::Gauges> kept_context_gauges() const {
    return contexts_.gauges();
  }

  // Keeps a draft's context for `user_id`'s next change.
  void Keep(const std::string& user_id, order::v1::GetOrderContextResponse data);

 private:
  // `saved`: whether the change got as far as its save.
  absl::Status Apply(const ChangeSpec& spec, Context& c, const Change& change, Order* out,
                     const Change& after_pricing, bool* saved);
  // Saves the changed order and keeps its context (c.data is moved out:
  // the save is a change's last step).
  absl::Status Save(const ChangeSpec& spec, Context& c, Order order, Edit edit, Order* out);
  absl::Status CheckLimits(const ChangeSpec& spec, const Order& order, const Edit& edit) const;

  Clients* clients_;
  validation::Limits limits_;
  Clock clock_;
  const FrontDoorMetrics* metrics_;
  ContextCache contexts_;
};

}  // namespace callcenter::orchestration

#endif  // CALLCENTER_SERVICES_ORCHESTRATION_WORKFLOWS_CHANGE_RUNNER_H_
