#include "services/order/domain/continuity.h"

#include "gtest/gtest.h"

namespace callcenter::order {
namespace {

v1::ContinuitySchedule Schedule() {
  v1::ContinuitySchedule s;
  s.set_product_id("VIT");
  s.set_quantity(1);
  s.mutable_price()->set_currency("USD");
  s.mutable_price()->set_minor_units(1999);
  s.set_interval_days(30);
  s.set_repeats(3);
  s.set_start_date("2026-12-15");
  s.set_payment_token("tok_4242");
  s.set_payment_last4("4242");
  return s;
}

TEST(ContinuityTest, DueDatesCrossMonthsAndYears) {
  auto dates = ContinuityDueDates(Schedule());
  ASSERT_TRUE(dates.ok());
  EXPECT_EQ(*dates, (std::vector<std::string>{"2027-01-14", "2027-02-13", "2027-03-15"}));
  v1::ContinuitySchedule bad = Schedule();
  bad.set_interval_days(0);
  EXPECT_FALSE(ContinuityDueDates(bad).ok());
  bad = Schedule();
  bad.set_start_date("15/12/2026");
  EXPECT_FALSE(ContinuityDueDates(bad).ok());
}

TEST(ContinuityTest, ChildOrderPricedAtTheSchedulePrice) {
  common::v1::Order parent;
  parent.set_order_id("parent");
  parent.set_call_center_id("cc1");
  parent.set_customer_id("C1");
  parent.set_currency("USD");
  (*parent.mutable_financial_dimensions())["department"] = "CC1";
  common::v1::Order child = MakeChildOrder(parent, Schedule(), 2, "child", "line");
  EXPECT_EQ(child.parent_order_id(), "parent");
  EXPECT_EQ(child.status(), common::v1::ORDER_STATUS_CONFIRMED);
  EXPECT_EQ(child.total().minor_units(), 1999);
  EXPECT_EQ(child.balance_due().minor_units(), 1999);
  EXPECT_EQ(child.paid_total().minor_units(), 0);  // pending payment never counts
  ASSERT_EQ(child.payments_size(), 1);
  EXPECT_EQ(child.payments(0).status(), common::v1::PAYMENT_STATUS_PENDING);
  EXPECT_EQ(child.financial_dimensions().at("department"), "CC1");
}

}  // namespace
}  // namespace callcenter::order
