#ifndef CALLCENTER_LIBS_IDS_ORDER_EVENT_KIND_H_
#define CALLCENTER_LIBS_IDS_ORDER_EVENT_KIND_H_

#include <string>

#include "callcenter/common/v1/common.pb.h"

namespace callcenter {

// What OrderEvent.kind carries for `kind`: its enum name in lower case
// without the prefix ("line_added" for ORDER_EVENT_KIND_LINE_ADDED); every
// service writes event kinds through this, so none is spelled by hand.
const std::string& OrderEventKindName(common::v1::OrderEventKind kind);

// An event of `kind` by `user_id` (kSystemUser for the system's own).
common::v1::OrderEvent MakeOrderEvent(const std::string& user_id, common::v1::OrderEventKind kind,
                                      const std::string& detail);

}  // namespace callcenter

#endif  // CALLCENTER_LIBS_IDS_ORDER_EVENT_KIND_H_
