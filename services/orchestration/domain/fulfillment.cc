#include "services/orchestration/domain/fulfillment.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "libs/money/money.h"
#include "libs/money/money_proto.h"
#include "libs/status/status.h"
#include "services/orchestration/domain/order_math.h"
#include "services/orchestration/domain/order_rules.h"

namespace callcenter::orchestration {
namespace {

using common::v1::OrderLine;
using common::v1::OrderPayment;
using common::v1::Shipment;

constexpr int kDefaultLeadTimeDays = 2;

const OrderLine* FindLineOf(const Order& order, const std::string& line_id) {
  for (const OrderLine& l : order.lines()) {
    if (l.line_id() == line_id) return &l;
  }
  return nullptr;
}

// ⌊a/b⌋ for b > 0 (C++ division truncates towards zero).
int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

}  // namespace

int32_t OpenQuantity(const OrderLine& line) {
  return std::max(0, line.quantity() - line.shipped_quantity() - line.canceled_quantity());
}

bool AwaitsShipment(common::v1::OrderStatus status) {
  return status == common::v1::ORDER_STATUS_CONFIRMED ||
         status == common::v1::ORDER_STATUS_ON_HOLD ||
         status == common::v1::ORDER_STATUS_PARTIALLY_SHIPPED;
}

bool HasOpenQuantity(const Order& order) {
  for (const OrderLine& l : order.lines()) {
    if (OpenQuantity(l) > 0) return true;
  }
  return false;
}

int64_t UnitsShare(int64_t amount, int32_t quantity, int32_t shipped_before, int32_t units) {
  if (quantity <= 0 || units <= 0) return 0;
  const int64_t each = FloorDiv(amount, quantity);
  const int64_t extra = amount - each * quantity;  // 0 .. quantity-1 units get a cent more
  // Units numbered 1..quantity in shipping order; the last `extra` get one more.
  const int64_t first_extra = quantity - extra + 1;
  const int64_t from = shipped_before + 1, to = shipped_before + units;
  const int64_t extras = std::max<int64_t>(0, to - std::max(from, first_extra) + 1);
  return each * units + extras;
}

absl::Status CheckShipment(const Order& order, const ShipmentLines& lines) {
  if (order.status() != common::v1::ORDER_STATUS_CONFIRMED &&
      order.status() != common::v1::ORDER_STATUS_PARTIALLY_SHIPPED) {
    return absl::FailedPreconditionError(absl::StrCat("order ", order.order_id(), " is ",
                                                      common::v1::OrderStatus_Name(order.status()),
                                                      ": nothing of it can ship"));
  }
  if (HasOpenHold(order)) {
    return WithReason(absl::FailedPreconditionError(absl::StrCat(
                          "order ", order.order_id(), " has an open hold: it ships once cleared")),
                      "ORDER_ON_HOLD");
  }
  if (lines.empty()) return InvalidField("lines", "a shipment ships at least one line");
  std::set<std::string> seen;
  for (int i = 0; i < lines.size(); ++i) {
    const common::v1::ShipmentLine& s = lines[i];
    const std::string field = absl::StrCat("lines[", i, "]");
    if (s.line_id().empty()) return InvalidField(field + ".line_id", "required");
    if (!seen.insert(s.line_id()).second) {
      return InvalidField(field + ".line_id",
                          absl::StrCat("line ", s.line_id(), " is named twice"));
    }
    if (s.quantity() < 1) return InvalidField(field + ".quantity", "must be at least 1");
    const OrderLine* line = FindLineOf(order, s.line_id());
    if (line == nullptr) {
      return absl::NotFoundError(
          absl::StrCat("order ", order.order_id(), " has no line ", s.line_id()));
    }
    if (s.quantity() > OpenQuantity(*line)) {
      return WithReason(
          absl::FailedPreconditionError(absl::StrCat(
              "line ", s.line_id(), " has ", OpenQuantity(*line), " units open (of ",
              line->quantity(), "); a shipment of ", s.quantity(), " is more than that")),
          "QUANTITY_NOT_OPEN");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> InvoiceAmount(const Order& order, const ShipmentLines& lines) {
  money::Amount invoice;
  for (const common::v1::ShipmentLine& s : lines) {
    const OrderLine* line = FindLineOf(order, s.line_id());
    if (line == nullptr) continue;  // checked before
    invoice += UnitsShare(line->net_amount().minor_units(), line->quantity(),
                          line->shipped_quantity(), s.quantity());
    invoice += UnitsShare(line->tax().minor_units(), line->quantity(), line->shipped_quantity(),
                          s.quantity());
  }
  if (order.shipments_size() == 0) {
    // The first shipment carries what the order has beyond its lines.
    money::Amount beyond(order.total().minor_units());
    for (const OrderLine& l : order.lines()) {
      beyond -= l.net_amount().minor_units();
      beyond -= l.tax().minor_units();
    }
    invoice += beyond;
  }
  return invoice.Get("invoice_amount");
}

common::v1::OrderStatus FulfilmentStatus(const Order& order) {
  bool shipped_any = false;
  for (const OrderLine& l : order.lines()) shipped_any = shipped_any || l.shipped_quantity() > 0;
  if (!HasOpenQuantity(order) && shipped_any) return common::v1::ORDER_STATUS_SHIPPED;
  if (shipped_any) return common::v1::ORDER_STATUS_PARTIALLY_SHIPPED;
  return order.status();
}

void ApplyShipment(Order& order, Shipment shipment) {
  for (const common::v1::ShipmentLine& s : shipment.lines()) {
    for (OrderLine& l : *order.mutable_lines()) {
      if (l.line_id() == s.line_id()) l.set_shipped_quantity(l.shipped_quantity() + s.quantity());
    }
  }
  *shipment.mutable_captured() = MoneyOf(order.currency(), 0);
  shipment.set_capture_pending(true);
  *order.add_shipments() = std::move(shipment);
  order.set_status(FulfilmentStatus(order));
}

bool HasInstallments(const OrderPayment& p) { return p.installments_size() > 0; }

int64_t Uncaptured(const OrderPayment& p) {
  if (HasInstallments(p)) return 0;  // shipments capture nothing of it
  if (p.status() != common::v1::PAYMENT_STATUS_AUTHORIZED &&
      p.status() != common::v1::PAYMENT_STATUS_PARTIALLY_CAPTURED) {
    return 0;
  }
  return std::max<int64_t>(0, p.amount().minor_units() - p.captured().minor_units());
}

bool IsPrepaid(const OrderPayment& p) {
  return p.method() == common::v1::PAYMENT_METHOD_CHECK ||
         p.method() == common::v1::PAYMENT_METHOD_GIFT_CARD ||
         p.method() == common::v1::PAYMENT_METHOD_RETURN_CREDIT;
}

bool TakenAtSubmit(const OrderPayment& p) {
  return IsPrepaid(p) && p.status() == common::v1::PAYMENT_STATUS_CAPTURED;
}

int64_t Available(const Order& order, const OrderPayment& p) {
  if (!TakenAtSubmit(p)) return Uncaptured(p);
  int64_t used = 0;
  for (const Shipment& s : order.shipments()) {
    for (const auto& c : s.captures()) {
      if (c.payment_id() == p.payment_id()) used += c.amount().minor_units();
    }
  }
  return std::max<int64_t>(0, p.captured().minor_units() - used);
}

std::vector<std::string> MarkPrepaidTaken(Order& order) {
  std::vector<std::string> taken;
  for (OrderPayment& p : *order.mutable_payments()) {
    if (!IsPrepaid(p) || p.status() != common::v1::PAYMENT_STATUS_AUTHORIZED) continue;
    p.set_status(common::v1::PAYMENT_STATUS_CAPTURED);
    *p.mutable_captured() = p.amount();
    // A return's credit is the order's own: nothing to take elsewhere.
    if (p.method() != common::v1::PAYMENT_METHOD_RETURN_CREDIT) taken.push_back(p.payment_id());
  }
  return taken;
}

int64_t InvoiceDue(const Shipment& shipment) {
  return std::max<int64_t>(
      0, shipment.invoice_amount().minor_units() - shipment.captured().minor_units());
}

std::optional<PlannedCapture> NextCapture(const Order& order, const Shipment& shipment) {
  const int64_t due = InvoiceDue(shipment);
  if (due == 0) return std::nullopt;
  for (const OrderPayment& p : order.payments()) {  // in the order they were added
    const int64_t left = Available(order, p);
    if (left == 0) continue;
    bool asked = false;
    for (const auto& c : shipment.captures()) asked = asked || c.payment_id() == p.payment_id();
    if (asked) continue;
    return PlannedCapture{p.payment_id(), std::min(left, due), TakenAtSubmit(p)};
  }
  return std::nullopt;
}

void RecordCapture(Order& order, Shipment& shipment, const PlannedCapture& planned, bool declined,
                   const std::string& decline_reason, int64_t captured) {
  common::v1::ShipmentCapture* c = shipment.add_captures();
  c->set_payment_id(planned.payment_id);
  *c->mutable_amount() = MoneyOf(order.currency(), declined ? 0 : captured);
  c->set_declined(declined);
  c->set_decline_reason(decline_reason);
  for (OrderPayment& p : *order.mutable_payments()) {
    if (p.payment_id() != planned.payment_id) continue;
    if (TakenAtSubmit(p)) continue;  // applied to the invoice; taken before
    const int64_t taken = p.captured().minor_units() + (declined ? 0 : captured);
    *p.mutable_captured() = MoneyOf(order.currency(), taken);
    if (declined) {
      // Nothing more is taken from it: released, its reason shown.
      p.set_status(taken > 0 ? common::v1::PAYMENT_STATUS_CAPTURED
                             : common::v1::PAYMENT_STATUS_VOIDED);
      p.set_decline_reason(decline_reason);
    } else {
      p.set_status(taken >= p.amount().minor_units()
                       ? common::v1::PAYMENT_STATUS_CAPTURED
                       : common::v1::PAYMENT_STATUS_PARTIALLY_CAPTURED);
    }
  }
  if (!declined) {
    *shipment.mutable_captured() =
        MoneyOf(order.currency(), shipment.captured().minor_units() + captured);
  }
  RecomputePaid(&order).IgnoreError();  // a capture or release never raises what counts
}

int64_t ReleaseUnneeded(Order& order) {
  if (HasOpenQuantity(order)) return 0;
  for (const Shipment& s : order.shipments()) {
    if (s.capture_pending()) return 0;
  }
  int64_t released = 0;
  for (OrderPayment& p : *order.mutable_payments()) {
    const int64_t rest = Uncaptured(p);
    if (rest == 0) continue;
    released += rest;
    p.set_status(p.captured().minor_units() > 0 ? common::v1::PAYMENT_STATUS_CAPTURED
                                                : common::v1::PAYMENT_STATUS_VOIDED);
  }
  RecomputePaid(&order).IgnoreError();
  return released;
}

absl::CivilDay SubmitDay(const Order& order) {
  return absl::ToCivilDay(absl::FromUnixSeconds(order.submitted_at().seconds()),
                          absl::UTCTimeZone());
}

std::string ExpectedShipDate(const std::string& submit_date,
                             const order::v1::CallCenter& call_center) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(submit_date, &day)) return "";
  const int lead = call_center.default_lead_time_days() > 0 ? call_center.default_lead_time_days()
                                                            : kDefaultLeadTimeDays;
  return absl::FormatCivilTime(day + lead);
}

bool IsBackordered(const Order& order, const order::v1::CallCenter& call_center,
                   const std::string& today) {
  absl::CivilDay expected, now;
  if (!HasOpenQuantity(order) || !absl::ParseCivilTime(order.expected_ship_date(), &expected) ||
      !absl::ParseCivilTime(today, &now)) {
    return false;
  }
  return now > expected + std::max(0, call_center.backorder_days());
}

int64_t CanceledValue(const Order& order) {
  money::Amount value;
  for (const OrderLine& l : order.lines()) {
    const int32_t c = l.canceled_quantity();
    if (c <= 0) continue;
    value += UnitsShare(l.net_amount().minor_units(), l.quantity(), l.quantity() - c, c);
    value += UnitsShare(l.tax().minor_units(), l.quantity(), l.quantity() - c, c);
  }
  return value.Get("canceled_value").value_or(0);
}

namespace {

bool IsExempt(const std::vector<std::string>& exempt_products, const std::string& product_id) {
  return std::find(exempt_products.begin(), exempt_products.end(), product_id) !=
         exempt_products.end();
}

}  // namespace

std::vector<std::string> DueNotices(const Order& order, const order::v1::CallCenter& call_center,
                                    bool customer_exempt,
                                    const std::vector<std::string>& exempt_products,
                                    const std::string& as_of) {
  std::vector<std::string> due;
  if (customer_exempt || !order.has_submitted_at() || !AwaitsShipment(order.status())) return due;
  bool open = false;
  for (const OrderLine& l : order.lines()) {
    open = open || (OpenQuantity(l) > 0 && !IsExempt(exempt_products, l.product_id()));
  }
  absl::CivilDay today;
  if (!open || !absl::ParseCivilTime(as_of, &today)) return due;
  const absl::CivilDay submitted = SubmitDay(order);
  const std::pair<const char*, int32_t> kinds[] = {
      {kFirstNotice, call_center.first_notice_days()},
      {kSecondNotice, call_center.second_notice_days()},
      {kCancellationNotice, call_center.cancellation_notice_days()}};
  for (const auto& [kind, days] : kinds) {
    if (days <= 0 || submitted + days > today) continue;
    bool recorded = false;
    for (const auto& n : order.delay_notices()) recorded = recorded || n.kind() == kind;
    if (!recorded) due.push_back(kind);
  }
  return due;
}

int32_t CancelOpenQuantity(Order& order, const std::vector<std::string>& exempt_products) {
  int32_t canceled = 0;
  bool shipped_any = false;
  for (OrderLine& l : *order.mutable_lines()) {
    shipped_any = shipped_any || l.shipped_quantity() > 0;
    if (IsExempt(exempt_products, l.product_id())) continue;
    const int32_t open = OpenQuantity(l);
    l.set_canceled_quantity(l.canceled_quantity() + open);
    canceled += open;
  }
  if (!shipped_any && !HasOpenQuantity(order)) {
    order.set_status(common::v1::ORDER_STATUS_CANCELED);
  } else {
    order.set_status(FulfilmentStatus(order));
  }
  return canceled;
}

absl::Status CheckDate(const std::string& field, const std::string& date) {
  absl::CivilDay day;
  if (date.size() != 10 || !absl::ParseCivilTime(date, &day) ||
      absl::FormatCivilTime(day) != date) {
    return InvalidField(field, absl::StrCat("\"", date, "\" is not a date (YYYY-MM-DD)"));
  }
  return absl::OkStatus();
}

}  // namespace callcenter::orchestration
