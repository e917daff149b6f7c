#include "protocol/connection.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace sidecar::protocol {

namespace {

timeval ToTimeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = time_t(ms.count() / 1000);
  tv.tv_usec = suseconds_t((ms.count() % 1000) * 1000);
  return tv;
}

// Finishes a non-blocking connect() on fd within timeout; leaves fd blocking.
Status WaitConnected(int fd, const std::string& peer, std::chrono::milliseconds timeout) {
  pollfd p{fd, POLLOUT, 0};
  int rc;
  do {
    rc = ::poll(&p, 1, timeout.count() > 0 ? int(timeout.count()) : -1);
  } while (rc < 0 && errno == EINTR);
  if (rc == 0) {
    return Status::IOError(
        fmt::format("connection to {} timed out after {} ms", peer, timeout.count()));
  }
  int err = 0;
  socklen_t len = sizeof(err);
  if (rc < 0)
    err = errno;
  else if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
    err = errno;
  if (err == ECONNREFUSED) return Status::IOError(fmt::format("connection to {} refused", peer));
  if (err != 0) {
    return Status::IOError(fmt::format("cannot connect to {}: {}", peer, ::strerror(err)));
  }
  const int flags = ::fcntl(fd, F_GETFL);
  ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  return Status::Ok();
}

Result<std::unique_ptr<SocketConnection>> ConnectAddress(const sockaddr* addr, socklen_t len,
                                                         const std::string& peer,
                                                         std::chrono::milliseconds timeout) {
  const int fd = ::socket(addr->sa_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return Status::IOError(fmt::format("socket() for {}: {}", peer, ::strerror(errno)));
  auto conn = std::make_unique<SocketConnection>(fd, peer);
  if (::connect(fd, addr, len) != 0 && errno != EINPROGRESS) {
    if (errno == ECONNREFUSED || errno == ENOENT) {
      return Status::IOError(fmt::format("connection to {} refused", peer));
    }
    return Status::IOError(fmt::format("cannot connect to {}: {}", peer, ::strerror(errno)));
  }
  Status s = WaitConnected(fd, peer, timeout);
  if (!s.ok()) return s;
  if (addr->sa_family != AF_UNIX) {
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  }
  return conn;
}

}  // namespace

Status Connection::ReadExact(uint8_t* buf, size_t n) {
  size_t done = 0;
  while (done < n) {
    Result<size_t> got = ReadSome(buf + done, n - done);
    if (!got.ok()) return got.status();
    done += *got;
  }
  return Status::Ok();
}

SocketConnection::SocketConnection(int fd, std::string peer) : fd_(fd), peer_(std::move(peer)) {}

SocketConnection::~SocketConnection() { ::close(fd_); }

Result<size_t> SocketConnection::ReadSome(uint8_t* buf, size_t max) {
  for (;;) {
    const ssize_t n = ::recv(fd_, buf, max, 0);
    if (n > 0) return size_t(n);
    if (n == 0) return Status::IOError(fmt::format("connection closed by {}", peer_));
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      return Status::IOError(
          fmt::format("read from {} timed out after {} ms", peer_, read_timeout_.count()));
    }
    return Status::IOError(fmt::format("read from {}: {}", peer_, ::strerror(errno)));
  }
}

Status SocketConnection::WriteAll(Bytes data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n >= 0) {
      done += size_t(n);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      return Status::IOError(
          fmt::format("write to {} timed out after {} ms", peer_, write_timeout_.count()));
    }
    return Status::IOError(fmt::format("write to {}: {}", peer_, ::strerror(errno)));
  }
  return Status::Ok();
}

Status SocketConnection::SetTimeouts(std::chrono::milliseconds read,
                                     std::chrono::milliseconds write) {
  const timeval r = ToTimeval(read), w = ToTimeval(write);
  if (::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &r, sizeof(r)) != 0 ||
      ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &w, sizeof(w)) != 0) {
    return Status::IOError(fmt::format("setting timeouts on {}: {}", peer_, ::strerror(errno)));
  }
  read_timeout_ = read;
  write_timeout_ = write;
  return Status::Ok();
}

void SocketConnection::Shutdown() { ::shutdown(fd_, SHUT_RDWR); }

Result<std::unique_ptr<SocketConnection>> ConnectTcp(const std::string& host, uint16_t port,
                                                     std::chrono::milliseconds timeout) {
  const std::string peer = host.find(':') != std::string::npos ? fmt::format("[{}]:{}", host, port)
                                                               : fmt::format("{}:{}", host, port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  const std::string service = std::to_string(port);
  const int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &list);
  if (rc != 0) {
    return Status::IOError(fmt::format("cannot resolve host '{}': {}", host, ::gai_strerror(rc)));
  }
  Status last = Status::IOError(fmt::format("host '{}' has no address", host));
  for (addrinfo* a = list; a != nullptr; a = a->ai_next) {
    auto conn = ConnectAddress(a->ai_addr, a->ai_addrlen, peer, timeout);
    if (conn.ok()) {
      ::freeaddrinfo(list);
      return conn;
    }
    last = conn.status();
  }
  ::freeaddrinfo(list);
  return last;
}

Result<std::unique_ptr<SocketConnection>> ConnectUnix(const std::string& path,
                                                      std::chrono::milliseconds timeout) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path)) {
    return Status::InvalidArgument(fmt::format("socket path '{}' is too long", path));
  }
  ::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  return ConnectAddress(reinterpret_cast<const sockaddr*>(&addr), sizeof(addr), path, timeout);
}

}  // namespace sidecar::protocol
