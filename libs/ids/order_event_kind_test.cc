#include "libs/ids/order_event_kind.h"

#include <set>

#include "gtest/gtest.h"

namespace callcenter {
namespace {

using common::v1::OrderEventKind;

TEST(OrderEventKindTest, NamesAreTheEnumsInLowerCaseWithoutPrefix) {
  EXPECT_EQ(OrderEventKindName(common::v1::ORDER_EVENT_KIND_LINE_ADDED), "line_added");
  EXPECT_EQ(OrderEventKindName(common::v1::ORDER_EVENT_KIND_CONTINUITY_CHILD_CREATED),
            "continuity_child_created");
  EXPECT_EQ(OrderEventKindName(common::v1::ORDER_EVENT_KIND_UNSPECIFIED), "unspecified");
  EXPECT_EQ(OrderEventKindName(static_cast<OrderEventKind>(9999)), "unspecified");
}

TEST(OrderEventKindTest, EveryKindHasItsOwnName) {
  std::set<std::string> names;
  int kinds = 0;
  for (int k = 1; k < common::v1::OrderEventKind_ARRAYSIZE; ++k) {
    if (!common::v1::OrderEventKind_IsValid(k)) continue;
    ++kinds;
    names.insert(OrderEventKindName(static_cast<OrderEventKind>(k)));
  }
  EXPECT_EQ(static_cast<int>(names.size()), kinds);
  EXPECT_EQ(names.count("unspecified"), 0u);
}

TEST(OrderEventKindTest, MakeOrderEventFillsWhoWhatAndDetail) {
  const common::v1::OrderEvent e =
      MakeOrderEvent("ann", common::v1::ORDER_EVENT_KIND_HOLD_CLEARED, "FRAUD: checked");
  EXPECT_EQ(e.user_id(), "ann");
  EXPECT_EQ(e.kind(), "hold_cleared");
  EXPECT_EQ(e.detail(), "FRAUD: checked");
}

}  // namespace
}  // namespace callcenter
