#include "libs/validation/validation.h"

#include <string>

#include "callcenter/orchestration/v1/orchestration.pb.h"
#include "callcenter/order/v1/order.pb.h"
#include "gtest/gtest.h"
#include "libs/status/status.h"

namespace callcenter::validation {
namespace {

namespace fd = orchestration::v1;

TEST(ValidationTest, CardNumbersAnywhereInText) {
  struct Case {
    const char* text;
    bool card;
  };
  const Case cases[] = {
      {"4111111111111111", true},      // Visa test number (16 digits, Luhn)
      {"tok_4111111111111111", true},  // embedded in a token
      {"call me, card 4111 1111 1111 1111 thanks", true},
      {"4111-1111-1111-1111", true},
      {"378282246310005", true},    // Amex, 15 digits
      {"4222222222222", true},      // 13 digits
      {"4111111111111112", false},  // fails Luhn
      {"tok_visa_0002", false},
      {"order 123456789012", false},       // 12 digits
      {"41111111111111111111111", false},  // 23 digits: not a card number
      {"4111  1111 1111 1111", false},     // two spaces break the run: 4 + 12 digits
      {"", false},
  };
  for (const Case& c : cases) EXPECT_EQ(ContainsCardNumber(c.text), c.card) << c.text;
}

TEST(ValidationTest, Utf8) {
  EXPECT_TRUE(IsValidUtf8("Crème brûlée 日本 🎉"));
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("a\xc3"));             // truncated
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // a UTF-16 surrogate (CESU)
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // beyond U+10FFFF
}

struct Row {
  const char* name;
  std::function<void(fd::PlaceHoldRequest&)> set;
  std::string field;   // "" = valid
  std::string reason;  // expected ErrorInfo reason
};

TEST(ValidationTest, RequestFieldsAtTheirLimits) {
  const Limits limits;
  const std::string at_text(2000, 'x'), over_text(2001, 'x');
  const std::string at_id(64, 'a'), over_id(65, 'a');
  const std::string two_byte_chars = std::string(2000 * 2 / 2, 'x').replace(0, 2, "é");
  const Row rows[] = {
      {"valid", [](fd::PlaceHoldRequest&) {}, "", ""},
      {"note at the limit", [&](fd::PlaceHoldRequest& r) { r.set_note(at_text); }, "", ""},
      {"note beyond", [&](fd::PlaceHoldRequest& r) { r.set_note(over_text); }, "note",
       kReasonLimitExceeded},
      {"note counted in characters",
       [&](fd::PlaceHoldRequest& r) {
         r.set_note(std::string(1000, 'x') + std::string(1000, 'x') + "é");
       },
       "note", kReasonLimitExceeded},
      {"2000 two-byte characters fit",
       [&](fd::PlaceHoldRequest& r) {
         std::string s;
         for (int i = 0; i < 2000; ++i) s += "é";
         r.set_note(s);
       },
       "", ""},
      {"id at the limit", [&](fd::PlaceHoldRequest& r) { r.set_order_id(at_id); }, "", ""},
      {"id beyond", [&](fd::PlaceHoldRequest& r) { r.set_order_id(over_id); }, "order_id",
       kReasonLimitExceeded},
      {"code beyond", [&](fd::PlaceHoldRequest& r) { r.set_hold_code(over_id); }, "hold_code",
       kReasonLimitExceeded},
      {"NUL byte", [](fd::PlaceHoldRequest& r) { r.set_note(std::string("a\0b", 3)); }, "note",
       kReasonInvalidField},
      {"card number in a note",
       [](fd::PlaceHoldRequest& r) { r.set_note("customer read 4111 1111 1111 1111"); }, "note",
       "CARD_NUMBER_REFUSED"},
  };
  for (const Row& row : rows) {
    fd::PlaceHoldRequest req;
    req.set_request_id("r1");
    req.set_order_id("o1");
    req.set_hold_code("CUSTOMER_REQUEST");
    req.set_note("asked to wait");
    row.set(req);
    absl::Status s = CheckMessage(req, limits);
    if (row.field.empty()) {
      EXPECT_TRUE(s.ok()) << row.name << ": " << s;
      continue;
    }
    ASSERT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << row.name;
    ASSERT_EQ(FieldViolationsOf(s).size(), 1u) << row.name;
    EXPECT_EQ(FieldViolationsOf(s)[0].first, row.field) << row.name;
    EXPECT_EQ(ReasonOf(s), row.reason) << row.name;
  }
}

TEST(ValidationTest, NestedFieldsEnumsMoneyAndQuantities) {
  const Limits limits;
  fd::AddPaymentRequest pay;
  pay.set_method(static_cast<common::v1::PaymentMethod>(77));
  absl::Status s = CheckMessage(pay, limits);
  EXPECT_EQ(FieldViolationsOf(s)[0].first, "method");

  pay.set_method(common::v1::PAYMENT_METHOD_CARD);
  pay.mutable_amount()->set_currency("USD");
  pay.mutable_amount()->set_minor_units(limits.max_amount);
  EXPECT_TRUE(CheckMessage(pay, limits).ok());
  pay.mutable_amount()->set_minor_units(limits.max_amount + 1);
  EXPECT_EQ(FieldViolationsOf(CheckMessage(pay, limits))[0].first, "amount.minor_units");
  pay.mutable_amount()->set_minor_units(100);
  pay.mutable_amount()->set_currency("usd1");
  EXPECT_EQ(FieldViolationsOf(CheckMessage(pay, limits))[0].first, "amount.currency");
  pay.mutable_amount()->set_currency("USD");
  pay.set_card_token("tok_4111111111111111");
  EXPECT_EQ(FieldViolationsOf(CheckMessage(pay, limits))[0].first, "card_token");

  fd::SetDeliveryRequest delivery;
  delivery.mutable_address()->set_line1("\xff\xfe");
  EXPECT_EQ(FieldViolationsOf(CheckMessage(delivery, limits))[0].first, "address.line1");

  fd::AddLineRequest line;
  line.set_quantity(9999);
  EXPECT_TRUE(CheckMessage(line, limits).ok());
  line.set_quantity(10000);
  EXPECT_EQ(FieldViolationsOf(CheckMessage(line, limits))[0].first, "quantity");
  line.set_quantity(-1);
  EXPECT_EQ(FieldViolationsOf(CheckMessage(line, limits))[0].first, "quantity");

  fd::ListCustomerOrdersRequest list;
  list.set_page_size(200);
  EXPECT_TRUE(CheckMessage(list, limits).ok());
  list.set_page_size(201);
  EXPECT_EQ(FieldViolationsOf(CheckMessage(list, limits))[0].first, "page_size");

  // Repeated and map fields are named by path, under a prefix.
  order::v1::CallCenter cc;
  cc.add_delivery_modes("STANDARD");
  cc.add_delivery_modes(std::string(65, 'M'));
  EXPECT_EQ(FieldViolationsOf(CheckMessage(cc, limits, "call_center"))[0].first,
            "call_center.delivery_modes[1]");
  cc.clear_delivery_modes();
  cc.add_payment_methods(static_cast<common::v1::PaymentMethod>(9));
  EXPECT_EQ(FieldViolationsOf(CheckMessage(cc, limits, "call_center"))[0].first,
            "call_center.payment_methods[0]");
}

}  // namespace
}  // namespace callcenter::validation
