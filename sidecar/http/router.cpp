#include "http/router.h"

#include "http/metrics_page.h"
#include "http/status_json.h"
#include "metrics/exposition.h"

namespace sidecar::http {
namespace {

constexpr std::string_view kJson = "application/json";
constexpr std::string_view kText = "text/plain; charset=utf-8";

HttpAnswer Error(int status, std::string message) {
  return {status, std::string(kText), std::move(message) + "\n", false};
}

// The methods of RFC 9110 §9 and PATCH: a server knows them, even if it allows only GET/HEAD.
bool IsKnownMethod(std::string_view method) {
  for (std::string_view known :
       {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"}) {
    if (method == known) return true;
  }
  return false;
}

}  // namespace

HttpAnswer Route(std::string_view method, std::string_view uri, int64_t body_length,
                 const SnapshotSource& snapshot, const HealthOptions& health) {
  if (!IsKnownMethod(method)) return Error(501, "method not implemented: use GET or HEAD");
  const std::string_view path = uri.substr(0, uri.find('?'));
  if (path != "/health" && path != "/status" && path != "/metrics") {
    return Error(404, "not found: this server answers /health, /status and /metrics");
  }
  const bool head = method == "HEAD";
  if (method != "GET" && !head) {
    HttpAnswer answer = Error(405, "method not allowed: use GET or HEAD");
    answer.allow_header = true;
    return answer;
  }
  if (body_length > kMaxRequestBody) return Error(413, "request body too large");
  const app::StatusSnapshot status = snapshot();
  HttpAnswer answer;
  if (path == "/status") {
    answer = {200, std::string(kJson), StatusJson(status), false};
  } else {
    const std::vector<HealthProblem> problems = EvaluateHealth(status, health);
    if (path == "/health") {
      answer = {problems.empty() ? 200 : 503, std::string(kJson), HealthJson(status, problems),
                false};
    } else {
      answer = {200, std::string(metrics::kContentType), MetricsPage(status, problems.size()),
                false};
    }
  }
  return answer;
}

}  // namespace sidecar::http
