#include "app/tls_files.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

namespace sidecar::app {
namespace {

// Opens and stats `path` (a FIFO must not hang start-up: O_NONBLOCK), then closes it.
Result<mode_t> ReadableRegularFileMode(const std::string& path, std::string_view what) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    return Status::IOError(
        fmt::format("cannot open {}: {} (a readable {})", path, std::strerror(errno), what));
  }
  struct stat st {};
  const int rc = ::fstat(fd, &st);
  const int stat_errno = errno;
  ::close(fd);
  if (rc != 0) {
    return Status::IOError(fmt::format("cannot stat {}: {}", path, std::strerror(stat_errno)));
  }
  if (!S_ISREG(st.st_mode)) {
    return Status::InvalidArgument(fmt::format("{} is not a regular file (a {})", path, what));
  }
  return st.st_mode & 07777;
}

}  // namespace

Status CheckTlsCertificateFile(const std::string& path) {
  const Result<mode_t> mode = ReadableRegularFileMode(path, "PEM certificate file");
  return mode.ok() ? Status::Ok() : mode.status();
}

Status CheckTlsPrivateKeyFile(const std::string& path) {
  const Result<mode_t> mode = ReadableRegularFileMode(path, "PEM private key file");
  if (!mode.ok()) return mode.status();
  if ((*mode & 0007) != 0) {
    return Status::InvalidArgument(fmt::format(
        "{} is accessible by others, mode {:04o} (a private key with no access for others: "
        "chmod o-rwx, e.g. 0600 or 0640)",
        path, *mode));
  }
  if ((*mode & 0020) != 0) {
    return Status::InvalidArgument(fmt::format(
        "{} is group-writable, mode {:04o} (not group-writable: chmod g-w, e.g. 0600 or 0640)",
        path, *mode));
  }
  return Status::Ok();
}

}  // namespace sidecar::app
