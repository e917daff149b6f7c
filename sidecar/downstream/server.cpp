#include "downstream/server.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <system_error>

#include "protocol/constants.h"
#include "protocol/generic_packets.h"

namespace sidecar::downstream {
namespace {

std::string PeerName(const sockaddr_storage& addr) {
  char host[NI_MAXHOST] = "?";
  char service[NI_MAXSERV] = "?";
  ::getnameinfo(reinterpret_cast<const sockaddr*>(&addr), sizeof(addr), host, sizeof(host),
                service, sizeof(service), NI_NUMERICHOST | NI_NUMERICSERV);
  return addr.ss_family == AF_INET6 ? fmt::format("[{}]:{}", host, service)
                                    : fmt::format("{}:{}", host, service);
}

}  // namespace

Server::Server(ServerOptions options) : options_(std::move(options)) {
  auth_.password_of = [this](std::string_view user) -> std::optional<std::string> {
    if (!options_.admin_user.empty() && user == options_.admin_user) {
      return options_.admin_password;
    }
    if (user == options_.serve_user) return options_.serve_password;
    return std::nullopt;
  };
}

Server::~Server() { Stop(); }

Status Server::LoadKeys() {
  if (options_.auth_plugin != protocol::kNativePasswordPlugin &&
      options_.auth_plugin != protocol::kCachingSha2Plugin) {
    return Status::InvalidArgument(
        fmt::format("serve.auth_plugin '{}' is not supported ({} or {})", options_.auth_plugin,
                    protocol::kNativePasswordPlugin, protocol::kCachingSha2Plugin));
  }
  auth_.auth_plugin = options_.auth_plugin;
  if (options_.auth_plugin == protocol::kCachingSha2Plugin) {
    Result<std::shared_ptr<const protocol::RsaKeyPair>> rsa = protocol::RsaKeyPair::Generate();
    if (!rsa.ok()) {
      return protocol::WithContext(rsa.status(), "serve.auth_plugin caching_sha2_password");
    }
    auth_.rsa_key = std::move(rsa).value();
    auth_.caching_sha2_cache = std::make_shared<protocol::CachingSha2Cache>();
  }
  if (options_.tls) {
    Result<std::shared_ptr<const protocol::TlsContext>> tls =
        protocol::TlsContext::ForServer(options_.tls_cert_file, options_.tls_key_file);
    if (!tls.ok()) return protocol::WithContext(tls.status(), "serve.ssl_cert, serve.ssl_key");
    auth_.tls = std::move(tls).value();
    auth_.require_tls = options_.require_tls;
  }
  return Status::Ok();
}

Status Server::Start() {
  if (Status s = LoadKeys(); !s.ok()) return s;
  const std::string address = fmt::format("{}:{}", options_.bind, options_.port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* list = nullptr;
  const std::string service = std::to_string(options_.port);
  if (int rc = ::getaddrinfo(options_.bind.c_str(), service.c_str(), &hints, &list); rc != 0) {
    return Status::InvalidArgument(
        fmt::format("cannot resolve serve.bind '{}': {}", options_.bind, ::gai_strerror(rc)));
  }
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> owned(list, ::freeaddrinfo);
  const int fd = ::socket(list->ai_family, list->ai_socktype | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::IOError(fmt::format("socket for {}: {}", address, strerror(errno)));
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (::bind(fd, list->ai_addr, list->ai_addrlen) != 0 || ::listen(fd, 128) != 0) {
    const int err = errno;
    ::close(fd);
    return Status::IOError(fmt::format("cannot listen on {} (serve.bind, serve.port): {}",
                                       address, strerror(err)));
  }
  sockaddr_storage bound{};
  socklen_t length = sizeof(bound);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length);
  port_ = ntohs(bound.ss_family == AF_INET6
                    ? reinterpret_cast<const sockaddr_in6&>(bound).sin6_port
                    : reinterpret_cast<const sockaddr_in&>(bound).sin_port);
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC);
  if (wake_fd_ < 0) {
    ::close(fd);
    return Status::IOError(fmt::format("eventfd: {}", strerror(errno)));
  }
  listen_fd_ = fd;
  acceptor_ = std::thread([this] { AcceptLoop(); });
  return Status::Ok();
}

void Server::Stop() {
  if (acceptor_.joinable()) {
    const uint64_t one = 1;
    if (::write(wake_fd_, &one, sizeof(one)) < 0) LogError("cannot wake the acceptor");
    acceptor_.join();
  }
  if (listen_fd_ >= 0) ::close(listen_fd_);
  if (wake_fd_ >= 0) ::close(wake_fd_);
  listen_fd_ = wake_fd_ = -1;
  options_.session.table->KillAll();
  std::unique_lock lock(mu_);
  sessions_done_.wait(lock, [&] { return running_sessions_ == 0; });
}

void Server::AcceptLoop() {
  for (;;) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      LogError(fmt::format("poll on the serve port failed: {}", strerror(errno)));
      return;
    }
    if (fds[1].revents != 0) return;  // Stop()
    if (fds[0].revents == 0) continue;
    sockaddr_storage addr{};
    socklen_t length = sizeof(addr);
    const int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &length,
                             SOCK_CLOEXEC);
    if (fd < 0) {
      // ECONNABORTED and friends concern one client; EMFILE/ENFILE pass when others close.
      if (errno != EINTR && errno != ECONNABORTED && errno != EAGAIN) {
        LogError(fmt::format("accept on the serve port failed: {}", strerror(errno)));
        ::poll(nullptr, 0, 100);  // no spinning while descriptors are exhausted
      }
      continue;
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    Admit(fd, PeerName(addr));
  }
}

void Server::Admit(int fd, std::string peer) {
  std::shared_ptr<ConnectionSlot> slot = options_.session.table->Open(peer, fd);
  if (!slot) {
    RefuseTooMany(fd, std::move(peer));
    return;
  }
  auto socket = std::make_unique<protocol::SocketConnection>(fd, std::move(peer));
  protocol::ServerAuthConfig auth = auth_;
  auth.server_version = options_.greeting_version ? options_.greeting_version() : "";
  {
    std::lock_guard lock(mu_);
    ++running_sessions_;
  }
  try {
    std::thread([this, auth = std::move(auth), socket = std::move(socket), slot]() mutable {
      Session(options_.session, std::move(auth), std::move(socket), std::move(slot)).Run();
      std::lock_guard lock(mu_);
      --running_sessions_;
      sessions_done_.notify_all();  // under the lock: Stop() cannot return before we are done
    }).detach();
  } catch (const std::system_error& e) {
    LogError(fmt::format("cannot start a thread for a connection: {}", e.what()));
    options_.session.table->Close(slot->id());
    std::lock_guard lock(mu_);
    --running_sessions_;
  }
}

void Server::RefuseTooMany(int fd, std::string peer) {
  protocol::PacketCodec codec(std::make_unique<protocol::SocketConnection>(fd, std::move(peer)));
  auto& socket = static_cast<protocol::SocketConnection&>(codec.connection());
  if (socket.SetTimeouts(std::chrono::seconds(1), std::chrono::seconds(1)).ok()) {
    protocol::SendErr(codec, {1040, "08004", "Too many connections"}, protocol::kClientProtocol41);
  }
}

void Server::LogError(std::string_view message) const {
  if (options_.log_error) options_.log_error(message);
}

}  // namespace sidecar::downstream
