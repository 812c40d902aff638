#include "libs/ids/uuid.h"

#include <set>

#include "gtest/gtest.h"
#include "libs/ids/digest.h"

namespace callcenter {
namespace {

TEST(UuidTest, CanonicalV4AndUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewUuid();
    ASSERT_EQ(id.size(), 36u);
    EXPECT_EQ(id[8], '-');
    EXPECT_EQ(id[14], '4');
    EXPECT_TRUE(id[19] == '8' || id[19] == '9' || id[19] == 'a' || id[19] == 'b');
    EXPECT_TRUE(IsUuid(id));
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(UuidTest, IsUuid) {
  EXPECT_TRUE(IsUuid("123e4567-e89b-12d3-a456-426614174000"));
  EXPECT_FALSE(IsUuid("123e4567e89b12d3a456426614174000"));
  EXPECT_FALSE(IsUuid("123e4567-e89b-12d3-a456-42661417400g"));
  EXPECT_FALSE(IsUuid(""));
}

}  // namespace
TEST(DigestTest, StableAndUnambiguous) {
  // SHA-256 of "1:a" (a known value: the digest must not change between builds).
  EXPECT_EQ(Digest({"a"}), "4162fddd39a3e4225e8e2392eced237fbeb34e6e218b5647d27bd4d2b9c0da24");
  EXPECT_EQ(Digest({"u1", "AddLine", "r1"}), Digest({"u1", "AddLine", "r1"}));
  EXPECT_NE(Digest({"u1", "AddLine", "r1"}), Digest({"u2", "AddLine", "r1"}));
  EXPECT_NE(Digest({"ab", "c"}), Digest({"a", "bc"}));  // length-prefixed parts
  EXPECT_EQ(Digest({"x"}, 32).size(), 32u);
}

}  // namespace callcenter
