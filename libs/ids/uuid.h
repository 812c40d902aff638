#ifndef CALLCENTER_LIBS_IDS_UUID_H_
#define CALLCENTER_LIBS_IDS_UUID_H_

#include <string>

namespace callcenter {

// A random (version 4) UUID in canonical lowercase form.
std::string NewUuid();

// True for a UUID in canonical form (8-4-4-4-12 hex digits).
bool IsUuid(const std::string& text);

}  // namespace callcenter

#endif  // CALLCENTER_LIBS_IDS_UUID_H_
