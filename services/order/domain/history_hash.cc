#include "services/order/domain/history_hash.h"

#include <cstdint>

#include "absl/strings/escaping.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/wire_format_lite.h"
#include "openssl/evp.h"

namespace callcenter::order {
namespace {

using common::v1::Order;
using google::protobuf::internal::WireFormatLite;

// Field numbers of the facts in common.v1.Order, written in this order
// (ascending, as a deterministic serialization writes them).
constexpr int kOrderId = 1;
constexpr int kCallCenterId = 2;
constexpr int kCustomerId = 3;
constexpr int kEvents = 24;
constexpr int kCreatedAt = 28;
constexpr int kCreatedBy = 30;

static_assert(Order::kOrderIdFieldNumber == kOrderId);
static_assert(Order::kCallCenterIdFieldNumber == kCallCenterId);
static_assert(Order::kCustomerIdFieldNumber == kCustomerId);
static_assert(Order::kEventsFieldNumber == kEvents);
static_assert(Order::kCreatedAtFieldNumber == kCreatedAt);
static_assert(Order::kCreatedByFieldNumber == kCreatedBy);

void WriteString(int field, const std::string& value, google::protobuf::io::CodedOutputStream* out) {
  if (!value.empty()) WireFormatLite::WriteString(field, value, out);  // proto3: empty is absent
}

void WriteMessage(int field, const google::protobuf::MessageLite& value,
                  google::protobuf::io::CodedOutputStream* out) {
  WireFormatLite::WriteTag(field, WireFormatLite::WIRETYPE_LENGTH_DELIMITED, out);
  out->WriteVarint32(static_cast<uint32_t>(value.ByteSizeLong()));
  value.SerializeWithCachedSizes(out);
}

// An event already serialized: on the wire the same as the message it holds.
void WriteMessage(int field, const std::string& serialized,
                  google::protobuf::io::CodedOutputStream* out) {
  WireFormatLite::WriteBytes(field, serialized, out);
}

std::string Hex(EVP_MD_CTX* ctx) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(ctx, digest, &size);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), size));
}

// `OrderLike` is an Order or a save's view of one (events as bytes): the
// two name these fields alike.
template <typename OrderLike>
HistoryHashes HashHistoryOf(const OrderLike& order, int appended) {
  if (appended < 0) appended = 0;
  if (appended > order.events_size()) appended = order.events_size();
  const int kept = order.events_size() - appended;
  // One buffer: identity, then the events, then creation; `split` and
  // `events_end` mark where the appended events start and end.
  std::string bytes;
  size_t split = 0, events_end = 0;
  {
    google::protobuf::io::StringOutputStream raw(&bytes);
    google::protobuf::io::CodedOutputStream out(&raw);
    out.SetSerializationDeterministic(true);
    WriteString(kOrderId, order.order_id(), &out);
    WriteString(kCallCenterId, order.call_center_id(), &out);
    WriteString(kCustomerId, order.customer_id(), &out);
    for (int i = 0; i < order.events_size(); ++i) {
      if (i == kept) split = static_cast<size_t>(out.ByteCount());
      WriteMessage(kEvents, order.events(i), &out);
    }
    events_end = static_cast<size_t>(out.ByteCount());
    if (kept == order.events_size()) split = events_end;
    // Always present, empty or not: the stored definition copied it in.
    WriteMessage(kCreatedAt, order.created_at(), &out);
    WriteString(kCreatedBy, order.created_by(), &out);
  }
  const absl::string_view all(bytes);
  EVP_MD_CTX* before = EVP_MD_CTX_new();
  EVP_MD_CTX* after = EVP_MD_CTX_new();
  EVP_DigestInit_ex(before, EVP_sha256(), nullptr);
  EVP_DigestUpdate(before, all.data(), split);
  EVP_MD_CTX_copy_ex(after, before);
  const absl::string_view tail = all.substr(events_end);
  EVP_DigestUpdate(before, tail.data(), tail.size());
  EVP_DigestUpdate(after, all.data() + split, all.size() - split);
  HistoryHashes hashes{Hex(before), Hex(after)};
  EVP_MD_CTX_free(before);
  EVP_MD_CTX_free(after);
  return hashes;
}

}  // namespace

HistoryHashes HashHistory(const Order& order, int appended) {
  return HashHistoryOf(order, appended);
}

HistoryHashes HashHistory(const v1::OrderSaveView& order, int appended) {
  return HashHistoryOf(order, appended);
}

std::string HistoryHash(const Order& order) { return HashHistory(order, 0).after; }

}  // namespace callcenter::order
