#include "libs/status/status.h"

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace callcenter {
namespace {

constexpr char kErrorInfoUrl[] = "type.googleapis.com/google.rpc.ErrorInfo";
constexpr char kBadRequestUrl[] = "type.googleapis.com/google.rpc.BadRequest";

template <typename Message>
bool ReadPayload(const absl::Status& status, const char* url, Message* out) {
  absl::optional<absl::Cord> payload = status.GetPayload(url);
  return payload.has_value() && out->ParseFromString(std::string(*payload));
}

template <typename Message>
void WritePayload(absl::Status* status, const char* url, const Message& message) {
  status->SetPayload(url, absl::Cord(message.SerializeAsString()));
}

// A message's leading "field: ..." when the field looks like a field path
// (for INVALID_ARGUMENT errors made without InvalidField).
std::string LeadingField(absl::string_view message) {
  const size_t colon = message.find(": ");
  if (colon == absl::string_view::npos || colon == 0 || colon > 80) return "";
  for (char ch : message.substr(0, colon)) {
    if (!(absl::ascii_islower(ch) || absl::ascii_isdigit(ch) || ch == '_' || ch == '.' ||
          ch == '[' || ch == ']')) {
      return "";
    }
  }
  return std::string(message.substr(0, colon));
}

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  google::rpc::Status details;
  details.set_code(static_cast<int>(status.code()));
  details.set_message(std::string(status.message()));
  google::rpc::ErrorInfo info;
  if (!ReadPayload(status, kErrorInfoUrl, &info)) info.set_reason(ReasonOf(status));
  info.set_domain(kErrorDomain);
  details.add_details()->PackFrom(info);
  if (status.code() == absl::StatusCode::kInvalidArgument) {
    google::rpc::BadRequest bad;
    if (!ReadPayload(status, kBadRequestUrl, &bad) || bad.field_violations().empty()) {
      auto* v = bad.add_field_violations();
      v->set_field(LeadingField(status.message()));
      v->set_description(std::string(status.message()));
    }
    details.add_details()->PackFrom(bad);
  }
  // absl::StatusCode and grpc::StatusCode share their numbering.
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()),
                      details.SerializeAsString());
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  absl::Status out(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  google::rpc::Status details;
  if (status.error_details().empty() || !details.ParseFromString(status.error_details())) {
    return out;
  }
  for (const google::protobuf::Any& any : details.details()) {
    google::rpc::ErrorInfo info;
    google::rpc::BadRequest bad;
    if (any.UnpackTo(&info)) {
      WritePayload(&out, kErrorInfoUrl, info);
    } else if (any.UnpackTo(&bad)) {
      WritePayload(&out, kBadRequestUrl, bad);
    }
  }
  return out;
}

absl::Status InvalidField(absl::string_view field, absl::string_view problem,
                          absl::string_view reason) {
  absl::Status s = absl::InvalidArgumentError(absl::StrCat(field, ": ", problem));
  google::rpc::BadRequest bad;
  auto* v = bad.add_field_violations();
  v->set_field(std::string(field));
  v->set_description(std::string(problem));
  WritePayload(&s, kBadRequestUrl, bad);
  return WithReason(std::move(s), reason);
}

absl::Status WithReason(absl::Status status, absl::string_view reason,
                        const std::map<std::string, std::string>& metadata) {
  if (status.ok()) return status;
  google::rpc::ErrorInfo info;
  info.set_reason(std::string(reason));
  info.set_domain(kErrorDomain);
  for (const auto& [k, v] : metadata) (*info.mutable_metadata())[k] = v;
  WritePayload(&status, kErrorInfoUrl, info);
  return status;
}

std::string ReasonOf(const absl::Status& status) {
  google::rpc::ErrorInfo info;
  if (ReadPayload(status, kErrorInfoUrl, &info) && !info.reason().empty()) return info.reason();
  return absl::StatusCodeToString(status.code());
}

bool HasReason(const absl::Status& status) { return status.GetPayload(kErrorInfoUrl).has_value(); }

std::map<std::string, std::string> MetadataOf(const absl::Status& status) {
  google::rpc::ErrorInfo info;
  if (!ReadPayload(status, kErrorInfoUrl, &info)) return {};
  return {info.metadata().begin(), info.metadata().end()};
}

std::vector<std::pair<std::string, std::string>> FieldViolationsOf(const absl::Status& status) {
  google::rpc::BadRequest bad;
  std::vector<std::pair<std::string, std::string>> out;
  if (!ReadPayload(status, kBadRequestUrl, &bad)) return out;
  for (const auto& v : bad.field_violations()) out.emplace_back(v.field(), v.description());
  return out;
}

absl::Status WithMessage(const absl::Status& status, absl::string_view message) {
  absl::Status out(status.code(), message);
  status.ForEachPayload(
      [&](absl::string_view url, const absl::Cord& payload) { out.SetPayload(url, payload); });
  return out;
}

}  // namespace callcenter
