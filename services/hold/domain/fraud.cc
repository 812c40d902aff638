#include "services/hold/domain/fraud.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace callcenter::hold {

std::string NormalizeFraudValue(v1::FraudDataKind kind, const std::string& value) {
  std::string out;
  switch (kind) {
    case v1::FRAUD_DATA_KIND_PHONE:
      for (char c : value) {
        if (absl::ascii_isdigit(c)) out.push_back(c);
      }
      return out;
    case v1::FRAUD_DATA_KIND_POSTAL_CODE:
      for (char c : value) {
        if (!absl::ascii_isspace(c)) out.push_back(absl::ascii_toupper(c));
      }
      return out;
    default:
      return absl::AsciiStrToLower(absl::StripAsciiWhitespace(value));
  }
}

std::shared_ptr<const FraudIndex> FraudIndex::Build(const std::vector<v1::FraudRule>& rules,
                                                    const std::vector<v1::FraudData>& data) {
  auto index = std::make_shared<FraudIndex>();
  for (const auto& r : rules) {
    if (r.active()) index->rules_.push_back(r);
  }
  for (const auto& d : data) {
    index->data_[d.kind()][NormalizeFraudValue(d.kind(), d.value())] = d.score();
  }
  return index;
}

void FraudIndex::Evaluate(const v1::EvaluateFraudRequest& order,
                          v1::EvaluateFraudResponse* out) const {
  int64_t score = 0;
  std::set<std::pair<int, std::string>> seen;
  auto match_static = [&](v1::FraudDataKind kind, const std::string& raw, const char* source) {
    if (raw.empty()) return;
    const std::string value = NormalizeFraudValue(kind, raw);
    if (value.empty() || !seen.insert({kind, value}).second) return;  // unique matches only
    auto kind_it = data_.find(kind);
    if (kind_it == data_.end()) return;
    auto it = kind_it->second.find(value);
    if (it == kind_it->second.end()) return;
    score += it->second;
    v1::FraudMatch* m = out->add_matches();
    m->set_source(source);
    m->set_reference(value);
    m->set_score(it->second);
  };
  match_static(v1::FRAUD_DATA_KIND_EMAIL, order.email(), "email");
  match_static(v1::FRAUD_DATA_KIND_PHONE, order.phone(), "phone");
  match_static(v1::FRAUD_DATA_KIND_POSTAL_CODE, order.billing_postal_code(), "postal_code");
  match_static(v1::FRAUD_DATA_KIND_POSTAL_CODE, order.delivery_postal_code(), "postal_code");

  for (const v1::FraudRule& r : rules_) {
    if (r.has_order_total_at_least() &&
        order.order_total().minor_units() < r.order_total_at_least().minor_units()) {
      continue;
    }
    if (!r.customer_id().empty() && r.customer_id() != order.customer_id()) continue;
    if (!r.delivery_country().empty() &&
        !absl::EqualsIgnoreCase(r.delivery_country(), order.delivery_country())) {
      continue;
    }
    if (!r.product_id().empty()) {
      int64_t quantity = 0;
      for (const auto& l : order.lines()) {
        if (l.product_id() == r.product_id()) quantity += l.quantity();
      }
      if (quantity == 0 || quantity < r.min_quantity()) continue;
    }
    score += r.score();
    v1::FraudMatch* m = out->add_matches();
    m->set_source("rule");
    m->set_reference(r.rule_id());
    m->set_score(r.score());
  }
  out->set_score(score);
}

bool MayClear(const std::string& hold_code,
              const google::protobuf::RepeatedPtrField<std::string>& clearable,
              bool code_open_to_all) {
  if (code_open_to_all) return true;
  for (const auto& c : clearable) {
    if (c == "*" || c == hold_code) return true;
  }
  return false;
}

}  // namespace callcenter::hold
