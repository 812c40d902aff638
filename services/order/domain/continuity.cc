#include "services/order/domain/continuity.h"

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "libs/ids/order_event_kind.h"
#include "libs/ids/system_names.h"
#include "libs/money/money.h"
#include "libs/money/money_proto.h"
#include "libs/status/status.h"

namespace callcenter::order {

absl::StatusOr<std::vector<std::string>> ContinuityDueDates(const v1::ContinuitySchedule& s) {
  absl::CivilDay start;
  if (!absl::ParseCivilTime(s.start_date(), &start)) {
    return InvalidField("schedule.start_date", "must be YYYY-MM-DD");
  }
  if (s.interval_days() <= 0) return InvalidField("schedule.interval_days", "must be > 0");
  if (s.repeats() <= 0) return InvalidField("schedule.repeats", "must be > 0");
  std::vector<std::string> out;
  for (int k = 1; k <= s.repeats(); ++k) {
    out.push_back(absl::FormatCivilTime(start + static_cast<int64_t>(k) * s.interval_days()));
  }
  return out;
}

common::v1::Order MakeChildOrder(const common::v1::Order& parent,
                                 const v1::ContinuitySchedule& schedule, int seq,
                                 const std::string& child_order_id, const std::string& line_id) {
  common::v1::Order child;
  child.set_order_id(child_order_id);
  child.set_call_center_id(parent.call_center_id());
  child.set_customer_id(parent.customer_id());
  child.set_status(common::v1::ORDER_STATUS_CONFIRMED);
  child.set_currency(parent.currency());
  child.set_delivery_mode(parent.delivery_mode());
  *child.mutable_delivery_address() = parent.delivery_address();
  *child.mutable_financial_dimensions() = parent.financial_dimensions();
  child.set_parent_order_id(parent.order_id());
  child.set_created_by(parent.created_by());
  const std::string& currency = parent.currency();
  auto money = [&](int64_t m) { return MoneyOf(currency, m); };
  const int64_t price = schedule.price().minor_units();
  common::v1::OrderLine* line = child.add_lines();
  line->set_line_id(line_id);
  line->set_product_id(schedule.product_id());
  line->set_quantity(1);
  *line->mutable_unit_price() = money(price);
  *line->mutable_base_price() = money(price);
  *line->mutable_discount() = money(0);
  *line->mutable_net_amount() = money(price);
  *line->mutable_tax() = money(0);
  line->set_origin(common::v1::LINE_ORIGIN_NONE);
  *child.mutable_subtotal() = money(price);
  *child.mutable_discount_total() = money(0);
  *child.mutable_charges_total() = money(0);
  *child.mutable_tax_total() = money(0);
  *child.mutable_total() = money(price);
  *child.mutable_paid_total() = money(0);
  *child.mutable_balance_due() = money(price);
  if (!schedule.payment_token().empty()) {
    common::v1::OrderPayment* p = child.add_payments();
    p->set_method(common::v1::PAYMENT_METHOD_CARD);
    *p->mutable_amount() = money(price);
    p->set_status(common::v1::PAYMENT_STATUS_PENDING);
    p->set_last4(schedule.payment_last4());
  }
  *child.add_events() =
      MakeOrderEvent(kSystemUser, common::v1::ORDER_EVENT_KIND_CONTINUITY_CHILD_CREATED,
                     absl::StrCat("shipment ", seq, " of ", schedule.repeats(), " of parent ",
                                  parent.order_id(), ": ", schedule.quantity(), " x ",
                                  schedule.product_id(), " for ", money::Format(price)));
  return child;
}

}  // namespace callcenter::order
