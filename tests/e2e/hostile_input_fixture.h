// The fixture of the hostile-input tests. A hostile caller with nothing
// but an agent's token, at the front door:
// every mutating RPC fed oversized, malformed and overflowing fields, other
// call centers' orders and replays with another body. Each row asserts the
// code, the field the error names (google.rpc.BadRequest), its reason
// (google.rpc.ErrorInfo) and that nothing was written. All six services run
// as real gRPC servers on 127.0.0.1:0 against a real PostgreSQL.
#ifndef CALLCENTER_TESTS_E2E_HOSTILE_INPUT_FIXTURE_H_
#define CALLCENTER_TESTS_E2E_HOSTILE_INPUT_FIXTURE_H_

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "tests/e2e/suite_harness.h"

namespace callcenter::testing {

namespace fd = orchestration::v1;
using common::v1::Money;
using common::v1::Order;

// What any client decodes from grpc-status-details-bin.
struct Details {
  std::string reason, domain;
  std::vector<std::string> fields;
};

inline Details DetailsOf(const grpc::Status& s) {
  Details d;
  google::rpc::Status status;
  EXPECT_TRUE(status.ParseFromString(s.error_details())) << "no google.rpc.Status";
  for (const auto& any : status.details()) {
    google::rpc::ErrorInfo info;
    google::rpc::BadRequest bad;
    if (any.UnpackTo(&info)) {
      d.reason = info.reason();
      d.domain = info.domain();
    } else if (any.UnpackTo(&bad)) {
      for (const auto& v : bad.field_violations()) d.fields.push_back(v.field());
    }
  }
  return d;
}

inline const std::string kLongText(2001, 'x');
inline const std::string kLongId(65, 'i');
inline const std::string kNul("a\0b", 3);
inline const std::string kCard = "please charge 4111 1111 1111 1111";

// One hostile call on a fresh draft (`o` is its id, `line` its line).
struct Row {
  const char* name;
  std::function<grpc::Status(const std::string& o, const std::string& line)> call;
  grpc::StatusCode code;
  std::string field;   // the BadRequest's field; "" = not checked
  std::string reason;  // the ErrorInfo's reason; "" = not checked
};

class HostileInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (suite == nullptr) CC_REQUIRE_DATABASE(static_cast<void*>(nullptr));
    static int counter = 0;
    p_ = absl::StrCat("h", ++counter, "-");
    CallCenter("cc");
    CallCenter("other-cc");
    User("agent", "cc");
    User("agent2", "cc");
    User("stranger", "other-cc");
    {
      grpc::ClientContext ctx;
      order::v1::UpsertCustomerRequest req;
      req.mutable_customer()->set_customer_id(Id("cust"));
      req.mutable_customer()->set_name("Ann Lee");
      order::v1::UpsertCustomerResponse resp;
      ASSERT_TRUE(suite->customers->UpsertCustomer(&ctx, req, &resp).ok());
    }
    {
      grpc::ClientContext ctx;
      guidedselling::v1::UpsertSourceCodeRequest req;
      req.mutable_source_code()->set_source_code(Id("SPRING"));
      req.mutable_source_code()->set_catalog_id("SPRING-CATALOG");
      guidedselling::v1::UpsertSourceCodeResponse resp;
      ASSERT_TRUE(suite->selling->UpsertSourceCode(&ctx, req, &resp).ok());
    }
    {
      grpc::ClientContext ctx;
      pricing::v1::UpsertProductRequest req;
      req.mutable_product()->set_product_id(Id("A"));
      req.mutable_product()->set_name("Kettle");
      *req.mutable_product()->mutable_base_price() = Usd(2000);
      *req.mutable_product()->mutable_unit_cost() = Usd(800);
      req.mutable_product()->set_allow_price_override(true);
      pricing::v1::UpsertProductResponse resp;
      ASSERT_TRUE(suite->pricing->UpsertProduct(&ctx, req, &resp).ok());
    }
  }

  std::string Id(const std::string& s) const { return p_ + s; }

  void CallCenter(const std::string& id) {
    grpc::ClientContext ctx;
    order::v1::UpsertCallCenterRequest req;
    auto* cc = req.mutable_call_center();
    cc->set_call_center_id(Id(id));
    cc->set_name(id);
    cc->set_currency("USD");
    cc->add_payment_methods(common::v1::PAYMENT_METHOD_CARD);
    cc->add_delivery_modes("STANDARD");
    cc->set_order_completion_enabled(true);
    cc->set_directed_selling_enabled(true);
    cc->set_price_control_enabled(true);
    cc->set_min_fraud_score(1000);
    order::v1::UpsertCallCenterResponse resp;
    ASSERT_TRUE(suite->call_centers->UpsertCallCenter(&ctx, req, &resp).ok());
  }

  void User(const std::string& id, const std::string& cc) {
    grpc::ClientContext ctx;
    order::v1::UpsertUserRequest req;
    req.mutable_user()->set_user_id(Id(id));
    req.mutable_user()->set_call_center_id(Id(cc));
    req.mutable_user()->set_price_override_max_bp(10000);
    req.mutable_user()->add_clearable_hold_codes("*");
    req.mutable_user()->set_may_cancel(true);
    order::v1::UpsertUserResponse resp;
    ASSERT_TRUE(suite->call_centers->UpsertUser(&ctx, req, &resp).ok());
  }

  // A draft of one line (20.00) started by the agent.
  Order Draft(const std::string& tag) {
    fd::StartOrderRequest start;
    start.set_request_id(Id("start-" + tag));
    start.set_call_center_id(Id("cc"));
    start.set_customer_id(Id("cust"));
    fd::StartOrderResponse started;
    EXPECT_TRUE(suite->front->StartOrder(As("agent").get(), start, &started).ok());
    fd::AddLineRequest add;
    add.set_request_id(Id("line-" + tag));
    add.set_order_id(started.order().order_id());
    add.set_product_id(Id("A"));
    add.set_quantity(1);
    fd::AddLineResponse added;
    EXPECT_TRUE(suite->front->AddLine(As("agent").get(), add, &added).ok());
    return added.order();
  }

  std::unique_ptr<grpc::ClientContext> As(const std::string& user) const {
    return suite->As(Id(user));
  }

  Order Get(const std::string& order_id) {
    fd::GetOrderRequest req;
    req.set_order_id(order_id);
    fd::GetOrderResponse resp;
    EXPECT_TRUE(suite->front->GetOrder(As("agent").get(), req, &resp).ok());
    return resp.order();
  }

  size_t PaymentsOf(const std::string& order_id) {
    grpc::ClientContext ctx;
    payment::v1::ListPaymentsRequest list;
    list.set_order_id(order_id);
    payment::v1::ListPaymentsResponse listed;
    EXPECT_TRUE(suite->payments->ListPayments(&ctx, list, &listed).ok());
    return listed.payments_size();
  }

  size_t HoldsOf(const std::string& order_id) {
    grpc::ClientContext ctx;
    hold::v1::ListOrderHoldsRequest list;
    list.set_order_id(order_id);
    hold::v1::ListOrderHoldsResponse listed;
    EXPECT_TRUE(suite->holds->ListOrderHolds(&ctx, list, &listed).ok());
    return listed.holds_size();
  }

  // Runs each row and checks it was refused with nothing written.
  void ExpectEachRefusedWithNothingWritten(const std::vector<Row>& rows);

  std::string p_;
};

// Runs each row on a fresh draft (replays on the draft whose request ids
// they reuse): the code, the field and reason its error names, and nothing
// written (the order, its payments and its holds as they were).
inline void HostileInputTest::ExpectEachRefusedWithNothingWritten(const std::vector<Row>& rows) {
  Order row_draft = Draft("row");  // the draft the replay rows replay against
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    Order draft = Draft(absl::StrCat("t", &row - rows.data()));
    const std::string o = draft.order_id();
    const std::string line = draft.lines(0).line_id();
    // Replays target the draft whose request ids they reuse.
    const bool replay = absl::StrContains(row.name, "replay");
    const std::string target = replay ? row_draft.order_id() : o;
    const Order before = Get(target);
    grpc::Status s = row.call(target, replay ? row_draft.lines(0).line_id() : line);
    EXPECT_EQ(s.error_code(), row.code) << s.error_message();
    const Details d = DetailsOf(s);
    EXPECT_EQ(d.domain, "callcenter");
    EXPECT_FALSE(d.reason.empty());
    if (!row.field.empty()) {
      ASSERT_FALSE(d.fields.empty());
      EXPECT_EQ(d.fields[0], row.field);
    }
    if (s.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
      EXPECT_FALSE(d.fields.empty());
    }
    if (!row.reason.empty()) {
      EXPECT_EQ(d.reason, row.reason);
    }
    // Nothing written: the order, its payments and its holds as they were.
    const Order after = Get(target);
    EXPECT_EQ(after.version(), before.version());
    EXPECT_EQ(after.lines_size(), before.lines_size());
    EXPECT_EQ(after.status(), before.status());
    EXPECT_EQ(PaymentsOf(target), 0u);
    EXPECT_EQ(HoldsOf(target), 0u);
  }
}

}  // namespace callcenter::testing

#endif  // CALLCENTER_TESTS_E2E_HOSTILE_INPUT_FIXTURE_H_
