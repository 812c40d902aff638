#ifndef CALLCENTER_SERVICES_ORCHESTRATION_WORKFLOWS_DIRECTED_SELLING_H_
#define CALLCENTER_SERVICES_ORCHESTRATION_WORKFLOWS_DIRECTED_SELLING_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "services/orchestration/clients/selling_client.h"
#include "services/orchestration/workflows/context.h"

namespace callcenter::orchestration {

// Directed selling on an order (DOMAIN 6): source codes with their
// catalog's free lines, scripts and prompts. Nothing when the call center
// has it off (a source code is refused then).
class DirectedSelling {
 public:
  DirectedSelling(SellingClient* selling, Clock clock)
      : selling_(selling), clock_(std::move(clock)) {}

  // Sets the order's source code (valid today): its price group and
  // catalog, the catalog's free products once, the opening scripts.
  absl::Status ApplySourceCode(const Context& c, const std::string& code, Order& order,
                               Edit& edit) const;
  // Replaces the order's scripts by those of `timing` for `products` and,
  // when `prompt_triggers` is given, its prompts by those they raise.
  absl::Status LoadGuidance(const Context& c, common::v1::ScriptTiming timing,
                            const std::vector<std::string>& products,
                            const std::optional<std::vector<std::string>>& prompt_triggers,
                            Order& order) const;

 private:
  SellingClient* selling_;
  Clock clock_;
};

}  // namespace callcenter::orchestration

#endif  // CALLCENTER_SERVICES_ORCHESTRATION_WORKFLOWS_DIRECTED_SELLING_H_
