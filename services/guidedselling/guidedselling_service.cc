#include "services/guidedselling/guidedselling_service.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/server/serve.h"
#include "libs/status/status.h"

namespace callcenter::guidedselling {
namespace {

bool ValidDate(const std::string& d) {
  absl::Time t;
  std::string err;
  return d.empty() || absl::ParseTime("%Y-%m-%d", d, &t, &err);
}

absl::Status ValidateSource(const v1::SourceCode& s) {
  if (s.source_code().empty()) return InvalidField("source_code.source_code", "required");
  if (s.catalog_id().empty()) return InvalidField("source_code.catalog_id", "required");
  if (!ValidDate(s.valid_from())) return InvalidField("source_code.valid_from", "not YYYY-MM-DD");
  if (!ValidDate(s.valid_to())) return InvalidField("source_code.valid_to", "not YYYY-MM-DD");
  return absl::OkStatus();
}

absl::Status ValidateScript(const v1::Script& s) {
  if (s.script_id().empty()) return InvalidField("script.script_id", "required");
  if (s.kind() == common::v1::SCRIPT_KIND_UNSPECIFIED) return InvalidField("script.kind", "required");
  if (s.timing() == common::v1::SCRIPT_TIMING_UNSPECIFIED) {
    return InvalidField("script.timing", "required");
  }
  const int attachments = !s.product_id().empty() + !s.source_code().empty() +
                          !s.call_center_id().empty();
  if (attachments != 1) {
    return InvalidField("script.product_id",
                        "attach to exactly one of product_id, source_code, call_center_id");
  }
  if (s.text().empty()) return InvalidField("script.text", "required");
  return absl::OkStatus();
}

absl::Status ValidateRule(const v1::UpsellRule& r) {
  if (r.rule_id().empty()) return InvalidField("upsell_rule.rule_id", "required");
  if (r.trigger_product_id().empty()) return InvalidField("upsell_rule.trigger_product_id", "required");
  if (r.suggested_product_id().empty()) {
    return InvalidField("upsell_rule.suggested_product_id", "required");
  }
  if (r.suggested_product_id() == r.trigger_product_id()) {
    return InvalidField("upsell_rule.suggested_product_id", "must differ from the trigger product");
  }
  if (r.kind() == common::v1::PROMPT_KIND_UNSPECIFIED) return InvalidField("upsell_rule.kind", "required");
  if (!ValidDate(r.valid_from())) return InvalidField("upsell_rule.valid_from", "not YYYY-MM-DD");
  if (!ValidDate(r.valid_to())) return InvalidField("upsell_rule.valid_to", "not YYYY-MM-DD");
  return absl::OkStatus();
}

absl::Status ValidateMedia(const v1::ProductMedia& m) {
  if (m.product_id().empty()) return InvalidField("product_media.product_id", "required");
  return absl::OkStatus();
}

}  // namespace

GuidedSellingServiceImpl::GuidedSellingServiceImpl(db::Pool* pool, metrics::Metrics* metrics,
                                                   std::function<absl::Time()> clock)
    : clock_(std::move(clock)),
      store_(pool),
      selling_index_(
          "selling", [this] { return store_.SnapshotVersion(); }, [this] { return Load(); },
          SellingIndex::Build({}, {})),
      metrics_(metrics),
      source_codes_(
          &SellingStore::SourceCodes(), pool, metrics,
          [](const v1::SourceCode& s) { return s.source_code(); }, ValidateSource),
      scripts_(
          &SellingStore::Scripts(), pool, metrics,
          [](const v1::Script& s) { return s.script_id(); }, ValidateScript,
          [this] { selling_index_.Invalidate(); }),
      upsell_rules_(
          &SellingStore::UpsellRules(), pool, metrics,
          [](const v1::UpsellRule& r) { return r.rule_id(); }, ValidateRule,
          [this] { selling_index_.Invalidate(); }),
      product_media_(
          &SellingStore::ProductMedia(), pool, metrics,
          [](const v1::ProductMedia& m) { return m.product_id(); }, ValidateMedia) {}

CC_CRUD_IMPL(GuidedSellingServiceImpl, SourceCode, SourceCodes,
             source_code, source_codes, source_code, source_codes_)
CC_CRUD_IMPL(GuidedSellingServiceImpl, Script, Scripts, script, scripts, script_id, scripts_)
CC_CRUD_IMPL(GuidedSellingServiceImpl, UpsellRule, UpsellRules,
             upsell_rule, upsell_rules, rule_id, upsell_rules_)
CC_CRUD_IMPL(GuidedSellingServiceImpl, ProductMedia, ProductMedia,
             product_media, product_media, product_id, product_media_)

absl::StatusOr<std::shared_ptr<const SellingIndex>> GuidedSellingServiceImpl::Load() {
  std::vector<v1::Script> scripts;
  std::vector<v1::UpsellRule> rules;
  RETURN_IF_ERROR(store_.LoadIndexTables(&scripts, &rules));
  return SellingIndex::Build(std::move(scripts), std::move(rules));
}

std::string GuidedSellingServiceImpl::Today() const {
  return absl::FormatTime("%Y-%m-%d", clock_(), absl::UTCTimeZone());
}

absl::StatusOr<v1::SourceCode> GuidedSellingServiceImpl::ValidSource(const std::string& code,
                                                                    const std::string& date) {
  absl::StatusOr<v1::SourceCode> found = store_.GetSourceCode(code);
  if (absl::IsNotFound(found.status())) {
    return absl::NotFoundError(absl::StrCat("source code \"", code, "\" is unknown"));
  }
  RETURN_IF_ERROR(found.status());
  const v1::SourceCode& source = *found;
  RETURN_IF_ERROR(CheckSourceCodeValid(source, date));
  return source;
}

grpc::Status GuidedSellingServiceImpl::ValidateSourceCode(
    grpc::ServerContext*, const v1::ValidateSourceCodeRequest* req,
    v1::ValidateSourceCodeResponse* resp) {
  return server::Serve(metrics_, "ValidateSourceCode", "", [&]() -> absl::Status {
    if (req->source_code().empty()) return InvalidField("source_code", "required");
    if (!ValidDate(req->on_date())) return InvalidField("on_date", "not YYYY-MM-DD");
    ASSIGN_OR_RETURN(*resp->mutable_source_code(),
                     ValidSource(req->source_code(), req->on_date().empty() ? Today() : req->on_date()));
    return absl::OkStatus();
  });
}

absl::Status GuidedSellingServiceImpl::FindScripts(
    const v1::GetScriptsRequest& req, const std::string& field,
    google::protobuf::RepeatedPtrField<common::v1::OrderScript>* out) const {
  if (req.timing() == common::v1::SCRIPT_TIMING_UNSPECIFIED) {
    return InvalidField(field + "timing", "required (BEGINNING, ITEM or END)");
  }
  for (auto& s : index()->Scripts(req)) *out->Add() = std::move(s);
  return absl::OkStatus();
}

absl::Status GuidedSellingServiceImpl::FindPrompts(
    const v1::GetPromptsRequest& req, const std::string& field,
    google::protobuf::RepeatedPtrField<common::v1::Prompt>* out) const {
  if (!ValidDate(req.on_date())) return InvalidField(field + "on_date", "not YYYY-MM-DD");
  for (auto& p : index()->Prompts(req, req.on_date().empty() ? Today() : req.on_date())) {
    *out->Add() = std::move(p);
  }
  return absl::OkStatus();
}

grpc::Status GuidedSellingServiceImpl::GetScripts(grpc::ServerContext*,
                                                  const v1::GetScriptsRequest* req,
                                                  v1::GetScriptsResponse* resp) {
  return server::Serve(metrics_, "GetScripts", "", [&]() -> absl::Status {
    return FindScripts(*req, "", resp->mutable_scripts());
  });
}

grpc::Status GuidedSellingServiceImpl::GetPrompts(grpc::ServerContext*,
                                                  const v1::GetPromptsRequest* req,
                                                  v1::GetPromptsResponse* resp) {
  return server::Serve(metrics_, "GetPrompts", "", [&]() -> absl::Status {
    return FindPrompts(*req, "", resp->mutable_prompts());
  });
}

grpc::Status GuidedSellingServiceImpl::GetGuidance(grpc::ServerContext*,
                                                   const v1::GetGuidanceRequest* req,
                                                   v1::GetGuidanceResponse* resp) {
  return server::Serve(metrics_, "GetGuidance", "", [&]() -> absl::Status {
    if (req->has_scripts()) {
      RETURN_IF_ERROR(FindScripts(req->scripts(), "scripts.", resp->mutable_scripts()));
    }
    if (req->has_prompts()) {
      RETURN_IF_ERROR(FindPrompts(req->prompts(), "prompts.", resp->mutable_prompts()));
    }
    return absl::OkStatus();
  });
}

grpc::Status GuidedSellingServiceImpl::RecordCatalogRequest(
    grpc::ServerContext*, const v1::RecordCatalogRequestRequest* req,
    v1::RecordCatalogRequestResponse* resp) {
  return server::Serve(metrics_, "RecordCatalogRequest", req->request_id(), [&]() -> absl::Status {
    if (req->request_id().empty()) return InvalidField("request_id", "required");
    if (req->customer_id().empty()) return InvalidField("customer_id", "required");
    if (req->source_code().empty()) return InvalidField("source_code", "required");
    if (req->quantity() <= 0) return InvalidField("quantity", "must be > 0");
    const std::string today = Today();
    ASSIGN_OR_RETURN(v1::SourceCode source, ValidSource(req->source_code(), today));
    ASSIGN_OR_RETURN(
        v1::CatalogRequest first,
        store_.RecordCatalogRequest(req->request_id(), req->customer_id(), req->source_code(),
                                    source.catalog_id(), req->quantity(), today));
    // A repeat returns the first request; one with another body is refused.
    if (first.customer_id() != req->customer_id() || first.source_code() != req->source_code() ||
        first.quantity() != req->quantity()) {
      return InvalidField("request_id", "was already used for a different request",
                          kReasonRequestIdReused);
    }
    *resp->mutable_catalog_request() = std::move(first);
    return absl::OkStatus();
  });
}

grpc::Status GuidedSellingServiceImpl::ListCatalogRequests(
    grpc::ServerContext*, const v1::ListCatalogRequestsRequest* req,
    v1::ListCatalogRequestsResponse* resp) {
  return server::Serve(metrics_, "ListCatalogRequests", "", [&]() -> absl::Status {
    const std::string since = req->since().empty() ? "1970-01-01" : req->since();
    if (!ValidDate(since)) return InvalidField("since", "not YYYY-MM-DD");
    // The page token is "<requested_on>|<catalog_request_id>" of the last one returned.
    std::string after_date = "1970-01-01", after_id = "00000000-0000-0000-0000-000000000000";
    if (!req->page_token().empty()) {
      const size_t bar = req->page_token().find('|');
      if (bar == std::string::npos || !ValidDate(req->page_token().substr(0, bar)) ||
          req->page_token().size() - bar - 1 != 36) {
        return InvalidField("page_token", "not a token from a previous response");
      }
      after_date = req->page_token().substr(0, bar);
      after_id = req->page_token().substr(bar + 1);
    }
    const int page_size = db::ClampPageSize(req->page_size(), 50, 500);
    ASSIGN_OR_RETURN(std::vector<v1::CatalogRequest> found,
                     store_.CatalogRequests(since, after_date, after_id, page_size + 1));
    for (int i = 0; i < static_cast<int>(found.size()); ++i) {
      if (i == page_size) {
        const auto& last = resp->catalog_requests(page_size - 1);
        resp->set_next_page_token(
            absl::StrCat(last.requested_on(), "|", last.catalog_request_id()));
        break;
      }
      *resp->add_catalog_requests() = std::move(found[i]);
    }
    return absl::OkStatus();
  });
}

}  // namespace callcenter::guidedselling
