// Service tests: the real gRPC server on 127.0.0.1:0 against a real PostgreSQL.
#include "services/order/order_service.h"

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "libs/db/migrate.h"
#include "libs/db/testing.h"
#include "libs/server/host.h"
#include "services/order/migrations.h"

namespace callcenter::order {
namespace {

class OrderServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = db::TestDatabase::Create();
    CC_REQUIRE_DATABASE(db_);
    ASSERT_TRUE(db::Migrate(db_->conninfo(), "order_svc", order::OrderSchemaMigrations()).ok());
    db::PoolOptions po;
    po.conninfo = db_->conninfo();
    po.schema = "order_svc";
    pool_ = std::make_unique<db::Pool>(po);
    store_ = std::make_unique<PgOrderStore>(pool_.get());
    cc_service_ = std::make_unique<CallCenterServiceImpl>(store_.get(), nullptr);
    orders_service_ = std::make_unique<SalesOrderServiceImpl>(store_.get(), nullptr);
    customer_service_ = std::make_unique<CustomerServiceImpl>(store_.get(), nullptr);
    continuity_service_ = std::make_unique<ContinuityServiceImpl>(store_.get(), nullptr);
    server::HostOptions ho;
    ho.listen_address = "127.0.0.1:0";
    ho.drain_delay = absl::ZeroDuration();
    host_ = std::make_unique<server::ServiceHost>(ho);
    host_->Register(cc_service_.get());
    host_->Register(orders_service_.get());
    host_->Register(customer_service_.get());
    host_->Register(continuity_service_.get());
    ASSERT_TRUE(host_->Start().ok());
    auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", host_->port()),
                                       grpc::InsecureChannelCredentials());
    call_centers_ = v1::CallCenterService::NewStub(channel);
    orders_ = v1::SalesOrderService::NewStub(channel);
    customers_ = v1::CustomerService::NewStub(channel);
    continuity_ = v1::ContinuityService::NewStub(channel);
  }
  void TearDown() override {
    if (host_) host_->Shutdown();
  }

  v1::CallCenter CallCenter() {
    v1::CallCenter cc;
    cc.set_call_center_id("cc1");
    cc.set_name("Phone sales");
    cc.set_currency("USD");
    cc.add_payment_methods(common::v1::PAYMENT_METHOD_CARD);
    cc.add_delivery_modes("STANDARD");
    (*cc.mutable_financial_dimensions())["department"] = "CC1";
    return cc;
  }

  Order Create(const std::string& request_id) {
    grpc::ClientContext ctx;
    v1::CreateOrderRequest req;
    req.set_request_id(request_id);
    req.mutable_order()->set_call_center_id("cc1");
    req.mutable_order()->set_customer_id("c1");
    req.mutable_order()->set_status(common::v1::ORDER_STATUS_DRAFT);
    v1::CreateOrderResponse resp;
    EXPECT_TRUE(orders_->CreateOrder(&ctx, req, &resp).ok());
    return resp.order();
  }

  grpc::Status Save(const std::string& request_id, const Order& order, Order* out) {
    grpc::ClientContext ctx;
    v1::SaveOrderRequest req;
    req.set_request_id(request_id);
    req.set_method("AddLine");
    *req.mutable_order() = order;
    req.add_new_events()->set_kind("line_added");
    v1::SaveOrderResponse resp;
    grpc::Status s = orders_->SaveOrder(&ctx, req, &resp);
    if (out) *out = resp.order();
    return s;
  }

  Order Get(const std::string& order_id) {
    grpc::ClientContext ctx;
    v1::GetOrderRequest get;
    get.set_order_id(order_id);
    v1::GetOrderResponse got;
    EXPECT_TRUE(orders_->GetOrder(&ctx, get, &got).ok());
    return got.order();
  }

  std::unique_ptr<db::TestDatabase> db_;
  std::unique_ptr<db::Pool> pool_;
  std::unique_ptr<PgOrderStore> store_;
  std::unique_ptr<CallCenterServiceImpl> cc_service_;
  std::unique_ptr<SalesOrderServiceImpl> orders_service_;
  std::unique_ptr<CustomerServiceImpl> customer_service_;
  std::unique_ptr<ContinuityServiceImpl> continuity_service_;
  std::unique_ptr<v1::ContinuityService::Stub> continuity_;
  std::unique_ptr<server::ServiceHost> host_;
  std::unique_ptr<v1::CallCenterService::Stub> call_centers_;
  std::unique_ptr<v1::SalesOrderService::Stub> orders_;
  std::unique_ptr<v1::CustomerService::Stub> customers_;
};

TEST_F(OrderServiceTest, CallCenterRoundTripAndValidation) {
  grpc::ClientContext ctx;
  v1::UpsertCallCenterRequest req;
  *req.mutable_call_center() = CallCenter();
  req.mutable_call_center()->clear_delivery_modes();
  v1::UpsertCallCenterResponse resp;
  grpc::Status bad = call_centers_->UpsertCallCenter(&ctx, req, &resp);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(bad.error_message().find("delivery_modes"), std::string::npos);
  {
    grpc::ClientContext get_ctx;
    v1::GetCallCenterRequest get;
    get.set_call_center_id("cc1");
    v1::GetCallCenterResponse got;
    EXPECT_EQ(call_centers_->GetCallCenter(&get_ctx, get, &got).error_code(),
              grpc::StatusCode::NOT_FOUND);  // nothing was written
  }
  grpc::ClientContext ok_ctx;
  *req.mutable_call_center() = CallCenter();
  ASSERT_TRUE(call_centers_->UpsertCallCenter(&ok_ctx, req, &resp).ok());
  grpc::ClientContext get_ctx;
  v1::GetCallCenterRequest get;
  get.set_call_center_id("cc1");
  v1::GetCallCenterResponse got;
  ASSERT_TRUE(call_centers_->GetCallCenter(&get_ctx, get, &got).ok());
  EXPECT_EQ(got.call_center().financial_dimensions().at("department"), "CC1");
  EXPECT_EQ(got.call_center().concurrency_model(),
            common::v1::CONCURRENCY_MODEL_WITHIN_PRIORITY_NEVER_ACROSS);
}

TEST_F(OrderServiceTest, CreateOrderIsIdempotent) {
  Order a = Create("req-1");
  Order b = Create("req-1");
  EXPECT_EQ(a.order_id(), b.order_id());
  EXPECT_EQ(a.version(), 1);
  ASSERT_EQ(a.events_size(), 1);
  EXPECT_EQ(a.events(0).kind(), "created");
  Order c = Create("req-2");
  EXPECT_NE(a.order_id(), c.order_id());
}

TEST_F(OrderServiceTest, StaleVersionIsAbortedAndChangesNothing) {
  Order order = Create("req-1");
  Order first = order;
  first.set_source_code("FIRST");
  Order saved;
  ASSERT_TRUE(Save("s1", first, &saved).ok());
  EXPECT_EQ(saved.version(), 2);
  Order stale = order;  // still version 1
  stale.set_source_code("SECOND");
  EXPECT_EQ(Save("s2", stale, nullptr).error_code(), grpc::StatusCode::ABORTED);
  const Order stored = Get(order.order_id());
  EXPECT_EQ(stored.source_code(), "FIRST");
  EXPECT_EQ(stored.version(), 2);
  EXPECT_EQ(stored.events_size(), 2);
}

TEST_F(OrderServiceTest, SaveWithAMasterDataTokenAppliesOnlyWhileItHolds) {
  {
    grpc::ClientContext ctx;
    v1::UpsertCallCenterRequest req;
    *req.mutable_call_center() = CallCenter();
    v1::UpsertCallCenterResponse resp;
    ASSERT_TRUE(call_centers_->UpsertCallCenter(&ctx, req, &resp).ok());
  }
  auto upsert_user = [&](int override_bp) {
    grpc::ClientContext ctx;
    v1::UpsertUserRequest req;
    req.mutable_user()->set_user_id("agent1");
    req.mutable_user()->set_call_center_id("cc1");
    req.mutable_user()->set_price_override_max_bp(override_bp);
    v1::UpsertUserResponse resp;
    ASSERT_TRUE(call_centers_->UpsertUser(&ctx, req, &resp).ok());
  };
  upsert_user(100);
  {
    grpc::ClientContext ctx;
    v1::UpsertCustomerRequest req;
    req.mutable_customer()->set_customer_id("c1");
    req.mutable_customer()->set_name("Ann Smith");
    v1::UpsertCustomerResponse resp;
    ASSERT_TRUE(customers_->UpsertCustomer(&ctx, req, &resp).ok());
  }
  const Order order = Create("req-1");
  auto token = [&] {
    grpc::ClientContext ctx;
    v1::GetOrderContextRequest req;
    req.set_order_id(order.order_id());
    req.set_user_id("agent1");
    v1::GetOrderContextResponse resp;
    EXPECT_TRUE(orders_->GetOrderContext(&ctx, req, &resp).ok());
    return resp.master_data_token();
  };
  auto save = [&](const std::string& request_id, Order o, const std::string& seen,
                  Order* out) {
    grpc::ClientContext ctx;
    v1::SaveOrderRequest req;
    req.set_request_id(request_id);
    req.set_method("AddLine");
    *req.mutable_order() = std::move(o);
    req.set_user_id("agent1");
    req.set_master_data_token(seen);
    v1::SaveOrderResponse resp;
    grpc::Status s = orders_->SaveOrder(&ctx, req, &resp);
    if (out) *out = resp.order();
    return s;
  };
  const std::string seen = token();
  ASSERT_FALSE(seen.empty());
  Order saved;
  Order change = order;
  change.set_source_code("FIRST");
  ASSERT_TRUE(save("s1", change, seen, &saved).ok());
  EXPECT_EQ(saved.version(), 2);
  EXPECT_EQ(token(), seen);  // an order's own changes leave the token as it was

  upsert_user(200);  // the user's permissions change
  change = saved;
  change.set_source_code("SECOND");
  grpc::Status refused = save("s2", change, seen, nullptr);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_NE(refused.error_message().find("changed since it was read"), std::string::npos);
  EXPECT_EQ(Get(order.order_id()).source_code(), "FIRST");  // nothing written
  EXPECT_EQ(Get(order.order_id()).version(), 2);

  const std::string fresh = token();
  EXPECT_NE(fresh, seen);
  ASSERT_TRUE(save("s2", change, fresh, &saved).ok());  // the refused request_id is still new
  EXPECT_EQ(saved.source_code(), "SECOND");
  EXPECT_EQ(saved.version(), 3);
  // A save without a token is not checked; a token without its user is refused.
  EXPECT_TRUE(save("s3", saved, "", nullptr).ok());
  grpc::ClientContext ctx;
  v1::SaveOrderRequest bad;
  bad.set_request_id("s4");
  bad.set_method("AddLine");
  *bad.mutable_order() = Get(order.order_id());
  bad.set_master_data_token(fresh);
  v1::SaveOrderResponse resp;
  grpc::Status no_user = orders_->SaveOrder(&ctx, bad, &resp);
  EXPECT_EQ(no_user.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(no_user.error_message().find("user_id"), std::string::npos);
}

TEST_F(OrderServiceTest, TheCallersIdentityAndHistoryNeverReplaceTheStoredOnes) {
  Order order = Create("req-1");
  Order saved;
  ASSERT_TRUE(Save("s1", order, &saved).ok());  // created + line_added
  Order tampered = saved;
  tampered.set_created_by("someone-else");
  tampered.set_customer_id("other-customer");
  tampered.clear_events();
  tampered.set_source_code("NEW");
  Order after;
  ASSERT_TRUE(Save("s2", tampered, &after).ok());
  EXPECT_EQ(after.source_code(), "NEW");  // the change itself applies
  EXPECT_EQ(after.created_by(), saved.created_by());
  EXPECT_EQ(after.customer_id(), saved.customer_id());
  EXPECT_EQ(after.events_size(), 3);
  EXPECT_EQ(after.version(), 3);
  // And the next save, from the server's copy, takes the one-statement path
  // with the same outcome.
  Order next = after;
  next.set_source_code("NEWER");
  Order last;
  ASSERT_TRUE(Save("s3", next, &last).ok());
  EXPECT_EQ(last.version(), 4);
  EXPECT_EQ(last.events_size(), 4);
  const Order stored = Get(order.order_id());
  EXPECT_EQ(stored.SerializeAsString(), last.SerializeAsString());
}

TEST_F(OrderServiceTest, OldStoredResponsesArePurgedInBatches) {
  Order order = Create("old-create");
  Order saved;
  ASSERT_TRUE(Save("old-1", order, &saved).ok());
  ASSERT_TRUE(Save("old-2", saved, &saved).ok());
  ASSERT_TRUE(Save("new-1", saved, &saved).ok());
  // Three of the four stored responses are from four days ago.
  ASSERT_TRUE(pool_->Transact([](pqxx::work& txn) {
    txn.exec0("UPDATE idempotency SET created_at = now() - interval '4 days' "
              "WHERE request_id IN ('old-create', 'old-1', 'old-2')");
    return absl::OkStatus();
  }).ok());
  auto purged = store_->PurgeStoredResponses(absl::Hours(72), /*batch=*/2);
  ASSERT_TRUE(purged.ok()) << purged.status();
  EXPECT_EQ(*purged, 3);
  EXPECT_EQ(*store_->PurgeStoredResponses(absl::Hours(72)), 0);
  // The recent one still replays; the order itself is untouched.
  Order again;
  ASSERT_TRUE(Save("new-1", saved, &again).ok());
  EXPECT_EQ(again.version(), saved.version());
  EXPECT_EQ(Get(order.order_id()).version(), 4);
}

TEST_F(OrderServiceTest, RetriedSaveReturnsFirstResult) {
  Order order = Create("req-1");
  order.set_source_code("X");
  Order first, again;
  ASSERT_TRUE(Save("same", order, &first).ok());
  ASSERT_TRUE(Save("same", order, &again).ok());  // stale version, but a replay
  EXPECT_EQ(first.version(), again.version());
  EXPECT_EQ(again.events_size(), 2);
}

// The front door's way: the order as bytes, and back only what the save
// added when it stored the order as sent; the stored order is the one sent
// with that version, time and the new events stamped at that time.
TEST_F(OrderServiceTest, AnOrderSentAsBytesIsAnsweredWithTheStampsItGot) {
  Order order = Create("create-bytes");
  order.add_lines()->set_line_id("l1");
  order.mutable_lines(0)->set_product_id("p1");
  order.mutable_lines(0)->set_quantity(2);
  auto save = [&](const std::string& request_id, const Order& sent, v1::SaveOrderResponse* resp) {
    grpc::ClientContext ctx;
    v1::SaveOrderRequest req;
    req.set_request_id(request_id);
    req.set_method("AddLine");
    sent.SerializeToString(req.mutable_order_doc());
    req.set_reply_without_order(true);
    req.add_new_events()->set_kind("line_added");
    req.add_new_events()->set_kind("prompted");
    return orders_->SaveOrder(&ctx, req, resp);
  };
  v1::SaveOrderResponse resp;
  grpc::Status s = save("save-bytes", order, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_TRUE(resp.has_saved());
  EXPECT_FALSE(resp.has_order());
  EXPECT_FALSE(resp.replayed());
  EXPECT_EQ(resp.saved().version(), order.version() + 1);
  Order stored = Get(order.order_id());
  Order expected = order;
  expected.set_version(resp.saved().version());
  *expected.mutable_updated_at() = resp.saved().updated_at();
  for (const char* kind : {"line_added", "prompted"}) {
    auto* e = expected.add_events();
    e->set_kind(kind);
    *e->mutable_at() = resp.saved().updated_at();
  }
  EXPECT_EQ(stored.SerializeAsString(), expected.SerializeAsString()) << stored.DebugString();
  // A retry gets the first answer in full (the caller may not hold it).
  v1::SaveOrderResponse retried;
  ASSERT_TRUE(save("save-bytes", order, &retried).ok());
  EXPECT_TRUE(retried.replayed());
  EXPECT_FALSE(retried.has_saved());
  EXPECT_EQ(retried.order().SerializeAsString(), expected.SerializeAsString());
  // A stale copy is refused as before; bytes that are no order name the field.
  v1::SaveOrderResponse refused;
  EXPECT_EQ(save("save-stale", order, &refused).error_code(), grpc::StatusCode::ABORTED);
  grpc::ClientContext ctx;
  v1::SaveOrderRequest garbage;
  garbage.set_method("AddLine");
  garbage.set_order_doc("\xff\xff\xff");
  grpc::Status bad = orders_->SaveOrder(&ctx, garbage, &refused);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(bad.error_message().find("order_doc"), std::string::npos);
  EXPECT_EQ(Get(order.order_id()).version(), expected.version());
}

TEST_F(OrderServiceTest, ListRecordedPaymentsGivesEachOrdersPaymentIds) {
  Order paid = Create("rec-1");
  paid.add_payments()->set_payment_id("pay-1");
  auto* voided = paid.add_payments();
  voided->set_payment_id("pay-2");
  voided->set_status(common::v1::PAYMENT_STATUS_VOIDED);
  ASSERT_TRUE(Save("rec-save", paid, &paid).ok());
  const Order unpaid = Create("rec-2");
  grpc::ClientContext ctx;
  v1::ListRecordedPaymentsRequest req;
  req.add_order_ids(paid.order_id());
  req.add_order_ids(unpaid.order_id());
  req.add_order_ids("00000000-0000-4000-8000-000000000000");  // no such order
  req.add_order_ids("not-a-uuid");                            // names no order
  v1::ListRecordedPaymentsResponse resp;
  ASSERT_TRUE(orders_->ListRecordedPayments(&ctx, req, &resp).ok());
  std::map<std::string, std::vector<std::string>> recorded, shown_voided;
  for (const auto& o : resp.orders()) {
    recorded[o.order_id()] = {o.payment_ids().begin(), o.payment_ids().end()};
    shown_voided[o.order_id()] = {o.voided_payment_ids().begin(), o.voided_payment_ids().end()};
  }
  EXPECT_EQ(recorded, (std::map<std::string, std::vector<std::string>>{
                          {paid.order_id(), {"pay-1", "pay-2"}}, {unpaid.order_id(), {}}}));
  EXPECT_EQ(shown_voided[paid.order_id()], std::vector<std::string>{"pay-2"});
  grpc::ClientContext ctx2;
  v1::ListRecordedPaymentsRequest none;
  EXPECT_EQ(orders_->ListRecordedPayments(&ctx2, none, &resp).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(OrderServiceTest, ShippedOrdersGoOnlyForwardAndCanceledOnesAreReadOnly) {
  Order order = Create("req-1");
  order.set_status(common::v1::ORDER_STATUS_CONFIRMED);
  Order confirmed, partly, shipped;
  ASSERT_TRUE(Save("submit", order, &confirmed).ok());
  confirmed.set_status(common::v1::ORDER_STATUS_PARTIALLY_SHIPPED);
  ASSERT_TRUE(Save("ship-1", confirmed, &partly).ok());
  Order back = partly;
  back.set_status(common::v1::ORDER_STATUS_CONFIRMED);
  EXPECT_EQ(Save("unship", back, nullptr).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  back.set_status(common::v1::ORDER_STATUS_CANCELED);
  EXPECT_EQ(Save("cancel", back, nullptr).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  partly.set_status(common::v1::ORDER_STATUS_SHIPPED);
  ASSERT_TRUE(Save("ship-2", partly, &shipped).ok());
  EXPECT_EQ(shipped.status(), common::v1::ORDER_STATUS_SHIPPED);

  Order other = Create("req-2");
  other.set_status(common::v1::ORDER_STATUS_CANCELED);
  Order canceled;
  ASSERT_TRUE(Save("cancel-2", other, &canceled).ok());
  EXPECT_EQ(Save("again", canceled, nullptr).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(OrderServiceTest, ListOpenOrdersGivesACallCentersOrdersWithUnitsToShipPaged) {
  std::set<std::string> open;
  for (int i = 0; i < 5; ++i) {
    Order o = Create("open-" + std::to_string(i));
    o.set_status(i == 4 ? common::v1::ORDER_STATUS_ON_HOLD : common::v1::ORDER_STATUS_CONFIRMED);
    Order saved;
    ASSERT_TRUE(Save("submit-" + std::to_string(i), o, &saved).ok());
    open.insert(saved.order_id());
  }
  Order partly = Create("partly");
  partly.set_status(common::v1::ORDER_STATUS_CONFIRMED);
  ASSERT_TRUE(Save("partly-submit", partly, &partly).ok());
  partly.set_status(common::v1::ORDER_STATUS_PARTIALLY_SHIPPED);
  ASSERT_TRUE(Save("partly-ship", partly, &partly).ok());
  open.insert(partly.order_id());
  // Not open: a draft, a shipped and a canceled order.
  Create("draft");
  Order shipped = Create("shipped");
  shipped.set_status(common::v1::ORDER_STATUS_CONFIRMED);
  ASSERT_TRUE(Save("shipped-submit", shipped, &shipped).ok());
  shipped.set_status(common::v1::ORDER_STATUS_SHIPPED);
  ASSERT_TRUE(Save("shipped-all", shipped, nullptr).ok());
  Order canceled = Create("canceled");
  canceled.set_status(common::v1::ORDER_STATUS_CANCELED);
  ASSERT_TRUE(Save("cancel", canceled, nullptr).ok());

  const std::string today =
      absl::FormatTime("%Y-%m-%d", absl::Now() + absl::Hours(24), absl::UTCTimeZone());
  std::set<std::string> listed;
  std::string token;
  int pages = 0;
  do {
    grpc::ClientContext ctx;
    v1::ListOpenOrdersRequest req;
    req.set_call_center_id("cc1");
    req.set_created_on_or_before(today);
    req.set_page_size(4);
    req.set_page_token(token);
    v1::ListOpenOrdersResponse resp;
    ASSERT_TRUE(orders_->ListOpenOrders(&ctx, req, &resp).ok());
    EXPECT_LE(resp.order_ids_size(), 4);
    for (const auto& id : resp.order_ids()) EXPECT_TRUE(listed.insert(id).second) << id;
    token = resp.next_page_token();
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(listed, open);
  EXPECT_EQ(pages, 2);
  // Orders created after the date, another call center's, bad input.
  auto list = [&](const std::string& cc, const std::string& date, const std::string& token,
                  v1::ListOpenOrdersResponse* resp) {
    grpc::ClientContext ctx;
    v1::ListOpenOrdersRequest req;
    req.set_call_center_id(cc);
    req.set_created_on_or_before(date);
    req.set_page_token(token);
    return orders_->ListOpenOrders(&ctx, req, resp);
  };
  v1::ListOpenOrdersResponse resp;
  ASSERT_TRUE(list("cc1", "2020-01-01", "", &resp).ok());
  EXPECT_EQ(resp.order_ids_size(), 0);
  ASSERT_TRUE(list("cc2", today, "", &resp).ok());
  EXPECT_EQ(resp.order_ids_size(), 0);
  EXPECT_EQ(list("cc1", "yesterday", "", &resp).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(list("", today, "", &resp).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(list("cc1", today, "x'; --", &resp).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(OrderServiceTest, PurgedOrdersKeepASummaryAndAreReadOnly) {
  Order shipped = Create("p-shipped");
  shipped.set_status(common::v1::ORDER_STATUS_CONFIRMED);
  *shipped.mutable_total() = common::v1::Money();
  shipped.mutable_total()->set_currency("USD");
  shipped.mutable_total()->set_minor_units(4200);
  ASSERT_TRUE(Save("p-submit", shipped, &shipped).ok());
  shipped.set_status(common::v1::ORDER_STATUS_SHIPPED);
  ASSERT_TRUE(Save("p-ship", shipped, &shipped).ok());
  Order open = Create("p-open");
  open.set_status(common::v1::ORDER_STATUS_CONFIRMED);
  ASSERT_TRUE(Save("p-open-submit", open, &open).ok());
  const std::string today =
      absl::FormatTime("%Y-%m-%d", absl::Now() + absl::Hours(24), absl::UTCTimeZone());
  auto purge = [&](const std::string& cc, v1::PurgeOrdersResponse* out) {
    grpc::ClientContext ctx;
    v1::PurgeOrdersRequest req;
    req.set_call_center_id(cc);
    req.set_created_on_or_before(today);
    return orders_->PurgeOrders(&ctx, req, out);
  };
  v1::PurgeOrdersResponse other;
  ASSERT_TRUE(purge("cc2", &other).ok());
  EXPECT_EQ(other.purged_order_ids_size(), 0);
  v1::PurgeOrdersResponse purged;
  ASSERT_TRUE(purge("cc1", &purged).ok());
  ASSERT_EQ(purged.purged_order_ids_size(), 1);
  EXPECT_EQ(purged.purged_order_ids(0), shipped.order_id());
  v1::PurgeOrdersResponse again;
  ASSERT_TRUE(purge("cc1", &again).ok());
  EXPECT_EQ(again.purged_order_ids_size(), 0);
  const Order summary = Get(shipped.order_id());
  EXPECT_TRUE(summary.archived());
  EXPECT_EQ(summary.status(), common::v1::ORDER_STATUS_SHIPPED);
  EXPECT_EQ(summary.total().minor_units(), 4200);
  EXPECT_EQ(summary.events_size(), 0);
  EXPECT_FALSE(Get(open.order_id()).archived());
  // A save over the summary is refused, from its version or an older one.
  EXPECT_EQ(Save("p-over", summary, nullptr).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(Save("p-over-old", shipped, nullptr).error_code(), grpc::StatusCode::OK);
  EXPECT_TRUE(Get(shipped.order_id()).archived());
}

TEST_F(OrderServiceTest, CustomerSearchIsCaseInsensitivePrefixAndPaged) {
  for (const auto& [id, name] : std::vector<std::pair<std::string, std::string>>{
           {"c1", "Ann Smith"}, {"c2", "anna Jones"}, {"c3", "Bob Annis"}}) {
    grpc::ClientContext ctx;
    v1::UpsertCustomerRequest req;
    req.mutable_customer()->set_customer_id(id);
    req.mutable_customer()->set_name(name);
    v1::UpsertCustomerResponse resp;
    ASSERT_TRUE(customers_->UpsertCustomer(&ctx, req, &resp).ok());
  }
  grpc::ClientContext ctx;
  v1::SearchCustomersRequest req;
  req.set_query("ANN");
  req.set_page_size(1);
  v1::SearchCustomersResponse page1;
  ASSERT_TRUE(customers_->SearchCustomers(&ctx, req, &page1).ok());
  ASSERT_EQ(page1.customers_size(), 1);
  EXPECT_EQ(page1.customers(0).customer_id(), "c1");
  ASSERT_FALSE(page1.next_page_token().empty());
  grpc::ClientContext ctx2;
  req.set_page_token(page1.next_page_token());
  v1::SearchCustomersResponse page2;
  ASSERT_TRUE(customers_->SearchCustomers(&ctx2, req, &page2).ok());
  ASSERT_EQ(page2.customers_size(), 1);
  EXPECT_EQ(page2.customers(0).customer_id(), "c2");
  EXPECT_TRUE(page2.next_page_token().empty());
}

TEST_F(OrderServiceTest, ConcurrentWritersOneWinsOneIsAborted) {
  Order order = Create("req-1");
  std::atomic<int> ok{0}, aborted{0};
  std::vector<std::thread> writers;
  for (int i = 0; i < 2; ++i) {
    writers.emplace_back([&, i] {
      Order mine = order;
      mine.set_source_code(i == 0 ? "A" : "B");
      grpc::Status s = Save("w" + std::to_string(i), mine, nullptr);
      if (s.ok()) ++ok;
      if (s.error_code() == grpc::StatusCode::ABORTED) ++aborted;
    });
  }
  for (auto& t : writers) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(aborted.load(), 1);
  const Order stored = Get(order.order_id());
  EXPECT_EQ(stored.version(), 2);
  EXPECT_EQ(stored.events_size(), 2);
}

TEST_F(OrderServiceTest, ManyConcurrentWritersOnlyOneWinsEachRound) {
  for (int round = 0; round < 5; ++round) {
    Order order = Create("round-" + std::to_string(round));
    std::atomic<int> ok{0}, aborted{0};
    std::vector<std::thread> writers;
    for (int i = 0; i < 6; ++i) {
      writers.emplace_back([&, i] {
        Order mine = order;
        mine.set_source_code("W" + std::to_string(i));
        grpc::Status s = Save(absl::StrCat("r", round, "-w", i), mine, nullptr);
        if (s.ok()) ++ok;
        if (s.error_code() == grpc::StatusCode::ABORTED) ++aborted;
      });
    }
    for (auto& t : writers) t.join();
    EXPECT_EQ(ok.load(), 1) << "round " << round;
    EXPECT_EQ(aborted.load(), 5) << "round " << round;
    const Order stored = Get(order.order_id());
    EXPECT_EQ(stored.version(), 2);
    EXPECT_EQ(stored.events_size(), 2);  // created + the winner's
  }
}

TEST_F(OrderServiceTest, RacingRetriesOfOneSaveApplyItOnce) {
  for (int round = 0; round < 5; ++round) {
    Order order = Create("retry-" + std::to_string(round));
    order.set_source_code("X");
    std::vector<Order> results(4);
    std::vector<grpc::Status> statuses(4);
    std::vector<std::thread> tries;
    for (int i = 0; i < 4; ++i) {
      tries.emplace_back([&, i] {
        statuses[i] = Save(absl::StrCat("same-", round), order, &results[i]);
      });
    }
    for (auto& t : tries) t.join();
    for (int i = 0; i < 4; ++i) {
      ASSERT_TRUE(statuses[i].ok()) << statuses[i].error_message();
      EXPECT_EQ(results[i].version(), 2);
      EXPECT_EQ(results[i].events_size(), 2);
    }
  }
}

TEST_F(OrderServiceTest, ContinuityChildrenCreatedOnceEvenWhenRunsOverlap) {
  Order order = Create("req-1");
  grpc::ClientContext ctx;
  v1::SaveOrderRequest submit;
  submit.set_request_id("submit");
  submit.set_method("SubmitOrder");
  *submit.mutable_order() = order;
  submit.mutable_order()->set_currency("USD");
  submit.mutable_order()->set_status(common::v1::ORDER_STATUS_CONFIRMED);
  v1::ContinuitySchedule* s = submit.add_new_schedules();
  s->set_product_id("VIT");
  s->set_quantity(1);
  s->mutable_price()->set_currency("USD");
  s->mutable_price()->set_minor_units(1999);
  s->set_interval_days(30);
  s->set_repeats(3);
  s->set_start_date("2026-01-01");
  v1::SaveOrderResponse saved;
  ASSERT_TRUE(orders_->SaveOrder(&ctx, submit, &saved).ok());
  // Due: 01-31, 03-02, 04-01. Four concurrent runs as of 03-15 create two.
  std::mutex mu;
  std::vector<std::string> created;
  std::vector<std::thread> runs;
  for (int i = 0; i < 4; ++i) {
    runs.emplace_back([&] {
      grpc::ClientContext c;
      v1::RunDueRequest req;
      req.set_as_of("2026-03-15");
      v1::RunDueResponse resp;
      grpc::Status st = continuity_->RunDue(&c, req, &resp);
      EXPECT_TRUE(st.ok() || st.error_code() == grpc::StatusCode::ABORTED) << st.error_message();
      std::lock_guard<std::mutex> lock(mu);
      for (const auto& id : resp.child_order_ids()) created.push_back(id);
    });
  }
  for (auto& t : runs) t.join();
  EXPECT_EQ(created.size(), 2u);
  grpc::ClientContext get_ctx;
  v1::GetOrderRequest get;
  get.set_order_id(order.order_id());
  v1::GetOrderResponse parent;
  ASSERT_TRUE(orders_->GetOrder(&get_ctx, get, &parent).ok());
  EXPECT_EQ(parent.order().child_order_ids_size(), 2);
  grpc::ClientContext child_ctx;
  get.set_order_id(created[0]);
  v1::GetOrderResponse child;
  ASSERT_TRUE(orders_->GetOrder(&child_ctx, get, &child).ok());
  EXPECT_EQ(child.order().parent_order_id(), order.order_id());
  EXPECT_EQ(child.order().total().minor_units(), 1999);
  // Cancel the rest: the third never comes.
  grpc::ClientContext cancel_ctx;
  v1::CancelScheduleRequest cancel;
  cancel.set_parent_order_id(order.order_id());
  v1::CancelScheduleResponse cancelled;
  ASSERT_TRUE(continuity_->CancelSchedule(&cancel_ctx, cancel, &cancelled).ok());
  EXPECT_EQ(cancelled.cancelled_events(), 1);
  grpc::ClientContext later_ctx;
  v1::RunDueRequest later;
  later.set_as_of("2027-01-01");
  v1::RunDueResponse none;
  ASSERT_TRUE(continuity_->RunDue(&later_ctx, later, &none).ok());
  EXPECT_EQ(none.child_order_ids_size(), 0);
}

// ---------------------------------------------------------------- RFM (DOMAIN 11)

class RfmTest : public OrderServiceTest {
 protected:
  static constexpr char kAsOf[] = "2026-06-30";

  void Customer(const std::string& id, const std::string& group) {
    grpc::ClientContext ctx;
    v1::UpsertCustomerRequest req;
    req.mutable_customer()->set_customer_id(id);
    req.mutable_customer()->set_name(id);
    req.mutable_customer()->set_customer_group(group);
    v1::UpsertCustomerResponse resp;
    ASSERT_TRUE(customers_->UpsertCustomer(&ctx, req, &resp).ok());
  }

  // An order of `customer` submitted `days_ago` days before kAsOf for
  // `total`, of which `refunded` was refunded and `installments_credit`
  // taken off its installments; or left in `status`.
  void Submitted(const std::string& customer, int days_ago, int64_t total, int64_t refunded = 0,
                 common::v1::OrderStatus status = common::v1::ORDER_STATUS_CONFIRMED,
                 int64_t installments_credit = 0) {
    grpc::ClientContext ctx;
    v1::CreateOrderRequest create;
    create.set_request_id(absl::StrCat("create-", ++orders_made_));
    create.mutable_order()->set_call_center_id("cc1");
    create.mutable_order()->set_customer_id(customer);
    create.mutable_order()->set_currency("USD");
    create.mutable_order()->set_status(common::v1::ORDER_STATUS_DRAFT);
    v1::CreateOrderResponse created;
    ASSERT_TRUE(orders_->CreateOrder(&ctx, create, &created).ok());
    Order order = created.order();
    if (status == common::v1::ORDER_STATUS_DRAFT) return;
    order.set_status(status);
    absl::CivilDay day;
    ASSERT_TRUE(absl::ParseCivilTime(kAsOf, &day));
    order.mutable_submitted_at()->set_seconds(
        absl::ToUnixSeconds(absl::FromCivil(day - days_ago, absl::UTCTimeZone())) + 12 * 3600);
    order.mutable_total()->set_currency("USD");
    order.mutable_total()->set_minor_units(total);
    if (refunded > 0) {
      auto* p = order.add_payments();
      p->set_payment_id(absl::StrCat("p", orders_made_));
      p->set_method(common::v1::PAYMENT_METHOD_CARD);
      p->mutable_amount()->set_minor_units(total);
      p->mutable_captured()->set_minor_units(total);
      p->mutable_refunded()->set_minor_units(refunded);
      p->set_status(common::v1::PAYMENT_STATUS_REFUNDED);
    }
    if (installments_credit > 0) {
      order.mutable_installments_credit()->set_currency("USD");
      order.mutable_installments_credit()->set_minor_units(installments_credit);
    }
    ASSERT_TRUE(Save(absl::StrCat("submit-", orders_made_), order, nullptr).ok());
  }

  grpc::Status Run(int window_days, int divisions, const std::string& group, int* scored) {
    grpc::ClientContext ctx;
    v1::RunRfmRequest req;
    req.set_as_of(kAsOf);
    req.set_window_days(window_days);
    req.set_divisions(divisions);
    req.set_customer_group(group);
    v1::RunRfmResponse resp;
    grpc::Status s = customers_->RunRfm(&ctx, req, &resp);
    if (scored != nullptr) *scored = resp.scored();
    return s;
  }

  v1::Customer Read(const std::string& id) {
    grpc::ClientContext ctx;
    v1::GetCustomerRequest req;
    req.set_customer_id(id);
    v1::GetCustomerResponse resp;
    EXPECT_TRUE(customers_->GetCustomer(&ctx, req, &resp).ok());
    return resp.customer();
  }

  int orders_made_ = 0;
};

TEST_F(RfmTest, BucketsRanksTiesAndFewCustomers) {
  // One customer: last order `days_ago`, `orders` orders of `each` apiece.
  struct Spec {
    int days_ago, orders;
    int64_t each;
    std::string want;
  };
  struct Case {
    std::string name;
    int divisions;
    std::vector<Spec> customers;
  } cases[] = {
      {"7 in 3: buckets of 3, 2, 2",
       3,
       {{0, 1, 1000, "311"},
        {1, 2, 1000, "311"},
        {2, 3, 1000, "322"},
        {3, 4, 1000, "222"},
        {4, 5, 1000, "233"},
        {5, 6, 1000, "133"},
        {6, 7, 1000, "133"}}},
      {"equal values share the better bucket (positions 2 and 3 would be bucket 2)",
       2,
       {{1, 1, 4000, "222"}, {2, 1, 3000, "222"}, {2, 1, 3000, "222"}, {2, 1, 3000, "222"}}},
      {"ties take the first position's bucket; the next value skips a bucket",
       4,
       {{1, 1, 4000, "444"}, {2, 1, 3000, "343"}, {2, 1, 3000, "343"}, {3, 1, 1000, "141"}}},
      {"fewer customers than divisions", 5, {{0, 2, 1000, "555"}, {9, 1, 1000, "444"}}},
      {"0 divisions means 5",
       0,
       {{0, 1, 5000, "555"},
        {1, 1, 4000, "454"},
        {2, 1, 3000, "353"},
        {3, 1, 2000, "252"},
        {4, 1, 1000, "151"}}},
  };
  int group = 0;
  for (const Case& c : cases) {
    const std::string g = absl::StrCat("G", ++group);
    for (size_t i = 0; i < c.customers.size(); ++i) {
      const std::string id = absl::StrCat(g, "-c", i);
      Customer(id, g);
      const Spec& s = c.customers[i];
      // The last order `days_ago`, the others a day earlier each.
      for (int k = 0; k < s.orders; ++k) Submitted(id, s.days_ago + k, s.each);
    }
    int scored = 0;
    ASSERT_TRUE(Run(30, c.divisions, g, &scored).ok()) << c.name;
    EXPECT_EQ(scored, static_cast<int>(c.customers.size())) << c.name;
    for (size_t i = 0; i < c.customers.size(); ++i) {
      const v1::Customer got = Read(absl::StrCat(g, "-c", i));
      const std::string& want = c.customers[i].want;
      EXPECT_EQ(got.rfm_score(), want) << c.name << " customer " << i;
      EXPECT_EQ(got.rfm_total(), (want[0] - '0') + (want[1] - '0') + (want[2] - '0'))
          << c.name << " customer " << i;
    }
  }
}

TEST_F(RfmTest, WindowCanceledDraftsRefundsGroupsAndUpserts) {
  Customer("big", "R");       // 50.00 spent, 40.00 refunded: 10.00
  Customer("mid", "R");       // 20.00
  Customer("old", "R");       // only an order before the window
  Customer("canceled", "R");  // only a canceled order
  Customer("drafting", "R");  // only a draft
  Customer("other", "W");     // another group
  Submitted("big", 1, 5000, 4000);
  Submitted("mid", 2, 2000);
  Submitted("old", 40, 9000);
  Submitted("canceled", 1, 9000, 0, common::v1::ORDER_STATUS_CANCELED);
  Submitted("drafting", 0, 0, 0, common::v1::ORDER_STATUS_DRAFT);
  Submitted("other", 1, 100);
  // An earlier run (a 60-day window) scored "old".
  int scored = 0;
  ASSERT_TRUE(Run(60, 2, "R", &scored).ok());
  EXPECT_EQ(scored, 3);
  EXPECT_FALSE(Read("old").rfm_score().empty());
  ASSERT_TRUE(Run(30, 2, "R", &scored).ok());
  EXPECT_EQ(scored, 2);
  EXPECT_EQ(Read("big").rfm_score(), "221");  // more recent; equal frequency; 10.00 net
  EXPECT_EQ(Read("mid").rfm_score(), "122");  // refunds counted: 20.00 beats 10.00
  EXPECT_EQ(Read("old").rfm_score(), "");     // nothing in the window: no score
  EXPECT_EQ(Read("old").rfm_total(), 0);
  EXPECT_EQ(Read("canceled").rfm_score(), "");
  EXPECT_EQ(Read("drafting").rfm_score(), "");
  EXPECT_EQ(Read("other").rfm_score(), "");  // not in the group
  // Master data upserts keep the computed score.
  Customer("mid", "R");
  EXPECT_EQ(Read("mid").rfm_score(), "122");
  EXPECT_EQ(Read("mid").rfm_total(), 5);
  // All groups: "other" scored too.
  ASSERT_TRUE(Run(30, 0, "", &scored).ok());
  EXPECT_EQ(scored, 3);
  EXPECT_FALSE(Read("other").rfm_score().empty());
}

// Returned goods credited off an order's installments count like a refund.
TEST_F(RfmTest, CreditTakenOffInstallmentsCountsLikeARefund) {
  Customer("plan", "R");  // 50.00, 10.00 refunded and 30.00 off its installments: 10.00
  Customer("card", "R");  // 20.00
  Submitted("plan", 1, 5000, 1000, common::v1::ORDER_STATUS_CONFIRMED, 3000);
  Submitted("card", 2, 2000);
  int scored = 0;
  ASSERT_TRUE(Run(30, 2, "R", &scored).ok());
  EXPECT_EQ(scored, 2);
  EXPECT_EQ(Read("plan").rfm_score(), "221");  // more recent; 10.00 net
  EXPECT_EQ(Read("card").rfm_score(), "122");
}

TEST_F(RfmTest, BadArgumentsAreNamed) {
  struct Case {
    std::string as_of;
    int window, divisions;
    std::string field;
  } cases[] = {
      {"2026-13-01", 30, 5, "as_of"}, {kAsOf, 0, 5, "window_days"}, {kAsOf, 5000, 5, "window_days"},
      {kAsOf, 30, 10, "divisions"},   {kAsOf, 30, -1, "divisions"},
  };
  for (const Case& c : cases) {
    grpc::ClientContext ctx;
    v1::RunRfmRequest req;
    req.set_as_of(c.as_of);
    req.set_window_days(c.window);
    req.set_divisions(c.divisions);
    v1::RunRfmResponse resp;
    grpc::Status s = customers_->RunRfm(&ctx, req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.field;
    EXPECT_NE(s.error_message().find(c.field), std::string::npos) << s.error_message();
  }
}

}  // namespace
}  // namespace callcenter::order
