#ifndef CALLCENTER_SERVICES_PRICING_STORE_H_
#define CALLCENTER_SERVICES_PRICING_STORE_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "callcenter/pricing/v1/pricing.pb.h"
#include "libs/db/entity_table.h"
#include "libs/db/pool.h"
#include "services/pricing/domain/engine.h"

namespace callcenter::pricing {

// The pricing service's database access: its master-data tables (upserted
// through server::Crud, loaded whole into the snapshot) and coupon uses,
// which are counted here where a limit decides.
class PricingStore {
 public:
  explicit PricingStore(db::Pool* pool) : pool_(pool) {}

  // The master-data table `name` (products, price_groups, trade_agreements,
  // discounts, coupons, delivery_charges, tax_rates).
  static const db::EntityTable& Table(const char* name);

  // The version of the snapshot's tables (the snapshot checks it).
  absl::StatusOr<int64_t> SnapshotVersion() { return db::ReadSnapshotVersion(pool_); }
  // Every table, with the uses of coupons that have a limit.
  absl::StatusOr<Snapshot::Tables> LoadTables();

  // Uses of a coupon counted now (the truth across replicas), leaving out
  // `order_id`'s own: in all, and by `customer_id`.
  struct CouponUses {
    int uses = 0;
    int customer_uses = 0;
  };
  absl::StatusOr<CouponUses> CountUses(const v1::Coupon& coupon, const std::string& customer_id,
                                       const std::string& order_id);
  // Records `order_id`'s use of `code` (once per order and code).
  absl::Status RecordUse(const std::string& order_id, const std::string& code,
                         const std::string& customer_id);
  // Redeems `codes` for an order in one transaction: each coupon read as
  // stored (a limited one locked, so concurrent redemptions of it queue),
  // its uses counted, `check` deciding, then its use recorded. Nothing is
  // recorded unless every code passes.
  using RedeemCheck = std::function<absl::Status(const v1::Coupon&, const CouponUses&)>;
  absl::Status RedeemAll(const std::string& order_id, const std::string& customer_id,
                         const std::vector<std::string>& codes, const RedeemCheck& check);
  // Gives back the order's uses; returns the codes released.
  absl::StatusOr<std::vector<std::string>> ReleaseUses(const std::string& order_id);

 private:
  absl::StatusOr<CouponUses> CountUsesIn(pqxx::work& txn, const v1::Coupon& coupon,
                                         const std::string& customer_id,
                                         const std::string& order_id);

  db::Pool* pool_;
};

// Whether the coupon has a limit on its uses (then its uses are counted).
inline bool HasLimit(const v1::Coupon& c) {
  return c.max_uses() > 0 || c.max_uses_per_customer() > 0;
}

}  // namespace callcenter::pricing

#endif  // CALLCENTER_SERVICES_PRICING_STORE_H_
