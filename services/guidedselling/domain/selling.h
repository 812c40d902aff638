#ifndef CALLCENTER_SERVICES_GUIDEDSELLING_DOMAIN_SELLING_H_
#define CALLCENTER_SERVICES_GUIDEDSELLING_DOMAIN_SELLING_H_

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "callcenter/guidedselling/v1/guidedselling.pb.h"

namespace callcenter::guidedselling {

// An immutable index of scripts and upsell rules (DOMAIN.md section 4),
// rebuilt from PostgreSQL after each change.
class SellingIndex {
 public:
  static std::shared_ptr<const SellingIndex> Build(std::vector<v1::Script> scripts,
                                                   std::vector<v1::UpsellRule> rules);

  // Active scripts of the requested timing attached to the call center, the
  // source code or one of the products; highest priority first (ties by id).
  std::vector<common::v1::OrderScript> Scripts(const v1::GetScriptsRequest& request) const;

  // Prompts for the trigger products: active rules valid on the date whose
  // conditions hold (customer group, minimum order amount); while a source
  // code is set, its catalog-specific rules for a trigger replace the
  // general ones. Never a product already on the order (or a trigger); one
  // prompt per suggested product; highest priority first.
  std::vector<common::v1::Prompt> Prompts(const v1::GetPromptsRequest& request,
                                          const std::string& date) const;

 private:
  std::vector<v1::Script> scripts_;  // active, sorted by priority desc, id
  // The positions in scripts_ (ascending, so in priority order) of the
  // scripts attached to each call center, source code and product: a call
  // reads only its own, however many scripts the catalogs hold.
  std::unordered_map<std::string, std::vector<uint32_t>> by_call_center_, by_source_code_,
      by_product_;
  std::unordered_map<std::string, std::vector<v1::UpsellRule>> rules_by_trigger_;
};

// A source code usable on `date` (YYYY-MM-DD): FAILED_PRECONDITION naming
// why not.
absl::Status CheckSourceCodeValid(const v1::SourceCode& code, const std::string& date);

}  // namespace callcenter::guidedselling

#endif  // CALLCENTER_SERVICES_GUIDEDSELLING_DOMAIN_SELLING_H_
