#ifndef CALLCENTER_SERVICES_ORCHESTRATION_CLIENTS_SELLING_CLIENT_H_
#define CALLCENTER_SERVICES_ORCHESTRATION_CLIENTS_SELLING_CLIENT_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "callcenter/guidedselling/v1/guidedselling.grpc.pb.h"
#include "services/orchestration/clients/call.h"

namespace callcenter::orchestration {

using common::v1::Order;

// What an agent is shown for an order at one moment: the scripts of
// `timing` for `products` and, with `prompt_triggers`, the upsell and
// cross-sell prompts those products raise.
struct GuidanceQuery {
  common::v1::ScriptTiming timing = common::v1::SCRIPT_TIMING_UNSPECIFIED;
  std::vector<std::string> products;
  std::optional<std::vector<std::string>> prompt_triggers;
  std::string customer_group;
  std::string on_date;  // YYYY-MM-DD
};

// The guided-selling service: source codes, scripts and prompts, catalog
// requests, product media.
class SellingClient {
 public:
  SellingClient(guidedselling::v1::GuidedSellingService::StubInterface* selling, CallFactory calls)
      : selling_(selling), calls_(calls) {}

  // The source code, if valid on `on_date` (else the service's refusal).
  absl::StatusOr<guidedselling::v1::SourceCode> ValidateSourceCode(const CallScope& scope,
                                                                   const std::string& code,
                                                                   const std::string& on_date);
  // Scripts and prompts for `order` in one call.
  absl::StatusOr<guidedselling::v1::GetGuidanceResponse> Guidance(const CallScope& scope,
                                                                  const Order& order,
                                                                  const GuidanceQuery& query);
  // Records a catalog mailing (idempotent by scope.request_id).
  absl::StatusOr<guidedselling::v1::CatalogRequest> RecordCatalogRequest(
      const CallScope& scope, const std::string& customer_id, const std::string& source_code,
      int32_t quantity);
  // The product's images and detail text; nullopt when it has none.
  absl::StatusOr<std::optional<guidedselling::v1::ProductMedia>> ProductMedia(
      const CallScope& scope, const std::string& product_id);

 private:
  guidedselling::v1::GuidedSellingService::StubInterface* selling_;
  CallFactory calls_;
};

}  // namespace callcenter::orchestration

#endif  // CALLCENTER_SERVICES_ORCHESTRATION_CLIENTS_SELLING_CLIENT_H_
