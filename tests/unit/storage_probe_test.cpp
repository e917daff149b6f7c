// ProbeDataDirWritable: a writable directory, a missing one, and no probe file left behind.
#include "app/storage_probe.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "temp_dir.h"

namespace sidecar::app {
namespace {

TEST(StorageProbeTest, WritableDirectoryLeavesNothingBehind) {
  TempDir dir;
  EXPECT_EQ(ProbeDataDirWritable(dir.path()), "");
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(StorageProbeTest, MissingDirectoryNamesThePathAndTheReason) {
  TempDir dir;
  const std::string missing = dir.path() + "/gone";
  const std::string error = ProbeDataDirWritable(missing);
  EXPECT_NE(error.find(missing + "/.write-probe"), std::string::npos) << error;
  EXPECT_NE(error.find("No such file or directory"), std::string::npos) << error;
}

}  // namespace
}  // namespace sidecar::app
