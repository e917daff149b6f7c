// Router: the answer to one HTTP request, as a value, before any socket is involved (so the
// routing rules are unit-tested without a server).
//
//   GET|HEAD /health   200 or 503, application/json (status_json.h)
//   GET|HEAD /status   200, application/json
//   GET|HEAD /metrics  200, Prometheus text (metrics_page.h)
//   a method not in RFC 9110 (methods are case-sensitive: "get" too): 501
//   another path       404
//   another method on a known path: 405 with "Allow: GET, HEAD"
//   a request body larger than kMaxRequestBody: 413
// For HEAD the answer carries GET's body: the server sends its length, not its bytes. The
// query string is ignored.
//
// Thread-safety: Route may be called from any thread; it calls `snapshot` once per request.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "app/status_snapshot.h"
#include "http/health.h"

namespace sidecar::http {

inline constexpr int64_t kMaxRequestBody = 1024;

struct HttpAnswer {
  int status = 200;
  std::string content_type;
  std::string body;
  bool allow_header = false;  // send "Allow: GET, HEAD" (405)
};

using SnapshotSource = std::function<app::StatusSnapshot()>;

// `body_length`: the request's Content-Length (-1 when none).
HttpAnswer Route(std::string_view method, std::string_view uri, int64_t body_length,
                 const SnapshotSource& snapshot, const HealthOptions& health);

}  // namespace sidecar::http
