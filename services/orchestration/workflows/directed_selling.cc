#include "services/orchestration/workflows/directed_selling.h"

#include "absl/strings/str_cat.h"
#include "libs/ids/uuid.h"
#include "libs/status/status.h"
#include "services/orchestration/domain/order_rules.h"

namespace callcenter::orchestration {

absl::Status DirectedSelling::ApplySourceCode(const Context& c, const std::string& code,
                                              Order& order, Edit& edit) const {
  RETURN_IF_ERROR(RequireFeature(c.data.call_center().directed_selling_enabled(),
                                 c.data.call_center(), kDirectedSelling, "source codes are"));
  ASSIGN_OR_RETURN(guidedselling::v1::SourceCode source,
                   selling_->ValidateSourceCode(c.scope(), code, clock_.Today()));
  order.set_source_code(source.source_code());
  order.set_source_price_group(source.price_group_id());
  order.set_catalog_id(source.catalog_id());
  edit.events.push_back(
      MakeOrderEvent(c.user_id(), common::v1::ORDER_EVENT_KIND_SOURCE_CODE_SET,
                     absl::StrCat(source.source_code(), " (catalog ", source.catalog_id(), ")")));
  // The catalog's free products come with it, once.
  for (OrderEvent& e : AddFreeSourceLines(
           order, code, {source.free_product_ids().begin(), source.free_product_ids().end()},
           NewUuid, c.user_id())) {
    edit.events.push_back(std::move(e));
  }
  return LoadGuidance(c, common::v1::SCRIPT_TIMING_BEGINNING, {}, std::nullopt, order);
}

absl::Status DirectedSelling::LoadGuidance(
    const Context& c, common::v1::ScriptTiming timing, const std::vector<std::string>& products,
    const std::optional<std::vector<std::string>>& prompt_triggers, Order& order) const {
  order.clear_scripts();
  if (prompt_triggers) order.clear_prompts();
  if (!c.data.call_center().directed_selling_enabled()) return absl::OkStatus();
  GuidanceQuery query;
  query.timing = timing;
  query.products = products;
  query.prompt_triggers = prompt_triggers;
  query.customer_group = c.data.customer().customer_group();
  query.on_date = clock_.Today();
  ASSIGN_OR_RETURN(guidedselling::v1::GetGuidanceResponse guidance,
                   selling_->Guidance(c.scope(), order, query));
  *order.mutable_scripts() = std::move(*guidance.mutable_scripts());
  if (prompt_triggers) *order.mutable_prompts() = std::move(*guidance.mutable_prompts());
  return absl::OkStatus();
}

}  // namespace callcenter::orchestration
