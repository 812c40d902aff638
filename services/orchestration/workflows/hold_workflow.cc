#include "services/orchestration/workflows/hold_workflow.h"

#include "absl/strings/str_cat.h"
#include "libs/logging/log.h"
#include "libs/status/status.h"
#include "services/orchestration/domain/fulfillment.h"
#include "services/orchestration/domain/order_rules.h"

namespace callcenter::orchestration {

absl::Status HoldWorkflow::Place(const Caller& caller, const v1::PlaceHoldRequest& req,
                                 Order* out) {
  common::v1::OrderHold placed;  // placed at the hold service, until the order shows it
  absl::Status s = changes_->Run(
      kPlaceHoldChange, caller, req, req.order_id(),
      [&](Context& c, Order& order, Edit& edit) -> absl::Status {
        RETURN_IF_ERROR(CheckMayHold(order));
        ASSIGN_OR_RETURN(
            common::v1::OrderHold hold,
            clients_->holds.Place(c.scope(), order, req.hold_code(), req.note(), c.user_id()));
        if (!hold.open()) {  // this request's hold was released after a failure
          return absl::FailedPreconditionError(
              "the hold this request placed was released when its order could not record it; "
              "place it again with a new request_id");
        }
        placed = hold;
        *order.add_holds() = std::move(hold);
        if (order.status() == common::v1::ORDER_STATUS_DRAFT) {
          // Put on hold as it stands (no payment needed); prices are kept.
          RETURN_IF_ERROR(changes_->Reprice(c, &order));
          if (c.data.call_center().order_completion_enabled()) {
            RETURN_IF_ERROR(clients_->pricing.RedeemCoupons(c.scope(), order));
          }
          *order.mutable_submitted_at() = clock_.Timestamp();
          order.set_expected_ship_date(ExpectedShipDate(clock_.Today(), c.data.call_center()));
          order.set_status(common::v1::ORDER_STATUS_ON_HOLD);
        } else if (order.status() == common::v1::ORDER_STATUS_CONFIRMED) {
          // Submitted, nothing shipped: held until cleared. After a
          // shipment the status stays and the hold stops further ones.
          order.set_status(common::v1::ORDER_STATUS_ON_HOLD);
        }
        edit.events.push_back(MakeOrderEvent(c.user_id(), common::v1::ORDER_EVENT_KIND_HELD,
                                             absl::StrCat(req.hold_code(), ": ", req.note())));
        return absl::OkStatus();
      },
      out);
  if (!s.ok() && !placed.hold_id().empty()) {
    // Two services, no half: the hold goes unless the order shows it.
    absl::Status released =
        money_->ReleaseUnrecordedHold(req.order_id(), caller.request_id, placed, s);
    if (!released.ok()) {
      log::Error("a hold the order did not record is still open",
                 {{"order_id", req.order_id()},
                  {"hold_id", placed.hold_id()},
                  {"error", std::string(released.message())}});
    }
  }
  return s;
}

absl::Status HoldWorkflow::Clear(const Caller& caller, const v1::ClearHoldRequest& req,
                                 Order* out) {
  return changes_->Run(
      kClearHoldChange, caller, req, req.order_id(),
      [&](Context& c, Order& order, Edit& edit) -> absl::Status {
        for (const auto& h : order.holds()) {
          if (h.hold_id() == req.hold_id() && !h.open()) {
            edit.unchanged = true;  // clearing twice is harmless
            return absl::OkStatus();
          }
        }
        ASSIGN_OR_RETURN(hold::v1::ClearHoldResponse cleared,
                         clients_->holds.Clear(c.scope(), order.order_id(), req.hold_id(),
                                               req.reason(), c.user_id(), c.data.user()));
        bool found = false;
        for (auto& h : *order.mutable_holds()) {
          if (h.hold_id() == req.hold_id()) {
            h = cleared.hold();
            found = true;
          }
        }
        if (!found) *order.add_holds() = cleared.hold();
        edit.events.push_back(
            MakeOrderEvent(c.user_id(), common::v1::ORDER_EVENT_KIND_HOLD_CLEARED,
                           absl::StrCat(cleared.hold().hold_code(), ": ", req.reason())));
        if (order.status() == common::v1::ORDER_STATUS_ON_HOLD && !cleared.order_has_open_holds()) {
          order.set_status(common::v1::ORDER_STATUS_CONFIRMED);  // the last hold cleared
          edit.events.push_back(MakeOrderEvent(c.user_id(), common::v1::ORDER_EVENT_KIND_CONFIRMED,
                                               "all holds cleared"));
        }
        return absl::OkStatus();
      },
      out);
}

namespace {

// The order's copy of hold `hold_id` (NOT_FOUND when the order has none).
absl::StatusOr<common::v1::OrderHold*> HoldOf(Order& order, const std::string& hold_id) {
  if (hold_id.empty()) return InvalidField("hold_id", "required");
  for (auto& h : *order.mutable_holds()) {
    if (h.hold_id() == hold_id) return &h;
  }
  return absl::NotFoundError(
      absl::StrCat("hold ", hold_id, " not found on order ", order.order_id()));
}

}  // namespace

absl::Status HoldWorkflow::List(const Caller& caller, const v1::ListHoldsRequest& req,
                                v1::ListHoldsResponse* out) {
  ASSIGN_OR_RETURN(order::v1::GetOrderContextResponse data,
                   clients_->orders.CallerContext(caller.scope(), caller.user_id, ""));
  RETURN_IF_ERROR(RequireCallCenterUser(data, caller.user_id));
  const std::string& own = data.user().call_center_id();
  if (!req.call_center_id().empty() && req.call_center_id() != own) {
    return WithReason(absl::PermissionDeniedError(absl::StrCat(
                          "user ", caller.user_id, " is not a user of call center ",
                          req.call_center_id(), "; only its own call center's holds are listed")),
                      "OTHER_CALL_CENTER");
  }
  ASSIGN_OR_RETURN(hold::v1::ListOpenHoldsResponse page,
                   clients_->holds.ListOpen(caller.scope(), own, req.hold_code(), req.page_size(),
                                            req.page_token()));
  const absl::Time now = clock_.Now();
  for (const auto& h : page.holds()) {
    v1::HoldSummary* s = out->add_holds();
    s->set_hold_id(h.hold().hold_id());
    s->set_order_id(h.order_id());
    s->set_customer_id(h.customer_id());
    s->set_hold_code(h.hold().hold_code());
    *s->mutable_placed_at() = h.hold().placed_at();
    const absl::Time placed = absl::FromUnixSeconds(h.hold().placed_at().seconds());
    s->set_days_on_hold(
        static_cast<int32_t>(std::max<int64_t>(0, absl::ToInt64Hours(now - placed) / 24)));
    s->set_checked_out_by(h.hold().checked_out_by());
  }
  out->set_next_page_token(page.next_page_token());
  return absl::OkStatus();
}

absl::Status HoldWorkflow::CheckOut(const Caller& caller, const v1::CheckOutHoldRequest& req,
                                    Order* out) {
  return changes_->Run(
      kCheckOutHoldChange, caller, req, req.order_id(),
      [&](Context& c, Order& order, Edit& edit) -> absl::Status {
        ASSIGN_OR_RETURN(common::v1::OrderHold * hold, HoldOf(order, req.hold_id()));
        if (!hold->open()) {
          return absl::FailedPreconditionError(
              absl::StrCat("hold ", req.hold_id(), " is cleared: nothing to check out"));
        }
        const bool had_it = hold->checked_out_by() == c.user_id();
        ASSIGN_OR_RETURN(*hold, clients_->holds.CheckOut(c.scope(), order.order_id(), req.hold_id(),
                                                         c.user_id()));
        if (had_it) {
          edit.unchanged = true;  // checking out what one has is harmless
          return absl::OkStatus();
        }
        edit.events.push_back(MakeOrderEvent(
            c.user_id(), common::v1::ORDER_EVENT_KIND_HOLD_CHECKED_OUT,
            absl::StrCat(hold->hold_code(), " hold ", hold->hold_id(), " checked out")));
        return absl::OkStatus();
      },
      out);
}

absl::Status HoldWorkflow::ReleaseCheckout(const Caller& caller,
                                           const v1::ReleaseHoldCheckoutRequest& req, Order* out) {
  return changes_->Run(
      kReleaseHoldCheckoutChange, caller, req, req.order_id(),
      [&](Context& c, Order& order, Edit& edit) -> absl::Status {
        ASSIGN_OR_RETURN(common::v1::OrderHold * hold, HoldOf(order, req.hold_id()));
        const std::string holder = hold->checked_out_by();
        ASSIGN_OR_RETURN(*hold,
                         clients_->holds.ReleaseCheckout(c.scope(), order.order_id(), req.hold_id(),
                                                         c.user_id(), c.data.user()));
        if (holder.empty()) {
          edit.unchanged = true;  // nothing was checked out
          return absl::OkStatus();
        }
        edit.events.push_back(MakeOrderEvent(
            c.user_id(), common::v1::ORDER_EVENT_KIND_HOLD_CHECKOUT_RELEASED,
            absl::StrCat(hold->hold_code(), " hold ", hold->hold_id(), " released by ", c.user_id(),
                         " (checked out by ", holder, ")")));
        return absl::OkStatus();
      },
      out);
}

}  // namespace callcenter::orchestration
