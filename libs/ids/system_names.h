#ifndef CALLCENTER_LIBS_IDS_SYSTEM_NAMES_H_
#define CALLCENTER_LIBS_IDS_SYSTEM_NAMES_H_

namespace callcenter {

// The user id recorded for what the suite does by itself: undoing a failed
// request, recovery, the sweep, holds the fraud check places and events
// they log. No agent may have it (it is never a JWT subject of a user).
inline constexpr char kSystemUser[] = "system";

// Hold codes the system places and clears by itself (DOMAIN 7, 9, 10); a
// call center's own codes are master data.
inline constexpr char kFraudHoldCode[] = "FRAUD";
inline constexpr char kPaymentHoldCode[] = "PAYMENT";
inline constexpr char kPendingReturnHoldCode[] = "PENDING_RETURN";
inline constexpr char kCheckHoldCode[] = "CHECK";

}  // namespace callcenter

#endif  // CALLCENTER_LIBS_IDS_SYSTEM_NAMES_H_
