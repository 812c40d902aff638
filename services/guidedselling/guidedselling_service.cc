#include "services/guidedselling/guidedselling_service.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/server/serve.h"
#include "libs/status/status.h"

namespace callcenter::guidedselling {
namespace {

const db::EntityTable& Table(int i) {
  static const auto* tables = new std::vector<db::EntityTable>{
      db::EntityTable("source_codes"), db::EntityTable("scripts"),
      db::EntityTable("upsell_rules"), db::EntityTable("product_media")};
  return (*tables)[i];
}

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

std::vector<db::Query> GuidedSellingQueries() {
  std::vector<db::Query> q;
  for (int i = 0; i < 4; ++i) {
    for (const db::Query& x : Table(i).Queries()) q.push_back(x);
  }
  return q;
}

GuidedSellingServiceImpl::GuidedSellingServiceImpl(db::Pool* pool, metrics::Metrics* metrics)
    : pool_(pool),
      metrics_(metrics),
      source_codes_(&Table(0), pool, metrics,
                    [](const v1::SourceCode& s) { return s.source_code(); }, ValidateSource),
      scripts_(&Table(1), pool, metrics, [](const v1::Script& s) { return s.script_id(); },
               ValidateScript),
      upsell_rules_(&Table(2), pool, metrics, [](const v1::UpsellRule& r) { return r.rule_id(); },
                    ValidateRule),
      product_media_(&Table(3), pool, metrics,
                     [](const v1::ProductMedia& m) { return m.product_id(); }, ValidateMedia) {}

#define CC_CRUD_IMPL(Entity, Plural, field, plural_field, id_field, member)                    \
  grpc::Status GuidedSellingServiceImpl::Upsert##Entity(                                       \
      grpc::ServerContext*, const v1::Upsert##Entity##Request* req,                            \
      v1::Upsert##Entity##Response* resp) {                                                    \
    return member.Upsert("Upsert" #Entity, req->field(), resp->mutable_##field());             \
  }                                                                                            \
  grpc::Status GuidedSellingServiceImpl::Get##Entity(                                          \
      grpc::ServerContext*, const v1::Get##Entity##Request* req,                               \
      v1::Get##Entity##Response* resp) {                                                       \
    return member.Get("Get" #Entity, #id_field, req->id_field(), resp->mutable_##field());     \
  }                                                                                            \
  grpc::Status GuidedSellingServiceImpl::List##Plural(                                         \
      grpc::ServerContext*, const v1::List##Plural##Request* req,                              \
      v1::List##Plural##Response* resp) {                                                      \
    return member.List("List" #Plural, req->page_size(), req->page_token(),                    \
                       resp->mutable_##plural_field(), resp->mutable_next_page_token());       \
  }
CC_CRUD_IMPL(SourceCode, SourceCodes, source_code, source_codes, source_code, source_codes_)
CC_CRUD_IMPL(Script, Scripts, script, scripts, script_id, scripts_)
CC_CRUD_IMPL(UpsellRule, UpsellRules, upsell_rule, upsell_rules, rule_id, upsell_rules_)
CC_CRUD_IMPL(ProductMedia, ProductMedia, product_media, product_media, product_id,
             product_media_)
#undef CC_CRUD_IMPL

grpc::Status GuidedSellingServiceImpl::ValidateSourceCode(
    grpc::ServerContext*, const v1::ValidateSourceCodeRequest* req,
    v1::ValidateSourceCodeResponse* resp) {
  return server::Serve(metrics_, "ValidateSourceCode", "", [&]() -> absl::Status {
    if (req->source_code().empty()) return InvalidField("source_code", "required");
    if (!ValidDate(req->on_date())) return InvalidField("on_date", "not YYYY-MM-DD");
    const std::string day = req->on_date().empty()
                                ? absl::FormatTime("%Y-%m-%d", absl::Now(), absl::UTCTimeZone())
                                : req->on_date();
    v1::SourceCode* code = resp->mutable_source_code();
    absl::Status s = pool_->Read(
        [&](pqxx::work& txn) { return Table(0).Get(txn, req->source_code(), code); });
    if (absl::IsNotFound(s)) {
      return absl::NotFoundError(absl::StrCat("source code \"", req->source_code(), "\" is unknown"));
    }
    RETURN_IF_ERROR(s);
    // ISO dates compare correctly as strings.
    if ((!code->valid_from().empty() && day < code->valid_from()) ||
        (!code->valid_to().empty() && day > code->valid_to())) {
      return absl::FailedPreconditionError(absl::StrCat(
          "source code \"", req->source_code(), "\" is not valid on ", day, " (valid ",
          code->valid_from(), " to ", code->valid_to(), ")"));
    }
    return absl::OkStatus();
  });
}

}  // namespace callcenter::guidedselling
