#include "libs/snapshot/shared_rows.h"

#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace callcenter::snapshot {
namespace {

TEST(SharedRowsTest, ReadsAsAContainerOfItsRows) {
  SharedRows<std::string> rows = {"a", "b"};
  rows.push_back(std::string("c"));
  rows.push_back(std::make_shared<const std::string>("d"));
  std::vector<std::string> seen;
  for (const std::string& row : rows) seen.push_back(row);
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[1], "b");
  EXPECT_EQ(rows.begin()->size(), 1u);
  rows = {"x"};
  EXPECT_EQ(rows.size(), 1u);
  EXPECT_FALSE(rows.empty());
}

// Copies share their rows; a write copies a shared row first, so the other
// holders never see it change.
TEST(SharedRowsTest, AWriteNeverChangesARowAnotherHolds) {
  auto held_elsewhere = std::make_shared<const std::string>("kept");
  SharedRows<std::string> rows;
  rows.push_back(held_elsewhere);
  SharedRows<std::string> copy = rows;
  EXPECT_EQ(&std::as_const(copy)[0], &*held_elsewhere);  // shared, not copied
  rows[0] = "changed";
  EXPECT_EQ(*held_elsewhere, "kept");
  EXPECT_EQ(std::as_const(copy)[0], "kept");
  EXPECT_EQ(std::as_const(rows)[0], "changed");
  // Made here and held here alone: written in place.
  const std::string* before = &std::as_const(rows)[0];
  rows[0] += "!";
  EXPECT_EQ(&std::as_const(rows)[0], before);
  EXPECT_EQ(std::as_const(rows)[0], "changed!");
}

}  // namespace
}  // namespace callcenter::snapshot
