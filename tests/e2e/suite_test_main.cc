// main() of the suite's test binaries: the suite starts once for all tests.
#include "gtest/gtest.h"
#include "tests/e2e/suite_harness.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new callcenter::testing::SuiteEnvironment);
  return RUN_ALL_TESTS();
}
