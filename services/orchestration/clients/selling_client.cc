#include "services/orchestration/clients/selling_client.h"

#include "libs/money/money_proto.h"
#include "libs/status/status.h"
#include "services/orchestration/domain/order_rules.h"

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
    for (const auto& p : ProductsOf(order)) prompts->add_order_product_ids(p);
    prompts->set_customer_group(query.customer_group);
    *prompts->mutable_order_amount() = MoneyOf(
        order.currency(), order.subtotal().minor_units() - order.discount_total().minor_units());
    prompts->set_source_code(order.source_code());
    prompts->set_on_date(query.on_date);
  }
  guidedselling::v1::GetGuidanceResponse resp;
  RETURN_IF_ERROR(
      FromDownstream(kService, selling_->GetGuidance(calls_.New(scope).get(), req, &resp)));
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
