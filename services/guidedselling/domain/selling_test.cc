#include "services/guidedselling/domain/selling.h"

#include "gtest/gtest.h"

namespace callcenter::guidedselling {
namespace {

constexpr char kToday[] = "2026-06-15";

v1::Script Script(const std::string& id, common::v1::ScriptTiming timing, int priority,
                  const std::string& cc, const std::string& source, const std::string& product) {
  v1::Script s;
  s.set_script_id(id);
  s.set_kind(common::v1::SCRIPT_KIND_SCRIPT);
  s.set_timing(timing);
  s.set_priority(priority);
  s.set_call_center_id(cc);
  s.set_source_code(source);
  s.set_product_id(product);
  s.set_text(id);
  s.set_active(true);
  return s;
}

v1::UpsellRule Rule(const std::string& id, const std::string& trigger, const std::string& suggest,
                    int priority, const std::string& source = "") {
  v1::UpsellRule r;
  r.set_rule_id(id);
  r.set_trigger_product_id(trigger);
  r.set_suggested_product_id(suggest);
  r.set_kind(common::v1::PROMPT_KIND_UPSELL);
  r.set_priority(priority);
  r.set_script("Would you like " + suggest + "?");
  r.set_source_code(source);
  r.set_active(true);
  return r;
}

std::vector<std::string> Texts(const std::vector<common::v1::OrderScript>& s) {
  std::vector<std::string> out;
  for (const auto& x : s) out.push_back(x.text());
  return out;
}

std::vector<std::string> Products(const std::vector<common::v1::Prompt>& p) {
  std::vector<std::string> out;
  for (const auto& x : p) out.push_back(x.product_id());
  return out;
}

TEST(SellingTest, ScriptsBySituationAndPriority) {
  v1::Script inactive = Script("inactive", common::v1::SCRIPT_TIMING_BEGINNING, 9, "cc1", "", "");
  inactive.set_active(false);
  auto index = SellingIndex::Build(
      {Script("cc-low", common::v1::SCRIPT_TIMING_BEGINNING, 1, "cc1", "", ""),
       Script("src-high", common::v1::SCRIPT_TIMING_BEGINNING, 5, "", "SPRING", ""),
       Script("other-cc", common::v1::SCRIPT_TIMING_BEGINNING, 9, "cc2", "", ""),
       Script("item-a", common::v1::SCRIPT_TIMING_ITEM, 1, "", "", "A"),
       Script("end-cc", common::v1::SCRIPT_TIMING_END, 1, "cc1", "", ""),
       Script("end-a", common::v1::SCRIPT_TIMING_END, 2, "", "", "A"), inactive},
      {});
  v1::GetScriptsRequest begin;
  begin.set_timing(common::v1::SCRIPT_TIMING_BEGINNING);
  begin.set_call_center_id("cc1");
  begin.set_source_code("SPRING");
  EXPECT_EQ(Texts(index->Scripts(begin)), (std::vector<std::string>{"src-high", "cc-low"}));
  v1::GetScriptsRequest item;
  item.set_timing(common::v1::SCRIPT_TIMING_ITEM);
  item.set_call_center_id("cc1");
  item.add_product_ids("A");
  EXPECT_EQ(Texts(index->Scripts(item)), (std::vector<std::string>{"item-a"}));
  v1::GetScriptsRequest end;
  end.set_timing(common::v1::SCRIPT_TIMING_END);
  end.set_call_center_id("cc1");
  end.add_product_ids("A");
  end.add_product_ids("B");
  EXPECT_EQ(Texts(index->Scripts(end)), (std::vector<std::string>{"end-a", "end-cc"}));
}

// A script matched by several of the call's keys (its call center, its
// source code, a product asked twice) comes once; priority ties go by id;
// the thousands of scripts of other products are not looked at.
TEST(SellingTest, AScriptAttachedSeveralWaysComesOnce) {
  std::vector<v1::Script> scripts = {
      Script("both", common::v1::SCRIPT_TIMING_ITEM, 3, "cc1", "SPRING", "A"),
      Script("b-tie", common::v1::SCRIPT_TIMING_ITEM, 2, "", "", "B"),
      Script("a-tie", common::v1::SCRIPT_TIMING_ITEM, 2, "", "", "A")};
  for (int i = 0; i < 5000; ++i) {
    scripts.push_back(Script("other-" + std::to_string(i), common::v1::SCRIPT_TIMING_ITEM, 9, "",
                             "", "P" + std::to_string(i)));
  }
  auto index = SellingIndex::Build(std::move(scripts), {});
  v1::GetScriptsRequest item;
  item.set_timing(common::v1::SCRIPT_TIMING_ITEM);
  item.set_call_center_id("cc1");
  item.set_source_code("SPRING");
  item.add_product_ids("A");
  item.add_product_ids("B");
  item.add_product_ids("A");
  EXPECT_EQ(Texts(index->Scripts(item)), (std::vector<std::string>{"both", "a-tie", "b-tie"}));
  item.add_product_ids("P42");
  EXPECT_EQ(Texts(index->Scripts(item)),
            (std::vector<std::string>{"other-42", "both", "a-tie", "b-tie"}));
  v1::GetScriptsRequest none;
  none.set_timing(common::v1::SCRIPT_TIMING_ITEM);
  EXPECT_TRUE(index->Scripts(none).empty());  // nothing attached: nothing
}

v1::GetPromptsRequest Added(const std::string& product, std::vector<std::string> on_order = {}) {
  v1::GetPromptsRequest r;
  r.add_trigger_product_ids(product);
  for (auto& p : on_order) r.add_order_product_ids(p);
  r.mutable_order_amount()->set_currency("USD");
  r.mutable_order_amount()->set_minor_units(5000);
  return r;
}

TEST(SellingTest, PromptsByPriorityWithoutProductsOnTheOrder) {
  auto index = SellingIndex::Build({}, {Rule("r1", "A", "B", 1), Rule("r2", "A", "C", 5),
                                        Rule("r3", "A", "D", 3), Rule("r4", "A", "C", 2)});
  EXPECT_EQ(Products(index->Prompts(Added("A"), kToday)), (std::vector<std::string>{"C", "D", "B"}));
  EXPECT_EQ(Products(index->Prompts(Added("A", {"A", "C"}), kToday)),
            (std::vector<std::string>{"D", "B"}));
  EXPECT_TRUE(index->Prompts(Added("Z"), kToday).empty());
}

TEST(SellingTest, PromptConditions) {
  v1::UpsellRule group = Rule("group", "A", "G", 1);
  group.set_customer_group("VIP");
  v1::UpsellRule amount = Rule("amount", "A", "M", 1);
  amount.mutable_min_order_amount()->set_minor_units(5001);
  v1::UpsellRule expired = Rule("expired", "A", "E", 1);
  expired.set_valid_to("2026-06-14");
  v1::UpsellRule inactive = Rule("inactive", "A", "I", 1);
  inactive.set_active(false);
  auto index = SellingIndex::Build({}, {group, amount, expired, inactive});
  EXPECT_TRUE(index->Prompts(Added("A"), kToday).empty());
  v1::GetPromptsRequest vip = Added("A");
  vip.set_customer_group("VIP");
  vip.mutable_order_amount()->set_minor_units(5001);
  // Equal priorities: by rule id ("amount" before "group").
  EXPECT_EQ(Products(index->Prompts(vip, kToday)), (std::vector<std::string>{"M", "G"}));
}

TEST(SellingTest, CatalogRulesReplaceGeneralOnesWhileASourceCodeIsSet) {
  auto index = SellingIndex::Build({}, {Rule("general", "A", "B", 9), Rule("spring", "A", "S", 1, "SPRING"),
                                        Rule("fall", "A", "F", 1, "FALL"), Rule("general-x", "X", "Y", 1)});
  EXPECT_EQ(Products(index->Prompts(Added("A"), kToday)), (std::vector<std::string>{"B"}));
  v1::GetPromptsRequest spring = Added("A");
  spring.set_source_code("SPRING");
  EXPECT_EQ(Products(index->Prompts(spring, kToday)), (std::vector<std::string>{"S"}));
  // A trigger without catalog rules keeps its general ones.
  v1::GetPromptsRequest x = Added("X");
  x.set_source_code("SPRING");
  EXPECT_EQ(Products(index->Prompts(x, kToday)), (std::vector<std::string>{"Y"}));
}

TEST(SellingTest, SourceCodeValidity) {
  v1::SourceCode code;
  code.set_source_code("SPRING");
  code.set_valid_from("2026-03-01");
  code.set_valid_to("2026-05-31");
  EXPECT_TRUE(CheckSourceCodeValid(code, "2026-05-31").ok());
  EXPECT_NE(CheckSourceCodeValid(code, kToday).message().find("expired"), absl::string_view::npos);
  EXPECT_NE(CheckSourceCodeValid(code, "2026-02-28").message().find("not valid yet"),
            absl::string_view::npos);
}

}  // namespace
}  // namespace callcenter::guidedselling
