#ifndef CALLCENTER_LIBS_MONEY_MONEY_PROTO_H_
#define CALLCENTER_LIBS_MONEY_MONEY_PROTO_H_

#include <cstdint>
#include <string>

#include "callcenter/common/v1/common.pb.h"

namespace callcenter {

// A Money message: `minor` units of `currency`.
inline common::v1::Money MoneyOf(const std::string& currency, int64_t minor) {
  common::v1::Money m;
  m.set_currency(currency);
  m.set_minor_units(minor);
  return m;
}

}  // namespace callcenter

#endif  // CALLCENTER_LIBS_MONEY_MONEY_PROTO_H_
