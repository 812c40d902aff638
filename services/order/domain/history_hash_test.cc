#include "services/order/domain/history_hash.h"

#include <random>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "openssl/evp.h"

namespace callcenter::order {
namespace {

using common::v1::Order;

// The definition every stored row's fingerprint was written with: the
// facts copied into an Order of their own, serialized deterministically.
std::string Reference(const Order& order) {
  Order facts;
  facts.set_order_id(order.order_id());
  facts.set_call_center_id(order.call_center_id());
  facts.set_customer_id(order.customer_id());
  *facts.mutable_created_at() = order.created_at();
  facts.set_created_by(order.created_by());
  *facts.mutable_events() = order.events();
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream raw(&bytes);
    google::protobuf::io::CodedOutputStream out(&raw);
    out.SetSerializationDeterministic(true);
    facts.SerializeToCodedStream(&out);
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), size));
}

Order RandomOrder(std::mt19937& rng) {
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  Order o;
  if (pick(4) != 0) o.set_order_id(absl::StrCat("order-", rng()));
  if (pick(4) != 0) o.set_call_center_id(absl::StrCat("cc-", pick(5)));
  if (pick(4) != 0) o.set_customer_id(absl::StrCat("cust-", pick(50)));
  if (pick(3) != 0) {
    o.mutable_created_at()->set_seconds(pick(2) ? 1700000000 + pick(100000) : 0);
    o.mutable_created_at()->set_nanos(pick(2) ? pick(1000000000) : 0);
  }
  if (pick(3) != 0) o.set_created_by(absl::StrCat("agent-", pick(9)));
  // Fields that are not facts: they must not change the fingerprint.
  o.set_version(pick(100));
  o.set_source_code("SPRING");
  o.add_lines()->set_product_id("p1");
  const int events = pick(40);
  for (int i = 0; i < events; ++i) {
    auto* e = o.add_events();
    if (pick(5) != 0) e->mutable_at()->set_seconds(1700000000 + i);
    e->set_user_id(pick(2) ? "agent-1" : "");
    e->set_kind(pick(2) ? "ORDER_EVENT_KIND_LINE_ADDED" : "");
    e->set_detail(std::string(static_cast<size_t>(pick(300)), 'x'));  // lengths over 127: two-byte varints
  }
  return o;
}

TEST(HistoryHashTest, SameAsTheStoredDefinitionOnRandomOrders) {
  std::mt19937 rng(7);
  for (int n = 0; n < 500; ++n) {
    const Order order = RandomOrder(rng);
    ASSERT_EQ(HistoryHash(order), Reference(order)) << order.ShortDebugString();
    for (int appended = 0; appended <= 3 && appended <= order.events_size(); ++appended) {
      Order without = order;
      for (int k = 0; k < appended; ++k) without.mutable_events()->RemoveLast();
      const HistoryHashes hashes = HashHistory(order, appended);
      EXPECT_EQ(hashes.after, Reference(order));
      EXPECT_EQ(hashes.before, Reference(without)) << "appended " << appended;
    }
  }
}

TEST(HistoryHashTest, AnEmptyOrderAndOutOfRangeCounts) {
  Order empty;
  EXPECT_EQ(HistoryHash(empty), Reference(empty));
  Order one;
  one.add_events()->set_detail("x");
  EXPECT_EQ(HashHistory(one, 5).before, Reference(empty));
  EXPECT_EQ(HashHistory(one, -1).before, Reference(one));
}

TEST(HistoryHashTest, EveryFactCountsAndNothingElse) {
  Order base;
  base.set_order_id("o");
  base.add_events()->set_detail("d");
  const std::string h = HistoryHash(base);
  Order changed = base;
  changed.set_version(9);
  changed.set_source_code("X");
  EXPECT_EQ(HistoryHash(changed), h);
  for (int fact = 0; fact < 5; ++fact) {
    Order c = base;
    if (fact == 0) c.set_order_id("p");
    if (fact == 1) c.set_call_center_id("cc");
    if (fact == 2) c.set_customer_id("k");
    if (fact == 3) c.mutable_events(0)->set_detail("e");
    if (fact == 4) c.set_created_by("u");
    EXPECT_NE(HistoryHash(c), h) << "fact " << fact;
  }
}

// An order with every kind of field a save passes through unparsed as well:
// lines with amounts, payments, holds, a map, an address, children.
Order RichOrder(std::mt19937& rng) {
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  Order o = RandomOrder(rng);
  o.set_status(static_cast<common::v1::OrderStatus>(pick(6)));
  o.set_currency(pick(2) ? "USD" : "");
  const int lines = pick(30);
  for (int i = 0; i < lines; ++i) {
    auto* l = o.add_lines();
    l->set_line_id(absl::StrCat("line-", i));
    l->set_product_id(absl::StrCat("p", pick(100)));
    l->set_quantity(1 + pick(9));
    l->mutable_unit_price()->set_currency("USD");
    l->mutable_unit_price()->set_minor_units(pick(100000));
    if (pick(2)) l->add_discounts()->set_discount_id("D1");
  }
  if (pick(2)) {
    o.mutable_total()->set_currency("USD");
    o.mutable_total()->set_minor_units(pick(1000000));
  }
  const int payments = pick(4);
  for (int i = 0; i < payments; ++i) {
    auto* p = o.add_payments();
    p->set_payment_id(absl::StrCat("pay-", i));
    if (pick(2)) p->mutable_refunded()->set_minor_units(pick(1000));
  }
  if (pick(2)) o.add_holds()->set_hold_id("h1");
  if (pick(2)) (*o.mutable_financial_dimensions())["region"] = "west";
  if (pick(2)) o.mutable_delivery_address()->set_line1("1 Main St");
  if (pick(2)) o.add_child_order_ids("child-1");
  if (pick(2)) o.mutable_submitted_at()->set_seconds(1700000000 + pick(1000));
  if (pick(2)) o.mutable_updated_at()->set_seconds(1700000000 + pick(1000));
  if (pick(2)) o.set_archived(true);
  return o;
}

// A save reads the order's bytes as an OrderSaveView, stamps it and writes
// it back: the order written must be the order sent with those stamps, and
// the view's fingerprints the order's.
TEST(OrderSaveViewTest, AnOrderReadAsAViewIsWrittenBackAsItselfWithTheStamps) {
  std::mt19937 rng(11);
  for (int n = 0; n < 300; ++n) {
    const Order order = RichOrder(rng);
    v1::OrderSaveView view;
    ASSERT_TRUE(view.ParseFromString(order.SerializeAsString()));
    EXPECT_EQ(view.order_id(), order.order_id());
    EXPECT_EQ(view.status(), order.status());
    EXPECT_EQ(view.total().minor_units(), order.total().minor_units());
    ASSERT_EQ(view.payments_size(), order.payments_size());
    ASSERT_EQ(view.events_size(), order.events_size());
    for (int appended = 0; appended <= 3 && appended <= order.events_size(); ++appended) {
      const HistoryHashes of_view = HashHistory(view, appended);
      const HistoryHashes of_order = HashHistory(order, appended);
      EXPECT_EQ(of_view.before, of_order.before);
      EXPECT_EQ(of_view.after, of_order.after);
    }
    Order back;
    ASSERT_TRUE(back.ParseFromString(view.SerializeAsString()));
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(back, order))
        << order.ShortDebugString();
    // Stamped as a save stamps: a new version and time, an event appended.
    Order stamped = order;
    stamped.set_version(order.version() + 1);
    stamped.mutable_updated_at()->set_seconds(1800000000);
    stamped.mutable_updated_at()->set_nanos(0);  // explicitly zero, over an earlier value
    common::v1::OrderEvent added;
    added.set_kind("ORDER_EVENT_KIND_LINE_ADDED");
    added.mutable_at()->set_seconds(1800000000);
    *stamped.add_events() = added;
    view.set_version(order.version() + 1);
    view.mutable_updated_at()->set_seconds(1800000000);
    view.mutable_updated_at()->set_nanos(0);
    view.add_events(added.SerializeAsString());
    ASSERT_TRUE(back.ParseFromString(view.SerializeAsString()));
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(back, stamped));
    EXPECT_EQ(HashHistory(view, 1).after, HashHistory(stamped, 1).after);
    EXPECT_EQ(HashHistory(view, 1).before, HashHistory(order, 0).after);
  }
}

}  // namespace
}  // namespace callcenter::order
