#ifndef CALLCENTER_SERVICES_GUIDEDSELLING_STORE_H_
#define CALLCENTER_SERVICES_GUIDEDSELLING_STORE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "callcenter/guidedselling/v1/guidedselling.pb.h"
#include "libs/db/entity_table.h"
#include "libs/db/pool.h"

namespace callcenter::guidedselling {

// The guided-selling service's database access: its master-data tables
// (upserted through server::Crud), the script and rule tables its index is
// built from, source codes and catalog requests.
class SellingStore {
 public:
  explicit SellingStore(db::Pool* pool) : pool_(pool) {}

  static const db::EntityTable& SourceCodes();
  static const db::EntityTable& Scripts();
  static const db::EntityTable& UpsellRules();
  static const db::EntityTable& ProductMedia();

  // The version of the tables the index is built from (the snapshot checks it).
  absl::StatusOr<int64_t> SnapshotVersion() { return db::ReadSnapshotVersion(pool_); }
  // NOT_FOUND when the code is unknown.
  absl::StatusOr<v1::SourceCode> GetSourceCode(const std::string& code);
  // Every script and rule, for the index.
  absl::Status LoadIndexTables(std::vector<v1::Script>* scripts,
                               std::vector<v1::UpsellRule>* rules);
  // Records the catalog request of `request_id` unless it was recorded
  // before, and returns the one stored under it (the first, on a repeat).
  absl::StatusOr<v1::CatalogRequest> RecordCatalogRequest(
      const std::string& request_id, const std::string& customer_id, const std::string& source_code,
      const std::string& catalog_id, int32_t quantity, const std::string& requested_on);
  // Requests from `since` (YYYY-MM-DD) after (after_date, after_id), in
  // that order, at most `limit`.
  absl::StatusOr<std::vector<v1::CatalogRequest>> CatalogRequests(const std::string& since,
                                                                  const std::string& after_date,
                                                                  const std::string& after_id,
                                                                  int limit);

 private:
  db::Pool* pool_;
};

}  // namespace callcenter::guidedselling

#endif  // CALLCENTER_SERVICES_GUIDEDSELLING_STORE_H_
