#include "services/orchestration/settings.h"

namespace callcenter::orchestration {

FrontDoorSettings FrontDoorSettings::Read(Config& config) {
  FrontDoorSettings s;
  s.entry.jwt_secret = config.Required("CALLCENTER_JWT_SECRET");
  s.entry.max_token_lifetime =
      absl::Seconds(config.Int("JWT_MAX_LIFETIME_SECONDS", 24 * 3600, 60, 366 * 24 * 3600));
  s.entry.limits = validation::Limits::FromConfig(config);
  s.entry.downstream_timeout =
      absl::Milliseconds(config.Int("DOWNSTREAM_TIMEOUT_MS", 3000, 10, 600000));
  s.entry.kept_contexts_max_bytes =
      static_cast<size_t>(config.Int("KEPT_CONTEXTS_MAX_MB", 256, 0, 65536)) << 20;
  s.order_addr = config.String("ORDER_ADDR", "dns:///127.0.0.1:50052");
  s.pricing_addr = config.String("PRICING_ADDR", "dns:///127.0.0.1:50053");
  s.guidedselling_addr = config.String("GUIDEDSELLING_ADDR", "dns:///127.0.0.1:50054");
  s.payment_addr = config.String("PAYMENT_ADDR", "dns:///127.0.0.1:50055");
  s.hold_addr = config.String("HOLD_ADDR", "dns:///127.0.0.1:50056");
  s.saga_recovery_interval =
      absl::Milliseconds(config.Int("SAGA_RECOVERY_INTERVAL_MS", 5000, 100, 3600000));
  s.saga_idle = absl::Milliseconds(config.Int("SAGA_IDLE_MS", 30000, 0, 86400000));
  // 0: finished sagas are kept for ever.
  s.saga_retention = absl::Hours(config.Int("SAGA_RETENTION_HOURS", 720, 0, 24 * 3650));
  s.saga_purge_interval =
      absl::Milliseconds(config.Int("SAGA_PURGE_INTERVAL_MS", 600000, 1000, 86400000));
  s.payment_sweep_interval =
      absl::Milliseconds(config.Int("PAYMENT_SWEEP_INTERVAL_MS", 10000, 1000, 86400000));
  s.payment_sweep_min_age =
      absl::Milliseconds(config.Int("PAYMENT_SWEEP_MIN_AGE_MS", 300000, 1000, 7 * 86400000LL));
  if (s.payment_sweep_min_age <= 2 * s.entry.downstream_timeout) {
    config.Invalid("PAYMENT_SWEEP_MIN_AGE_MS",
                   "must be more than twice DOWNSTREAM_TIMEOUT_MS (a payment younger may still be "
                   "on its way onto its order)");
  }
  return s;
}

}  // namespace callcenter::orchestration
