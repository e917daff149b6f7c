// Server: the downstream listener on serve.bind:serve.port. One thread accepts; each
// connection gets its own thread running a Session, as many at once as the ConnectionTable
// admits (more are answered with ERR 1040 "Too many connections" and closed, as MySQL does).
//
// Users: the [serve] user (replication) and, when configured, the [admin] user, both with
// `auth_plugin` (mysql_native_password or caching_sha2_password, the latter with MySQL 8's
// fast-path cache and an RSA key pair generated at Start() for full authentication without
// TLS), checked by protocol::AcceptClient; anyone else gets the usual access-denied error.
// TLS: offered when `tls` is set, with the certificate and key files or, when they are empty,
// a self-signed certificate generated at Start(); with `require_tls` clients that do not
// start TLS are refused (ERR 3159) before authentication. The greeting's server version is
// asked for at each connection (it follows the stored primary's flavour).
//
// Lifecycle: Start() loads or generates the TLS and RSA keys (an error names serve.ssl_cert /
// serve.ssl_key), binds and listens (an error names the address and the errno) and starts
// accepting; Stop() stops accepting, kills every connection (ConnectionTable::KillAll) and
// waits until every session thread has finished — within a dump's poll interval. Stop() is
// idempotent and also run by the destructor.
//
// Thread-safety: Start/Stop from one owner thread; port() from any.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "base/status.h"
#include "downstream/connection_table.h"
#include "downstream/server_context.h"
#include "downstream/session.h"
#include "protocol/server_handshake.h"

namespace sidecar::downstream {

struct ServerOptions {
  std::string bind = "127.0.0.1";
  uint16_t port = 0;  // 0: any free port (tests read port())
  std::string serve_user;
  std::string serve_password;
  std::string admin_user;  // "" for none
  std::string admin_password;
  std::string auth_plugin = std::string(protocol::kNativePasswordPlugin);  // or kCachingSha2Plugin
  bool tls = false;
  bool require_tls = false;   // only with tls
  std::string tls_cert_file;  // PEM; with tls_key_file, or both empty: self-signed
  std::string tls_key_file;
  // The greeting's version, e.g. "5.5.5-10.11.6-MariaDB-binlog-sidecar"; asked per connection.
  std::function<std::string()> greeting_version;
  SessionEnvironment session;  // context, table, dump environment, timeouts, log
  std::function<void(std::string_view)> log_error;
};

class Server {
 public:
  explicit Server(ServerOptions options);
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  ~Server();

  Status Start();
  void Stop();
  uint16_t port() const { return port_.load(); }

 private:
  Status LoadKeys();
  void AcceptLoop();
  void Admit(int fd, std::string peer);
  void RefuseTooMany(int fd, std::string peer);
  void LogError(std::string_view message) const;

  ServerOptions options_;
  protocol::ServerAuthConfig auth_;
  int listen_fd_ = -1;
  int wake_fd_ = -1;  // eventfd: Stop() wakes the acceptor
  std::atomic<uint16_t> port_{0};
  std::thread acceptor_;

  std::mutex mu_;
  std::condition_variable sessions_done_;
  size_t running_sessions_ = 0;  // GUARDED_BY(mu_)
};

}  // namespace sidecar::downstream
