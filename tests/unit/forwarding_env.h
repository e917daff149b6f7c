// Test support for the store: ForwardingEnv owns a FaultInjectionEnv and forwards every call
// to it, so that a test Env overrides only what it observes or changes (typically
// OpenWritable, to wrap the files it hands out) and keeps power-loss simulation through
// base(). Thread-safe as FaultInjectionEnv is.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "fault_injection_env.h"
#include "store/env.h"

namespace sidecar::store {

class ForwardingEnv : public Env {
 public:
  FaultInjectionEnv& base() { return base_; }

  Result<std::unique_ptr<WritableFile>> OpenWritable(const std::string& path) override {
    return base_.OpenWritable(path);
  }
  Result<std::unique_ptr<RandomAccessFile>> OpenRandomAccess(const std::string& path) override {
    return base_.OpenRandomAccess(path);
  }
  Result<bool> FileExists(const std::string& path) override { return base_.FileExists(path); }
  Result<uint64_t> FileSize(const std::string& path) override { return base_.FileSize(path); }
  Result<std::vector<std::string>> ListDir(const std::string& path) override {
    return base_.ListDir(path);
  }
  Status CreateDir(const std::string& path) override { return base_.CreateDir(path); }
  Status Rename(const std::string& from, const std::string& to) override {
    return base_.Rename(from, to);
  }
  Status RemoveFile(const std::string& path) override { return base_.RemoveFile(path); }
  Status TruncateFile(const std::string& path, uint64_t size) override {
    return base_.TruncateFile(path, size);
  }
  Status SyncDir(const std::string& path) override { return base_.SyncDir(path); }
  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) override {
    return base_.LockFile(path);
  }

 protected:
  FaultInjectionEnv base_;
};

}  // namespace sidecar::store
