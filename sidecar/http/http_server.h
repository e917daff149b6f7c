// HttpServer: /health, /status and /metrics (router.h) on http.bind:http.port.
//
// Shape: one I/O thread owns every socket (non-blocking, poll(2)): it accepts,
// reads each request head (request_head.h) and body, and sends each answer;
// a small fixed pool of `threads` workers only builds answers (Route, from a
// StatusSnapshot) and never touches a socket. So a slow client costs a slot
// among `max_connections`, never a worker: /health answers while slow clients
// are connected, as long as fewer than max_connections are.
//
// Limits, so that no client can hurt the daemon:
// - the whole request (head and body) must arrive within `request_timeout`
//   of the accept, whatever the pace (slowloris): else 408 and close;
// - heads over 8 KiB or with more than 64 fields: 431; request lines over
//   4 KiB: 414; malformed heads: 400; Transfer-Encoding: 501; bodies over
//   1 KiB: 413 (request_head.h, router.h);
// - at most `max_connections` open at once; more wait in the listen backlog;
// - one request per connection ("Connection: close"); sending the answer
//   must finish within `io_timeout`, then the connection is half-closed and
//   what the client still sends is read and dropped for at most io_timeout
//   (so that it gets the answer rather than a reset), then closed.
// No lock of a replication component is held while a socket is written: the
// SnapshotSource is called once per request by a worker, before any I/O.
//
// Thread-safety: Start and Stop from one owner thread; the SnapshotSource is
// called from the workers concurrently and must be thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "base/status.h"
#include "http/health.h"
#include "http/router.h"

namespace sidecar::http {

struct HttpServerOptions {
  std::string bind = "127.0.0.1";
  uint16_t port = 8307;  // 0: any free port (tests)
  int threads = 2;       // workers building answers
  int max_connections = 64;
  std::chrono::milliseconds request_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds io_timeout{std::chrono::seconds(5)};
  HealthOptions health;
};

class HttpServer {
 public:
  // Binds and listens; fails with a message naming bind:port (in use, bad address, ...).
  static Result<std::unique_ptr<HttpServer>> Start(HttpServerOptions options,
                                                   SnapshotSource snapshot);
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  ~HttpServer();  // Stop()

  // Stops accepting, drops every connection, joins the threads. Idempotent.
  void Stop();
  uint16_t port() const { return port_; }

 private:
  struct Shared;
  HttpServer(std::unique_ptr<Shared> shared, uint16_t port);

  std::unique_ptr<Shared> shared_;
  const uint16_t port_;
  bool stopped_ = false;
};

}  // namespace sidecar::http
