#include "services/order/domain/order_rules.h"

#include "gtest/gtest.h"

namespace callcenter::order {
namespace {

using common::v1::ORDER_STATUS_CANCELED;
using common::v1::ORDER_STATUS_CONFIRMED;
using common::v1::ORDER_STATUS_DRAFT;
using common::v1::ORDER_STATUS_ON_HOLD;
using common::v1::ORDER_STATUS_PARTIALLY_SHIPPED;
using common::v1::ORDER_STATUS_SHIPPED;
using common::v1::ORDER_STATUS_UNSPECIFIED;

TEST(OrderRulesTest, TransitionTable) {
  struct Case {
    OrderStatus from, to;
    bool ok;
  } cases[] = {
      {ORDER_STATUS_DRAFT, ORDER_STATUS_DRAFT, true},
      {ORDER_STATUS_DRAFT, ORDER_STATUS_CONFIRMED, true},
      {ORDER_STATUS_DRAFT, ORDER_STATUS_ON_HOLD, true},
      {ORDER_STATUS_DRAFT, ORDER_STATUS_CANCELED, true},
      {ORDER_STATUS_DRAFT, ORDER_STATUS_UNSPECIFIED, false},
      {ORDER_STATUS_ON_HOLD, ORDER_STATUS_ON_HOLD, true},
      {ORDER_STATUS_ON_HOLD, ORDER_STATUS_CONFIRMED, true},
      {ORDER_STATUS_ON_HOLD, ORDER_STATUS_CANCELED, true},
      {ORDER_STATUS_ON_HOLD, ORDER_STATUS_DRAFT, false},
      {ORDER_STATUS_CONFIRMED, ORDER_STATUS_CONFIRMED, true},
      {ORDER_STATUS_CONFIRMED, ORDER_STATUS_ON_HOLD, true},
      {ORDER_STATUS_CONFIRMED, ORDER_STATUS_PARTIALLY_SHIPPED, true},
      {ORDER_STATUS_CONFIRMED, ORDER_STATUS_SHIPPED, true},
      {ORDER_STATUS_CONFIRMED, ORDER_STATUS_CANCELED, true},
      {ORDER_STATUS_CONFIRMED, ORDER_STATUS_DRAFT, false},
      {ORDER_STATUS_PARTIALLY_SHIPPED, ORDER_STATUS_PARTIALLY_SHIPPED, true},
      {ORDER_STATUS_PARTIALLY_SHIPPED, ORDER_STATUS_SHIPPED, true},
      {ORDER_STATUS_PARTIALLY_SHIPPED, ORDER_STATUS_CONFIRMED, false},
      {ORDER_STATUS_PARTIALLY_SHIPPED, ORDER_STATUS_CANCELED, false},
      {ORDER_STATUS_SHIPPED, ORDER_STATUS_SHIPPED, true},
      {ORDER_STATUS_SHIPPED, ORDER_STATUS_PARTIALLY_SHIPPED, false},
      {ORDER_STATUS_SHIPPED, ORDER_STATUS_CANCELED, false},
      {ORDER_STATUS_CANCELED, ORDER_STATUS_DRAFT, false},
      {ORDER_STATUS_CANCELED, ORDER_STATUS_CANCELED, false},
  };
  for (const Case& c : cases) {
    absl::Status s = CheckTransition(c.from, c.to);
    EXPECT_EQ(s.ok(), c.ok) << c.from << " -> " << c.to;
    if (!c.ok) {
      EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
    }
  }
}

v1::CallCenter ValidCallCenter() {
  v1::CallCenter cc;
  cc.set_call_center_id("cc1");
  cc.set_currency("USD");
  cc.add_payment_methods(common::v1::PAYMENT_METHOD_CARD);
  cc.add_delivery_modes("STANDARD");
  return cc;
}

TEST(OrderRulesTest, CallCenterNeedsPaymentMethodsAndDeliveryModes) {
  EXPECT_TRUE(ValidateCallCenter(ValidCallCenter()).ok());
  v1::CallCenter no_methods = ValidCallCenter();
  no_methods.clear_payment_methods();
  absl::Status s = ValidateCallCenter(no_methods);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("payment_methods"), absl::string_view::npos);
  v1::CallCenter no_modes = ValidCallCenter();
  no_modes.clear_delivery_modes();
  EXPECT_NE(ValidateCallCenter(no_modes).message().find("delivery_modes"), absl::string_view::npos);
  v1::CallCenter bad_currency = ValidCallCenter();
  bad_currency.set_currency("usd");
  EXPECT_NE(ValidateCallCenter(bad_currency).message().find("currency"), absl::string_view::npos);
}

TEST(OrderRulesTest, UserAndCustomer) {
  v1::CallCenterUser user;
  user.set_user_id("u");
  user.set_call_center_id("cc1");
  EXPECT_TRUE(ValidateUser(user).ok());
  user.set_price_override_max_bp(10001);
  EXPECT_FALSE(ValidateUser(user).ok());
  v1::Customer customer;
  customer.set_customer_id("c1");
  EXPECT_NE(ValidateCustomer(customer).message().find("customer.name"), absl::string_view::npos);
  customer.set_name("Ann");
  EXPECT_TRUE(ValidateCustomer(customer).ok());
}

}  // namespace
}  // namespace callcenter::order
