#include "services/pricing/domain/engine.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/money/money.h"
#include "libs/money/money_proto.h"
#include "libs/priced_line/fingerprint.h"
#include "libs/status/status.h"

namespace callcenter::pricing {

using common::v1::Money;

// ---------------------------------------------------------------- snapshot

std::shared_ptr<const Snapshot> Snapshot::Build(Tables tables) {
  auto s = std::make_shared<Snapshot>();
  s->tables_ = std::move(tables);
  const Tables& t = s->tables_;
  s->products_.reserve(t.products.size());
  for (const auto& p : t.products) s->products_[p.product_id()] = &p;
  for (const auto& g : t.price_groups) s->price_group_priority_[g.price_group_id()] = g.priority();
  for (const auto& a : t.trade_agreements) s->agreements_by_product_[a.product_id()].push_back(&a);
  for (const auto& d : t.discounts) {
    s->discounts_[d.discount_id()] = &d;
    if (d.kind() == v1::DISCOUNT_KIND_THRESHOLD) {
      s->threshold_discounts_.push_back(&d);
    } else if (d.product_ids().empty()) {
      s->line_discounts_all_products_.push_back(&d);
    } else {
      // Each product once, however often the discount names it (a compound
      // discount listed twice for a product would otherwise apply twice).
      std::set<std::string> products(d.product_ids().begin(), d.product_ids().end());
      for (const auto& p : products) s->line_discounts_by_product_[p].push_back(&d);
    }
  }
  for (const auto& c : t.coupons) s->coupons_[c.coupon_code()] = &c;
  for (const auto& c : t.delivery_charges) s->delivery_charges_[c.delivery_mode()] = &c;
  return s;
}

const v1::Product* Snapshot::FindProduct(const std::string& id) const {
  auto it = products_.find(id);
  return it == products_.end() ? nullptr : it->second;
}
const v1::Coupon* Snapshot::FindCoupon(const std::string& code) const {
  auto it = coupons_.find(code);
  return it == coupons_.end() ? nullptr : it->second;
}
const v1::Discount* Snapshot::FindDiscount(const std::string& id) const {
  auto it = discounts_.find(id);
  return it == discounts_.end() ? nullptr : it->second;
}
int Snapshot::PriceGroupPriority(const std::string& id) const {
  auto it = price_group_priority_.find(id);
  return it == price_group_priority_.end() ? 0 : it->second;
}
int Snapshot::CouponUses(const std::string& code) const {
  auto it = tables_.coupon_uses.find(code);
  return it == tables_.coupon_uses.end() ? 0 : it->second;
}
int Snapshot::CouponUsesBy(const std::string& code, const std::string& customer) const {
  auto it = tables_.coupon_uses_by_customer.find(Tables::UsesKey(code, customer));
  return it == tables_.coupon_uses_by_customer.end() ? 0 : it->second;
}

// ------------------------------------------------------------------ engine

namespace {

bool ValidOn(const std::string& from, const std::string& to, const std::string& date) {
  // ISO dates compare as strings.
  return (from.empty() || from <= date) && (to.empty() || date <= to);
}

// How a candidate reduces a line amount.
enum class Effect { kFixedPrice, kAmountOff, kPercentOff };

struct Candidate {
  const v1::Discount* discount;
  Effect effect;
  // kFixedPrice: price per unit; kAmountOff: amount for the whole line
  // (already multiplied by quantity and capped later); kPercentOff: bp.
  int64_t value;
  std::string coupon_code;
};

// The reduction `c` makes to `amount` (a line of `quantity` units).
int64_t Reduction(const Candidate& c, int64_t amount, int32_t quantity) {
  int64_t d = 0;
  switch (c.effect) {
    case Effect::kFixedPrice:
      d = amount - c.value * quantity;
      break;
    case Effect::kAmountOff:
      d = c.value;
      break;
    case Effect::kPercentOff:
      d = money::PercentOf(amount, c.value);
      break;
  }
  return std::clamp<int64_t>(d, 0, amount);
}

struct Applied {
  const v1::Discount* discount;
  int64_t amount;
  std::string coupon_code;
};

// Applies candidates in the compounding order (fixed price, amount off,
// percent off the reduced amount); returns what each took.
std::vector<Applied> Compound(std::vector<Candidate> cands, int64_t amount, int32_t quantity) {
  std::stable_sort(cands.begin(), cands.end(), [](const Candidate& a, const Candidate& b) {
    return static_cast<int>(a.effect) < static_cast<int>(b.effect);
  });
  std::vector<Applied> out;
  for (const Candidate& c : cands) {
    const int64_t d = Reduction(c, amount, quantity);
    amount -= d;
    if (d > 0) out.push_back({c.discount, d, c.coupon_code});
  }
  return out;
}

int64_t Total(const std::vector<Applied>& applied) {
  int64_t t = 0;
  for (const auto& a : applied) t += a.amount;
  return t;
}

bool HasPriority(const std::vector<Applied>& applied, int32_t priority) {
  for (const auto& a : applied) {
    if (a.discount->priority() == priority) return true;
  }
  return false;
}

// What the engine decided of one discount on one line (price details).
struct Verdict {
  v1::DiscountOutcomeKind outcome = v1::DISCOUNT_OUTCOME_KIND_UNSPECIFIED;
  int64_t amount = 0;
  std::string beaten_by;
  int64_t needed = 0;
};

struct LineState {
  const v1::PriceLineInput* in;
  const v1::Product* product;
  int64_t unit_price = 0;
  int64_t gross = 0;  // quantity * unit_price
  bool discountable = true;
  std::vector<Applied> applied;       // line discounts
  std::vector<Applied> order_level;   // threshold shares
  bool only_compound = true;          // every line discount is compound
  // Mix-and-match savings precomputed per discount id.
  std::map<std::string, int64_t> mix_match;
  // Where unit_price came from: the trade agreement, if one set it.
  const v1::TradeAgreement* agreement = nullptr;
  int64_t agreement_price = -1;  // the best agreement's price; -1: none
  bool overridden = false;       // a manual unit price
  // With explain: each discount's verdict as decided (the first decision
  // about a discount stands).
  std::unordered_map<const v1::Discount*, Verdict> verdicts;
};

// "C1+C2": how a winner is named (a compound combination by its parts).
std::string Label(const std::vector<Applied>& chosen) {
  std::string out;
  for (const Applied& a : chosen) {
    if (!out.empty()) out += '+';
    out += a.discount->discount_id();
  }
  return out;
}

void Record(LineState& line, const v1::Discount* d, v1::DiscountOutcomeKind outcome,
            int64_t amount, std::string beaten_by, int64_t needed = 0) {
  line.verdicts.emplace(d, Verdict{outcome, amount, std::move(beaten_by), needed});
}

// A priced line's values before it is built into a PricedLine, under the
// names PricedLine gives them, so that priced_line::Fingerprint reads both
// alike and a line whose prices did not change is never built (at the
// 500-line limit nearly every line of a change). Reused from line to line.
class LineValues {
 public:
  struct Money {
    const std::string& currency() const { return *currency_; }
    int64_t minor_units() const { return minor_units_; }
    const std::string* currency_;
    int64_t minor_units_ = 0;
  };
  struct Discount {
    const std::string& discount_id() const { return applied_->discount->discount_id(); }
    const std::string& name() const { return applied_->discount->name(); }
    const std::string& coupon_code() const { return applied_->coupon_code; }
    bool has_amount() const { return true; }
    const Money& amount() const { return amount_; }
    const Applied* applied_;
    Money amount_;
  };

  explicit LineValues(const std::string& currency)
      : unit_price_{&currency}, discount_{&currency}, net_amount_{&currency}, tax_{&currency} {}

  void Start(const v1::Product* product) {
    product_ = product;
    discounts_.clear();
    margin_bp_ = 0;
    margin_alert_ = common::v1::MARGIN_ALERT_UNSPECIFIED;
  }
  void AddDiscount(const Applied& a) {
    discounts_.push_back(Discount{&a, Money{unit_price_.currency_, a.amount}});
  }

  // What the fingerprint reads. Build sets every amount, and the base
  // price always (copied from the product, present or not).
  const std::string& product_name() const { return product_->name(); }
  bool has_base_price() const { return true; }
  const common::v1::Money& base_price() const { return product_->base_price(); }
  bool has_unit_price() const { return true; }
  const Money& unit_price() const { return unit_price_; }
  bool has_discount() const { return true; }
  const Money& discount() const { return discount_; }
  bool has_net_amount() const { return true; }
  const Money& net_amount() const { return net_amount_; }
  bool has_tax() const { return true; }
  const Money& tax() const { return tax_; }
  int discounts_size() const { return static_cast<int>(discounts_.size()); }
  const std::vector<Discount>& discounts() const { return discounts_; }
  int32_t margin_bp() const { return margin_bp_; }
  common::v1::MarginAlert margin_alert() const { return margin_alert_; }

  const v1::Product* product_ = nullptr;
  Money unit_price_, discount_, net_amount_, tax_;
  std::vector<Discount> discounts_;
  int32_t margin_bp_ = 0;
  common::v1::MarginAlert margin_alert_ = common::v1::MARGIN_ALERT_UNSPECIFIED;
};

}  // namespace

// Prices one request; a friend of Snapshot to read its indexes.
class Engine {
 public:
  // The answer goes to `out`, empty (filled in place, not moved out).
  Engine(const Snapshot& s, const v1::PriceOrderRequest& r, const std::string& date,
         v1::PriceOrderResponse* out)
      : s_(s), r_(r), date_(date), out_(*out) {}

  absl::Status Run();

 private:
  absl::Status PriceLines();
  // True when `line` priced to the fingerprint the request sent for it: the
  // answer leaves it out (PriceOrderResponse.unchanged_lines).
  bool HeldUnchanged(const LineState& line, const LineValues& values) const;
  // The answer's line for `line`, priced to `values`.
  void Build(const LineState& line, const LineValues& values, v1::PricedLine* out) const;
  void ResolveCoupons();
  bool Applicable(const v1::Discount& d, std::string* coupon) const;
  // Valid on the pricing date and for the order's price groups (a coupon
  // aside): the discounts price details speak of.
  bool Matches(const v1::Discount& d) const;
  // Price details of every line (explain): each matching discount's verdict.
  void Explain(const LineState& line, v1::PricedLine* out) const;
  void ComputeMixAndMatch();
  std::vector<Candidate> LineCandidates(const LineState& line) const;
  void ApplyLineDiscounts(LineState& line);
  void ApplyThreshold();
  int64_t DeliveryCharge(int64_t order_value) const;
  int32_t TaxRate() const;

  const Snapshot& s_;
  const v1::PriceOrderRequest& r_;
  const std::string& date_;  // the pricing date, YYYY-MM-DD
  const bool explain_ = r_.explain();
  std::vector<LineState> lines_;
  std::set<std::string> price_groups_;
  // discount id -> coupon code that unlocks it (valid coupons only).
  std::map<std::string, std::string> unlocked_;
  std::map<std::string, std::string> coupon_reason_;  // code -> why not usable
  v1::PriceOrderResponse& out_;
};

namespace {

// Orders equal savings: lower discount id first (deterministic).
bool Better(int64_t saving, const v1::Discount* d, int64_t best_saving, const v1::Discount* best) {
  if (best == nullptr) return saving > 0;
  if (saving != best_saving) return saving > best_saving;
  return d->discount_id() < best->discount_id();
}

}  // namespace

bool Engine::Matches(const v1::Discount& d) const {
  if (!ValidOn(d.valid_from(), d.valid_to(), date_)) return false;
  if (!d.price_group_ids().empty()) {
    bool any = false;
    for (const auto& g : d.price_group_ids()) any = any || price_groups_.count(g) > 0;
    if (!any) return false;
  }
  return true;
}

bool Engine::Applicable(const v1::Discount& d, std::string* coupon) const {
  if (!Matches(d)) return false;
  auto it = unlocked_.find(d.discount_id());
  if (it != unlocked_.end()) {
    *coupon = it->second;
  } else if (d.requires_coupon()) {
    return false;
  }
  return true;
}

void Engine::ResolveCoupons() {
  for (const std::string& code : r_.coupon_codes()) {
    // Redeemed at submit: known is enough (its limits counted its own use).
    absl::Status s = r_.coupons_redeemed()
                         ? (s_.FindCoupon(code) == nullptr
                                ? absl::NotFoundError(absl::StrCat("coupon ", code, " is unknown"))
                                : absl::OkStatus())
                         : CheckCoupon(s_, code, r_.customer_id(), date_);
    if (!s.ok()) {
      coupon_reason_[code] = std::string(s.message());
      continue;
    }
    const v1::Coupon* c = s_.FindCoupon(code);
    if (s_.FindDiscount(c->discount_id()) == nullptr) {
      coupon_reason_[code] = absl::StrCat("coupon ", code, " unlocks unknown discount ",
                                          c->discount_id());
      continue;
    }
    unlocked_.emplace(c->discount_id(), code);
  }
}

absl::Status Engine::PriceLines() {
  const std::string& currency = r_.currency();
  for (int i = 0; i < r_.lines_size(); ++i) {
    const v1::PriceLineInput& in = r_.lines(i);
    if (in.quantity() <= 0) return InvalidField(absl::StrCat("lines[", i, "].quantity"), "must be > 0");
    const v1::Product* product = s_.FindProduct(in.product_id());
    if (product == nullptr) {
      return absl::NotFoundError(absl::StrCat("product \"", in.product_id(), "\" not found"));
    }
    if (product->base_price().currency() != currency) {
      return absl::FailedPreconditionError(absl::StrCat("product ", product->product_id(),
                                                        " is priced in ", product->base_price().currency(),
                                                        ", the order in ", currency));
    }
    LineState line;
    line.in = &in;
    line.product = product;
    // Trade agreements valid today for this quantity.
    int64_t best = -1;
    int best_group_priority = INT32_MIN;
    int64_t best_group_price = -1;
    const v1::TradeAgreement* best_agreement = nullptr;
    const v1::TradeAgreement* best_group_agreement = nullptr;
    auto it = s_.agreements_by_product_.find(in.product_id());
    if (it != s_.agreements_by_product_.end()) {
      for (const v1::TradeAgreement* a : it->second) {
        if (a->price().currency() != currency) continue;
        if (a->from_quantity() > in.quantity()) continue;
        if (!ValidOn(a->valid_from(), a->valid_to(), date_)) continue;
        const int64_t price = a->price().minor_units();
        if (!a->customer_id().empty()) {
          if (a->customer_id() != r_.customer_id()) continue;
          if (best < 0 || price < best) best_agreement = a;
          best = best < 0 ? price : std::min(best, price);
        } else if (!a->price_group_id().empty()) {
          if (price_groups_.count(a->price_group_id()) == 0) continue;
          const int priority = s_.PriceGroupPriority(a->price_group_id());
          if (priority > best_group_priority) {
            best_group_priority = priority;
            best_group_price = price;
            best_group_agreement = a;
          } else if (priority == best_group_priority) {
            if (price < best_group_price) best_group_agreement = a;
            best_group_price = std::min(best_group_price, price);
          }
        } else {
          if (best < 0 || price < best) best_agreement = a;
          best = best < 0 ? price : std::min(best, price);
        }
      }
    }
    if (best_group_price >= 0 && (best < 0 || best_group_price < best)) {
      best = best_group_price;
      best_agreement = best_group_agreement;
    }
    line.agreement = best_agreement;
    line.unit_price = product->base_price().minor_units();
    if (best >= 0) {
      line.unit_price = best;
      line.agreement_price = best;
    }
    if (in.has_manual_unit_price()) {
      line.unit_price = in.manual_unit_price().minor_units();
      line.overridden = true;
      line.discountable = false;  // a manual price is final
    }
    if (product->prevent_discounts()) line.discountable = false;
    const money::Amount gross = money::Amount(line.unit_price) * in.quantity();
    if (!gross.ok()) {  // the field's name only when it is needed
      return gross.Get(absl::StrCat("lines[", lines_.size(), "].quantity")).status();
    }
    line.gross = gross.value();
    lines_.push_back(std::move(line));
  }
  return absl::OkStatus();
}

void Engine::ComputeMixAndMatch() {
  auto consider = [&](const v1::Discount* d) {
    if (d->kind() != v1::DISCOUNT_KIND_MIX_AND_MATCH || d->mix_match_needed() <= 1) return;
    std::string coupon;
    if (!Applicable(*d, &coupon)) return;
    std::set<std::string> products(d->product_ids().begin(), d->product_ids().end());
    struct Unit {
      size_t line;
      int64_t price;
    };
    std::vector<Unit> units;
    for (size_t i = 0; i < lines_.size(); ++i) {
      const LineState& l = lines_[i];
      if (!l.discountable) continue;
      if (!products.empty() && products.count(l.in->product_id()) == 0) continue;
      for (int q = 0; q < l.in->quantity(); ++q) units.push_back({i, l.unit_price});
    }
    // Most expensive units first; as many whole sets as the order holds.
    std::stable_sort(units.begin(), units.end(),
                     [](const Unit& a, const Unit& b) { return a.price > b.price; });
    const size_t n = static_cast<size_t>(d->mix_match_needed());
    std::map<size_t, int64_t> per_line;
    for (size_t start = 0; start + n <= units.size(); start += n) {
      int64_t set_total = 0;
      std::vector<int64_t> weights;
      for (size_t k = start; k < start + n; ++k) {
        set_total += units[k].price;
        weights.push_back(units[k].price);
      }
      int64_t saving = 0;
      if (d->percent_bp() > 0) {
        saving = money::PercentOf(set_total, d->percent_bp());
      } else if (d->has_fixed_price()) {
        saving = set_total - d->fixed_price().minor_units();
      } else if (d->has_amount_off()) {
        saving = d->amount_off().minor_units();
      }
      saving = std::clamp<int64_t>(saving, 0, set_total);
      std::vector<int64_t> parts = money::Allocate(saving, weights);
      for (size_t k = 0; k < n; ++k) per_line[units[start + k].line] += parts[k];
    }
    for (const auto& [i, saving] : per_line) {
      if (saving > 0) lines_[i].mix_match[d->discount_id()] = saving;
    }
  };
  for (const v1::Discount* d : s_.line_discounts_all_products_) consider(d);
  std::set<std::string> seen;
  for (const LineState& l : lines_) {
    auto it = s_.line_discounts_by_product_.find(l.in->product_id());
    if (it == s_.line_discounts_by_product_.end()) continue;
    for (const v1::Discount* d : it->second) {
      if (seen.insert(d->discount_id()).second) consider(d);
    }
  }
}

std::vector<Candidate> Engine::LineCandidates(const LineState& line) const {
  std::vector<Candidate> out;
  auto consider = [&](const v1::Discount* d) {
    std::string coupon;
    if (!Applicable(*d, &coupon)) return;
    const int32_t q = line.in->quantity();
    switch (d->kind()) {
      case v1::DISCOUNT_KIND_SIMPLE:
        if (d->percent_bp() > 0) {
          out.push_back({d, Effect::kPercentOff, d->percent_bp(), coupon});
        } else if (d->has_fixed_price()) {
          out.push_back({d, Effect::kFixedPrice, d->fixed_price().minor_units(), coupon});
        } else if (d->has_amount_off()) {
          out.push_back({d, Effect::kAmountOff, d->amount_off().minor_units() * q, coupon});
        }
        break;
      case v1::DISCOUNT_KIND_QUANTITY: {
        const v1::DiscountTier* reached = nullptr;
        for (const auto& t : d->tiers()) {
          if (q >= t.min_quantity() && (reached == nullptr || t.min_quantity() >= reached->min_quantity())) {
            reached = &t;
          }
        }
        if (reached == nullptr) break;
        if (reached->percent_bp() > 0) {
          out.push_back({d, Effect::kPercentOff, reached->percent_bp(), coupon});
        } else if (reached->amount_off().minor_units() > 0) {
          out.push_back({d, Effect::kAmountOff, reached->amount_off().minor_units() * q, coupon});
        }
        break;
      }
      case v1::DISCOUNT_KIND_MIX_AND_MATCH: {
        auto it = line.mix_match.find(d->discount_id());
        if (it != line.mix_match.end()) {
          out.push_back({d, Effect::kAmountOff, it->second, coupon});
        }
        break;
      }
      default:
        break;
    }
  };
  auto it = s_.line_discounts_by_product_.find(line.in->product_id());
  if (it != s_.line_discounts_by_product_.end()) {
    for (const v1::Discount* d : it->second) consider(d);
  }
  for (const v1::Discount* d : s_.line_discounts_all_products_) consider(d);
  return out;
}

void Engine::ApplyLineDiscounts(LineState& line) {
  if (!line.discountable) return;
  std::vector<Candidate> all = LineCandidates(line);
  if (all.empty()) return;
  // Priorities, highest first.
  std::set<int, std::greater<int>> priorities;
  for (const auto& c : all) priorities.insert(c.discount->priority());
  const bool compound_across = r_.concurrency_model() ==
                               common::v1::CONCURRENCY_MODEL_BEST_PRICE_COMPOUND_ACROSS;
  const int32_t q = line.in->quantity();
  int64_t amount = line.gross;
  for (int priority : priorities) {
    std::vector<const Candidate*> exclusive, best_price, compound;
    for (const auto& c : all) {
      if (c.discount->priority() != priority) continue;
      switch (c.discount->concurrency()) {
        case v1::CONCURRENCY_EXCLUSIVE:
          exclusive.push_back(&c);
          break;
        case v1::CONCURRENCY_COMPOUND:
          compound.push_back(&c);
          break;
        default:
          best_price.push_back(&c);
          break;
      }
    }
    // 1. Exclusive first, only on a line nothing else discounted yet.
    if (line.applied.empty() && !exclusive.empty()) {
      const Candidate* best = nullptr;
      int64_t best_saving = 0;
      for (const Candidate* c : exclusive) {
        const int64_t s = Reduction(*c, amount, q);
        if (Better(s, c->discount, best_saving, best ? best->discount : nullptr)) {
          best = c;
          best_saving = s;
        }
      }
      if (best != nullptr) {
        line.applied.push_back({best->discount, best_saving, best->coupon_code});
        line.only_compound = false;
        if (explain_) {
          // The other exclusive ones of its priority lost to it; it rules
          // out every other discount.
          Record(line, best->discount, v1::DISCOUNT_OUTCOME_KIND_APPLIED, best_saving, "");
          for (const auto& c : all) {
            const bool rival = c.discount->priority() == priority &&
                               c.discount->concurrency() == v1::CONCURRENCY_EXCLUSIVE;
            Record(line, c.discount,
                   rival ? v1::DISCOUNT_OUTCOME_KIND_LOST : v1::DISCOUNT_OUTCOME_KIND_BLOCKED, 0,
                   best->discount->discount_id());
          }
        }
        return;  // no other discount at any priority
      }
    }
    std::vector<Applied> chosen;
    bool chose_compound = false;
    if (!compound_across) {
      // 2. The compound combination competes with each best-price discount.
      std::vector<Candidate> combo;
      for (const Candidate* c : compound) combo.push_back(*c);
      std::vector<Applied> combined = Compound(combo, amount, q);
      int64_t best_saving = Total(combined);
      chosen = combined;
      chose_compound = !combined.empty();
      const Candidate* best = nullptr;
      for (const Candidate* c : best_price) {
        const int64_t s = Reduction(*c, amount, q);
        // Ties go to the compound combination, then to the lower id.
        if (s > best_saving || (s == best_saving && !chose_compound &&
                                Better(s, c->discount, best_saving, best ? best->discount : nullptr))) {
          best = c;
          best_saving = s;
          chosen = {{c->discount, s, c->coupon_code}};
          chose_compound = false;
        }
      }
    } else {
      // Best price within the priority (compound treated as best price).
      const Candidate* best = nullptr;
      int64_t best_saving = 0;
      for (const auto* group : {&best_price, &compound}) {
        for (const Candidate* c : *group) {
          const int64_t s = Reduction(*c, amount, q);
          if (Better(s, c->discount, best_saving, best ? best->discount : nullptr)) {
            best = c;
            best_saving = s;
          }
        }
      }
      if (best != nullptr) {
        chosen = {{best->discount, best_saving, best->coupon_code}};
        chose_compound = best->discount->concurrency() == v1::CONCURRENCY_COMPOUND;
      }
    }
    // How this priority's winner is named in the other discounts' verdicts.
    const std::string winner = explain_ ? Label(chosen) : "";
    if (explain_) {
      // This priority's verdicts: the chosen applied, the rest lost to them;
      // an exclusive one skipped because the line has a discount already is
      // blocked by it.
      const std::string earlier =
          line.applied.empty() ? "" : line.applied.front().discount->discount_id();
      for (const Applied& a : chosen) {
        Record(line, a.discount, v1::DISCOUNT_OUTCOME_KIND_APPLIED, a.amount, "");
      }
      for (const auto& c : all) {
        if (c.discount->priority() != priority) continue;
        if (c.discount->concurrency() == v1::CONCURRENCY_EXCLUSIVE && !line.applied.empty()) {
          Record(line, c.discount, v1::DISCOUNT_OUTCOME_KIND_BLOCKED, 0, earlier);
        } else {
          Record(line, c.discount, v1::DISCOUNT_OUTCOME_KIND_LOST, 0, winner);
        }
      }
    }
    if (chosen.empty()) continue;
    for (const Applied& a : chosen) {
      amount -= a.amount;
      line.applied.push_back(a);
    }
    if (!chose_compound) line.only_compound = false;
    // 3. Within priority, never across: lower priorities are ignored.
    if (!compound_across) {
      if (explain_) {
        for (const auto& c : all) {
          if (c.discount->priority() < priority) {
            Record(line, c.discount, v1::DISCOUNT_OUTCOME_KIND_IGNORED, 0, winner);
          }
        }
      }
      return;
    }
  }
}

void Engine::ApplyThreshold() {
  const bool compound_across =
      r_.concurrency_model() == common::v1::CONCURRENCY_MODEL_BEST_PRICE_COMPOUND_ACROSS;
  int64_t subtotal_after_lines = 0;
  for (const LineState& l : lines_) subtotal_after_lines += l.gross - Total(l.applied);
  // The highest priority that has an applicable threshold discount with a
  // reached tier; among those, the one saving the most.
  const v1::Discount* best = nullptr;
  std::string best_coupon;
  std::vector<size_t> best_lines;
  int64_t best_saving = 0;
  std::vector<int64_t> best_parts;
  int best_priority = INT32_MIN;
  // With explain: each threshold discount that reached a tier and the lines
  // it could take, for their verdicts once the winner is known.
  struct Contender {
    const v1::Discount* d;
    std::vector<size_t> lines;
  };
  std::vector<Contender> contenders;
  for (const v1::Discount* d : s_.threshold_discounts_) {
    std::string coupon;
    if (!Applicable(*d, &coupon)) continue;
    if (!explain_ && best != nullptr && d->priority() < best_priority) continue;
    const v1::DiscountTier* tier = nullptr;
    int64_t lowest = -1;
    for (const auto& t : d->tiers()) {
      const int64_t min = t.min_amount().minor_units();
      lowest = lowest < 0 ? min : std::min(lowest, min);
      if (subtotal_after_lines >= min &&
          (tier == nullptr || min >= tier->min_amount().minor_units())) {
        tier = &t;
      }
    }
    std::set<std::string> products(d->product_ids().begin(), d->product_ids().end());
    if (tier == nullptr) {
      if (explain_) {
        for (LineState& l : lines_) {
          if (l.discountable && (products.empty() || products.count(l.in->product_id()) > 0)) {
            Record(l, d, v1::DISCOUNT_OUTCOME_KIND_BELOW_THRESHOLD, 0, "",
                   std::max<int64_t>(0, lowest - subtotal_after_lines));
          }
        }
      }
      continue;
    }
    std::vector<size_t> eligible;
    std::vector<int64_t> weights;
    for (size_t i = 0; i < lines_.size(); ++i) {
      LineState& l = lines_[i];
      if (!l.discountable) continue;
      if (!products.empty() && products.count(l.in->product_id()) == 0) continue;
      const bool undiscounted = l.applied.empty();
      const bool ok = d->concurrency() == v1::CONCURRENCY_COMPOUND ? (undiscounted || l.only_compound)
                                                                   : undiscounted;
      if (!ok) {
        if (explain_) {
          // Ruled out by the line's discount: any one (an exclusive or
          // best-price threshold), else its first that is not compound.
          const Applied* by = &l.applied.front();
          for (const Applied& a : l.applied) {
            if (d->concurrency() == v1::CONCURRENCY_COMPOUND &&
                a.discount->concurrency() != v1::CONCURRENCY_COMPOUND) {
              by = &a;
              break;
            }
          }
          Record(l, d, v1::DISCOUNT_OUTCOME_KIND_BLOCKED, 0, by->discount->discount_id());
        }
        continue;
      }
      // Under "best price within priority, compound across" a line takes at
      // most one discount per priority, thresholds included.
      if (compound_across && HasPriority(l.applied, d->priority())) {
        if (explain_) {
          for (const Applied& a : l.applied) {
            if (a.discount->priority() != d->priority()) continue;
            Record(l, d, v1::DISCOUNT_OUTCOME_KIND_BLOCKED, 0, a.discount->discount_id());
            break;
          }
        }
        continue;
      }
      eligible.push_back(i);
      weights.push_back(l.gross - Total(l.applied));
    }
    if (eligible.empty()) continue;
    if (explain_) contenders.push_back({d, eligible});
    if (best != nullptr && d->priority() < best_priority) continue;  // explained, not a rival
    std::vector<int64_t> parts;
    if (tier->percent_bp() > 0) {
      for (int64_t w : weights) parts.push_back(money::PercentOf(w, tier->percent_bp()));
    } else {
      int64_t eligible_total = 0;
      for (int64_t w : weights) eligible_total += w;
      parts = money::Allocate(std::min(tier->amount_off().minor_units(), eligible_total), weights);
    }
    int64_t saving = 0;
    for (int64_t p : parts) saving += p;
    if (saving <= 0) continue;
    const bool higher = best == nullptr || d->priority() > best_priority;
    if (higher || Better(saving, d, best_saving, best)) {
      best = d;
      best_coupon = coupon;
      best_lines = eligible;
      best_saving = saving;
      best_parts = parts;
      best_priority = d->priority();
    }
  }
  if (best != nullptr) {
    for (size_t k = 0; k < best_lines.size(); ++k) {
      if (best_parts[k] > 0) {
        lines_[best_lines[k]].order_level.push_back({best, best_parts[k], best_coupon});
        if (explain_) {
          Record(lines_[best_lines[k]], best, v1::DISCOUNT_OUTCOME_KIND_APPLIED, best_parts[k], "");
        }
      }
    }
  }
  // The others that could have taken these lines: lost to the winner at
  // its priority, ignored below it.
  for (const Contender& c : contenders) {
    const std::string by = best == nullptr || c.d == best ? "" : best->discount_id();
    const bool lower = best != nullptr && c.d->priority() < best_priority;
    for (size_t i : c.lines) {
      Record(lines_[i], c.d,
             lower ? v1::DISCOUNT_OUTCOME_KIND_IGNORED : v1::DISCOUNT_OUTCOME_KIND_LOST, 0, by);
    }
  }
}

void Engine::Explain(const LineState& line, v1::PricedLine* out) const {
  const std::string& currency = r_.currency();
  if (out->price_overridden()) {
    out->set_price_source(v1::PRICE_SOURCE_OVERRIDE);
  } else if (line.agreement != nullptr) {
    out->set_price_source(v1::PRICE_SOURCE_TRADE_AGREEMENT);
    out->set_trade_agreement_id(line.agreement->trade_agreement_id());
    out->set_price_group_id(line.agreement->price_group_id());
  } else {
    out->set_price_source(v1::PRICE_SOURCE_BASE);
  }
  // The discounts that match the line: its product's, every product's and
  // the thresholds for it, valid today for the order's price groups.
  std::vector<const v1::Discount*> matching;
  auto add = [&](const v1::Discount* d) {
    if (Matches(*d)) matching.push_back(d);
  };
  auto it = s_.line_discounts_by_product_.find(line.in->product_id());
  if (it != s_.line_discounts_by_product_.end()) {
    for (const v1::Discount* d : it->second) add(d);
  }
  for (const v1::Discount* d : s_.line_discounts_all_products_) add(d);
  for (const v1::Discount* d : s_.threshold_discounts_) {
    if (d->product_ids().empty() ||
        std::find(d->product_ids().begin(), d->product_ids().end(), line.in->product_id()) !=
            d->product_ids().end()) {
      add(d);
    }
  }
  std::stable_sort(matching.begin(), matching.end(),
                   [](const v1::Discount* a, const v1::Discount* b) {
                     if (a->priority() != b->priority()) return a->priority() > b->priority();
                     return a->discount_id() < b->discount_id();
                   });
  for (const v1::Discount* d : matching) {
    v1::DiscountExplanation* e = out->add_explanations();
    e->set_discount_id(d->discount_id());
    e->set_name(d->name());
    e->set_priority(d->priority());
    Verdict v;
    auto found = line.verdicts.find(d);
    if (!line.discountable) {
      v.outcome = v1::DISCOUNT_OUTCOME_KIND_BLOCKED;
      v.beaten_by = out->price_overridden() ? "OVERRIDE" : "PREVENT_DISCOUNTS";
    } else if (d->requires_coupon() && unlocked_.count(d->discount_id()) == 0) {
      v.outcome = v1::DISCOUNT_OUTCOME_KIND_NO_COUPON;
    } else if (found != line.verdicts.end()) {
      v = found->second;
    } else if (d->kind() == v1::DISCOUNT_KIND_QUANTITY) {
      // No tier reached: the units still missing for the lowest, at this
      // line's unit price.
      int32_t lowest = -1;
      for (const auto& t : d->tiers()) {
        lowest = lowest < 0 ? t.min_quantity() : std::min(lowest, t.min_quantity());
      }
      v.outcome = v1::DISCOUNT_OUTCOME_KIND_BELOW_THRESHOLD;
      v.needed = std::max(0, lowest - line.in->quantity()) * line.unit_price;
    } else if (d->kind() == v1::DISCOUNT_KIND_MIX_AND_MATCH) {
      // Not one whole set: the units still missing, at this line's price.
      int64_t units = 0;
      for (const LineState& l : lines_) {
        if (l.discountable &&
            (d->product_ids().empty() ||
             std::find(d->product_ids().begin(), d->product_ids().end(), l.in->product_id()) !=
                 d->product_ids().end())) {
          units += l.in->quantity();
        }
      }
      const int64_t set = std::max<int64_t>(1, d->mix_match_needed());
      if (units >= set && units % set == 0) {
        v.outcome = v1::DISCOUNT_OUTCOME_KIND_LOST;  // whole sets, none saving here
      } else {
        v.outcome = v1::DISCOUNT_OUTCOME_KIND_BELOW_THRESHOLD;
        v.needed = (set - units % set) * line.unit_price;
      }
    } else {
      v.outcome = v1::DISCOUNT_OUTCOME_KIND_LOST;  // it would save nothing here
    }
    e->set_outcome(v.outcome);
    if (v.outcome == v1::DISCOUNT_OUTCOME_KIND_APPLIED) *e->mutable_amount() = MoneyOf(currency, v.amount);
    e->set_beaten_by(v.beaten_by);
    if (v.outcome == v1::DISCOUNT_OUTCOME_KIND_BELOW_THRESHOLD) {
      *e->mutable_amount_needed() = MoneyOf(currency, v.needed);
    }
  }
}

int64_t Engine::DeliveryCharge(int64_t order_value) const {
  if (r_.delivery_mode().empty()) return 0;
  auto it = s_.delivery_charges_.find(r_.delivery_mode());
  if (it == s_.delivery_charges_.end()) return 0;
  const v1::ChargeTier* tier = nullptr;
  for (const v1::ChargeTier& t : it->second->tiers()) {
    if (order_value >= t.from_amount().minor_units()) tier = &t;  // tiers increase
  }
  if (tier == nullptr) return 0;
  return tier->percent_bp() > 0 ? money::PercentOf(order_value, tier->percent_bp())
                                : tier->amount().minor_units();
}

int32_t Engine::TaxRate() const {
  const common::v1::Address& address = r_.delivery_address();
  int32_t rate = 0;
  size_t best_prefix = 0;
  int32_t country_rate = 0;
  for (const v1::TaxRate& t : s_.tables_.tax_rates) {
    if (!t.postal_prefix().empty()) {
      if (!address.postal_code().empty() && absl::StartsWith(address.postal_code(), t.postal_prefix()) &&
          t.postal_prefix().size() > best_prefix) {
        best_prefix = t.postal_prefix().size();
        rate = t.rate_bp();
      }
    } else if (!t.country().empty() && t.country() == address.country()) {
      country_rate = t.rate_bp();
    }
  }
  return best_prefix > 0 ? rate : country_rate;
}

absl::Status Engine::Run() {
  const std::string& currency = r_.currency();
  if (currency.size() != 3) return InvalidField("currency", "must be an ISO 4217 code");
  if (date_.size() != 10) return InvalidField("pricing_date", "must be YYYY-MM-DD");
  for (const auto& g : r_.call_center_price_groups()) price_groups_.insert(g);
  if (!r_.customer_price_group().empty()) price_groups_.insert(r_.customer_price_group());
  if (!r_.source_price_group().empty()) price_groups_.insert(r_.source_price_group());
  ResolveCoupons();
  RETURN_IF_ERROR(PriceLines());
  ComputeMixAndMatch();
  for (LineState& l : lines_) ApplyLineDiscounts(l);
  ApplyThreshold();

  // Every sum checked: an overflow is an error, never a wrapped total.
  money::Amount subtotal, discount_total, threshold_total, tax;
  std::set<std::string> used_coupons;
  const int32_t tax_bp = TaxRate();
  const bool margins = r_.margin_acceptable_bp() > 0 || explain_;
  LineValues values(currency);
  int unchanged = 0;
  for (LineState& l : lines_) {
    values.Start(l.product);
    money::Amount line_discount;
    for (const auto* group : {&l.applied, &l.order_level}) {
      for (const Applied& a : *group) {
        values.AddDiscount(a);
        if (!a.coupon_code.empty()) used_coupons.insert(a.coupon_code);
        line_discount += a.amount;
      }
    }
    for (const Applied& a : l.order_level) threshold_total += a.amount;
    ASSIGN_OR_RETURN(const int64_t discount, line_discount.Get("discount"));
    ASSIGN_OR_RETURN(const int64_t net_amount,
                     (money::Amount(l.gross) - discount).Get("net_amount"));
    values.unit_price_.minor_units_ = l.unit_price;
    values.discount_.minor_units_ = discount;
    values.net_amount_.minor_units_ = net_amount;
    if (margins) {
      values.margin_bp_ =
          MarginBp(net_amount, l.product->unit_cost().minor_units(), l.in->quantity());
      values.margin_alert_ = MarginAlertFor(values.margin_bp_, r_.margin_acceptable_bp(),
                                            r_.margin_questionable_bp());
    }
    const money::Amount line_tax = money::Amount(net_amount).Percent(tax_bp);
    values.tax_.minor_units_ = line_tax.value();
    tax += line_tax;
    subtotal += l.gross;
    discount_total += line_discount;
    if (HeldUnchanged(l, values)) {
      ++unchanged;
      continue;
    }
    v1::PricedLine* out = out_.add_lines();
    Build(l, values, out);
    if (explain_) Explain(l, out);
  }
  out_.set_unchanged_lines(unchanged);
  ASSIGN_OR_RETURN(const int64_t net, (subtotal - discount_total).Get("subtotal"));
  const int64_t charges = DeliveryCharge(net);
  tax += money::Amount(charges).Percent(tax_bp);
  for (const std::string& code : r_.coupon_codes()) {
    v1::CouponResult* cr = out_.add_coupon_results();
    cr->set_coupon_code(code);
    auto reason = coupon_reason_.find(code);
    if (reason != coupon_reason_.end()) {
      cr->set_reason(reason->second);
    } else if (used_coupons.count(code)) {
      cr->set_applied(true);
    } else {
      cr->set_reason(absl::StrCat("coupon ", code, " does not apply to any line of this order"));
    }
  }
  ASSIGN_OR_RETURN(const int64_t total, (money::Amount(net) + charges + tax).Get("total"));
  *out_.mutable_subtotal() = MoneyOf(currency, subtotal.value());
  *out_.mutable_discount_total() = MoneyOf(currency, discount_total.value());
  *out_.mutable_threshold_discount_total() = MoneyOf(currency, threshold_total.value());
  *out_.mutable_charges_total() = MoneyOf(currency, charges);
  *out_.mutable_tax_total() = MoneyOf(currency, tax.value());
  *out_.mutable_total() = MoneyOf(currency, total);
  return absl::OkStatus();
}

bool Engine::HeldUnchanged(const LineState& line, const LineValues& values) const {
  // An explained line carries more than the fingerprint covers; so does a
  // continuity plan (the submit plans the subscriptions from the answer).
  if (explain_ || line.product->has_continuity()) return false;
  const uint64_t held = line.in->priced_fingerprint();
  return held != 0 && priced_line::Fingerprint(values) == held;
}

void Engine::Build(const LineState& line, const LineValues& values, v1::PricedLine* out) const {
  const std::string& currency = r_.currency();
  out->set_line_id(line.in->line_id());
  out->set_product_id(line.in->product_id());
  out->set_product_name(line.product->name());
  out->set_quantity(line.in->quantity());
  if (line.product->has_continuity()) *out->mutable_continuity() = line.product->continuity();
  *out->mutable_base_price() = line.product->base_price();
  if (line.agreement_price >= 0) {
    *out->mutable_trade_agreement_price() = MoneyOf(currency, line.agreement_price);
  }
  if (line.overridden) out->set_price_overridden(true);
  *out->mutable_unit_price() = MoneyOf(currency, values.unit_price_.minor_units_);
  for (const LineValues::Discount& a : values.discounts()) {
    common::v1::AppliedDiscount* ad = out->add_discounts();
    ad->set_discount_id(a.discount_id());
    ad->set_name(a.name());
    *ad->mutable_amount() = MoneyOf(currency, a.amount_.minor_units_);
    ad->set_coupon_code(a.coupon_code());
  }
  *out->mutable_discount() = MoneyOf(currency, values.discount_.minor_units_);
  *out->mutable_net_amount() = MoneyOf(currency, values.net_amount_.minor_units_);
  out->set_margin_bp(values.margin_bp_);
  out->set_margin_alert(values.margin_alert_);
  *out->mutable_tax() = MoneyOf(currency, values.tax_.minor_units_);
}

int32_t MarginBp(int64_t net_amount, int64_t unit_cost, int32_t quantity) {
  if (net_amount <= 0 || quantity <= 0) return kMarginFloorBp;
  // (net - cost * q) * 10000 / net, in 128 bits: amounts reach 10^12 and
  // quantities 10^4, so the products pass 2^63.
  const __int128 cost = static_cast<__int128>(unit_cost) * quantity;
  const __int128 bp = (static_cast<__int128>(net_amount) - cost) * 10000 / net_amount;
  if (bp < kMarginFloorBp) return kMarginFloorBp;
  if (bp > 10000) return 10000;  // a negative cost is refused at upsert; never wrap
  return static_cast<int32_t>(bp);
}

common::v1::MarginAlert MarginAlertFor(int32_t margin_bp, int32_t acceptable_bp,
                                       int32_t questionable_bp) {
  if (acceptable_bp <= 0) return common::v1::MARGIN_ALERT_UNSPECIFIED;
  if (margin_bp >= acceptable_bp) return common::v1::MARGIN_ALERT_OK;
  if (margin_bp >= questionable_bp) return common::v1::MARGIN_ALERT_WARNING;
  return common::v1::MARGIN_ALERT_BLOCKED;
}

absl::Status PriceOrder(const Snapshot& snapshot, const v1::PriceOrderRequest& request,
                        const std::string& pricing_date, v1::PriceOrderResponse* out) {
  out->Clear();
  return Engine(snapshot, request, pricing_date, out).Run();
}

absl::StatusOr<v1::PriceOrderResponse> PriceOrder(const Snapshot& snapshot,
                                                  const v1::PriceOrderRequest& request) {
  v1::PriceOrderResponse out;
  RETURN_IF_ERROR(PriceOrder(snapshot, request, request.pricing_date(), &out));
  return out;
}

absl::Status CheckCoupon(const Snapshot& s, const std::string& code, const std::string& customer_id,
                         const std::string& date) {
  const v1::Coupon* c = s.FindCoupon(code);
  if (c == nullptr) return absl::NotFoundError(absl::StrCat("coupon ", code, " is unknown"));
  if (!c->active()) return absl::FailedPreconditionError(absl::StrCat("coupon ", code, " is inactive"));
  if (!c->valid_from().empty() && date < c->valid_from()) {
    return absl::FailedPreconditionError(
        absl::StrCat("coupon ", code, " is not valid yet (from ", c->valid_from(), ")"));
  }
  if (!c->valid_to().empty() && date > c->valid_to()) {
    return absl::FailedPreconditionError(
        absl::StrCat("coupon ", code, " is expired (valid to ", c->valid_to(), ")"));
  }
  if (c->max_uses() > 0 && s.CouponUses(code) >= c->max_uses()) {
    return absl::FailedPreconditionError(absl::StrCat("coupon ", code, " is used up"));
  }
  if (c->max_uses_per_customer() > 0 && !customer_id.empty() &&
      s.CouponUsesBy(code, customer_id) >= c->max_uses_per_customer()) {
    return absl::FailedPreconditionError(
        absl::StrCat("coupon ", code, " is used up for customer ", customer_id));
  }
  return absl::OkStatus();
}

absl::Status CheckPriceOverride(const v1::Product& product, int64_t system_unit_price,
                                int64_t unit_price, int32_t max_bp) {
  if (!product.allow_price_override()) {
    return absl::FailedPreconditionError(
        absl::StrCat("product ", product.product_id(), " does not allow price overrides"));
  }
  if (unit_price < 0) return InvalidField("unit_price", "must be >= 0");
  if (product.has_unit_cost() && unit_price < product.unit_cost().minor_units()) {
    return InvalidField("unit_price", absl::StrCat("may not be below the unit cost ",
                                                   money::Format(product.unit_cost().minor_units())));
  }
  // (system - price) / system <= max_bp / 10000, in integers.
  if (unit_price < system_unit_price &&
      static_cast<__int128>(system_unit_price - unit_price) * 10000 >
          static_cast<__int128>(system_unit_price) * max_bp) {
    return absl::PermissionDeniedError(absl::StrCat(
        "unit_price ", money::Format(unit_price), " is more than ", max_bp / 100.0,
        "% below the system price ", money::Format(system_unit_price),
        " (the user's price_override_max_bp)"));
  }
  return absl::OkStatus();
}

}  // namespace callcenter::pricing
