#ifndef CALLCENTER_SERVICES_ORDER_STORE_H_
#define CALLCENTER_SERVICES_ORDER_STORE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "callcenter/order/v1/order.pb.h"
#include "libs/db/entity_table.h"
#include "libs/db/migrate.h"
#include "libs/db/pool.h"

namespace callcenter::order {

using common::v1::Order;
using common::v1::OrderEvent;

// A page of orders stops growing at this size (well under gRPC's 4 MB).
inline constexpr size_t kMaxPageBytes = 2 * 1024 * 1024;

// The result of an idempotent write: the stored order and whether it is the
// replay of an earlier request with the same request_id.
struct SaveResult {
  // CreateOrder's order (SaveOrder leaves its answer in its `order`).
  Order order;
  bool replayed = false;
  // SaveOrder wrote the caller's order as sent, only with a new version,
  // `updated_at` and the new events stamped at `updated_at`.
  bool as_sent = false;
  google::protobuf::Timestamp updated_at;
};

// The master data a caller decided a change on (GetOrderContext's token
// and the user it was read for); an empty token is not checked.
struct SeenMasterData {
  std::string user_id;
  std::string token;
};

// Persistence of the order service (one repository for its SQL).
class OrderStore {
 public:
  virtual ~OrderStore() = default;
  virtual absl::Status UpsertCallCenter(const v1::CallCenter& cc) = 0;
  virtual absl::StatusOr<v1::CallCenter> GetCallCenter(const std::string& id) = 0;
  virtual absl::Status ListCallCenters(int page_size, const std::string& token,
                                       v1::ListCallCentersResponse* out) = 0;
  virtual absl::Status UpsertUser(const v1::CallCenterUser& user) = 0;
  virtual absl::StatusOr<v1::CallCenterUser> GetUser(const std::string& id) = 0;
  virtual absl::Status RemoveUser(const std::string& id) = 0;
  // Stores `customer`, keeping the scores the last RFM run gave it (they
  // are computed, not master data); returns what was stored.
  virtual absl::StatusOr<v1::Customer> UpsertCustomer(v1::Customer customer) = 0;
  virtual absl::StatusOr<v1::Customer> GetCustomer(const std::string& id) = 0;
  virtual absl::Status SearchCustomers(const std::string& query, int page_size,
                                       const std::string& token,
                                       v1::SearchCustomersResponse* out) = 0;
  // Inserts a new order unless (CreateOrder, request_id) was seen.
  virtual absl::StatusOr<SaveResult> CreateOrder(const std::string& request_id,
                                                 const std::string& fingerprint, Order order,
                                                 const std::vector<OrderEvent>& events) = 0;
  virtual absl::StatusOr<Order> GetOrder(const std::string& order_id) = 0;
  // The payment ids each existing order among `order_ids` records.
  virtual absl::StatusOr<std::vector<v1::RecordedPayments>> ListRecordedPayments(
      const std::vector<std::string>& order_ids) = 0;
  // Replaces the order when order.version() is the stored version and
  // `seen` still holds (else ABORTED) and the status transition is legal;
  // appends `events`; creates or replaces `returns` (in the same
  // transaction). `order` is the order read as a save's view (its lines and
  // the rest pass through unparsed) and is changed in place: on success it
  // is the stored order (or, replayed, the earlier request's answer); on an
  // error, it may hold the server's facts. In place, so that a large order
  // (which the caller may keep on an arena) is never copied.
  virtual absl::StatusOr<SaveResult> SaveOrder(
      const std::string& method, const std::string& request_id, const std::string& fingerprint,
      v1::OrderSaveView* order, const std::vector<OrderEvent>& events,
      const std::vector<v1::ContinuitySchedule>& schedules = {}, const SeenMasterData& seen = {},
      const std::vector<v1::StoredReturn>& returns = {}) = 0;
  // Creates every child due on or before `as_of`, exactly once even when
  // runs overlap; returns the ids created by this run.
  virtual absl::StatusOr<std::vector<std::string>> RunDue(const std::string& as_of) = 0;
  // Cancels the remaining events of a parent's schedules (FAILED_PRECONDITION
  // when it has none); records who and why on the parent; returns how many.
  virtual absl::StatusOr<int> CancelSchedule(const std::string& parent_order_id,
                                             const std::string& user_id,
                                             const std::string& reason) = 0;
  // The customer's orders newest first (of `call_center_id` only, unless
  // empty); a page holds at most `page_size` orders and ends early once it
  // holds kMaxPageBytes.
  virtual absl::Status ListCustomerOrders(const std::string& customer_id,
                                          const std::string& call_center_id, int page_size,
                                          const std::string& token,
                                          v1::ListCustomerOrdersResponse* out) = 0;
  virtual absl::StatusOr<v1::GetOrderContextResponse> GetOrderContext(
      const v1::GetOrderContextRequest& request) = 0;
  // Ids of a call center's orders with units to ship, created on or before
  // `created_on_or_before` (YYYY-MM-DD), after `after_id` ("" = from the
  // start), ascending, at most `limit`.
  virtual absl::StatusOr<std::vector<std::string>> ListOpenOrders(
      const std::string& call_center_id, const std::string& created_on_or_before,
      const std::string& after_id, int limit) = 0;
  // Archives the call center's finished orders created on or before the
  // date (one customer's, if given): each replaced by its summary. Returns
  // the ids archived now.
  virtual absl::StatusOr<std::vector<std::string>> PurgeOrders(
      const std::string& call_center_id, const std::string& created_on_or_before,
      const std::string& customer_id) = 0;
  // Scores RFM (DOMAIN 11) for the customers (of `customer_group`, "" =
  // all) with a submitted order in the `window_days` up to `as_of`
  // (YYYY-MM-DD), in `divisions` buckets; returns how many were scored.
  virtual absl::StatusOr<int> RunRfm(const std::string& as_of, int window_days, int divisions,
                                     const std::string& customer_group) = 0;
};

class PgOrderStore : public OrderStore {
 public:
  explicit PgOrderStore(db::Pool* pool) : pool_(pool) {}

  absl::Status UpsertCallCenter(const v1::CallCenter& cc) override;
  absl::StatusOr<v1::CallCenter> GetCallCenter(const std::string& id) override;
  absl::Status ListCallCenters(int page_size, const std::string& token,
                               v1::ListCallCentersResponse* out) override;
  absl::Status UpsertUser(const v1::CallCenterUser& user) override;
  absl::StatusOr<v1::CallCenterUser> GetUser(const std::string& id) override;
  absl::Status RemoveUser(const std::string& id) override;
  absl::StatusOr<v1::Customer> UpsertCustomer(v1::Customer customer) override;
  absl::StatusOr<v1::Customer> GetCustomer(const std::string& id) override;
  absl::Status SearchCustomers(const std::string& query, int page_size, const std::string& token,
                               v1::SearchCustomersResponse* out) override;
  absl::StatusOr<SaveResult> CreateOrder(const std::string& request_id,
                                         const std::string& fingerprint, Order order,
                                         const std::vector<OrderEvent>& events) override;
  absl::StatusOr<Order> GetOrder(const std::string& order_id) override;
  absl::StatusOr<std::vector<v1::RecordedPayments>> ListRecordedPayments(
      const std::vector<std::string>& order_ids) override;
  absl::StatusOr<SaveResult> SaveOrder(const std::string& method, const std::string& request_id,
                                       const std::string& fingerprint,
                                       v1::OrderSaveView* order,
                                       const std::vector<OrderEvent>& events,
                                       const std::vector<v1::ContinuitySchedule>& schedules = {},
                                       const SeenMasterData& seen = {},
                                       const std::vector<v1::StoredReturn>& returns = {}) override;
  absl::StatusOr<std::vector<std::string>> RunDue(const std::string& as_of) override;
  absl::StatusOr<int> CancelSchedule(const std::string& parent_order_id,
                                     const std::string& user_id,
                                     const std::string& reason) override;
  absl::Status ListCustomerOrders(const std::string& customer_id, const std::string& call_center_id,
                                  int page_size, const std::string& token,
                                  v1::ListCustomerOrdersResponse* out) override;
  absl::StatusOr<v1::GetOrderContextResponse> GetOrderContext(
      const v1::GetOrderContextRequest& request) override;
  absl::StatusOr<std::vector<std::string>> ListOpenOrders(const std::string& call_center_id,
                                                          const std::string& created_on_or_before,
                                                          const std::string& after_id,
                                                          int limit) override;
  absl::StatusOr<std::vector<std::string>> PurgeOrders(const std::string& call_center_id,
                                                       const std::string& created_on_or_before,
                                                       const std::string& customer_id) override;
  absl::StatusOr<int> RunRfm(const std::string& as_of, int window_days, int divisions,
                             const std::string& customer_group) override;

  // Deletes stored responses (what a repeated request_id gets back) older
  // than `age`, `batch` rows per statement; returns how many went. A retry
  // after that is a new request.
  absl::StatusOr<int> PurgeStoredResponses(absl::Duration age, int batch = 5000);

 private:
  db::Pool* pool_;
  // The user, call center and customer of GetOrderContext, read on every
  // change of an order and seldom changed.
  db::JsonParseCache master_data_;
};

// The order schema's migrations (migrations/*.sql) with the data step of
// 0008 attached: what --migrate and the tests apply.
const std::vector<db::Migration>& OrderSchemaMigrations();

}  // namespace callcenter::order

#endif  // CALLCENTER_SERVICES_ORDER_STORE_H_
