#include "app/password_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sidecar::app {
namespace {

constexpr std::size_t kMaxPasswordFileSize = 4096;

// Closes the descriptor on every path out.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

Result<Secret> ReadPasswordFile(const std::string& path) {
  // O_NONBLOCK: opening a FIFO must not hang start-up; fstat then refuses it.
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (fd.get() < 0) {
    return Status::IOError(fmt::format("cannot open {}: {} (a readable file holding the password)",
                                       path, std::strerror(errno)));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    return Status::IOError(fmt::format("cannot stat {}: {}", path, std::strerror(errno)));
  }
  if (!S_ISREG(st.st_mode)) {
    return Status::InvalidArgument(
        fmt::format("{} is not a regular file (a file holding the password)", path));
  }
  const unsigned mode = st.st_mode & 07777;
  if ((mode & 0007) != 0) {
    return Status::InvalidArgument(fmt::format(
        "{} is accessible by others, mode {:04o} (no access for others: chmod o-rwx, e.g. 0600 "
        "or 0640)",
        path, mode));
  }
  if ((mode & 0020) != 0) {
    return Status::InvalidArgument(fmt::format(
        "{} is group-writable, mode {:04o} (not group-writable: chmod g-w, e.g. 0600 or 0640)",
        path, mode));
  }
  if (static_cast<std::size_t>(st.st_size) > kMaxPasswordFileSize) {
    return Status::InvalidArgument(
        fmt::format("{} is {} bytes long (a password file of at most {} bytes)", path, st.st_size,
                    kMaxPasswordFileSize));
  }
  std::string text(kMaxPasswordFileSize + 1, '\0');
  std::size_t size = 0;
  while (size < text.size()) {
    const ssize_t n = ::read(fd.get(), text.data() + size, text.size() - size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const Secret wiped(std::move(text));
      return Status::IOError(fmt::format("cannot read {}: {}", path, std::strerror(errno)));
    }
    if (n == 0) break;
    size += static_cast<std::size_t>(n);
  }
  text.resize(size);
  Secret secret(std::move(text));  // from here on, wiped on every path
  std::string_view password = secret.reveal();
  if (password.size() > kMaxPasswordFileSize) {
    return Status::InvalidArgument(fmt::format(
        "{} grew beyond {} bytes while read (a password file)", path, kMaxPasswordFileSize));
  }
  if (password.ends_with("\r\n")) {
    password.remove_suffix(2);
  } else if (password.ends_with("\n")) {
    password.remove_suffix(1);
  }
  if (password.empty()) {
    return Status::InvalidArgument(fmt::format("{} is empty (the password on one line)", path));
  }
  if (password.find_first_of("\r\n") != std::string_view::npos) {
    return Status::InvalidArgument(
        fmt::format("{} has more than one line (the password on one line)", path));
  }
  return Secret(std::string(password));
}

}  // namespace sidecar::app
