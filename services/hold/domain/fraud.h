#ifndef CALLCENTER_SERVICES_HOLD_DOMAIN_FRAUD_H_
#define CALLCENTER_SERVICES_HOLD_DOMAIN_FRAUD_H_

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "callcenter/hold/v1/hold.pb.h"

namespace callcenter::hold {

// Values are compared in a normal form: emails lower-cased and trimmed,
// phones as their digits, postal codes upper-cased without spaces.
std::string NormalizeFraudValue(v1::FraudDataKind kind, const std::string& value);

// An immutable index of the fraud tables for scoring at submit.
class FraudIndex {
 public:
  static std::shared_ptr<const FraudIndex> Build(const std::vector<v1::FraudRule>& rules,
                                                 const std::vector<v1::FraudData>& data);

  // Scores an order (DOMAIN.md section 6): the scores of the unique static
  // matches (email, phone, billing and delivery postal codes; the same value
  // counts once) plus those of the active rules whose set conditions all
  // hold. Fills score and matches of `out`; the caller decides on the hold
  // (score > min_fraud_score).
  void Evaluate(const v1::EvaluateFraudRequest& order, v1::EvaluateFraudResponse* out) const;

  size_t rule_count() const { return rules_.size(); }

 private:
  std::vector<v1::FraudRule> rules_;  // active ones only
  // kind -> normalized value -> score
  std::unordered_map<int, std::unordered_map<std::string, int64_t>> data_;
};

// A FRAUD hold is placed only when the score is greater than the call
// center's minimum (equal is not enough).
inline bool NeedsFraudHold(int64_t score, int64_t min_fraud_score) {
  return score > min_fraud_score;
}

// True when a hold of `hold_code` may be cleared by a user with these codes
// ("*" = all); any user may clear a code that is open to all.
bool MayClear(const std::string& hold_code,
              const google::protobuf::RepeatedPtrField<std::string>& clearable,
              bool code_open_to_all = false);

}  // namespace callcenter::hold

#endif  // CALLCENTER_SERVICES_HOLD_DOMAIN_FRAUD_H_
