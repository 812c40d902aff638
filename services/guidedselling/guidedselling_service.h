#ifndef CALLCENTER_SERVICES_GUIDEDSELLING_GUIDEDSELLING_SERVICE_H_
#define CALLCENTER_SERVICES_GUIDEDSELLING_GUIDEDSELLING_SERVICE_H_

#include "callcenter/guidedselling/v1/guidedselling.grpc.pb.h"
#include "libs/db/pool.h"
#include "libs/metrics/metrics.h"
#include "libs/server/crud.h"

namespace callcenter::guidedselling {

std::vector<db::Query> GuidedSellingQueries();

// Master data of directed selling and source-code validation. Scripts and
// prompts for a situation and catalog requests answer UNIMPLEMENTED until
// the guided-selling issue.
class GuidedSellingServiceImpl final : public v1::GuidedSellingService::Service {
 public:
  GuidedSellingServiceImpl(db::Pool* pool, metrics::Metrics* metrics);

#define CC_CRUD_RPCS(Entity, Plural)                                                      \
  grpc::Status Upsert##Entity(grpc::ServerContext*, const v1::Upsert##Entity##Request*,   \
                              v1::Upsert##Entity##Response*) override;                    \
  grpc::Status Get##Entity(grpc::ServerContext*, const v1::Get##Entity##Request*,         \
                           v1::Get##Entity##Response*) override;                          \
  grpc::Status List##Plural(grpc::ServerContext*, const v1::List##Plural##Request*,       \
                            v1::List##Plural##Response*) override;
  CC_CRUD_RPCS(SourceCode, SourceCodes)
  CC_CRUD_RPCS(Script, Scripts)
  CC_CRUD_RPCS(UpsellRule, UpsellRules)
  CC_CRUD_RPCS(ProductMedia, ProductMedia)
#undef CC_CRUD_RPCS

  grpc::Status ValidateSourceCode(grpc::ServerContext*, const v1::ValidateSourceCodeRequest*,
                                  v1::ValidateSourceCodeResponse*) override;

 private:
  db::Pool* pool_;
  metrics::Metrics* metrics_;
  server::Crud<v1::SourceCode> source_codes_;
  server::Crud<v1::Script> scripts_;
  server::Crud<v1::UpsellRule> upsell_rules_;
  server::Crud<v1::ProductMedia> product_media_;
};

}  // namespace callcenter::guidedselling

#endif  // CALLCENTER_SERVICES_GUIDEDSELLING_GUIDEDSELLING_SERVICE_H_
