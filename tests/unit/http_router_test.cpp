// The router: paths, methods, body limits, HEAD, and one snapshot per request.
#include <gtest/gtest.h>

#include "http/router.h"
#include "status_snapshot_fixture.h"

namespace sidecar::http {
namespace {

class RouterTest : public ::testing::Test {
 protected:
  HttpAnswer Get(std::string_view method, std::string_view uri, int64_t body = -1) {
    return Route(method, uri, body, source_, HealthOptions{});
  }

  app::StatusSnapshot snapshot_ = app::HealthySnapshot();
  int calls_ = 0;
  SnapshotSource source_ = [this] {
    ++calls_;
    return snapshot_;
  };
};

TEST_F(RouterTest, KnownPaths) {
  HttpAnswer health = Get("GET", "/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.content_type, "application/json");
  EXPECT_EQ(health.body.rfind("{\"status\":\"ok\"", 0), 0u);
  HttpAnswer status = Get("GET", "/status?pretty=1");
  EXPECT_EQ(status.status, 200);
  EXPECT_EQ(status.body.rfind("{\"version\"", 0), 0u);
  HttpAnswer metrics = Get("GET", "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(metrics.body.rfind("# HELP binlog_sidecar_", 0), 0u);
  EXPECT_EQ(calls_, 3);
}

TEST_F(RouterTest, UnhealthyIs503) {
  snapshot_.upstream.last_error_kind = app::UpstreamErrorKind::kAuth;
  snapshot_.upstream.disconnected_seconds = 1;
  HttpAnswer health = Get("GET", "/health");
  EXPECT_EQ(health.status, 503);
  EXPECT_NE(health.body.find("\"code\":\"upstream_auth_error\""), std::string::npos);
}

TEST_F(RouterTest, HeadCarriesTheStatusAndTheBodyForItsLength) {
  HttpAnswer head = Get("HEAD", "/health");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, Get("GET", "/health").body);
}

TEST_F(RouterTest, UnknownPathIs404WithoutASnapshot) {
  EXPECT_EQ(Get("GET", "/").status, 404);
  EXPECT_EQ(Get("GET", "/healthz").status, 404);
  EXPECT_EQ(Get("GET", "/health/").status, 404);
  EXPECT_EQ(Get("DELETE", "/nothing").status, 404);
  EXPECT_EQ(calls_, 0);
}

TEST_F(RouterTest, OtherMethodsAre405WithAllow) {
  for (const char* method : {"POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH"}) {
    HttpAnswer answer = Get(method, "/status");
    EXPECT_EQ(answer.status, 405) << method;
    EXPECT_TRUE(answer.allow_header);
  }
  EXPECT_EQ(calls_, 0);
}

TEST_F(RouterTest, UnknownMethodsAre501OnAnyPath) {
  for (const char* method : {"get", "FOO", "PROPFIND", "BREW"}) {
    EXPECT_EQ(Get(method, "/health").status, 501) << method;
    EXPECT_EQ(Get(method, "/nothing").status, 501) << method;
  }
  EXPECT_EQ(calls_, 0);
}

TEST_F(RouterTest, LargeBodiesAre413) {
  EXPECT_EQ(Get("GET", "/health", kMaxRequestBody).status, 200);
  EXPECT_EQ(Get("GET", "/health", kMaxRequestBody + 1).status, 413);
}

}  // namespace
}  // namespace sidecar::http
