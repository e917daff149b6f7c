#include "app/storage_probe.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sidecar::app {

std::string ProbeDataDirWritable(const std::string& data_dir) {
  const std::string path = data_dir + "/.write-probe";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return fmt::format("cannot create {}: {}", path, std::strerror(errno));
  std::string error;
  const char byte = 0;
  if (::write(fd, &byte, 1) != 1) {
    error = fmt::format("cannot write {}: {}", path, std::strerror(errno));
  }
  if (::close(fd) != 0 && error.empty()) {
    error = fmt::format("cannot close {}: {}", path, std::strerror(errno));
  }
  if (::unlink(path.c_str()) != 0 && error.empty()) {
    error = fmt::format("cannot remove {}: {}", path, std::strerror(errno));
  }
  return error;
}

}  // namespace sidecar::app
