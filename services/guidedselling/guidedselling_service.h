#ifndef CALLCENTER_SERVICES_GUIDEDSELLING_GUIDEDSELLING_SERVICE_H_
#define CALLCENTER_SERVICES_GUIDEDSELLING_GUIDEDSELLING_SERVICE_H_

#include <functional>

#include "absl/time/clock.h"
#include "callcenter/guidedselling/v1/guidedselling.grpc.pb.h"
#include "libs/db/pool.h"
#include "libs/metrics/metrics.h"
#include "libs/server/crud.h"
#include "libs/snapshot/snapshot.h"
#include "services/guidedselling/domain/selling.h"
#include "services/guidedselling/store.h"

namespace callcenter::guidedselling {

// Directed selling: source codes, scripts, upsell and cross-sell prompts,
// product media, catalog requests.
class GuidedSellingServiceImpl final : public v1::GuidedSellingService::Service {
 public:
  GuidedSellingServiceImpl(db::Pool* pool, metrics::Metrics* metrics,
                           std::function<absl::Time()> clock = [] { return absl::Now(); });

  CC_CRUD_RPCS(SourceCode, SourceCodes)
  CC_CRUD_RPCS(Script, Scripts)
  CC_CRUD_RPCS(UpsellRule, UpsellRules)
  CC_CRUD_RPCS(ProductMedia, ProductMedia)

  grpc::Status ValidateSourceCode(grpc::ServerContext*, const v1::ValidateSourceCodeRequest*,
                                  v1::ValidateSourceCodeResponse*) override;
  grpc::Status GetScripts(grpc::ServerContext*, const v1::GetScriptsRequest*,
                          v1::GetScriptsResponse*) override;
  grpc::Status GetPrompts(grpc::ServerContext*, const v1::GetPromptsRequest*,
                          v1::GetPromptsResponse*) override;
  grpc::Status GetGuidance(grpc::ServerContext*, const v1::GetGuidanceRequest*,
                           v1::GetGuidanceResponse*) override;
  grpc::Status RecordCatalogRequest(grpc::ServerContext*, const v1::RecordCatalogRequestRequest*,
                                    v1::RecordCatalogRequestResponse*) override;
  grpc::Status ListCatalogRequests(grpc::ServerContext*, const v1::ListCatalogRequestsRequest*,
                                   v1::ListCatalogRequestsResponse*) override;

  // Rebuilds the script and rule index from PostgreSQL, when the scripts
  // or rules changed since the last build (or always, with `force`).
  absl::Status Refresh(bool force = false) { return selling_index_.Refresh(force); }

 private:
  // As of this process's last write (Snapshot::GetFresh).
  std::shared_ptr<const SellingIndex> index() const { return selling_index_.GetFresh(); }
  // The scripts and rules as they are now, built into an index.
  absl::StatusOr<std::shared_ptr<const SellingIndex>> Load();
  std::string Today() const;
  // `field` names the request field in errors ("" at the top level).
  absl::Status FindScripts(const v1::GetScriptsRequest& req, const std::string& field,
                           google::protobuf::RepeatedPtrField<common::v1::OrderScript>* out) const;
  absl::Status FindPrompts(const v1::GetPromptsRequest& req, const std::string& field,
                           google::protobuf::RepeatedPtrField<common::v1::Prompt>* out) const;
  absl::StatusOr<v1::SourceCode> ValidSource(const std::string& code, const std::string& date);

  std::function<absl::Time()> clock_;
  SellingStore store_;
  // Mutable: a const reader may rebuild it first (GetFresh).
  mutable snapshot::Snapshot<SellingIndex> selling_index_;
  metrics::Metrics* metrics_;
  server::Crud<v1::SourceCode> source_codes_;
  server::Crud<v1::Script> scripts_;
  server::Crud<v1::UpsellRule> upsell_rules_;
  server::Crud<v1::ProductMedia> product_media_;
};

}  // namespace callcenter::guidedselling

#endif  // CALLCENTER_SERVICES_GUIDEDSELLING_GUIDEDSELLING_SERVICE_H_
