#ifndef CALLCENTER_SERVICES_ORDER_DOMAIN_HISTORY_HASH_H_
#define CALLCENTER_SERVICES_ORDER_DOMAIN_HISTORY_HASH_H_

#include <string>

#include "callcenter/common/v1/common.pb.h"
#include "callcenter/order/v1/order.pb.h"

namespace callcenter::order {

// SHA-256 (hex) of the facts that are the server's: identity, creation and
// the event history (the deterministic serialization of an Order holding
// only those fields). Equal fingerprints mean a caller's copy of them is the
// stored one.
std::string HistoryHash(const common::v1::Order& order);

// The fingerprints of `order` without its last `appended` events and with
// them, from one serialization and without copying the order: a save
// checks the first (the caller's copy) and stores the second.
struct HistoryHashes {
  std::string before;
  std::string after;
};
HistoryHashes HashHistory(const common::v1::Order& order, int appended);
// The same of an order read as a save's view: its events are hashed as the
// bytes they came in, which equal their deterministic serialization when
// they are an OrderEvent's serialization as protobuf writes it (a caller's
// copy with other bytes gets another fingerprint: its save reads the row).
HistoryHashes HashHistory(const v1::OrderSaveView& order, int appended);

}  // namespace callcenter::order

#endif  // CALLCENTER_SERVICES_ORDER_DOMAIN_HISTORY_HASH_H_
