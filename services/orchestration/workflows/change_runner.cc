#include "services/orchestration/workflows/change_runner.h"

#include "absl/strings/str_cat.h"
#include "libs/money/money.h"
#include "libs/server/after_reply.h"
#include "libs/status/status.h"
#include "services/orchestration/domain/order_math.h"
#include "services/orchestration/domain/order_rules.h"

namespace callcenter::orchestration {

absl::StatusOr<Context> ChangeRunner::Load(const Caller& caller, const std::string& order_id,
                                           const ChangeSpec* spec, const std::string& fingerprint) {
  if (order_id.empty()) return InvalidField("order_id", "required");
  if (caller.deadline <= absl::Now())
    return absl::DeadlineExceededError("no time left for the call");
  Context c(caller);
  c.fingerprint = fingerprint;
  ASSIGN_OR_RETURN(c.data, clients_->orders.OrderContext(c.scope(), order_id, caller.user_id,
                                                         spec ? spec->method : "", fingerprint,
                                                         spec != nullptr && spec->with_returns));
  RETURN_IF_ERROR(RequireUserOfOrdersCallCenter(c.data, caller.user_id, "order"));
  return c;
}

absl::Status ChangeRunner::Reprice(Context& c, Order* order, const std::string& check_coupon) {
  c.priced.Clear();
  if (HasNothingToPrice(*order) && check_coupon.empty()) return ApplyZeroPricing(order);
  ASSIGN_OR_RETURN(c.priced,
                   clients_->pricing.PriceOrder(c.scope(), *order, c.data.call_center(),
                                                c.data.customer(), clock_.Today(), check_coupon));
  return ApplyPricing(c.priced, order);
}

void ChangeRunner::Keep(const std::string& user_id, order::v1::GetOrderContextResponse data) {
  contexts_.Put(user_id, std::move(data));
}

absl::Status ChangeRunner::Run(const ChangeSpec& spec, const Caller& caller,
                               const google::protobuf::Message& request,
                               const std::string& order_id, const Change& change, Order* out,
                               const Change& after_pricing, bool* replayed) {
  bool ignored = false;
  if (replayed == nullptr) replayed = &ignored;
  *replayed = false;
  if (order_id.empty()) return InvalidField("order_id", "required");
  const std::string fingerprint = Fingerprint(request);  // once: the read and the save
  if (spec.may_start_from_kept_context) {
    EventsRun events_run;
    if (auto kept = contexts_.Take(order_id, caller.user_id, &events_run)) {
      Context c(caller);
      c.fingerprint = fingerprint;
      c.data = *std::move(kept);
      c.kept = true;
      c.events_run = std::move(events_run);
      bool saved = false;
      absl::Status s = Apply(spec, c, change, out, after_pricing, &saved);
      *replayed = c.replayed;
      if (s.ok() && saved) return s;
      // A dependency that stalled or is down is not asked again: one
      // stalled service costs the caller one downstream deadline, not two.
      if (absl::IsDeadlineExceeded(s) || absl::IsUnavailable(s)) return s;
      // Stale, refused or nothing saved: the answer comes from a fresh read.
      metrics_->context_refreshes.Increment();
    }
  }
  ASSIGN_OR_RETURN(Context c, Load(caller, order_id, &spec, fingerprint));
  if (c.data.has_replayed_order()) {  // a retry: the first result, nothing changes
    *out = c.data.replayed_order();
    *replayed = true;
    return absl::OkStatus();
  }
  bool saved = false;
  absl::Status s = Apply(spec, c, change, out, after_pricing, &saved);
  *replayed = c.replayed;
  return s;
}

absl::Status ChangeRunner::CheckLimits(const ChangeSpec& spec, const Order& order,
                                       const Edit& edit) const {
  if (spec.bounded_by_event_log &&
      order.events_size() + static_cast<int>(edit.events.size()) > limits_.max_events) {
    return InvalidField("order_id",
                        absl::StrCat("the order has recorded ", order.events_size(),
                                     " changes, the most one order may (", limits_.max_events,
                                     "); submit or cancel it, or start another"),
                        kReasonLimitExceeded);
  }
  if (order.lines_size() > limits_.max_lines) {
    return InvalidField("lines", absl::StrCat("an order has at most ", limits_.max_lines, " lines"),
                        kReasonLimitExceeded);
  }
  return absl::OkStatus();
}

absl::Status ChangeRunner::Apply(const ChangeSpec& spec, Context& c, const Change& change,
                                 Order* out, const Change& after_pricing, bool* saved) {
  Order order = std::move(*c.data.mutable_order());  // c.data keeps the rest of the context
  if (order.archived()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "order ", order.order_id(), " was purged: only its summary is kept, read-only"));
  }
  Edit edit;
  RETURN_IF_ERROR(change(c, order, edit));
  if (edit.unchanged) {
    *out = std::move(order);
    return absl::OkStatus();
  }
  RETURN_IF_ERROR(CheckLimits(spec, order, edit));
  // Every change reprices the whole order; a submitted order keeps its prices.
  if (order.status() == common::v1::ORDER_STATUS_DRAFT && !edit.already_priced) {
    RETURN_IF_ERROR(Reprice(c, &order, edit.coupon_to_check));
    if (order.total().minor_units() > limits_.max_amount) {
      return InvalidField(
          "total",
          absl::StrCat("the order total would be ", money::Format(order.total().minor_units()),
                       ", above the limit of ", money::Format(limits_.max_amount)),
          kReasonLimitExceeded);
    }
  }
  if (after_pricing) RETURN_IF_ERROR(after_pricing(c, order, edit));
  *saved = true;
  return Save(spec, c, std::move(order), std::move(edit), out);
}

absl::Status ChangeRunner::Save(const ChangeSpec& spec, Context& c, Order order, Edit edit,
                                Order* out) {
  OrderSave save;
  save.method = spec.method;
  save.fingerprint = c.fingerprint;
  if (c.kept) {  // decided on a kept context: it must still be the stored one
    save.kept_by_user = c.user_id();
    save.master_data_token = c.data.master_data_token();
  }
  save.order = std::move(order);
  save.events = std::move(edit.events);
  save.schedules = std::move(edit.new_schedules);
  save.returns = std::move(edit.returns);
  save.events_run = std::move(c.events_run);
  ASSIGN_OR_RETURN(SavedOrder saved, clients_->orders.Save(c.scope(), std::move(save)));
  c.replayed = saved.replayed;
  // The order's serialized size, when the save has its bytes (else the
  // context cache measures the order itself).
  size_t order_bytes = 0;
  for (const std::string& piece : saved.doc) order_bytes += piece.size();
  *out = std::move(saved.order);
  if (spec.replies_with_saved_order && !saved.doc.empty() && server::InReplyScope()) {
    // The reply is this order: written from the bytes already made for the
    // save, unless the handler changed the order since (another version).
    server::ReplyPartSerialized(out, std::move(saved.doc),
                                [out, id = out->order_id(), version = out->version()] {
                                  return out->order_id() == id && out->version() == version;
                                });
  }
  // Keep the saved draft's context for the next change (a replayed save
  // returns an earlier order: not kept).
  if (!saved.replayed && out->status() == common::v1::ORDER_STATUS_DRAFT) {
    if (server::InReplyScope()) {
      // The order is moved out of the reply once the reply is serialized
      // (before it is sent), not copied now (for a large order, the copy
      // cost as much as the save). A later change of the same reply
      // replaces this one.
      server::AfterReply(out, [this, user = c.user_id(), data = std::move(c.data), out,
                               id = out->order_id(), version = out->version(),
                               run = std::move(saved.events_run), order_bytes]() mutable {
        // Only the order this save stored (the handler may have answered
        // with another state of it since).
        if (out->order_id() != id || out->version() != version) return;
        *data.mutable_order() = std::move(*out);
        contexts_.Put(user, std::move(data), std::move(run), order_bytes);
      });
    } else {
      *c.data.mutable_order() = *out;
      // The save is a change's last step.
      contexts_.Put(c.user_id(), std::move(c.data), std::move(saved.events_run), order_bytes);
    }
  } else {
    contexts_.Erase(out->order_id(), c.user_id());
  }
  return absl::OkStatus();
}

}  // namespace callcenter::orchestration
