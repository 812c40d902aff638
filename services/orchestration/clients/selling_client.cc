#include "services/orchestration/clients/selling_client.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "libs/money/money_proto.h"
#include "libs/status/status.h"

namespace callcenter::orchestration {

namespace {
constexpr char kService[] = "guided selling";
}  // namespace

absl::StatusOr<guidedselling::v1::SourceCode> SellingClient::ValidateSourceCode(
    const CallScope& scope, const std::string& code, const std::string& on_date) {
  guidedselling::v1::ValidateSourceCodeRequest req;
  req.set_source_code(code);
  req.set_on_date(on_date);
  guidedselling::v1::ValidateSourceCodeResponse resp;
  RETURN_IF_ERROR(
      FromDownstream(kService, selling_->ValidateSourceCode(calls_.New(scope).get(), req, &resp)));
  return std::move(*resp.mutable_source_code());
}

absl::StatusOr<guidedselling::v1::GetGuidanceResponse> SellingClient::Guidance(
    const CallScope& scope, const Order& order, const GuidanceQuery& query) {
  guidedselling::v1::GetGuidanceRequest req;
  guidedselling::v1::GetScriptsRequest* scripts = req.mutable_scripts();
  scripts->set_timing(query.timing);
  scripts->set_call_center_id(order.call_center_id());
  scripts->set_source_code(order.source_code());
  for (const auto& p : query.products) scripts->add_product_ids(p);
  if (query.prompt_triggers && !query.prompt_triggers->empty()) {
    guidedselling::v1::GetPromptsRequest* prompts = req.mutable_prompts();
    for (const auto& t : *query.prompt_triggers) prompts->add_trigger_product_ids(t);
    // The order's products stay out of the request (order_product_ids):
    // most changes trigger no rule, and at 500 lines their ids cost more
    // to send and parse than the rest of the call. Guided selling suggests
    // each product once, by its first rule, and skips only the products it
    // is told of; leaving the order's own out of its answer afterwards
    // gives what sending them would.
    prompts->set_customer_group(query.customer_group);
    *prompts->mutable_order_amount() = MoneyOf(
        order.currency(), order.subtotal().minor_units() - order.discount_total().minor_units());
    prompts->set_source_code(order.source_code());
    prompts->set_on_date(query.on_date);
  }
  guidedselling::v1::GetGuidanceResponse resp;
  RETURN_IF_ERROR(
      FromDownstream(kService, selling_->GetGuidance(calls_.New(scope).get(), req, &resp)));
  if (resp.prompts_size() > 0) {
    absl::flat_hash_set<absl::string_view> on_order;
    for (const auto& line : order.lines()) on_order.insert(line.product_id());
    auto& prompts = *resp.mutable_prompts();
    int kept = 0;
    for (int i = 0; i < prompts.size(); ++i) {
      if (on_order.contains(prompts.Get(i).product_id())) continue;
      if (kept != i) prompts.SwapElements(kept, i);
      ++kept;
    }
    prompts.DeleteSubrange(kept, prompts.size() - kept);
  }
  return resp;
}

absl::StatusOr<guidedselling::v1::CatalogRequest> SellingClient::RecordCatalogRequest(
    const CallScope& scope, const std::string& customer_id, const std::string& source_code,
    int32_t quantity) {
  guidedselling::v1::RecordCatalogRequestRequest req;
  req.set_request_id(scope.request_id);
  req.set_customer_id(customer_id);
  req.set_source_code(source_code);
  req.set_quantity(quantity);
  guidedselling::v1::RecordCatalogRequestResponse resp;
  RETURN_IF_ERROR(FromDownstream(
      kService, selling_->RecordCatalogRequest(calls_.New(scope).get(), req, &resp)));
  return std::move(*resp.mutable_catalog_request());
}

absl::StatusOr<std::optional<guidedselling::v1::ProductMedia>> SellingClient::ProductMedia(
    const CallScope& scope, const std::string& product_id) {
  guidedselling::v1::GetProductMediaRequest req;
  req.set_product_id(product_id);
  guidedselling::v1::GetProductMediaResponse resp;
  grpc::Status got = selling_->GetProductMedia(calls_.New(scope).get(), req, &resp);
  if (got.error_code() == grpc::StatusCode::NOT_FOUND) return std::nullopt;  // none
  RETURN_IF_ERROR(FromDownstream(kService, got));
  return std::move(*resp.mutable_product_media());
}

}  // namespace callcenter::orchestration
