// TempDir: a fresh directory under the test's temporary directory, removed
// with everything in it when the object dies. FastTempDir: the same on
// /dev/shm (tmpfs) when it is writable, for state.db in the crash tests, where
// fsync costs only time (SQLite's durability is not what they test).
// Not thread-safe.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

namespace sidecar {

class TempDir {
 public:
  TempDir() : TempDir(::testing::TempDir()) {}
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }

  const std::string& path() const { return path_; }
  std::string Join(std::string_view name) const { return path_ + "/" + std::string(name); }

 protected:
  // REQUIRES: `parent` ends with '/'.
  explicit TempDir(const std::string& parent) {
    std::string pattern = parent + "sidecar-test-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp " << pattern << " failed";
    path_ = std::filesystem::path(pattern).lexically_normal().string();
  }

 private:
  std::string path_;
};

class FastTempDir : public TempDir {
 public:
  FastTempDir() : TempDir(OnShmIfWritable()) {}

 private:
  static std::string OnShmIfWritable() {
    std::error_code error;
    const bool shm =
        std::filesystem::is_directory("/dev/shm", error) && ::access("/dev/shm", W_OK) == 0;
    return shm ? std::string("/dev/shm/") : ::testing::TempDir();
  }
};

}  // namespace sidecar
