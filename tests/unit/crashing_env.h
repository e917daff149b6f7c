// Test support for the store: CrashingEnv forwards to another Env and makes
// the process "die" at a chosen mutating operation: from the crash_at-th
// Append, Sync, Truncate, OpenWritable, CreateDir, Rename, RemoveFile,
// TruncateFile or SyncDir on, every call fails with an IOError. The fatal
// operation itself either fails before doing anything or is done and then
// reported as failed (the process died before it saw the result), as chosen.
// Pair it with FaultInjectionEnv::SimulatePowerLoss to crash at any instant.
//
// Thread-safe (the writer's syncer thread fdatasyncs while the writer's
// thread appends): one mutex orders the operations, so each one is wholly
// before the crash or after it, and after the crash every thread's next
// operation fails, as when the process dies.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/env.h"

namespace sidecar::store {

class CrashingEnv final : public Env {
 public:
  // REQUIRES: `base` outlives this Env and every file it opens.
  CrashingEnv(Env* base, uint64_t crash_at, bool fatal_op_done)
      : base_(base), crash_at_(crash_at), fatal_op_done_(fatal_op_done) {}

  bool crashed() const {
    std::lock_guard lock(mu_);
    return ops_ >= crash_at_;
  }

  // Runs one mutating operation `op` unless the process already died.
  template <typename Op>
  Status Mutate(Op op) {
    std::lock_guard lock(mu_);
    if (ops_ >= crash_at_) return Dead();
    if (++ops_ < crash_at_) return op();
    if (fatal_op_done_) op();
    return Dead();
  }
  Status Dead() const { return Status::IOError("the process died (simulated crash)"); }

  Result<std::unique_ptr<WritableFile>> OpenWritable(const std::string& path) override {
    std::unique_ptr<WritableFile> file;
    Status s = Mutate([&] {
      auto opened = base_->OpenWritable(path);
      if (!opened.ok()) return opened.status();
      file = std::move(opened).value();
      return Status::Ok();
    });
    if (!s.ok()) return s;
    return std::unique_ptr<WritableFile>(std::make_unique<File>(this, std::move(file)));
  }
  Result<std::unique_ptr<RandomAccessFile>> OpenRandomAccess(const std::string& path) override {
    if (crashed()) return Dead();
    return base_->OpenRandomAccess(path);
  }
  Result<bool> FileExists(const std::string& path) override {
    if (crashed()) return Dead();
    return base_->FileExists(path);
  }
  Result<uint64_t> FileSize(const std::string& path) override {
    if (crashed()) return Dead();
    return base_->FileSize(path);
  }
  Result<std::vector<std::string>> ListDir(const std::string& path) override {
    if (crashed()) return Dead();
    return base_->ListDir(path);
  }
  Status CreateDir(const std::string& path) override {
    return Mutate([&] { return base_->CreateDir(path); });
  }
  Status Rename(const std::string& from, const std::string& to) override {
    return Mutate([&] { return base_->Rename(from, to); });
  }
  Status RemoveFile(const std::string& path) override {
    return Mutate([&] { return base_->RemoveFile(path); });
  }
  Status TruncateFile(const std::string& path, uint64_t size) override {
    return Mutate([&] { return base_->TruncateFile(path, size); });
  }
  Status SyncDir(const std::string& path) override {
    return Mutate([&] { return base_->SyncDir(path); });
  }
  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) override {
    if (crashed()) return Dead();
    return base_->LockFile(path);
  }

 private:
  class File final : public WritableFile {
   public:
    File(CrashingEnv* env, std::unique_ptr<WritableFile> base)
        : env_(env), base_(std::move(base)) {}
    Status Append(Bytes data) override {
      return env_->Mutate([&] { return base_->Append(data); });
    }
    Status Sync() override {
      return env_->Mutate([&] { return base_->Sync(); });
    }
    Status Truncate(uint64_t size) override {
      return env_->Mutate([&] { return base_->Truncate(size); });
    }
    uint64_t Size() const override { return base_->Size(); }
    Status Close() override { return base_->Close(); }

   private:
    CrashingEnv* const env_;
    const std::unique_ptr<WritableFile> base_;
  };

  Env* const base_;
  const uint64_t crash_at_;
  const bool fatal_op_done_;
  mutable std::mutex mu_;
  uint64_t ops_ = 0;  // GUARDED_BY(mu_): mutating operations attempted
};

}  // namespace sidecar::store
