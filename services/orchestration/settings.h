#ifndef CALLCENTER_SERVICES_ORCHESTRATION_SETTINGS_H_
#define CALLCENTER_SERVICES_ORCHESTRATION_SETTINGS_H_

#include <string>

#include "absl/time/time.h"
#include "libs/config/config.h"
#include "services/orchestration/front_door.h"

namespace callcenter::orchestration {

// Everything the front door reads from its environment (besides what every
// service reads), each variable's name, default and range written once,
// in settings.cc; README's configuration section is checked against them.
struct FrontDoorSettings {
  OrderEntryOptions entry;  // the JWT secret and lifetime, limits, downstream timeout
  // Where the five services are (gRPC target names).
  std::string order_addr, pricing_addr, guidedselling_addr, payment_addr, hold_addr;
  absl::Duration saga_recovery_interval, saga_idle, saga_retention, saga_purge_interval;
  absl::Duration payment_sweep_interval, payment_sweep_min_age;

  // Reads every variable; bad values (and a sweep age that is not more
  // than twice the downstream timeout) are collected in `config`.
  static FrontDoorSettings Read(Config& config);
};

}  // namespace callcenter::orchestration

#endif  // CALLCENTER_SERVICES_ORCHESTRATION_SETTINGS_H_
