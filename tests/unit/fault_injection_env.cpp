#include "fault_injection_env.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <optional>
#include <set>
#include <utility>

namespace sidecar::store {

struct FaultInjectionEnv::State {
  std::mutex mu;
  MemoryFs fs;              // guarded by mu, as is everything below
  uint64_t generation = 0;  // bumped by each power loss: older handles are dead
  std::set<std::string> locked;
  int failing_writes = 0;
  Status write_error;
  int failing_syncs = 0;
  Status sync_error;

  // The injected error for the next write (sync), if one is due.
  std::optional<Status> TakeWriteFault() { return Take(failing_writes, write_error); }
  std::optional<Status> TakeSyncFault() { return Take(failing_syncs, sync_error); }

 private:
  static std::optional<Status> Take(int& count, const Status& error) {
    if (count == 0) return std::nullopt;
    --count;
    return error;
  }
};

namespace {

using State = FaultInjectionEnv::State;

// What every handle shares: the filesystem, its node, and when it was opened.
class Handle {
 public:
  Handle(std::shared_ptr<State> state, std::string path, std::shared_ptr<FileNode> file)
      : state_(std::move(state)),
        path_(std::move(path)),
        file_(std::move(file)),
        generation_(state_->generation) {}

 protected:
  // REQUIRES: state_->mu held.
  Status CheckAlive() const {
    if (generation_ != state_->generation) {
      return Status::IOError(
          fmt::format("{}: handle opened before the simulated power loss", path_));
    }
    return Status::Ok();
  }

  const std::shared_ptr<State> state_;
  const std::string path_;
  const std::shared_ptr<FileNode> file_;
  const uint64_t generation_;
};

class FaultWritableFile final : public WritableFile, private Handle {
 public:
  using Handle::Handle;

  Status Append(Bytes data) override {
    std::lock_guard lock(state_->mu);
    if (Status s = CheckOpen(); !s.ok()) return s;
    if (std::optional<Status> fault = state_->TakeWriteFault()) {
      file_->Write(data.first(data.size() / 2));
      return *fault;
    }
    file_->Write(data);
    return Status::Ok();
  }

  Status Sync() override {
    std::lock_guard lock(state_->mu);
    if (Status s = CheckOpen(); !s.ok()) return s;
    if (std::optional<Status> fault = state_->TakeSyncFault()) return *fault;
    file_->Sync();
    return Status::Ok();
  }

  Status Truncate(uint64_t size) override {
    std::lock_guard lock(state_->mu);
    if (Status s = CheckOpen(); !s.ok()) return s;
    if (size > file_->data.size()) {
      return Status::InvalidArgument(
          fmt::format("cannot truncate {} to {} bytes: it is only {} bytes long", path_, size,
                      file_->data.size()));
    }
    file_->Truncate(size_t(size));
    return Status::Ok();
  }

  uint64_t Size() const override {
    std::lock_guard lock(state_->mu);
    return file_->data.size();
  }

  Status Close() override {
    std::lock_guard lock(state_->mu);
    if (Status s = CheckOpen(); !s.ok()) return s;
    closed_ = true;
    return Status::Ok();
  }

 private:
  // REQUIRES: state_->mu held.
  Status CheckOpen() const {
    if (closed_) return Status::IOError(fmt::format("{}: handle used after Close()", path_));
    return CheckAlive();
  }

  bool closed_ = false;  // guarded by state_->mu
};

class FaultRandomAccessFile final : public RandomAccessFile, private Handle {
 public:
  using Handle::Handle;

  Result<Bytes> Read(uint64_t offset, std::span<uint8_t> buffer) const override {
    std::lock_guard lock(state_->mu);
    if (Status s = CheckAlive(); !s.ok()) return s;
    const std::vector<uint8_t>& data = file_->data;
    if (offset >= data.size()) return Bytes();
    const size_t n = std::min<size_t>(buffer.size(), data.size() - offset);
    std::memcpy(buffer.data(), data.data() + offset, n);
    return Bytes(buffer.data(), n);
  }

  Result<uint64_t> Size() const override {
    std::lock_guard lock(state_->mu);
    if (Status s = CheckAlive(); !s.ok()) return s;
    return uint64_t(file_->data.size());
  }
};

class FaultFileLock final : public FileLock, private Handle {
 public:
  using Handle::Handle;

  ~FaultFileLock() override {
    std::lock_guard lock(state_->mu);
    if (CheckAlive().ok()) state_->locked.erase(path_);
  }
};

}  // namespace

FaultInjectionEnv::FaultInjectionEnv() : state_(std::make_shared<State>()) {}

FaultInjectionEnv::~FaultInjectionEnv() = default;

Result<std::unique_ptr<WritableFile>> FaultInjectionEnv::OpenWritable(const std::string& path) {
  std::lock_guard lock(state_->mu);
  auto file = state_->fs.OpenOrCreate(path, "open for writing");
  if (!file.ok()) return file.status();
  return std::unique_ptr<WritableFile>(
      std::make_unique<FaultWritableFile>(state_, path, std::move(file).value()));
}

Result<std::unique_ptr<RandomAccessFile>> FaultInjectionEnv::OpenRandomAccess(
    const std::string& path) {
  std::lock_guard lock(state_->mu);
  auto file = state_->fs.LookupFile(path, "open for reading");
  if (!file.ok()) return file.status();
  return std::unique_ptr<RandomAccessFile>(
      std::make_unique<FaultRandomAccessFile>(state_, path, std::move(file).value()));
}

Result<bool> FaultInjectionEnv::FileExists(const std::string& path) {
  std::lock_guard lock(state_->mu);
  Result<Node> node = state_->fs.Lookup(path, "stat");
  if (node.ok()) return true;
  if (node.status().code() == Status::Code::kNotFound) return false;
  return node.status();
}

Result<uint64_t> FaultInjectionEnv::FileSize(const std::string& path) {
  std::lock_guard lock(state_->mu);
  auto file = state_->fs.LookupFile(path, "stat");
  if (!file.ok()) return file.status();
  return uint64_t((*file)->data.size());
}

Result<std::vector<std::string>> FaultInjectionEnv::ListDir(const std::string& path) {
  std::lock_guard lock(state_->mu);
  auto dir = state_->fs.LookupDir(path, "list directory");
  if (!dir.ok()) return dir.status();
  std::vector<std::string> names;
  for (const auto& entry : (*dir)->entries) names.push_back(entry.first);
  return names;
}

Status FaultInjectionEnv::CreateDir(const std::string& path) {
  std::lock_guard lock(state_->mu);
  if (path == "/") return Status::Ok();
  auto parent = state_->fs.Parent(path, "create directory");
  if (!parent.ok()) return parent.status();
  auto& [dir, name] = *parent;
  auto it = dir->entries.find(name);
  if (it == dir->entries.end()) {
    dir->entries.emplace(name, std::make_shared<DirNode>());
    return Status::Ok();
  }
  if (AsDir(it->second) != nullptr) return Status::Ok();
  return FsError("create directory", path, EEXIST);
}

Status FaultInjectionEnv::Rename(const std::string& from, const std::string& to) {
  std::lock_guard lock(state_->mu);
  const std::string both = fmt::format("{} to {}", from, to);
  auto source = state_->fs.Parent(from, "rename");
  if (!source.ok()) return source.status();
  auto target = state_->fs.Parent(to, "rename");
  if (!target.ok()) return target.status();
  auto it = source->first->entries.find(source->second);
  if (it == source->first->entries.end()) return FsError("rename", both, ENOENT);
  if (AsFile(it->second) == nullptr) {
    return Status::Unsupported(
        fmt::format("cannot rename {}: FaultInjectionEnv renames files "
                    "only",
                    both));
  }
  auto existing = target->first->entries.find(target->second);
  if (existing != target->first->entries.end() && AsFile(existing->second) == nullptr) {
    return FsError("rename", both, EISDIR);
  }
  Node node = it->second;
  source->first->entries.erase(it);
  target->first->entries[target->second] = std::move(node);
  return Status::Ok();
}

Status FaultInjectionEnv::RemoveFile(const std::string& path) {
  std::lock_guard lock(state_->mu);
  auto parent = state_->fs.Parent(path, "remove");
  if (!parent.ok()) return parent.status();
  auto& [dir, name] = *parent;
  auto it = dir->entries.find(name);
  if (it == dir->entries.end()) return FsError("remove", path, ENOENT);
  if (AsFile(it->second) == nullptr) return FsError("remove", path, EISDIR);
  dir->entries.erase(it);
  return Status::Ok();
}

Status FaultInjectionEnv::TruncateFile(const std::string& path, uint64_t size) {
  std::lock_guard lock(state_->mu);
  auto file = state_->fs.LookupFile(path, "open for truncation");
  if (!file.ok()) return file.status();
  if (size > (*file)->data.size()) {
    return Status::InvalidArgument(
        fmt::format("cannot truncate {} to {} bytes: it is only {} bytes long", path, size,
                    (*file)->data.size()));
  }
  (*file)->Truncate(size_t(size));
  if (std::optional<Status> fault = state_->TakeSyncFault()) return *fault;
  (*file)->Sync();
  return Status::Ok();
}

Status FaultInjectionEnv::SyncDir(const std::string& path) {
  std::lock_guard lock(state_->mu);
  auto dir = state_->fs.LookupDir(path, "open directory");
  if (!dir.ok()) return dir.status();
  if (std::optional<Status> fault = state_->TakeSyncFault()) return *fault;
  (*dir)->durable = (*dir)->entries;
  return Status::Ok();
}

Result<std::unique_ptr<FileLock>> FaultInjectionEnv::LockFile(const std::string& path) {
  std::lock_guard lock(state_->mu);
  auto file = state_->fs.OpenOrCreate(path, "open lock file");
  if (!file.ok()) return file.status();
  if (!state_->locked.insert(path).second) {
    const size_t slash = path.rfind('/');
    return Status::IOError(fmt::format("data_dir {} is locked by another binlog-sidecar (pid {})",
                                       slash == 0 ? "/" : path.substr(0, slash), ::getpid()));
  }
  const std::string pid = fmt::format("{}\n", ::getpid());
  (*file)->Truncate(0);
  (*file)->Write(Bytes(reinterpret_cast<const uint8_t*>(pid.data()), pid.size()));
  return std::unique_ptr<FileLock>(
      std::make_unique<FaultFileLock>(state_, path, std::move(file).value()));
}

void FaultInjectionEnv::SimulatePowerLoss(Rng& rng, PowerLossMode mode) {
  std::lock_guard lock(state_->mu);
  ++state_->generation;
  state_->locked.clear();
  state_->fs.Crash(rng, mode);
}

void FaultInjectionEnv::FailWrites(int count, Status error) {
  std::lock_guard lock(state_->mu);
  state_->failing_writes = count;
  state_->write_error = std::move(error);
}

void FaultInjectionEnv::FailSyncs(int count, Status error) {
  std::lock_guard lock(state_->mu);
  state_->failing_syncs = count;
  state_->sync_error = std::move(error);
}

}  // namespace sidecar::store
