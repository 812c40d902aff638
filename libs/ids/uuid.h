#ifndef CALLCENTER_LIBS_IDS_UUID_H_
#define CALLCENTER_LIBS_IDS_UUID_H_

#include <string>

namespace callcenter {

// A random (version 4) UUID in canonical lowercase form.
std::string NewUuid();

}  // namespace callcenter

#endif  // CALLCENTER_LIBS_IDS_UUID_H_
