#include "services/guidedselling/store.h"

#include "absl/strings/str_cat.h"
#include "libs/ids/uuid.h"
#include "libs/status/status.h"
#include "services/guidedselling/queries.h"

namespace callcenter::guidedselling {

namespace {

v1::CatalogRequest CatalogFromRow(const pqxx::row& r) {
  v1::CatalogRequest c;
  c.set_catalog_request_id(r["catalog_request_id"].as<std::string>());
  c.set_customer_id(r["customer_id"].as<std::string>());
  c.set_source_code(r["source_code"].as<std::string>());
  c.set_catalog_id(r["catalog_id"].as<std::string>());
  c.set_quantity(r["quantity"].as<int>());
  c.set_requested_on(r["requested_on"].as<std::string>());
  return c;
}

}  // namespace

const db::EntityTable& SellingStore::SourceCodes() {
  static const auto* t = new db::EntityTable("source_codes");
  return *t;
}
const db::EntityTable& SellingStore::Scripts() {
  static const auto* t = new db::EntityTable("scripts");
  return *t;
}
const db::EntityTable& SellingStore::UpsellRules() {
  static const auto* t = new db::EntityTable("upsell_rules");
  return *t;
}
const db::EntityTable& SellingStore::ProductMedia() {
  static const auto* t = new db::EntityTable("product_media");
  return *t;
}

absl::StatusOr<v1::SourceCode> SellingStore::GetSourceCode(const std::string& code) {
  v1::SourceCode source;
  RETURN_IF_ERROR(
      pool_->Read([&](pqxx::work& txn) { return SourceCodes().Get(txn, code, &source); }));
  return source;
}

absl::Status SellingStore::LoadIndexTables(std::vector<v1::Script>* scripts,
                                           std::vector<v1::UpsellRule>* rules) {
  return pool_->Read([&](pqxx::work& txn) -> absl::Status {
    RETURN_IF_ERROR(Scripts().All(
        txn, [&]() -> google::protobuf::Message* { return &scripts->emplace_back(); }));
    return UpsellRules().All(
        txn, [&]() -> google::protobuf::Message* { return &rules->emplace_back(); });
  });
}

absl::StatusOr<v1::CatalogRequest> SellingStore::RecordCatalogRequest(
    const std::string& request_id, const std::string& customer_id, const std::string& source_code,
    const std::string& catalog_id, int32_t quantity, const std::string& requested_on) {
  v1::CatalogRequest stored;
  RETURN_IF_ERROR(pool_->Transact([&](pqxx::work& txn) -> absl::Status {
    db::Exec(txn, queries::kCatalogRequestInsert, NewUuid(), request_id, customer_id, source_code,
             catalog_id, quantity, requested_on);
    stored = CatalogFromRow(db::Exec(txn, queries::kCatalogRequestByRequest, request_id)[0]);
    return absl::OkStatus();
  }));
  return stored;
}

absl::StatusOr<std::vector<v1::CatalogRequest>> SellingStore::CatalogRequests(
    const std::string& since, const std::string& after_date, const std::string& after_id,
    int limit) {
  std::vector<v1::CatalogRequest> out;
  RETURN_IF_ERROR(pool_->Read([&](pqxx::work& txn) {
    for (const auto& row :
         db::Exec(txn, queries::kCatalogRequestsList, since, after_date, after_id, limit)) {
      out.push_back(CatalogFromRow(row));
    }
    return absl::OkStatus();
  }));
  return out;
}

}  // namespace callcenter::guidedselling
