// HttpServer: /health, /status and /metrics (router.h) on http.bind:http.port, with POCO's
// HTTPServer.
//
// Limits, so that no client can hurt the daemon:
// - a fixed pool of `threads` request threads and a queue of `max_queued` accepted
//   connections (more wait in the listen backlog);
// - no keep-alive: one request per connection;
// - every receive and send times out after `io_timeout` (a client that stops sending its
//   request is dropped: slowloris); a client that trickles bytes holds at most one thread,
//   bounded by POCO's header limits (100 fields, 256-byte names, 8 KiB values, 16 KiB URI),
//   past which it gets 400 Bad Request;
// - request bodies over 1 KiB: 413.
// Answers are built from a StatusSnapshot (one call of the SnapshotSource per request): no
// lock of a replication component is held while a socket is written.
//
// Thread-safety: Start and Stop from one owner thread; the SnapshotSource is called from the
// request threads concurrently and must be thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "base/status.h"
#include "http/health.h"
#include "http/router.h"

namespace Poco {
class ThreadPool;
namespace Net {
class HTTPServer;
}
}  // namespace Poco

namespace sidecar::http {

struct HttpServerOptions {
  std::string bind = "127.0.0.1";
  uint16_t port = 8307;  // 0: any free port (tests)
  int threads = 2;
  int max_queued = 16;
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

  // Stops accepting, lets requests in flight finish (bounded by io_timeout). Idempotent.
  void Stop();
  uint16_t port() const { return port_; }

 private:
  HttpServer(std::unique_ptr<Poco::ThreadPool> pool, std::unique_ptr<Poco::Net::HTTPServer> server,
             uint16_t port);

  std::unique_ptr<Poco::ThreadPool> pool_;  // the request threads; outlives server_
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  const uint16_t port_;
  bool stopped_ = false;
};

}  // namespace sidecar::http
