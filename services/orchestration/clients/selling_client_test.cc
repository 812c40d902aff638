#include "services/orchestration/clients/selling_client.h"

#include "callcenter/guidedselling/v1/guidedselling_mock.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace callcenter::orchestration {
namespace {

using ::testing::_;
using ::testing::Invoke;
using ::testing::StrictMock;

common::v1::Prompt Suggest(const std::string& product, const std::string& trigger) {
  common::v1::Prompt p;
  p.set_product_id(product);
  p.set_trigger_product_id(trigger);
  p.set_kind(common::v1::PROMPT_KIND_CROSS_SELL);
  return p;
}

// The order's products are not sent; the prompts that suggest one of them
// are left out of the answer, the others kept in their order.
TEST(SellingClientTest, PromptsForProductsOnTheOrderAreLeftOut) {
  StrictMock<guidedselling::v1::MockGuidedSellingServiceStub> stub;
  SellingClient client(&stub, CallFactory(absl::Seconds(3)));
  Order order;
  order.set_currency("USD");
  for (const char* product : {"A", "B", "C"}) order.add_lines()->set_product_id(product);
  EXPECT_CALL(stub, GetGuidance(_, _, _))
      .WillOnce(Invoke([](grpc::ClientContext*, const guidedselling::v1::GetGuidanceRequest& req,
                          guidedselling::v1::GetGuidanceResponse* resp) {
        EXPECT_EQ(req.prompts().order_product_ids_size(), 0);
        EXPECT_EQ(req.prompts().trigger_product_ids_size(), 1);
        *resp->add_prompts() = Suggest("B", "C");  // on the order
        *resp->add_prompts() = Suggest("X", "C");
        *resp->add_prompts() = Suggest("A", "C");  // on the order
        *resp->add_prompts() = Suggest("Y", "C");
        return grpc::Status::OK;
      }));
  GuidanceQuery query;
  query.prompt_triggers = std::vector<std::string>{"C"};
  absl::StatusOr<guidedselling::v1::GetGuidanceResponse> got =
      client.Guidance(CallScope{"r1", absl::InfiniteFuture()}, order, query);
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->prompts_size(), 2);
  EXPECT_EQ(got->prompts(0).product_id(), "X");
  EXPECT_EQ(got->prompts(1).product_id(), "Y");
}

}  // namespace
}  // namespace callcenter::orchestration
