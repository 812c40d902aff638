#include "services/hold/domain/fraud.h"

#include "gtest/gtest.h"

namespace callcenter::hold {
namespace {

v1::FraudData Data(v1::FraudDataKind kind, const std::string& value, int64_t score) {
  v1::FraudData d;
  d.set_kind(kind);
  d.set_value(value);
  d.set_score(score);
  return d;
}

v1::FraudRule Rule(const std::string& id, int64_t score) {
  v1::FraudRule r;
  r.set_rule_id(id);
  r.set_score(score);
  r.set_active(true);
  return r;
}

v1::EvaluateFraudRequest Order() {
  v1::EvaluateFraudRequest o;
  o.set_customer_id("C1");
  o.set_email("Bad@Example.com ");
  o.set_phone("(555) 010-0999");
  o.set_billing_postal_code("sw1a 1aa");
  o.set_delivery_postal_code("SW1A1AA");
  o.set_delivery_country("gb");
  o.mutable_order_total()->set_currency("USD");
  o.mutable_order_total()->set_minor_units(50000);
  auto* l = o.add_lines();
  l->set_product_id("TV");
  l->set_quantity(2);
  auto* l2 = o.add_lines();
  l2->set_product_id("TV");
  l2->set_quantity(1);
  return o;
}

int64_t Score(const std::vector<v1::FraudRule>& rules, const std::vector<v1::FraudData>& data,
              const v1::EvaluateFraudRequest& order = Order()) {
  v1::EvaluateFraudResponse out;
  FraudIndex::Build(rules, data)->Evaluate(order, &out);
  int64_t sum = 0;
  for (const auto& m : out.matches()) sum += m.score();
  EXPECT_EQ(sum, out.score());
  return out.score();
}

TEST(FraudTest, StaticMatchesNormalizedAndCountedOnce) {
  EXPECT_EQ(Score({}, {Data(v1::FRAUD_DATA_KIND_EMAIL, "bad@example.com", 30)}), 30);
  EXPECT_EQ(Score({}, {Data(v1::FRAUD_DATA_KIND_PHONE, "555-010-0999", 20)}), 20);
  // Billing and delivery postal codes are the same value: counted once.
  EXPECT_EQ(Score({}, {Data(v1::FRAUD_DATA_KIND_POSTAL_CODE, "SW1A 1AA", 25)}), 25);
  EXPECT_EQ(Score({}, {Data(v1::FRAUD_DATA_KIND_EMAIL, "good@example.com", 30)}), 0);
  EXPECT_EQ(Score({}, {Data(v1::FRAUD_DATA_KIND_EMAIL, "bad@example.com", 30),
                       Data(v1::FRAUD_DATA_KIND_PHONE, "5550100999", 20)}), 50);
}

TEST(FraudTest, RuleConditionsAllMustHold) {
  struct Case {
    std::string name;
    v1::FraudRule rule;
    int64_t want;
  };
  v1::FraudRule total = Rule("total", 40);
  total.mutable_order_total_at_least()->set_minor_units(50000);
  v1::FraudRule total_high = Rule("total_high", 40);
  total_high.mutable_order_total_at_least()->set_minor_units(50001);
  v1::FraudRule customer = Rule("customer", 10);
  customer.set_customer_id("C1");
  v1::FraudRule other_customer = Rule("other", 10);
  other_customer.set_customer_id("C2");
  v1::FraudRule country = Rule("country", 15);
  country.set_delivery_country("GB");
  v1::FraudRule qty = Rule("qty", 50);
  qty.set_product_id("TV");
  qty.set_min_quantity(3);  // 2 + 1 across lines
  v1::FraudRule qty_high = Rule("qty4", 50);
  qty_high.set_product_id("TV");
  qty_high.set_min_quantity(4);
  v1::FraudRule both = Rule("both", 70);
  both.set_delivery_country("GB");
  both.set_customer_id("C2");
  v1::FraudRule inactive = Rule("inactive", 99);
  inactive.set_active(false);
  v1::FraudRule unconditional = Rule("any", 5);
  Case cases[] = {
      {"total reached exactly", total, 40},
      {"total one cent short", total_high, 0},
      {"customer", customer, 10},
      {"other customer", other_customer, 0},
      {"country, case-insensitive", country, 15},
      {"product quantity summed over lines", qty, 50},
      {"product quantity short", qty_high, 0},
      {"every condition must hold", both, 0},
      {"inactive rules are ignored", inactive, 0},
      {"a rule without conditions always matches", unconditional, 5},
  };
  for (const Case& c : cases) EXPECT_EQ(Score({c.rule}, {}), c.want) << c.name;
}

TEST(FraudTest, HoldOnlyAboveTheMinimum) {
  EXPECT_FALSE(NeedsFraudHold(100, 100));
  EXPECT_TRUE(NeedsFraudHold(101, 100));
  EXPECT_FALSE(NeedsFraudHold(0, 0));
  EXPECT_TRUE(NeedsFraudHold(1, 0));
}

TEST(FraudTest, MayClear) {
  google::protobuf::RepeatedPtrField<std::string> codes;
  EXPECT_FALSE(MayClear("FRAUD", codes));
  *codes.Add() = "CREDIT";
  EXPECT_FALSE(MayClear("FRAUD", codes));
  *codes.Add() = "FRAUD";
  EXPECT_TRUE(MayClear("FRAUD", codes));
  google::protobuf::RepeatedPtrField<std::string> all;
  *all.Add() = "*";
  EXPECT_TRUE(MayClear("ANYTHING", all));
  google::protobuf::RepeatedPtrField<std::string> none;
  EXPECT_TRUE(MayClear("CUSTOMER_REQUEST", none, /*code_open_to_all=*/true));
}

}  // namespace
}  // namespace callcenter::hold
