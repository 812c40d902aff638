#include "libs/ids/order_event_kind.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace callcenter {

const std::string& OrderEventKindName(common::v1::OrderEventKind kind) {
  static const auto* const kNames = [] {
    auto* names = new std::vector<std::string>(common::v1::OrderEventKind_ARRAYSIZE);
    constexpr char kPrefix[] = "ORDER_EVENT_KIND_";
    for (int k = 0; k < common::v1::OrderEventKind_ARRAYSIZE; ++k) {
      if (!common::v1::OrderEventKind_IsValid(k)) continue;
      std::string name =
          common::v1::OrderEventKind_Name(static_cast<common::v1::OrderEventKind>(k));
      if (absl::StartsWith(name, kPrefix)) name = name.substr(sizeof(kPrefix) - 1);
      (*names)[k] = absl::AsciiStrToLower(name);
    }
    return names;
  }();
  static const std::string kUnknown = "unspecified";
  return kind > 0 && kind < common::v1::OrderEventKind_ARRAYSIZE && !(*kNames)[kind].empty()
             ? (*kNames)[kind]
             : kUnknown;
}

common::v1::OrderEvent MakeOrderEvent(const std::string& user_id, common::v1::OrderEventKind kind,
                                      const std::string& detail) {
  common::v1::OrderEvent e;
  e.set_user_id(user_id);
  e.set_kind(OrderEventKindName(kind));
  e.set_detail(detail);
  return e;
}

}  // namespace callcenter
