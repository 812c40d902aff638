#include "services/order/store.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/time_util.h"
#include "libs/ids/order_event_kind.h"
#include "libs/ids/system_names.h"
#include "libs/ids/uuid.h"
#include "libs/status/status.h"
#include "nlohmann/json.hpp"
#include "services/order/domain/continuity.h"
#include "services/order/domain/history_hash.h"
#include "services/order/domain/order_rules.h"
#include "services/order/migrations.h"
#include "services/order/queries.h"

namespace callcenter::order {
namespace {

using google::protobuf::util::TimeUtil;

const db::EntityTable& CallCenters() {
  static const auto* t = new db::EntityTable("call_centers");
  return *t;
}
const db::EntityTable& Users() {
  static const auto* t = new db::EntityTable("users");
  return *t;
}
const db::EntityTable& Customers() {
  static const auto* t = new db::EntityTable("customers");
  return *t;
}

// An order (or stored response) from its binary document
// (or a save's view of one).
absl::Status ParseOrder(const pqxx::field& doc, google::protobuf::MessageLite* out) {
  pqxx::binarystring bytes(doc);
  if (!out->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::InternalError("stored order does not parse");
  }
  return absl::OkStatus();
}

template <typename OrderLike>
absl::Status ChangedConcurrently(const OrderLike& order, int64_t current_version) {
  return absl::AbortedError(absl::StrCat("order ", order.order_id(),
                                         " was changed concurrently (version ", current_version,
                                         ", not ", order.version(), "); reload and retry"));
}

// The statuses an order may be saved from with status `to`, as a PostgreSQL
// array literal of status names (worked out once from CheckTransition).
const std::string& StatusesThatMayBecome(common::v1::OrderStatus to) {
  static const auto* const kFrom = [] {
    auto* table = new std::vector<std::string>(common::v1::OrderStatus_ARRAYSIZE);
    for (int t = 0; t < common::v1::OrderStatus_ARRAYSIZE; ++t) {
      std::string& out = (*table)[t];
      out = "{";
      for (int f = 0; f < common::v1::OrderStatus_ARRAYSIZE; ++f) {
        if (!common::v1::OrderStatus_IsValid(f) || !common::v1::OrderStatus_IsValid(t)) continue;
        const auto from = static_cast<common::v1::OrderStatus>(f);
        if (!CheckTransition(from, static_cast<common::v1::OrderStatus>(t)).ok()) continue;
        if (out.size() > 1) out.push_back(',');
        out += common::v1::OrderStatus_Name(from);
      }
      out.push_back('}');
    }
    return table;
  }();
  static const std::string kNone = "{}";  // an unknown status: no transition
  return to >= 0 && to < common::v1::OrderStatus_ARRAYSIZE ? (*kFrom)[to] : kNone;
}

pqxx::binarystring Doc(const google::protobuf::MessageLite& order) {
  return pqxx::binarystring(order.SerializeAsString());
}

// Returns the stored response of (method, request_id), if any.
absl::StatusOr<bool> Replay(pqxx::transaction_base& txn, const std::string& method,
                            const std::string& request_id, const std::string& fingerprint,
                            Order* out) {
  if (request_id.empty()) return false;
  pqxx::result r = db::Exec(txn, queries::kIdemGet, method, request_id);
  if (r.empty()) return false;
  if (!fingerprint.empty() && r[0]["fingerprint"].as<std::string>() != fingerprint) {
    return InvalidField("request_id", "was already used for a different request",
                        kReasonRequestIdReused);
  }
  RETURN_IF_ERROR(ParseOrder(r[0]["response_doc"], out));
  return true;
}

// Adds a stamped event to an order's copy of its log; a save's view holds
// each event as its serialization.
void AddEvent(Order* order, OrderEvent event) { *order->add_events() = std::move(event); }
void AddEvent(v1::OrderSaveView* order, const OrderEvent& event) {
  order->add_events(event.SerializeAsString());
}

// Appends events (stamped `now`) to the order's copy of its log; returns
// them as the JSON rows the event statements insert. `OrderLike`: an Order
// or a save's view of one.
template <typename OrderLike>
std::string StampEvents(OrderLike* order, const std::vector<OrderEvent>& events,
                        const google::protobuf::Timestamp& now) {
  nlohmann::json rows = nlohmann::json::array();
  for (const OrderEvent& e : events) {
    OrderEvent stored = e;
    *stored.mutable_at() = now;
    AddEvent(order, std::move(stored));
    rows.push_back({{"seq", order->events_size()}, {"user_id", e.user_id()}, {"kind", e.kind()},
                    {"detail", e.detail()}});
  }
  return rows.dump();
}

// Appends events to the stored log and the order's copy of it.
void AppendEvents(pqxx::work& txn, Order* order, const std::vector<OrderEvent>& events) {
  db::Exec(txn, queries::kEventsInsert, order->order_id(),
           StampEvents(order, events, TimeUtil::GetCurrentTime()));
}

// The RFM facts kept as columns (DOMAIN 11): the UTC day the order was
// submitted ("" = not yet: NULL) and what its refunds gave back, with the
// credit taken off its installments instead (returned goods either way).
// `OrderLike`: an Order or a save's view of one.
template <typename OrderLike>
std::string SubmittedOn(const OrderLike& order) {
  if (!order.has_submitted_at() || order.submitted_at().seconds() <= 0) return "";
  return absl::FormatTime("%Y-%m-%d", absl::FromUnixSeconds(order.submitted_at().seconds()),
                          absl::UTCTimeZone());
}
template <typename OrderLike>
int64_t RefundedTotal(const OrderLike& order) {
  // Each at most its payment's capture or the order's total, themselves at
  // most 10^12: no wrap.
  int64_t refunded = order.installments_credit().minor_units();
  for (const auto& p : order.payments()) refunded += p.refunded().minor_units();
  return refunded;
}

// Inserts a new order (version 1, created now) with its first events and,
// for a request with an id, its stored response, in one statement. False
// when the request_id was used before: then nothing is written.
bool InsertOrder(pqxx::transaction_base& txn, Order* order, const std::vector<OrderEvent>& events,
                 const std::string& request_id = "", const std::string& fingerprint = "") {
  const auto now = TimeUtil::GetCurrentTime();
  order->set_version(1);
  *order->mutable_created_at() = now;
  *order->mutable_updated_at() = now;
  order->clear_events();
  const std::string rows = StampEvents(order, events, now);
  return db::Exec(txn, queries::kOrderCreate, order->order_id(), order->call_center_id(),
                  order->customer_id(), common::v1::OrderStatus_Name(order->status()),
                  order->version(), Doc(*order), order->total().minor_units(), order->currency(),
                  request_id, fingerprint, rows, HistoryHash(*order), SubmittedOn(*order),
                  RefundedTotal(*order))[0]["created"]
             .as<int>() == 1;
}

// Writes the order row's document, its queryable columns and its history
// fingerprint (a system change: continuity children and cancellations).
void UpdateOrderRow(pqxx::work& txn, const Order& order) {
  db::Exec(txn, queries::kOrderUpdate, order.order_id(),
           common::v1::OrderStatus_Name(order.status()), order.version(), Doc(order),
           order.total().minor_units(), order.currency(), HistoryHash(order), SubmittedOn(order),
           RefundedTotal(order));
}

}  // namespace

absl::Status PgOrderStore::UpsertCallCenter(const v1::CallCenter& cc) {
  return pool_->Transact(
      [&](pqxx::work& txn) { return CallCenters().Upsert(txn, cc.call_center_id(), cc); });
}

absl::StatusOr<v1::CallCenter> PgOrderStore::GetCallCenter(const std::string& id) {
  v1::CallCenter cc;
  RETURN_IF_ERROR(pool_->Read([&](pqxx::work& txn) { return CallCenters().Get(txn, id, &cc); }));
  return cc;
}

absl::Status PgOrderStore::ListCallCenters(int page_size, const std::string& token,
                                           v1::ListCallCentersResponse* out) {
  return pool_->Read([&](pqxx::work& txn) {
    return CallCenters().List(
        txn, page_size, token, [&] { return out->add_call_centers(); },
        out->mutable_next_page_token());
  });
}

absl::Status PgOrderStore::UpsertUser(const v1::CallCenterUser& user) {
  return pool_->Transact([&](pqxx::work& txn) {
    v1::CallCenter cc;
    absl::Status exists = CallCenters().Get(txn, user.call_center_id(), &cc);
    if (absl::IsNotFound(exists)) {
      return InvalidField("user.call_center_id", "no such call center");
    }
    RETURN_IF_ERROR(exists);
    return Users().Upsert(txn, user.user_id(), user);
  });
}

absl::StatusOr<v1::CallCenterUser> PgOrderStore::GetUser(const std::string& id) {
  v1::CallCenterUser user;
  RETURN_IF_ERROR(pool_->Read([&](pqxx::work& txn) { return Users().Get(txn, id, &user); }));
  return user;
}

absl::Status PgOrderStore::RemoveUser(const std::string& id) {
  return pool_->Transact([&](pqxx::work& txn) {
    if (db::Exec(txn, queries::kUserDelete, id).affected_rows() == 0) {
      return absl::NotFoundError(absl::StrCat("user \"", id, "\" not found"));
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<v1::Customer> PgOrderStore::UpsertCustomer(v1::Customer customer) {
  RETURN_IF_ERROR(pool_->Transact([&](pqxx::work& txn) -> absl::Status {
    v1::Customer stored;
    absl::Status found = Customers().Get(txn, customer.customer_id(), &stored);
    if (!found.ok() && !absl::IsNotFound(found)) return found;
    customer.set_rfm_score(found.ok() ? stored.rfm_score() : "");
    customer.set_rfm_total(found.ok() ? stored.rfm_total() : 0);
    return Customers().Upsert(txn, customer.customer_id(), customer);
  }));
  return customer;
}

absl::StatusOr<v1::Customer> PgOrderStore::GetCustomer(const std::string& id) {
  v1::Customer c;
  RETURN_IF_ERROR(pool_->Read([&](pqxx::work& txn) { return Customers().Get(txn, id, &c); }));
  return c;
}

absl::Status PgOrderStore::SearchCustomers(const std::string& query, int page_size,
                                           const std::string& token,
                                           v1::SearchCustomersResponse* out) {
  // LIKE wildcards in the query are matched literally.
  std::string pattern;
  for (char c : absl::AsciiStrToLower(query)) {
    if (c == '%' || c == '_' || c == '\\') pattern.push_back('\\');
    pattern.push_back(c);
  }
  pattern.push_back('%');
  return pool_->Read([&](pqxx::work& txn) {
    pqxx::result r = db::Exec(txn, queries::kCustomerSearch, pattern, token, page_size + 1);
    for (int i = 0; i < static_cast<int>(r.size()); ++i) {
      if (i == page_size) {
        out->set_next_page_token(r[i - 1]["id"].as<std::string>());
        break;
      }
      RETURN_IF_ERROR(db::FromJson(r[i]["body"].as<std::string>(), out->add_customers()));
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<SaveResult> PgOrderStore::CreateOrder(const std::string& request_id,
                                                     const std::string& fingerprint, Order order,
                                                     const std::vector<OrderEvent>& events) {
  SaveResult result;
  RETURN_IF_ERROR(pool_->Single([&](pqxx::transaction_base& txn) -> absl::Status {
    if (InsertOrder(txn, &order, events, request_id, fingerprint)) {
      result.order = std::move(order);
      return absl::OkStatus();
    }
    // The request_id was used before: the first result.
    ASSIGN_OR_RETURN(bool replayed,
                     Replay(txn, "CreateOrder", request_id, fingerprint, &result.order));
    if (!replayed) return absl::InternalError("order was neither created nor found");
    result.replayed = true;
    return absl::OkStatus();
  }));
  return result;
}

absl::StatusOr<Order> PgOrderStore::GetOrder(const std::string& order_id) {
  if (!IsUuid(order_id)) return InvalidField("order_id", "must be a UUID");
  Order order;
  RETURN_IF_ERROR(pool_->Read([&](pqxx::work& txn) {
    pqxx::result r = db::Exec(txn, queries::kOrderGet, order_id);
    if (r.empty()) return absl::NotFoundError(absl::StrCat("order ", order_id, " not found"));
    return ParseOrder(r[0]["doc"], &order);
  }));
  return order;
}

absl::StatusOr<std::vector<v1::RecordedPayments>> PgOrderStore::ListRecordedPayments(
    const std::vector<std::string>& order_ids) {
  // Ids that are no UUID name no order; the rest go as one array literal.
  std::vector<std::string> uuids;
  for (const std::string& id : order_ids) {
    if (IsUuid(id)) uuids.push_back(id);
  }
  std::vector<v1::RecordedPayments> out;
  if (uuids.empty()) return out;
  RETURN_IF_ERROR(pool_->Read([&](pqxx::work& txn) -> absl::Status {
    for (const auto& row : db::Exec(txn, queries::kOrdersRecordedPayments,
                                    absl::StrCat("{", absl::StrJoin(uuids, ","), "}"))) {
      Order order;
      RETURN_IF_ERROR(ParseOrder(row["doc"], &order));
      v1::RecordedPayments& recorded = out.emplace_back();
      recorded.set_order_id(row["order_id"].as<std::string>());
      for (const auto& p : order.payments()) {
        recorded.add_payment_ids(p.payment_id());
        if (p.status() == common::v1::PAYMENT_STATUS_VOIDED) {
          recorded.add_voided_payment_ids(p.payment_id());
        }
      }
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<SaveResult> PgOrderStore::SaveOrder(
    const std::string& method, const std::string& request_id, const std::string& fingerprint,
    v1::OrderSaveView* sent, const std::vector<OrderEvent>& events,
    const std::vector<v1::ContinuitySchedule>& schedules, const SeenMasterData& seen,
    const std::vector<v1::StoredReturn>& returns) {
  v1::OrderSaveView& order = *sent;
  if (!IsUuid(order.order_id())) return InvalidField("order.order_id", "must be a UUID");
  if (!seen.token.empty() && seen.user_id.empty()) {
    return InvalidField("user_id", "required with master_data_token");
  }
  SaveResult result;
  // Writes `next` (its version the stored one) with its new version, time
  // and events over the row if the row still is at that version and has
  // the history fingerprint `loaded_history` (null: `next`'s own, before
  // the new events). False when it wrote nothing: then `next` is as it
  // was.
  auto write = [&](pqxx::transaction_base& txn, v1::OrderSaveView& next,
                   const std::string* loaded_history) -> bool {
    const int64_t loaded_version = next.version();
    const google::protobuf::Timestamp loaded_updated_at = next.updated_at();
    const google::protobuf::Timestamp now = TimeUtil::GetCurrentTime();
    next.set_version(loaded_version + 1);
    *next.mutable_updated_at() = now;
    const std::string rows = StampEvents(&next, events, now);
    const HistoryHashes hashes = HashHistory(next, static_cast<int>(events.size()));
    pqxx::result written =
        db::Exec(txn, queries::kOrderSaveWrite, next.order_id(),
                 common::v1::OrderStatus_Name(next.status()), next.version(), Doc(next),
                 next.total().minor_units(), next.currency(), rows, method, request_id, fingerprint,
                 loaded_version, hashes.after, StatusesThatMayBecome(next.status()),
                 loaded_history != nullptr ? *loaded_history : hashes.before, seen.token,
                 seen.user_id, SubmittedOn(next), RefundedTotal(next));
    if (written[0]["written"].as<int>() == 0) {
      next.set_version(loaded_version);
      *next.mutable_updated_at() = loaded_updated_at;
      for (size_t k = 0; k < events.size(); ++k) next.mutable_events()->RemoveLast();
      return false;
    }
    result.updated_at = now;
    return true;
  };
  // Continuity schedules and a cancellation write more rows: those lock the
  // order in a transaction. Every other save first tries the write alone,
  // trusting the caller's copy only as far as its fingerprint matches.
  for (const v1::StoredReturn& r : returns) {
    if (!IsUuid(r.return_id())) return InvalidField("returns.return_id", "must be a UUID");
  }
  const bool in_transaction =
      !schedules.empty() || !returns.empty() || order.status() == common::v1::ORDER_STATUS_CANCELED;
  if (!in_transaction) {
    bool applied = false;
    RETURN_IF_ERROR(pool_->Single([&](pqxx::transaction_base& txn) {
      applied = write(txn, order, nullptr);
      return absl::OkStatus();
    }));
    if (applied) {
      result.as_sent = true;
      return result;
    }
  }
  // A retry, a conflict, a refusal or a caller's copy that differs from the
  // stored facts: read the row and decide.
  auto save = [&](pqxx::transaction_base& txn) -> absl::Status {
    pqxx::result r =
        db::Exec(txn, in_transaction ? queries::kOrderSaveLockRead : queries::kOrderSaveRead,
                 order.order_id(), method, request_id, seen.token, seen.user_id);
    if (r.empty())
      return absl::NotFoundError(absl::StrCat("order ", order.order_id(), " not found"));
    if (!request_id.empty() && r[0]["replayed"].as<bool>()) {
      if (!fingerprint.empty() && r[0]["fingerprint"].as<std::string>() != fingerprint) {
        return InvalidField("request_id", "was already used for a different request",
                            kReasonRequestIdReused);
      }
      result.replayed = true;
      order.Clear();
      return ParseOrder(r[0]["response_doc"], &order);
    }
    if (!seen.token.empty() && r[0]["master_data_token"].as<std::string>() != seen.token) {
      return absl::AbortedError(absl::StrCat("the user, call center or customer of order ",
                                             order.order_id(), " changed since it was read"));
    }
    Order stored;
    RETURN_IF_ERROR(ParseOrder(r[0]["doc"], &stored));
    if (stored.archived()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "order ", order.order_id(), " was purged: only its summary is kept, read-only"));
    }
    if (stored.version() != order.version()) return ChangedConcurrently(order, stored.version());
    RETURN_IF_ERROR(CheckTransition(stored.status(), order.status()));
    // Identity, history and creation facts are the server's, not the caller's.
    order.set_call_center_id(stored.call_center_id());
    order.set_customer_id(stored.customer_id());
    *order.mutable_created_at() = stored.created_at();
    order.set_created_by(stored.created_by());
    order.clear_events();
    for (const OrderEvent& e : stored.events()) order.add_events(e.SerializeAsString());
    if (order.status() == common::v1::ORDER_STATUS_CANCELED) {
      db::Exec(txn, queries::kContinuityCancel,
               order.order_id());  // no children of a cancelled order
    }
    for (v1::ContinuitySchedule schedule : schedules) {
      schedule.set_schedule_id(NewUuid());
      schedule.set_parent_order_id(order.order_id());
      ASSIGN_OR_RETURN(std::vector<std::string> due, ContinuityDueDates(schedule));
      db::Exec(txn, queries::kScheduleInsert, schedule.schedule_id(), order.order_id(),
               db::ToJson(schedule));
      for (size_t k = 0; k < due.size(); ++k) {
        db::Exec(txn, queries::kScheduleEventInsert, schedule.schedule_id(),
                 static_cast<int>(k + 1), due[k]);
      }
    }
    const std::string stored_history =
        r[0]["history_hash"].is_null() ? "" : r[0]["history_hash"].as<std::string>();
    if (write(txn, order, &stored_history)) {
      for (const v1::StoredReturn& ret : returns) {
        db::Exec(txn, queries::kReturnUpsert, ret.return_id(), order.order_id(),
                 pqxx::binarystring(ret.record()), ret.open());
      }
      return absl::OkStatus();
    }
    // Changed since the read: by this very request (a retry racing the first
    // attempt: the first result) or by another.
    pqxx::result again = db::Exec(txn, queries::kOrderSaveRead, order.order_id(), method,
                                  request_id, seen.token, seen.user_id);
    if (!again.empty() && !request_id.empty() && again[0]["replayed"].as<bool>()) {
      result.replayed = true;
      order.Clear();
      return ParseOrder(again[0]["response_doc"], &order);
    }
    Order now;
    if (!again.empty()) RETURN_IF_ERROR(ParseOrder(again[0]["doc"], &now));
    return ChangedConcurrently(order, now.version());
  };
  if (in_transaction) {
    RETURN_IF_ERROR(pool_->Transact([&](pqxx::work& txn) { return save(txn); }));
  } else {
    RETURN_IF_ERROR(pool_->Single(save));
  }
  return result;
}

absl::StatusOr<int> PgOrderStore::PurgeStoredResponses(absl::Duration age, int batch) {
  return db::DeleteOlderThan(pool_, queries::kIdempotencyPurge, age, batch);
}

absl::StatusOr<std::vector<std::string>> PgOrderStore::RunDue(const std::string& as_of) {
  std::vector<std::string> created;
  RETURN_IF_ERROR(pool_->Transact([&](pqxx::work& txn) -> absl::Status {
    created.clear();
    // SKIP LOCKED: a concurrent run takes other events or none, never these.
    pqxx::result due = db::Exec(txn, queries::kContinuityDue, as_of);
    for (const auto& row : due) {
      const std::string schedule_id = row["schedule_id"].as<std::string>();
      const int seq = row["seq"].as<int>();
      v1::ContinuitySchedule schedule;
      RETURN_IF_ERROR(db::FromJson(row["schedule"].as<std::string>(), &schedule));
      const std::string parent_id = row["parent_order_id"].as<std::string>();
      pqxx::result p = db::Exec(txn, queries::kOrderLock, parent_id);
      if (p.empty()) return absl::InternalError(absl::StrCat("parent order ", parent_id, " is gone"));
      Order parent;
      RETURN_IF_ERROR(ParseOrder(p[0]["doc"], &parent));
      Order child = MakeChildOrder(parent, schedule, seq, NewUuid(), NewUuid());
      const std::vector<OrderEvent> child_events(child.events().begin(), child.events().end());
      InsertOrder(txn, &child, child_events);
      // The parent shows its children (a system change to a read-only order).
      parent.add_child_order_ids(child.order_id());
      parent.set_version(parent.version() + 1);
      OrderEvent e =
          MakeOrderEvent(kSystemUser, common::v1::ORDER_EVENT_KIND_CONTINUITY_CHILD_CREATED,
                         absl::StrCat("child order ", child.order_id(), " (shipment ", seq, ")"));
      AppendEvents(txn, &parent, {e});
      UpdateOrderRow(txn, parent);
      db::Exec(txn, queries::kContinuityEventDone, schedule_id, seq, child.order_id());
      created.push_back(child.order_id());
    }
    return absl::OkStatus();
  }));
  return created;
}

absl::StatusOr<int> PgOrderStore::CancelSchedule(const std::string& parent_order_id,
                                                 const std::string& user_id,
                                                 const std::string& reason) {
  if (!IsUuid(parent_order_id)) return InvalidField("parent_order_id", "must be a UUID");
  int cancelled = 0;
  RETURN_IF_ERROR(pool_->Transact([&](pqxx::work& txn) -> absl::Status {
    pqxx::result p = db::Exec(txn, queries::kOrderLock, parent_order_id);
    if (p.empty())
      return absl::NotFoundError(absl::StrCat("order ", parent_order_id, " not found"));
    if (db::Exec(txn, queries::kContinuityScheduleOf, parent_order_id).empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat("order ", parent_order_id, " has no continuity schedule"));
    }
    cancelled = static_cast<int>(
        db::Exec(txn, queries::kContinuityCancel, parent_order_id).affected_rows());
    if (cancelled > 0) {
      Order parent;
      RETURN_IF_ERROR(ParseOrder(p[0]["doc"], &parent));
      parent.set_version(parent.version() + 1);
      AppendEvents(
          txn, &parent,
          {MakeOrderEvent(user_id, common::v1::ORDER_EVENT_KIND_CONTINUITY_CANCELLED,
                          absl::StrCat(cancelled, " remaining shipments cancelled",
                                       reason.empty() ? "" : absl::StrCat(": ", reason)))});
      UpdateOrderRow(txn, parent);
    }
    return absl::OkStatus();
  }));
  return cancelled;
}

absl::Status PgOrderStore::ListCustomerOrders(const std::string& customer_id,
                                              const std::string& call_center_id, int page_size,
                                              const std::string& token,
                                              v1::ListCustomerOrdersResponse* out) {
  // The page token is "<created_at>|<order_id>" of the last order returned.
  std::string after_time, after_id = "00000000-0000-0000-0000-000000000000";
  if (!token.empty()) {
    const size_t bar = token.rfind('|');
    if (bar == std::string::npos || !IsUuid(token.substr(bar + 1))) {
      return InvalidField("page_token", "not a token from a previous response");
    }
    after_time = token.substr(0, bar);
    after_id = token.substr(bar + 1);
  }
  return pool_->Read([&](pqxx::work& txn) {
    pqxx::result r = db::Exec(txn, queries::kOrdersByCustomer, customer_id, after_time, after_id,
                              page_size + 1, call_center_id);
    size_t bytes = 0;
    for (int i = 0; i < static_cast<int>(r.size()); ++i) {
      // A page ends at page_size orders, or earlier once it holds
      // kMaxPageBytes (a page is never too large for a gRPC message).
      if (i == page_size || (i > 0 && bytes >= kMaxPageBytes)) {
        out->set_next_page_token(
            absl::StrCat(r[i - 1]["created_at"].as<std::string>(), "|",
                         r[i - 1]["order_id"].as<std::string>()));
        break;
      }
      Order* order = out->add_orders();
      RETURN_IF_ERROR(ParseOrder(r[i]["doc"], order));
      bytes += order->ByteSizeLong();
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<std::string>> PgOrderStore::ListOpenOrders(
    const std::string& call_center_id, const std::string& created_on_or_before,
    const std::string& after_id, int limit) {
  std::vector<std::string> ids;
  RETURN_IF_ERROR(pool_->Read([&](pqxx::work& txn) {
    for (const auto& row :
         db::Exec(txn, queries::kOrdersOpen, call_center_id, created_on_or_before,
                  after_id.empty() ? "00000000-0000-0000-0000-000000000000" : after_id, limit)) {
      ids.push_back(row[0].as<std::string>());
    }
    return absl::OkStatus();
  }));
  return ids;
}

absl::StatusOr<std::vector<std::string>> PgOrderStore::PurgeOrders(
    const std::string& call_center_id, const std::string& created_on_or_before,
    const std::string& customer_id) {
  constexpr size_t kBatch = 200;
  std::vector<std::string> purged;
  for (size_t got = kBatch; got == kBatch;) {
    std::vector<std::string> batch;
    RETURN_IF_ERROR(pool_->Transact([&](pqxx::work& txn) -> absl::Status {
      batch.clear();  // a retried transaction starts over
      for (const auto& row :
           db::Exec(txn, queries::kOrdersPurgeable, call_center_id, created_on_or_before,
                    customer_id, static_cast<int>(kBatch))) {
        Order order;
        RETURN_IF_ERROR(ParseOrder(row["doc"], &order));
        // What stays: who, when, how it ended and for how much.
        Order summary;
        summary.set_order_id(order.order_id());
        summary.set_call_center_id(order.call_center_id());
        summary.set_customer_id(order.customer_id());
        summary.set_status(order.status());
        summary.set_currency(order.currency());
        *summary.mutable_total() = order.total();
        *summary.mutable_created_at() = order.created_at();
        *summary.mutable_submitted_at() = order.submitted_at();
        *summary.mutable_updated_at() = TimeUtil::GetCurrentTime();
        summary.set_created_by(order.created_by());
        summary.set_version(order.version() + 1);
        summary.set_archived(true);
        db::Exec(txn, queries::kOrderArchive, summary.order_id(), Doc(summary), summary.version(),
                 HistoryHash(summary));
        batch.push_back(summary.order_id());
      }
      return absl::OkStatus();
    }));
    got = batch.size();
    purged.insert(purged.end(), batch.begin(), batch.end());
  }
  return purged;
}

absl::StatusOr<v1::GetOrderContextResponse> PgOrderStore::GetOrderContext(
    const v1::GetOrderContextRequest& request) {
  if (!request.order_id().empty() && !IsUuid(request.order_id())) {
    return InvalidField("order_id", "must be a UUID");
  }
  if (request.order_id().empty() && !request.return_id().empty() && !IsUuid(request.return_id())) {
    return InvalidField("return_id", "must be a UUID");
  }
  v1::GetOrderContextResponse out;
  RETURN_IF_ERROR(pool_->Single([&](pqxx::transaction_base& txn) -> absl::Status {
    std::string order_id = request.order_id();
    if (order_id.empty() && !request.return_id().empty()) {
      pqxx::result of = db::Exec(txn, queries::kReturnOrderOf, request.return_id());
      if (of.empty()) {
        return absl::NotFoundError(absl::StrCat("return ", request.return_id(), " not found"));
      }
      order_id = of[0]["order_id"].as<std::string>();
    }
    if (request.with_returns() && !order_id.empty()) {
      for (const auto& row : db::Exec(txn, queries::kReturnsOfOrder, order_id)) {
        v1::StoredReturn* ret = out.add_returns();
        ret->set_return_id(row["return_id"].as<std::string>());
        ret->set_record(pqxx::binarystring(row["record"]).str());
        ret->set_open(row["open"].as<bool>());
      }
    }
    const bool replay = !request.method().empty() && !request.request_id().empty();
    pqxx::row r = db::Exec(txn, queries::kOrderContext, order_id, request.user_id(),
                           request.call_center_id(), request.customer_id(),
                           replay ? request.method() : "", replay ? request.request_id() : "")[0];
    if (r["replays_found"].as<int>() > 0) {
      if (!request.request_fingerprint().empty() &&
          r["fingerprint"].as<std::string>() != request.request_fingerprint()) {
        return InvalidField("request_id", "was already used for a different request",
                            kReasonRequestIdReused);
      }
      RETURN_IF_ERROR(ParseOrder(r["response_doc"], out.mutable_replayed_order()));
    }
    if (!order_id.empty()) {
      if (r["orders_found"].as<int>() == 0) {
        return absl::NotFoundError(absl::StrCat("order ", order_id, " not found"));
      }
      RETURN_IF_ERROR(ParseOrder(r["doc"], out.mutable_order()));
    }
    if (!r["user_body"].is_null()) {
      RETURN_IF_ERROR(master_data_.Parse(r["user_body"].as<std::string>(), out.mutable_user()));
    }
    out.set_master_data_token(r["master_data_token"].as<std::string>());
    const std::string call_center_id = r["call_center_id"].as<std::string>();
    if (!call_center_id.empty()) {
      if (r["call_center_body"].is_null()) {
        return absl::NotFoundError(absl::StrCat("call center \"", call_center_id, "\" not found"));
      }
      RETURN_IF_ERROR(master_data_.Parse(r["call_center_body"].as<std::string>(), out.mutable_call_center()));
    }
    const std::string customer_id = r["customer_id"].is_null() ? "" : r["customer_id"].as<std::string>();
    if (!customer_id.empty()) {
      if (r["customer_body"].is_null()) {
        return absl::NotFoundError(absl::StrCat("customer \"", customer_id, "\" not found"));
      }
      RETURN_IF_ERROR(master_data_.Parse(r["customer_body"].as<std::string>(), out.mutable_customer()));
    }
    return absl::OkStatus();
  }));
  return out;
}

namespace {

// Migration 0008's data step: every order and stored response kept only as
// JSON gets its binary document (and the columns later migrations added),
// in batches so that no result set holds the whole table.
absl::Status ConvertJsonDocuments(pqxx::work& txn) {
  constexpr int kBatch = 500;
  for (;;) {
    pqxx::result rows = db::Exec(txn, queries::kJsonOrdersBatch, kBatch);
    for (const auto& row : rows) {
      const std::string order_id = row["order_id"].as<std::string>();
      Order order;
      if (row["body"].is_null() || !db::FromJson(row["body"].as<std::string>(), &order).ok()) {
        return absl::DataLossError(absl::StrCat("order ", order_id, " is not an order document"));
      }
      db::Exec(txn, queries::kJsonOrderConvert, order_id, Doc(order), order.total().minor_units(),
               order.currency(), HistoryHash(order));
    }
    if (rows.size() < kBatch) break;
  }
  for (;;) {
    pqxx::result rows = db::Exec(txn, queries::kJsonResponsesBatch, kBatch);
    for (const auto& row : rows) {
      const std::string method = row["method"].as<std::string>();
      const std::string request_id = row["request_id"].as<std::string>();
      Order response;
      if (row["response"].is_null() ||
          !db::FromJson(row["response"].as<std::string>(), &response).ok()) {
        return absl::DataLossError(absl::StrCat("the stored response of ", method, " request ",
                                                request_id, " is not an order document"));
      }
      db::Exec(txn, queries::kJsonResponseConvert, method, request_id, Doc(response));
    }
    if (rows.size() < kBatch) break;
  }
  return absl::OkStatus();
}

}  // namespace

const std::vector<db::Migration>& OrderSchemaMigrations() {
  static const auto* const kMigrations = new std::vector<db::Migration>(db::WithDataStep(
      migrations::OrderMigrations(), "0008_json_documents_to_binary", ConvertJsonDocuments));
  return *kMigrations;
}

absl::StatusOr<int> PgOrderStore::RunRfm(const std::string& as_of, int window_days, int divisions,
                                         const std::string& customer_group) {
  int scored = 0;
  RETURN_IF_ERROR(pool_->Single([&](pqxx::transaction_base& txn) -> absl::Status {
    scored =
        db::Exec(txn, queries::kRfmRun, as_of, window_days, divisions, customer_group)[0]["scored"]
            .as<int>();
    return absl::OkStatus();
  }));
  return scored;
}

}  // namespace callcenter::order
