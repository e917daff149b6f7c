#include "support/fixture_files.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace sidecar::testing {

std::string FixturePath(const std::string& relative) {
  return std::string(SIDECAR_FIXTURES_DIR) + "/" + relative;
}

std::vector<uint8_t> ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string PlainFixturePath(const std::string& relative) {
  const std::string path = FixturePath(relative);
  if (!relative.ends_with(".gz")) return path;
  const std::filesystem::path out_path = std::filesystem::temp_directory_path() /
                                         ("sidecar-fixture-" + std::to_string(::getpid()) + "-" +
                                          std::filesystem::path(relative).stem().string());
  gzFile gz = gzopen(path.c_str(), "rb");
  EXPECT_NE(gz, nullptr) << "cannot open " << path;
  if (gz == nullptr) return path;
  std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
  char buffer[1 << 16];
  int n;
  while ((n = gzread(gz, buffer, sizeof(buffer))) > 0) out.write(buffer, n);
  EXPECT_EQ(n, 0) << "cannot decompress " << path;
  gzclose(gz);
  return out_path.string();
}

}  // namespace sidecar::testing
