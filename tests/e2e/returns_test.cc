// Returns, refunds and price matches (DOMAIN 10) through the front door
// and FulfillmentService: credits to the cent, the refund method rule,
// approval, adjustment, cancel, receipts, every error code, and a refund
// interrupted between its save and the payment service.

#include "tests/e2e/front_door_fixture.h"

namespace callcenter::testing {
namespace {

class ReturnsTest : public FrontDoorTest {
 protected:
  // World with return reasons, a warehouse user, and an order of 3 × A
  // (20.00) and 1 × B (15.00) paid by card, submitted and shipped whole.
  Order ShippedOrder(const std::string& token = "tok_4242") {
    World();
    Warehouse("wh", Id("cc"));
    EditCallCenter([](order::v1::CallCenter& cc) {
      auto* damaged = cc.add_return_reasons();
      damaged->set_reason_code("DAMAGED");
      auto* changed_mind = cc.add_return_reasons();
      changed_mind->set_reason_code("CHANGED_MIND");
      changed_mind->set_charge_bp(1000);  // a 10% restocking charge
      cc.set_refund_method(common::v1::PAYMENT_METHOD_ON_ACCOUNT);
      *cc.mutable_max_order_credit() = Usd(1000);
    });
    Order order = Start();
    EXPECT_TRUE(AddLine(&order, "A", 3).ok());
    EXPECT_TRUE(AddLine(&order, "B", 1).ok());
    EXPECT_TRUE(Pay(&order, token, "pay").ok());
    EXPECT_TRUE(Submit(&order).ok());
    Order shipped;
    EXPECT_TRUE(Ship(Shipment(order, "S1", {{0, 3}, {1, 1}}), &shipped).ok());
    EXPECT_EQ(shipped.status(), common::v1::ORDER_STATUS_SHIPPED);
    return shipped;
  }

  // Gives this test's user `id` the refund permissions.
  void Permit(const std::string& id, bool may_approve, int32_t adjustment_bp) {
    grpc::ClientContext get_ctx;
    order::v1::GetUserRequest get;
    get.set_user_id(Id(id));
    order::v1::GetUserResponse got;
    ASSERT_TRUE(suite->call_centers->GetUser(&get_ctx, get, &got).ok());
    grpc::ClientContext ctx;
    order::v1::UpsertUserRequest req;
    *req.mutable_user() = got.user();
    req.mutable_user()->set_may_approve_refunds(may_approve);
    req.mutable_user()->set_credit_adjustment_max_bp(adjustment_bp);
    order::v1::UpsertUserResponse resp;
    ASSERT_TRUE(suite->call_centers->UpsertUser(&ctx, req, &resp).ok());
  }

  fd::StartReturnRequest ReturnOf(const Order& order, const std::string& request_id,
                                  std::vector<std::tuple<int, int, fd::Disposition>> lines,
                                  const std::string& reason = "DAMAGED") {
    fd::StartReturnRequest req;
    req.set_request_id(Id(request_id));
    req.set_order_id(order.order_id());
    req.set_reason_code(reason);
    for (auto [line, qty, disposition] : lines) {
      auto* l = req.add_lines();
      l->set_line_id(order.lines(line).line_id());
      l->set_quantity(qty);
      l->set_disposition(disposition);
    }
    return req;
  }

  grpc::Status StartReturn(const fd::StartReturnRequest& req, fd::ReturnOrder* out,
                           const std::string& user = "agent",
                           fd::OrderEntryService::Stub* stub = nullptr) {
    fd::StartReturnResponse resp;
    grpc::Status s =
        (stub ? stub : suite->front.get())->StartReturn(suite->As(Id(user)).get(), req, &resp);
    if (s.ok()) *out = resp.return_order();
    return s;
  }

  grpc::Status Receive(const fd::ReturnOrder& ret, const std::string& request_id,
                       std::vector<std::pair<std::string, int>> lines, fd::ReturnOrder* out,
                       fd::FulfillmentService::Stub* stub = nullptr) {
    fd::RecordReturnReceiptRequest req;
    req.set_request_id(Id(request_id));
    req.set_return_id(ret.return_id());
    for (auto& [line_id, qty] : lines) {
      auto* l = req.add_lines();
      l->set_line_id(line_id);
      l->set_quantity(qty);
    }
    fd::RecordReturnReceiptResponse resp;
    grpc::Status s = (stub ? stub : suite->fulfillment.get())
                         ->RecordReturnReceipt(suite->As(Id("wh")).get(), req, &resp);
    if (s.ok()) *out = resp.return_order();
    return s;
  }

  grpc::Status Approve(const fd::ReturnOrder& ret, const std::string& request_id, bool approve,
                       const std::string& user, fd::ReturnOrder* out) {
    fd::ApproveRefundRequest req;
    req.set_request_id(Id(request_id));
    req.set_return_id(ret.return_id());
    req.set_approve(approve);
    req.set_reason(approve ? "" : "goods were used");
    fd::ApproveRefundResponse resp;
    grpc::Status s = suite->front->ApproveRefund(suite->As(Id(user)).get(), req, &resp);
    if (s.ok()) *out = resp.return_order();
    return s;
  }

  grpc::Status Adjust(const fd::ReturnOrder& ret, const std::string& request_id, int64_t credit,
                      fd::ReturnOrder* out) {
    fd::AdjustReturnCreditRequest req;
    req.set_request_id(Id(request_id));
    req.set_return_id(ret.return_id());
    *req.mutable_credit() = Usd(credit);
    fd::AdjustReturnCreditResponse resp;
    grpc::Status s = suite->front->AdjustReturnCredit(suite->As(Id("agent")).get(), req, &resp);
    if (s.ok()) *out = resp.return_order();
    return s;
  }

  grpc::Status Cancel(const fd::ReturnOrder& ret, const std::string& request_id,
                      fd::ReturnOrder* out) {
    fd::CancelReturnRequest req;
    req.set_request_id(Id(request_id));
    req.set_return_id(ret.return_id());
    fd::CancelReturnResponse resp;
    grpc::Status s = suite->front->CancelReturn(suite->As(Id("agent")).get(), req, &resp);
    if (s.ok()) *out = resp.return_order();
    return s;
  }

  grpc::Status GetReturn(const std::string& return_id, fd::ReturnOrder* out,
                         const std::string& user = "agent") {
    fd::GetReturnRequest req;
    req.set_return_id(return_id);
    fd::GetReturnResponse resp;
    grpc::Status s = suite->front->GetReturn(suite->As(Id(user)).get(), req, &resp);
    if (s.ok()) *out = resp.return_order();
    return s;
  }

  grpc::Status PriceMatch(const Order& order, const std::string& request_id, int64_t price,
                          Order* out, const std::string& reason = "COMPETITOR") {
    fd::PriceMatchRequest req;
    req.set_request_id(Id(request_id));
    req.set_order_id(order.order_id());
    req.set_line_id(order.lines(0).line_id());
    *req.mutable_unit_price() = Usd(price);
    req.set_reason_code(reason);
    fd::PriceMatchResponse resp;
    grpc::Status s = suite->front->PriceMatch(suite->As(Id("agent")).get(), req, &resp);
    if (s.ok()) *out = resp.order();
    return s;
  }

  // StartOrder of an exchange for `return_id` (this test's call center).
  grpc::Status StartExchange(const std::string& request_id, const std::string& return_id,
                             const std::string& customer_id, Order* out) {
    fd::StartOrderRequest req;
    req.set_request_id(Id(request_id));
    req.set_call_center_id(Id("cc"));
    req.set_customer_id(customer_id);
    req.set_exchange_for_return_id(return_id);
    fd::StartOrderResponse resp;
    grpc::Status s = suite->front->StartOrder(suite->As(Id("agent")).get(), req, &resp);
    if (s.ok()) *out = resp.order();
    return s;
  }

  // StartReturn through a front door that stops right after the save that
  // planned the refund (before the payment service made it).
  void StartReturnAndCrash(const fd::StartReturnRequest& request) {
    orchestration::OrderEntryOptions crashing;
    crashing.crash_after_step = orchestration::kStepRefundPlanned;
    auto doomed = suite->ExtraFrontDoor(crashing);
    fd::ReturnOrder ret;
    EXPECT_EQ(StartReturn(request, &ret, "agent", doomed.get()).error_code(),
              grpc::StatusCode::UNAVAILABLE);
  }

  // What `units` of line `line` credit, as DOMAIN 10 counts them: the last
  // invoiced units' shares of its net amount and tax.
  static int64_t Share(const common::v1::OrderLine& line, int32_t returned_before, int32_t units) {
    auto share = [&](int64_t amount) {
      int64_t sum = 0;
      for (int32_t u = line.quantity() - returned_before - units + 1;
           u <= line.quantity() - returned_before; ++u) {
        sum += amount / line.quantity() + (u > line.quantity() - amount % line.quantity() ? 1 : 0);
      }
      return sum;
    };
    return share(line.net_amount().minor_units()) + share(line.tax().minor_units());
  }
};

TEST_F(ReturnsTest, AReturnedUnitIsCreditedWhenReceivedAndRefundedToTheCardOnce) {
  const Order order = ShippedOrder();
  const int64_t refunded_before = suite->connector->refunded_total();
  fd::ReturnOrder ret;
  ASSERT_TRUE(StartReturn(ReturnOf(order, "ret", {{0, 1, fd::DISPOSITION_CREDIT}}), &ret).ok());
  const int64_t credit = Share(order.lines(0), 0, 1);
  EXPECT_EQ(ret.status(), fd::RETURN_STATUS_AWAITING_RECEIPT);
  EXPECT_EQ(ret.order_id(), order.order_id());
  EXPECT_EQ(ret.customer_id(), order.customer_id());
  ASSERT_EQ(ret.lines_size(), 1);
  EXPECT_EQ(ret.lines(0).credit().minor_units(), credit);
  EXPECT_EQ(ret.charge().minor_units(), 0);
  EXPECT_EQ(ret.credit_total().minor_units(), credit);
  EXPECT_EQ(ret.refund_method(), common::v1::PAYMENT_METHOD_CARD);  // one card paid
  Order now = Get(order.order_id());
  EXPECT_EQ(now.lines(0).returned_quantity(), 1);
  ASSERT_EQ(now.return_ids_size(), 1);
  EXPECT_EQ(now.return_ids(0), ret.return_id());
  EXPECT_EQ(CountEvents(now, "return_started"), 1);

  // The same request again: the same return, nothing more returned.
  fd::ReturnOrder again;
  ASSERT_TRUE(StartReturn(ReturnOf(order, "ret", {{0, 1, fd::DISPOSITION_CREDIT}}), &again).ok());
  EXPECT_EQ(again.return_id(), ret.return_id());
  EXPECT_EQ(Get(order.order_id()).lines(0).returned_quantity(), 1);
  // Its id with another body: refused.
  EXPECT_EQ(
      StartReturn(ReturnOf(order, "ret", {{0, 2, fd::DISPOSITION_CREDIT}}), &again).error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);

  fd::ReturnOrder received;
  ASSERT_TRUE(Receive(ret, "rcv", {{order.lines(0).line_id(), 1}}, &received).ok());
  EXPECT_EQ(received.status(), fd::RETURN_STATUS_REFUNDED);
  EXPECT_EQ(received.refunded().minor_units(), credit);
  ASSERT_EQ(received.refunds_size(), 1);
  EXPECT_TRUE(received.refunds(0).done());
  EXPECT_EQ(received.lines(0).received_quantity(), 1);
  EXPECT_EQ(suite->connector->refunded_total() - refunded_before, credit);
  // The receipt again changes nothing and refunds nothing more.
  ASSERT_TRUE(Receive(ret, "rcv", {{order.lines(0).line_id(), 1}}, &received).ok());
  EXPECT_EQ(suite->connector->refunded_total() - refunded_before, credit);
  EXPECT_EQ(PaymentsOf(order.order_id())[0].refunded().minor_units(), credit);
  now = Get(order.order_id());
  EXPECT_EQ(now.payments(0).refunded().minor_units(), credit);
  EXPECT_EQ(now.payments(0).status(), common::v1::PAYMENT_STATUS_CAPTURED);  // partly refunded
  EXPECT_EQ(now.balance_due().minor_units(), 0);
  EXPECT_EQ(CountEvents(now, "refunded"), 2);  // planned, then made
  fd::ReturnOrder read;
  ASSERT_TRUE(GetReturn(ret.return_id(), &read).ok());
  EXPECT_EQ(read.status(), fd::RETURN_STATUS_REFUNDED);
  EXPECT_GE(read.events_size(), 3);
  for (const auto& e : read.events()) EXPECT_FALSE(e.user_id().empty());
}

TEST_F(ReturnsTest, ReturningEverythingCreditOnlyGivesBackExactlyTheTotal) {
  const Order order = ShippedOrder();
  fd::ReturnOrder first, second;
  ASSERT_TRUE(
      StartReturn(ReturnOf(order, "r1", {{0, 2, fd::DISPOSITION_CREDIT_ONLY}}), &first).ok());
  EXPECT_EQ(first.status(), fd::RETURN_STATUS_REFUNDED);  // credit at once
  ASSERT_TRUE(StartReturn(ReturnOf(order, "r2",
                                   {{0, 1, fd::DISPOSITION_CREDIT_ONLY},
                                    {1, 1, fd::DISPOSITION_CREDIT_ONLY}}),
                          &second)
                  .ok());
  // Charges beyond the lines (none here) stay with the order; the lines'
  // net and tax come back to the cent.
  int64_t lines_total = 0;
  for (const auto& l : order.lines())
    lines_total += l.net_amount().minor_units() + l.tax().minor_units();
  EXPECT_EQ(first.refunded().minor_units() + second.refunded().minor_units(), lines_total);
  Order now = Get(order.order_id());
  EXPECT_EQ(now.payments(0).refunded().minor_units(), lines_total);
  if (lines_total == order.total().minor_units()) {
    EXPECT_EQ(now.payments(0).status(), common::v1::PAYMENT_STATUS_REFUNDED);
    EXPECT_EQ(PaymentsOf(order.order_id())[0].status(), common::v1::PAYMENT_STATUS_REFUNDED);
  }
  // Nothing is left to return.
  fd::ReturnOrder none;
  grpc::Status s = StartReturn(ReturnOf(order, "r3", {{0, 1, fd::DISPOSITION_CREDIT}}), &none);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(ReturnsTest, EveryRuleOfStartingAReturnHasItsErrorCode) {
  World();
  Warehouse("wh", Id("cc"));
  EditCallCenter(
      [](order::v1::CallCenter& cc) { cc.add_return_reasons()->set_reason_code("DAMAGED"); });
  Order order = Start();
  ASSERT_TRUE(AddLine(&order, "A", 3).ok());
  ASSERT_TRUE(AddLine(&order, "B", 1).ok());
  ASSERT_TRUE(Pay(&order, "tok_4242", "pay").ok());
  ASSERT_TRUE(Submit(&order).ok());
  fd::ReturnOrder ret;
  // Nothing shipped yet.
  EXPECT_EQ(StartReturn(ReturnOf(order, "x0", {{0, 1, fd::DISPOSITION_CREDIT}}), &ret).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  Order shipped;
  ASSERT_TRUE(Ship(Shipment(order, "S1", {{0, 2}}), &shipped).ok());
  // More than shipped; a line not shipped; an unknown reason; no lines; a
  // missing disposition; a line twice; an unknown line.
  EXPECT_EQ(StartReturn(ReturnOf(order, "x1", {{0, 3, fd::DISPOSITION_CREDIT}}), &ret).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(StartReturn(ReturnOf(order, "x2", {{1, 1, fd::DISPOSITION_CREDIT}}), &ret).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(StartReturn(ReturnOf(order, "x3", {{0, 1, fd::DISPOSITION_CREDIT}}, "NOPE"), &ret)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(StartReturn(ReturnOf(order, "x4", {}), &ret).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(
      StartReturn(ReturnOf(order, "x5", {{0, 1, fd::DISPOSITION_UNSPECIFIED}}), &ret).error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(StartReturn(ReturnOf(order, "x6",
                                 {{0, 1, fd::DISPOSITION_CREDIT}, {0, 1, fd::DISPOSITION_CREDIT}}),
                        &ret)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  fd::StartReturnRequest unknown = ReturnOf(order, "x7", {{0, 1, fd::DISPOSITION_CREDIT}});
  unknown.mutable_lines(0)->set_line_id("no-such-line");
  EXPECT_EQ(StartReturn(unknown, &ret).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Get(order.order_id()).lines(0).returned_quantity(), 0);  // nothing written

  // Another call center's agent can neither start nor read one.
  ASSERT_TRUE(StartReturn(ReturnOf(order, "ok", {{0, 2, fd::DISPOSITION_CREDIT}}), &ret).ok());
  {
    grpc::ClientContext ctx;
    order::v1::UpsertCallCenterRequest req;
    req.mutable_call_center()->set_call_center_id(Id("cc-other"));
    req.mutable_call_center()->set_currency("USD");
    req.mutable_call_center()->add_payment_methods(common::v1::PAYMENT_METHOD_CARD);
    req.mutable_call_center()->add_delivery_modes("STANDARD");
    order::v1::UpsertCallCenterResponse resp;
    ASSERT_TRUE(suite->call_centers->UpsertCallCenter(&ctx, req, &resp).ok());
    grpc::ClientContext uctx;
    order::v1::UpsertUserRequest user;
    user.mutable_user()->set_user_id(Id("intruder"));
    user.mutable_user()->set_call_center_id(Id("cc-other"));
    order::v1::UpsertUserResponse uresp;
    ASSERT_TRUE(suite->call_centers->UpsertUser(&uctx, user, &uresp).ok());
  }
  fd::ReturnOrder seen;
  EXPECT_EQ(GetReturn(ret.return_id(), &seen, "intruder").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(StartReturn(ReturnOf(order, "x8", {{0, 1, fd::DISPOSITION_CREDIT}}), &seen, "intruder")
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(GetReturn("00000000-0000-4000-8000-000000000000", &seen).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(GetReturn("not-a-uuid", &seen).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  // Only a fulfilment user records the goods coming back, only what is expected.
  fd::ReturnOrder out;
  fd::RecordReturnReceiptRequest by_agent;
  by_agent.set_request_id(Id("rcv-agent"));
  by_agent.set_return_id(ret.return_id());
  auto* l = by_agent.add_lines();
  l->set_line_id(order.lines(0).line_id());
  l->set_quantity(1);
  fd::RecordReturnReceiptResponse resp;
  EXPECT_EQ(suite->fulfillment->RecordReturnReceipt(suite->As(Id("agent")).get(), by_agent, &resp)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Receive(ret, "rcv-3", {{order.lines(0).line_id(), 3}}, &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(Receive(ret, "rcv-1", {{order.lines(0).line_id(), 1}}, &out).ok());
  EXPECT_EQ(out.status(), fd::RETURN_STATUS_AWAITING_RECEIPT);  // one of two back
  // Something received: it can no longer be canceled.
  EXPECT_EQ(Cancel(ret, "cancel", &out).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(ReturnsTest, ARefundAtTheThresholdWaitsForAnApprover) {
  const Order order = ShippedOrder();
  EditCallCenter(
      [](order::v1::CallCenter& cc) { *cc.mutable_refund_approval_threshold() = Usd(2000); });
  Permit("super", true, 0);
  const int64_t refunded_before = suite->connector->refunded_total();
  fd::ReturnOrder big, small, out;
  ASSERT_TRUE(
      StartReturn(ReturnOf(order, "big", {{0, 1, fd::DISPOSITION_CREDIT_ONLY}}), &big).ok());
  ASSERT_EQ(big.credit_total().minor_units(), 2000);  // 20.00: at the threshold
  EXPECT_EQ(big.status(), fd::RETURN_STATUS_PENDING_APPROVAL);
  EXPECT_EQ(big.refunded().minor_units(), 0);
  // The agent may not approve; the supervisor may.
  EXPECT_EQ(Approve(big, "approve-agent", true, "agent", &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Approve(big, "approve", true, "super", &out).ok());
  EXPECT_EQ(out.status(), fd::RETURN_STATUS_REFUNDED);
  EXPECT_EQ(out.decided_by(), Id("super"));
  EXPECT_EQ(out.refunded().minor_units(), 2000);
  EXPECT_EQ(suite->connector->refunded_total() - refunded_before, 2000);
  // Approving again: nothing awaits approval.
  EXPECT_EQ(Approve(big, "approve-2", true, "super", &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  // Declined: nothing paid, with the reason; a decline needs one.
  ASSERT_TRUE(
      StartReturn(ReturnOf(order, "declined", {{0, 2, fd::DISPOSITION_CREDIT_ONLY}}), &small).ok());
  EXPECT_EQ(small.status(), fd::RETURN_STATUS_PENDING_APPROVAL);
  fd::ApproveRefundRequest no_reason;
  no_reason.set_request_id(Id("decline-no-reason"));
  no_reason.set_return_id(small.return_id());
  fd::ApproveRefundResponse resp;
  EXPECT_EQ(
      suite->front->ApproveRefund(suite->As(Id("super")).get(), no_reason, &resp).error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(Approve(small, "decline", false, "super", &out).ok());
  EXPECT_EQ(out.status(), fd::RETURN_STATUS_DECLINED);
  EXPECT_EQ(out.decline_reason(), "goods were used");
  EXPECT_EQ(suite->connector->refunded_total() - refunded_before, 2000);
  EXPECT_EQ(CountEvents(Get(order.order_id()), "refund_declined"), 1);
}

TEST_F(ReturnsTest, AnAgentAdjustsTheCreditOnlyWithinTheirAllowanceAndTheChargeApplies) {
  const Order order = ShippedOrder();
  fd::ReturnOrder ret, out;
  ASSERT_TRUE(
      StartReturn(ReturnOf(order, "ret", {{0, 1, fd::DISPOSITION_CREDIT}}, "CHANGED_MIND"), &ret)
          .ok());
  // 20.00 less the reason's 10% charge.
  EXPECT_EQ(ret.charge().minor_units(), 200);
  EXPECT_EQ(ret.computed_credit().minor_units(), 1800);
  // No allowance: no adjustment.
  EXPECT_EQ(Adjust(ret, "adj-0", 1900, &out).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  Permit("agent", false, 1000);  // 10%: 1.80 either way
  EXPECT_EQ(Adjust(ret, "adj-1", 1981, &out).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Adjust(ret, "adj-2", 1619, &out).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Adjust(ret, "adj-3", 1980, &out).ok());
  EXPECT_EQ(out.credit_total().minor_units(), 1980);
  EXPECT_EQ(out.computed_credit().minor_units(), 1800);
  fd::ReturnOrder received;
  ASSERT_TRUE(Receive(ret, "rcv", {{order.lines(0).line_id(), 1}}, &received).ok());
  EXPECT_EQ(received.refunded().minor_units(), 1980);
  EXPECT_EQ(CountEvents(Get(order.order_id()), "return_credit_adjusted"), 1);
  // Refunded: no more adjustments.
  EXPECT_EQ(Adjust(ret, "adj-4", 1800, &out).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(ReturnsTest, ACanceledReturnGivesItsUnitsBack) {
  const Order order = ShippedOrder();
  fd::ReturnOrder ret, out;
  ASSERT_TRUE(StartReturn(ReturnOf(order, "ret", {{0, 3, fd::DISPOSITION_REPLACE}}), &ret).ok());
  EXPECT_EQ(Get(order.order_id()).lines(0).returned_quantity(), 3);
  ASSERT_TRUE(Cancel(ret, "cancel", &out).ok());
  EXPECT_EQ(out.status(), fd::RETURN_STATUS_CANCELED);
  ASSERT_TRUE(Cancel(ret, "cancel", &out).ok());  // a retry: the same
  EXPECT_EQ(Get(order.order_id()).lines(0).returned_quantity(), 0);
  EXPECT_EQ(Receive(ret, "rcv", {{order.lines(0).line_id(), 1}}, &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  // The units may be returned again.
  ASSERT_TRUE(StartReturn(ReturnOf(order, "ret-2", {{0, 3, fd::DISPOSITION_CREDIT}}), &ret).ok());
}

TEST_F(ReturnsTest, AnOrderPaidSeveralWaysIsRefundedByTheCallCentersMethod) {
  World();
  Warehouse("wh", Id("cc"));
  EditCallCenter([](order::v1::CallCenter& cc) {
    cc.add_return_reasons()->set_reason_code("DAMAGED");
    cc.set_refund_method(common::v1::PAYMENT_METHOD_ON_ACCOUNT);
  });
  Order order = Start();
  ASSERT_TRUE(AddLine(&order, "A", 2).ok());
  ASSERT_TRUE(Pay(&order, "tok_4242", "card-1", 1000).ok());
  ASSERT_TRUE(Pay(&order, "tok_4343", "card-2").ok());
  ASSERT_TRUE(Submit(&order).ok());
  Order shipped;
  ASSERT_TRUE(Ship(Shipment(order, "S1", {{0, 2}}), &shipped).ok());
  const int64_t card_refunds_before = suite->connector->refunded_total();
  fd::ReturnOrder ret;
  ASSERT_TRUE(
      StartReturn(ReturnOf(shipped, "ret", {{0, 2, fd::DISPOSITION_CREDIT_ONLY}}), &ret).ok());
  EXPECT_EQ(ret.refund_method(), common::v1::PAYMENT_METHOD_ON_ACCOUNT);
  EXPECT_EQ(ret.status(), fd::RETURN_STATUS_REFUNDED);
  const int64_t lines = Share(shipped.lines(0), 0, 2);
  EXPECT_EQ(ret.refunded().minor_units(), std::min(lines, shipped.total().minor_units()));
  // A credit on the account, not the cards; the payments show it.
  EXPECT_EQ(suite->connector->refunded_total(), card_refunds_before);
  int64_t shown = 0;
  for (const auto& p : PaymentsOf(order.order_id())) shown += p.refunded().minor_units();
  EXPECT_EQ(shown, ret.refunded().minor_units());
}

// A front door that stops after saving a return with its refund planned,
// before the payment service made it: recovery makes it, once; a retry
// answers the same and refunds nothing more.
TEST_F(ReturnsTest, ARefundInterruptedAfterItsPlanIsMadeOnceByRecovery) {
  const Order order = ShippedOrder();
  const int64_t refunded_before = suite->connector->refunded_total();
  const auto request = ReturnOf(order, "crash", {{1, 1, fd::DISPOSITION_CREDIT_ONLY}});
  StartReturnAndCrash(request);
  fd::ReturnOrder ret;
  EXPECT_EQ(suite->connector->refunded_total(), refunded_before);
  const int64_t credit = Share(order.lines(1), 0, 1);
  Order saved = Get(order.order_id());
  EXPECT_EQ(saved.payments(0).refunded().minor_units(), credit);  // planned, shown
  ASSERT_TRUE(suite->front_door().recovery().Run(absl::ZeroDuration()).ok());
  EXPECT_EQ(suite->connector->refunded_total() - refunded_before, credit);
  ASSERT_TRUE(StartReturn(request, &ret).ok());
  EXPECT_EQ(ret.status(), fd::RETURN_STATUS_REFUNDED);
  ASSERT_EQ(ret.refunds_size(), 1);
  EXPECT_TRUE(ret.refunds(0).done());
  ASSERT_TRUE(suite->front_door().recovery().Run(absl::ZeroDuration()).ok());
  EXPECT_EQ(suite->connector->refunded_total() - refunded_before, credit);
  EXPECT_EQ(PaymentsOf(order.order_id())[0].refunded().minor_units(), credit);
}

// The agent retries before recovery ran: the retry makes the refund, once.
TEST_F(ReturnsTest, ARefundInterruptedAfterItsPlanIsMadeOnceByTheRetry) {
  const Order order = ShippedOrder();
  const int64_t refunded_before = suite->connector->refunded_total();
  const auto request = ReturnOf(order, "crash", {{0, 2, fd::DISPOSITION_CREDIT_ONLY}});
  StartReturnAndCrash(request);
  fd::ReturnOrder ret;
  ASSERT_TRUE(StartReturn(request, &ret).ok());
  const int64_t credit = Share(order.lines(0), 0, 2);
  ASSERT_EQ(ret.refunds_size(), 1);
  EXPECT_TRUE(ret.refunds(0).done());
  EXPECT_EQ(ret.refunded().minor_units(), credit);
  EXPECT_EQ(suite->connector->refunded_total() - refunded_before, credit);
  ASSERT_TRUE(suite->front_door().recovery().Run(absl::ZeroDuration()).ok());
  ASSERT_TRUE(StartReturn(request, &ret).ok());
  EXPECT_EQ(suite->connector->refunded_total() - refunded_before, credit);
  EXPECT_EQ(PaymentsOf(order.order_id())[0].refunded().minor_units(), credit);
}

TEST_F(ReturnsTest, APriceMatchRefundsTheDifferenceOnShippedUnitsWithinTheMaximum) {
  const Order order = ShippedOrder();  // A: 3 units at 20.00, max_order_credit 10.00
  const int64_t refunded_before = suite->connector->refunded_total();
  Order out;
  EXPECT_EQ(PriceMatch(order, "pm-none", 1800, &out, "").error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);  // a reason is required
  EXPECT_EQ(PriceMatch(order, "pm-up", 2000, &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);  // not lower
  EXPECT_EQ(PriceMatch(order, "pm-big", 1600, &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);  // 4.00 x 3 > 10.00
  ASSERT_TRUE(PriceMatch(order, "pm", 1900, &out).ok());
  EXPECT_EQ(out.credits_total().minor_units(), 300);  // 1.00 x 3 shipped
  EXPECT_EQ(out.lines(0).matched_unit_price().minor_units(), 1900);
  EXPECT_EQ(suite->connector->refunded_total() - refunded_before, 300);
  ASSERT_TRUE(PriceMatch(order, "pm", 1900, &out).ok());  // a retry
  EXPECT_EQ(suite->connector->refunded_total() - refunded_before, 300);
  // A second match counts from the last matched price: 2.00 x 3.
  ASSERT_TRUE(PriceMatch(order, "pm-2", 1700, &out).ok());
  EXPECT_EQ(out.credits_total().minor_units(), 900);
  EXPECT_EQ(PriceMatch(order, "pm-3", 1600, &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);  // 9.00 + 3.00 > 10.00
  EXPECT_EQ(Get(order.order_id()).payments(0).refunded().minor_units(), 900);
  EXPECT_EQ(CountEvents(Get(order.order_id()), "price_matched"), 2);
  // Price control off: refused.
  EditCallCenter([](order::v1::CallCenter& cc) { cc.set_price_control_enabled(false); });
  grpc::Status off = PriceMatch(order, "pm-off", 1650, &out);
  EXPECT_EQ(off.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(off.error_message().find("price control"), std::string::npos);
}

TEST_F(ReturnsTest, AnOrderWithAnOpenReturnIsNotPurged) {
  const Order order = ShippedOrder();
  fd::ReturnOrder ret, out;
  ASSERT_TRUE(StartReturn(ReturnOf(order, "ret", {{0, 1, fd::DISPOSITION_CREDIT}}), &ret).ok());
  auto purge = [&](const std::string& date) {
    fd::PurgeOrdersRequest req;
    req.set_created_on_or_before(date);
    req.set_customer_id(Id("cust"));
    fd::PurgeOrdersResponse resp;
    EXPECT_TRUE(suite->fulfillment->PurgeOrders(suite->As(Id("wh")).get(), req, &resp).ok());
    return resp.purged_order_ids_size();
  };
  EXPECT_EQ(purge("2099-12-31"), 0);
  ASSERT_TRUE(Receive(ret, "rcv", {{order.lines(0).line_id(), 1}}, &out).ok());
  EXPECT_EQ(out.status(), fd::RETURN_STATUS_REFUNDED);
  EXPECT_EQ(purge("2099-12-31"), 1);
}

// An exchange: the new order's RETURN_CREDIT payment carries the return's
// credit up to its total (kept current as it changes); submitted while the
// goods are awaited it is held PENDING_RETURN, which their receipt clears
// (CONFIRMED); the return refunds only what the exchange did not take.
TEST_F(ReturnsTest, AnExchangeIsPaidByTheReturnsCreditAndConfirmedWhenTheGoodsArrive) {
  const Order order = ShippedOrder();
  const int64_t refunded_before = suite->connector->refunded_total();
  fd::ReturnOrder ret;
  ASSERT_TRUE(StartReturn(ReturnOf(order, "ret", {{0, 1, fd::DISPOSITION_REPLACE}}), &ret).ok());
  const int64_t credit = ret.credit_total().minor_units();
  ASSERT_EQ(credit, Share(order.lines(0), 0, 1));

  Order exchange;
  {  // Another customer's exchange: refused, nothing made.
    grpc::ClientContext ctx;
    order::v1::UpsertCustomerRequest req;
    req.mutable_customer()->set_customer_id(Id("cust-2"));
    req.mutable_customer()->set_name("Other");
    order::v1::UpsertCustomerResponse resp;
    ASSERT_TRUE(suite->customers->UpsertCustomer(&ctx, req, &resp).ok());
  }
  EXPECT_EQ(StartExchange("x-other", ret.return_id(), Id("cust-2"), &exchange).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(StartExchange("x", ret.return_id(), Id("cust"), &exchange).ok());
  EXPECT_EQ(exchange.exchange_for_return_id(), ret.return_id());
  ASSERT_EQ(exchange.payments_size(), 1);
  EXPECT_EQ(exchange.payments(0).method(), common::v1::PAYMENT_METHOD_RETURN_CREDIT);
  fd::ReturnOrder linked;
  ASSERT_TRUE(GetReturn(ret.return_id(), &linked).ok());
  EXPECT_EQ(linked.exchange_order_id(), exchange.order_id());
  // A second exchange for the same return: refused.
  Order second;
  EXPECT_EQ(StartExchange("x-2", ret.return_id(), Id("cust"), &second).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  // One B (15.00): the credit pays it all; then one A more: the credit pays
  // what it has, the rest is due.
  ASSERT_TRUE(AddLine(&exchange, "B", 1, Id("x-line-b")).ok());
  EXPECT_EQ(exchange.payments(0).amount().minor_units(),
            std::min(credit, exchange.total().minor_units()));
  ASSERT_TRUE(AddLine(&exchange, "A", 1, Id("x-line-a")).ok());
  ASSERT_GT(exchange.total().minor_units(), credit);
  EXPECT_EQ(exchange.payments(0).amount().minor_units(), credit);
  EXPECT_EQ(exchange.balance_due().minor_units(), exchange.total().minor_units() - credit);
  ASSERT_TRUE(Pay(&exchange, "tok_4242", "x-pay").ok());
  ASSERT_TRUE(Submit(&exchange, "x-submit").ok());
  EXPECT_EQ(exchange.status(), common::v1::ORDER_STATUS_ON_HOLD);
  bool pending = false;
  for (const auto& h : exchange.holds())
    pending = pending || (h.open() && h.hold_code() == "PENDING_RETURN");
  EXPECT_TRUE(pending);
  EXPECT_EQ(exchange.payments(0).status(), common::v1::PAYMENT_STATUS_CAPTURED);
  ASSERT_TRUE(GetReturn(ret.return_id(), &linked).ok());
  EXPECT_EQ(linked.exchange_credit().minor_units(), credit);
  EXPECT_EQ(linked.status(), fd::RETURN_STATUS_AWAITING_RECEIPT);

  // The goods arrive: nothing left to refund, the exchange CONFIRMED.
  fd::ReturnOrder received;
  ASSERT_TRUE(Receive(ret, "rcv", {{order.lines(0).line_id(), 1}}, &received).ok());
  EXPECT_EQ(received.status(), fd::RETURN_STATUS_REFUNDED);
  EXPECT_EQ(received.refunded().minor_units(), 0);
  EXPECT_EQ(suite->connector->refunded_total(), refunded_before);
  const Order confirmed = Get(exchange.order_id());
  EXPECT_EQ(confirmed.status(), common::v1::ORDER_STATUS_CONFIRMED);
  for (const auto& h : confirmed.holds()) EXPECT_FALSE(h.open());
}

TEST_F(ReturnsTest, AnExchangeSmallerThanTheCreditLeavesTheRestToRefund) {
  const Order order = ShippedOrder();
  const int64_t refunded_before = suite->connector->refunded_total();
  fd::ReturnOrder ret;
  ASSERT_TRUE(StartReturn(ReturnOf(order, "ret", {{0, 2, fd::DISPOSITION_REPLACE}}), &ret).ok());
  const int64_t credit = ret.credit_total().minor_units();
  // No exchange: the goods arrive and the whole credit is refunded.
  fd::ReturnOrder received;
  ASSERT_TRUE(Receive(ret, "rcv", {{order.lines(0).line_id(), 2}}, &received).ok());
  EXPECT_EQ(received.status(), fd::RETURN_STATUS_REFUNDED);  // no exchange: all refunded
  EXPECT_EQ(received.refunded().minor_units(), credit);
  // Its credit is spent: no exchange any more.
  Order exchange;
  EXPECT_EQ(StartExchange("x", ret.return_id(), Id("cust"), &exchange).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  fd::ReturnOrder next;
  ASSERT_TRUE(StartReturn(ReturnOf(order, "ret-2", {{0, 1, fd::DISPOSITION_REPLACE}}), &next).ok());
  ASSERT_TRUE(StartExchange("x-2", next.return_id(), Id("cust"), &exchange).ok());
  Product("C", 500, 100, false);  // 5.00, less than the credit
  ASSERT_TRUE(AddLine(&exchange, "C", 1).ok());
  const int64_t took = exchange.total().minor_units();
  ASSERT_LT(took, next.credit_total().minor_units());
  ASSERT_TRUE(Submit(&exchange, "x-submit").ok());
  ASSERT_TRUE(Receive(next, "rcv-2", {{order.lines(0).line_id(), 1}}, &received).ok());
  EXPECT_EQ(received.status(), fd::RETURN_STATUS_REFUNDED);
  EXPECT_EQ(received.exchange_credit().minor_units(), took);
  EXPECT_EQ(received.refunded().minor_units(), next.credit_total().minor_units() - took);
  EXPECT_EQ(suite->connector->refunded_total() - refunded_before,
            credit + next.credit_total().minor_units() - took);
  EXPECT_EQ(Get(exchange.order_id()).status(), common::v1::ORDER_STATUS_CONFIRMED);
}

// The goods come back while the exchange is still a draft: the refund waits
// for its submit, which takes what it needs and refunds the rest; nothing
// to wait for, so no PENDING_RETURN hold.
TEST_F(ReturnsTest, GoodsBackBeforeTheExchangeIsSubmittedAreRefundedAtItsSubmit) {
  const Order order = ShippedOrder();
  const int64_t refunded_before = suite->connector->refunded_total();
  fd::ReturnOrder ret, received;
  ASSERT_TRUE(StartReturn(ReturnOf(order, "ret", {{1, 1, fd::DISPOSITION_REPLACE}}), &ret).ok());
  Order exchange;
  ASSERT_TRUE(StartExchange("x", ret.return_id(), Id("cust"), &exchange).ok());
  ASSERT_TRUE(Receive(ret, "rcv", {{order.lines(1).line_id(), 1}}, &received).ok());
  EXPECT_EQ(received.status(), fd::RETURN_STATUS_RECEIVED);  // waits for the exchange
  EXPECT_EQ(received.refunded().minor_units(), 0);
  Product("C", 500, 100, false);
  ASSERT_TRUE(AddLine(&exchange, "C", 2).ok());
  const int64_t took = exchange.total().minor_units();
  ASSERT_TRUE(Submit(&exchange, "x-submit").ok());
  EXPECT_EQ(exchange.status(), common::v1::ORDER_STATUS_CONFIRMED);
  fd::ReturnOrder done;
  ASSERT_TRUE(GetReturn(ret.return_id(), &done).ok());
  EXPECT_EQ(done.status(), fd::RETURN_STATUS_REFUNDED);
  EXPECT_EQ(done.exchange_credit().minor_units(), took);
  EXPECT_EQ(done.refunded().minor_units(), ret.credit_total().minor_units() - took);
  EXPECT_EQ(suite->connector->refunded_total() - refunded_before,
            ret.credit_total().minor_units() - took);
  // The submit again: nothing more refunded.
  ASSERT_TRUE(Submit(&exchange, "x-submit").ok());
  EXPECT_EQ(suite->connector->refunded_total() - refunded_before,
            ret.credit_total().minor_units() - took);
}

}  // namespace
}  // namespace callcenter::testing
