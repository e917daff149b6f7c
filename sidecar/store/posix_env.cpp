#include "store/posix_env.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <string_view>
#include <system_error>
#include <utility>

namespace sidecar::store {
namespace {

// "cannot <action> <path>: <reason>", with the code the caller can act on.
Status PosixError(std::string_view action, const std::string& path, int err) {
  std::string msg =
      fmt::format("cannot {} {}: {}", action, path, std::system_category().message(err));
  switch (err) {
    case ENOENT:
      return Status::NotFound(std::move(msg));
    case ENOSPC:
    case EDQUOT:
      return Status::NoSpace(std::move(msg));
    default:
      return Status::IOError(std::move(msg));
  }
}

// Owns one file descriptor.
class ScopedFd {
 public:
  explicit ScopedFd(int fd) : fd_(fd) {}
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  ~ScopedFd() { Reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Gives up ownership.
  int Release() { return std::exchange(fd_, -1); }
  // Closes the descriptor and returns close(2)'s errno, or 0.
  int Reset() {
    if (fd_ < 0) return 0;
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc == 0 ? 0 : errno;
  }

 private:
  int fd_;
};

int OpenRetrying(const std::string& path, int flags, mode_t mode = 0) {
  int fd;
  do {
    fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  } while (fd < 0 && errno == EINTR);
  return fd;
}

std::string ParentDir(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd, uint64_t size)
      : path_(std::move(path)), fd_(fd), size_(size) {}

  Status Append(Bytes data) override {
    const uint8_t* p = data.data();
    size_t left = data.size();
    while (left > 0) {
      const ssize_t n = ::write(fd_.get(), p, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        return PosixError("append to", path_, errno);
      }
      p += n;
      left -= size_t(n);
      size_ += uint64_t(n);
    }
    return Status::Ok();
  }

  Status Sync() override {
    if (::fdatasync(fd_.get()) != 0) return PosixError("fdatasync", path_, errno);
    return Status::Ok();
  }

  Status Truncate(uint64_t size) override {
    if (size > size_) {
      return Status::InvalidArgument(fmt::format(
          "cannot truncate {} to {} bytes: it is only {} bytes long", path_, size, size_));
    }
    if (::ftruncate(fd_.get(), off_t(size)) != 0) return PosixError("truncate", path_, errno);
    size_ = size;
    return Status::Ok();
  }

  uint64_t Size() const override { return size_; }

  Status Close() override {
    if (const int err = fd_.Reset(); err != 0) return PosixError("close", path_, err);
    return Status::Ok();
  }

 private:
  const std::string path_;
  ScopedFd fd_;
  uint64_t size_;  // bytes in the file as far as this handle knows
};

class PosixRandomAccessFile final : public RandomAccessFile {
 public:
  PosixRandomAccessFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}

  Result<Bytes> Read(uint64_t offset, std::span<uint8_t> buffer) const override {
    size_t done = 0;
    while (done < buffer.size()) {
      const ssize_t n =
          ::pread(fd_.get(), buffer.data() + done, buffer.size() - done, off_t(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return PosixError("read", path_, errno);
      }
      if (n == 0) break;  // end of file
      done += size_t(n);
    }
    return Bytes(buffer.data(), done);
  }

  Result<uint64_t> Size() const override {
    struct stat st;
    if (::fstat(fd_.get(), &st) != 0) return PosixError("stat", path_, errno);
    return uint64_t(st.st_size);
  }

 private:
  const std::string path_;
  ScopedFd fd_;
};

class PosixFileLock final : public FileLock {
 public:
  explicit PosixFileLock(int fd) : fd_(fd) {}

 private:
  ScopedFd fd_;  // closing it releases the flock
};

// The pid a lock holder wrote into the lock file, or "unknown".
std::string LockHolderPid(int fd) {
  char buf[32];
  const ssize_t n = ::pread(fd, buf, sizeof(buf), 0);
  long pid = 0;
  if (n <= 0) return "unknown";
  const auto [end, ec] = std::from_chars(buf, buf + n, pid);
  if (ec != std::errc() || pid <= 0) return "unknown";
  return std::to_string(pid);
}

class PosixEnv final : public Env {
 public:
  Result<std::unique_ptr<WritableFile>> OpenWritable(const std::string& path) override {
    ScopedFd fd(OpenRetrying(path, O_WRONLY | O_CREAT | O_APPEND, 0640));
    if (!fd.valid()) return PosixError("open for writing", path, errno);
    struct stat st;
    if (::fstat(fd.get(), &st) != 0) return PosixError("stat", path, errno);
    return std::unique_ptr<WritableFile>(
        std::make_unique<PosixWritableFile>(path, fd.Release(), uint64_t(st.st_size)));
  }

  Result<std::unique_ptr<RandomAccessFile>> OpenRandomAccess(const std::string& path) override {
    ScopedFd fd(OpenRetrying(path, O_RDONLY));
    if (!fd.valid()) return PosixError("open for reading", path, errno);
    return std::unique_ptr<RandomAccessFile>(
        std::make_unique<PosixRandomAccessFile>(path, fd.Release()));
  }

  Result<bool> FileExists(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) == 0) return true;
    if (errno == ENOENT || errno == ENOTDIR) return false;
    return PosixError("stat", path, errno);
  }

  Result<uint64_t> FileSize(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return PosixError("stat", path, errno);
    return uint64_t(st.st_size);
  }

  Result<std::vector<std::string>> ListDir(const std::string& path) override {
    const int fd = OpenRetrying(path, O_RDONLY | O_DIRECTORY);
    if (fd < 0) return PosixError("open directory", path, errno);
    DIR* dir = ::fdopendir(fd);
    if (dir == nullptr) {
      const int err = errno;
      ::close(fd);
      return PosixError("list directory", path, err);
    }
    std::vector<std::string> names;
    int err = 0;
    while (true) {
      errno = 0;
      const dirent* entry = ::readdir(dir);
      if (entry == nullptr) {
        err = errno;
        break;
      }
      const std::string_view name = entry->d_name;
      if (name != "." && name != "..") names.emplace_back(name);
    }
    ::closedir(dir);  // also closes fd
    if (err != 0) return PosixError("list directory", path, err);
    std::sort(names.begin(), names.end());
    return names;
  }

  Status CreateDir(const std::string& path) override {
    if (::mkdir(path.c_str(), 0750) == 0) return Status::Ok();
    if (errno != EEXIST) return PosixError("create directory", path, errno);
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return PosixError("stat", path, errno);
    if (!S_ISDIR(st.st_mode)) {
      return Status::IOError(
          fmt::format("cannot create directory {}: a file of that name exists", path));
    }
    return Status::Ok();
  }

  Status Rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) {
      return PosixError("rename", fmt::format("{} to {}", from, to), errno);
    }
    return Status::Ok();
  }

  Status RemoveFile(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return PosixError("remove", path, errno);
    return Status::Ok();
  }

  Status TruncateFile(const std::string& path, uint64_t size) override {
    ScopedFd fd(OpenRetrying(path, O_WRONLY));
    if (!fd.valid()) return PosixError("open for truncation", path, errno);
    struct stat st;
    if (::fstat(fd.get(), &st) != 0) return PosixError("stat", path, errno);
    if (uint64_t(st.st_size) < size) {
      return Status::InvalidArgument(fmt::format(
          "cannot truncate {} to {} bytes: it is only {} bytes long", path, size, st.st_size));
    }
    if (::ftruncate(fd.get(), off_t(size)) != 0) return PosixError("truncate", path, errno);
    if (::fsync(fd.get()) != 0) return PosixError("fsync", path, errno);
    if (const int err = fd.Reset(); err != 0) return PosixError("close", path, err);
    return Status::Ok();
  }

  Status SyncDir(const std::string& path) override {
    ScopedFd fd(OpenRetrying(path, O_RDONLY | O_DIRECTORY));
    if (!fd.valid()) return PosixError("open directory", path, errno);
    if (::fsync(fd.get()) != 0) return PosixError("fsync directory", path, errno);
    return Status::Ok();
  }

  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) override {
    ScopedFd fd(OpenRetrying(path, O_RDWR | O_CREAT, 0640));
    if (!fd.valid()) return PosixError("open lock file", path, errno);
    int rc;
    do {
      rc = ::flock(fd.get(), LOCK_EX | LOCK_NB);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) {
      if (errno != EWOULDBLOCK) return PosixError("lock", path, errno);
      return Status::IOError(fmt::format("data_dir {} is locked by another binlog-sidecar (pid {})",
                                         ParentDir(path), LockHolderPid(fd.get())));
    }
    const std::string pid = fmt::format("{}\n", ::getpid());
    if (::ftruncate(fd.get(), 0) != 0) return PosixError("truncate lock file", path, errno);
    if (const ssize_t n = ::pwrite(fd.get(), pid.data(), pid.size(), 0); n != ssize_t(pid.size())) {
      return PosixError("write pid into lock file", path, n < 0 ? errno : EIO);
    }
    return std::unique_ptr<FileLock>(std::make_unique<PosixFileLock>(fd.Release()));
  }
};

}  // namespace

std::unique_ptr<Env> NewPosixEnv() { return std::make_unique<PosixEnv>(); }

}  // namespace sidecar::store
