#include "services/guidedselling/domain/selling.h"

#include <algorithm>
#include <set>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace callcenter::guidedselling {

std::shared_ptr<const SellingIndex> SellingIndex::Build(std::vector<v1::Script> scripts,
                                                        std::vector<v1::UpsellRule> rules) {
  auto index = std::make_shared<SellingIndex>();
  for (auto& s : scripts) {
    if (s.active()) index->scripts_.push_back(std::move(s));
  }
  std::sort(index->scripts_.begin(), index->scripts_.end(), [](const v1::Script& a, const v1::Script& b) {
    if (a.priority() != b.priority()) return a.priority() > b.priority();
    return a.script_id() < b.script_id();
  });
  for (uint32_t i = 0; i < index->scripts_.size(); ++i) {
    const v1::Script& s = index->scripts_[i];
    if (!s.call_center_id().empty()) index->by_call_center_[s.call_center_id()].push_back(i);
    if (!s.source_code().empty()) index->by_source_code_[s.source_code()].push_back(i);
    if (!s.product_id().empty()) index->by_product_[s.product_id()].push_back(i);
  }
  for (auto& r : rules) {
    if (r.active()) index->rules_by_trigger_[r.trigger_product_id()].push_back(std::move(r));
  }
  for (auto& [trigger, list] : index->rules_by_trigger_) {
    std::sort(list.begin(), list.end(), [](const v1::UpsellRule& a, const v1::UpsellRule& b) {
      if (a.priority() != b.priority()) return a.priority() > b.priority();
      return a.rule_id() < b.rule_id();
    });
  }
  return index;
}

std::vector<common::v1::OrderScript> SellingIndex::Scripts(const v1::GetScriptsRequest& r) const {
  // The scripts attached to the call center, the source code or one of the
  // products, each once, in priority order.
  std::vector<uint32_t> attached;
  auto add = [&](const std::unordered_map<std::string, std::vector<uint32_t>>& by,
                 const std::string& key) {
    if (key.empty()) return;
    auto it = by.find(key);
    if (it != by.end()) attached.insert(attached.end(), it->second.begin(), it->second.end());
  };
  add(by_call_center_, r.call_center_id());
  add(by_source_code_, r.source_code());
  for (const std::string& product : r.product_ids()) add(by_product_, product);
  std::sort(attached.begin(), attached.end());
  attached.erase(std::unique(attached.begin(), attached.end()), attached.end());
  std::vector<common::v1::OrderScript> out;
  for (uint32_t i : attached) {
    const v1::Script& s = scripts_[i];
    if (s.timing() != r.timing()) continue;
    common::v1::OrderScript o;
    o.set_kind(s.kind());
    o.set_timing(s.timing());
    o.set_text(s.text());
    out.push_back(std::move(o));
  }
  return out;
}

std::vector<common::v1::Prompt> SellingIndex::Prompts(const v1::GetPromptsRequest& r,
                                                      const std::string& date) const {
  struct Candidate {
    const v1::UpsellRule* rule;
    std::string trigger;
  };
  std::vector<Candidate> candidates;
  for (const std::string& trigger : r.trigger_product_ids()) {
    auto it = rules_by_trigger_.find(trigger);
    if (it == rules_by_trigger_.end()) continue;
    auto holds = [&](const v1::UpsellRule& rule) {
      if (!rule.valid_from().empty() && date < rule.valid_from()) return false;
      if (!rule.valid_to().empty() && date > rule.valid_to()) return false;
      if (!rule.customer_group().empty() && rule.customer_group() != r.customer_group()) return false;
      if (rule.has_min_order_amount() &&
          r.order_amount().minor_units() < rule.min_order_amount().minor_units()) {
        return false;
      }
      return true;
    };
    // Catalog-specific rules replace the general ones while a source code is set.
    bool catalog_specific = false;
    if (!r.source_code().empty()) {
      for (const auto& rule : it->second) {
        if (rule.source_code() == r.source_code() && holds(rule)) catalog_specific = true;
      }
    }
    for (const auto& rule : it->second) {
      const std::string wanted = catalog_specific ? r.source_code() : "";
      if (rule.source_code() != wanted || !holds(rule)) continue;
      candidates.push_back({&rule, trigger});
    }
  }
  std::vector<common::v1::Prompt> out;
  // Most changes trigger no rule: the order's products (every line, up to
  // the 500-line limit) are only indexed when a suggestion must skip them.
  if (candidates.empty()) return out;
  absl::flat_hash_set<absl::string_view> excluded(r.order_product_ids().begin(),
                                                  r.order_product_ids().end());
  excluded.insert(r.trigger_product_ids().begin(), r.trigger_product_ids().end());
  std::stable_sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    if (a.rule->priority() != b.rule->priority()) return a.rule->priority() > b.rule->priority();
    return a.rule->rule_id() < b.rule->rule_id();
  });
  std::set<std::string> suggested;
  for (const Candidate& c : candidates) {
    const std::string& product = c.rule->suggested_product_id();
    if (excluded.count(product) || !suggested.insert(product).second) continue;
    common::v1::Prompt p;
    p.set_product_id(product);
    p.set_kind(c.rule->kind());
    p.set_script(c.rule->script());
    p.set_trigger_product_id(c.trigger);
    out.push_back(std::move(p));
  }
  return out;
}

absl::Status CheckSourceCodeValid(const v1::SourceCode& code, const std::string& date) {
  if (!code.valid_from().empty() && date < code.valid_from()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "source code ", code.source_code(), " is not valid yet (from ", code.valid_from(), ")"));
  }
  if (!code.valid_to().empty() && date > code.valid_to()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "source code ", code.source_code(), " is expired (valid to ", code.valid_to(), ")"));
  }
  return absl::OkStatus();
}

}  // namespace callcenter::guidedselling
