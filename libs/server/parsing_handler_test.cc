#include "libs/server/parsing_handler.h"

#include "callcenter/order/v1/order.pb.h"
#include "gtest/gtest.h"

namespace callcenter::server {
namespace {

// Wire bytes of `message` with one string replaced by invalid UTF-8 (the
// C++ serializer writes what it is given; a hostile client does the same).
template <typename Message>
std::string WireOf(const Message& message) {
  std::string bytes;
  message.SerializePartialToString(&bytes);
  return bytes;
}

TEST(ParsingHandlerTest, NamesTheFieldHoldingInvalidUtf8) {
  const std::string bad = "caf\xc3";
  struct Case {
    const char* name;
    std::string bytes;
    std::string field;
  };
  order::v1::UpsertCallCenterRequest top;
  top.mutable_call_center()->set_name(bad);
  order::v1::UpsertCallCenterRequest repeated;
  repeated.mutable_call_center()->add_delivery_modes("STANDARD");
  repeated.mutable_call_center()->add_delivery_modes(bad);
  order::v1::UpsertCallCenterRequest map;
  (*map.mutable_call_center()->mutable_financial_dimensions())["department"] = bad;
  order::v1::UpsertCustomerRequest nested;
  nested.mutable_customer()->mutable_delivery_address()->set_city(bad);
  order::v1::UpsertCallCenterRequest fine;
  fine.mutable_call_center()->set_name("Crème brûlée");
  const Case cases[] = {
      {"nested field", WireOf(top), "call_center.name"},
      {"second entry of a repeated field", WireOf(repeated), "call_center.delivery_modes[1]"},
      {"map value", WireOf(map), "call_center.financial_dimensions"},
      {"two levels down", WireOf(nested), "customer.delivery_address.city"},
      {"valid UTF-8", WireOf(fine), ""},
  };
  for (const Case& c : cases) {
    const google::protobuf::Descriptor* d = c.field.rfind("customer", 0) == 0
                                                ? order::v1::UpsertCustomerRequest::descriptor()
                                                : order::v1::UpsertCallCenterRequest::descriptor();
    EXPECT_EQ(FindInvalidUtf8(c.bytes, d), c.field) << c.name;
  }
  // protobuf itself refuses those messages: the reason for the handler.
  order::v1::UpsertCallCenterRequest parsed;
  EXPECT_FALSE(parsed.ParseFromString(WireOf(top)));
}

}  // namespace
}  // namespace callcenter::server
