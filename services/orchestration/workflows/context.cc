#include "services/orchestration/workflows/context.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/util/time_util.h"
#include "libs/ids/digest.h"

namespace callcenter::orchestration {

std::string ScopedRequestId(const std::string& user_id, const char* method,
                            const std::string& request_id) {
  return absl::StrCat("r", Digest({user_id, method, request_id}, 40));
}

std::string Fingerprint(const google::protobuf::Message& request) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.SetSerializationDeterministic(true);
    request.SerializeToCodedStream(&out);
  }
  return Digest({bytes}, 32);
}

google::protobuf::Timestamp Clock::Timestamp() const {
  return google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(now_()));
}

std::string Clock::Today() const {
  return absl::FormatTime("%Y-%m-%d", now_(), absl::UTCTimeZone());
}

}  // namespace callcenter::orchestration
