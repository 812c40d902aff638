#include "services/pricing/store.h"

#include <map>
#include <memory>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "libs/status/status.h"
#include "services/pricing/queries.h"

namespace callcenter::pricing {

namespace {

template <typename T>
absl::Status LoadAll(pqxx::work& txn, const char* table, std::vector<T>* out) {
  return PricingStore::Table(table).All(txn, [out]() -> google::protobuf::Message* {
    out->emplace_back();
    return &out->back();
  });
}

// The coupon as stored; a limited one locked for the rest of `txn`.
absl::StatusOr<v1::Coupon> ReadCoupon(pqxx::work& txn, const std::string& code) {
  pqxx::result r = db::Exec(txn, queries::kCouponRead, code);
  if (r.empty()) return absl::NotFoundError(absl::StrCat("coupon ", code, " is unknown"));
  v1::Coupon coupon;
  RETURN_IF_ERROR(db::FromJson(r[0]["body"].as<std::string>(), &coupon));
  if (!HasLimit(coupon)) return coupon;
  // The row lock serialises redemptions of a limited code, so its limits
  // hold under concurrency; unlimited codes need no lock.
  r = db::Exec(txn, queries::kCouponLock, code);
  if (r.empty()) return absl::NotFoundError(absl::StrCat("coupon ", code, " is unknown"));
  RETURN_IF_ERROR(db::FromJson(r[0]["body"].as<std::string>(), &coupon));
  return coupon;
}

}  // namespace

const db::EntityTable& PricingStore::Table(const char* name) {
  static std::mutex mu;
  static auto* tables = new std::map<std::string, std::unique_ptr<db::EntityTable>>();
  std::lock_guard<std::mutex> lock(mu);
  auto& slot = (*tables)[name];
  if (!slot) slot = std::make_unique<db::EntityTable>(name);
  return *slot;
}

absl::StatusOr<Snapshot::Tables> PricingStore::LoadTables() {
  Snapshot::Tables tables;
  RETURN_IF_ERROR(pool_->Read([&](pqxx::work& txn) -> absl::Status {
    RETURN_IF_ERROR(PricingStore::Table("products").AllShared(
        txn, []() -> const google::protobuf::Message& { return v1::Product::default_instance(); },
        [&tables](db::EntityTable::Shared row) {
          tables.products.push_back(std::static_pointer_cast<const v1::Product>(std::move(row)));
        }));
    RETURN_IF_ERROR(LoadAll(txn, "price_groups", &tables.price_groups));
    RETURN_IF_ERROR(LoadAll(txn, "trade_agreements", &tables.trade_agreements));
    RETURN_IF_ERROR(LoadAll(txn, "discounts", &tables.discounts));
    RETURN_IF_ERROR(LoadAll(txn, "coupons", &tables.coupons));
    RETURN_IF_ERROR(LoadAll(txn, "delivery_charges", &tables.delivery_charges));
    RETURN_IF_ERROR(LoadAll(txn, "tax_rates", &tables.tax_rates));
    for (const auto& row : db::Exec(txn, queries::kCouponUseCounts)) {
      const std::string code = row["coupon_code"].as<std::string>();
      const int n = row["uses"].as<int>();
      tables.coupon_uses[code] += n;
      tables.coupon_uses_by_customer[Snapshot::Tables::UsesKey(
          code, row["customer_id"].as<std::string>())] += n;
    }
    return absl::OkStatus();
  }));
  return tables;
}

absl::StatusOr<PricingStore::CouponUses> PricingStore::CountUsesIn(pqxx::work& txn,
                                                                   const v1::Coupon& coupon,
                                                                   const std::string& customer_id,
                                                                   const std::string& order_id) {
  CouponUses counted;
  if (coupon.max_uses() > 0 || (coupon.max_uses_per_customer() > 0 && !customer_id.empty())) {
    pqxx::result uses =
        db::Exec(txn, coupon.max_uses() > 0 ? queries::kCouponUses : queries::kCouponUsesBy,
                 coupon.coupon_code(), customer_id, order_id);
    counted.uses = uses[0]["uses"].as<int>();
    counted.customer_uses = uses[0]["customer_uses"].as<int>();
  }
  return counted;
}

absl::StatusOr<PricingStore::CouponUses> PricingStore::CountUses(const v1::Coupon& coupon,
                                                                 const std::string& customer_id,
                                                                 const std::string& order_id) {
  CouponUses counted;
  RETURN_IF_ERROR(pool_->Read([&](pqxx::work& txn) -> absl::Status {
    ASSIGN_OR_RETURN(counted, CountUsesIn(txn, coupon, customer_id, order_id));
    return absl::OkStatus();
  }));
  return counted;
}

absl::Status PricingStore::RecordUse(const std::string& order_id, const std::string& code,
                                     const std::string& customer_id) {
  return pool_->Single([&](pqxx::transaction_base& txn) {
    db::Exec(txn, queries::kCouponUseInsert, order_id, code, customer_id);
    return absl::OkStatus();
  });
}

absl::Status PricingStore::RedeemAll(const std::string& order_id, const std::string& customer_id,
                                     const std::vector<std::string>& codes,
                                     const RedeemCheck& check) {
  return pool_->Transact([&](pqxx::work& txn) -> absl::Status {
    for (const std::string& code : codes) {
      ASSIGN_OR_RETURN(v1::Coupon coupon, ReadCoupon(txn, code));
      ASSIGN_OR_RETURN(CouponUses counted, CountUsesIn(txn, coupon, customer_id, order_id));
      RETURN_IF_ERROR(check(coupon, counted));
      db::Exec(txn, queries::kCouponUseInsert, order_id, code, customer_id);
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<std::string>> PricingStore::ReleaseUses(const std::string& order_id) {
  std::vector<std::string> released;
  RETURN_IF_ERROR(pool_->Transact([&](pqxx::work& txn) {
    for (const auto& row : db::Exec(txn, queries::kCouponRelease, order_id)) {
      released.push_back(row["coupon_code"].as<std::string>());
    }
    return absl::OkStatus();
  }));
  return released;
}

}  // namespace callcenter::pricing
