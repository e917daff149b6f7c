// /status and /health bodies: stable field names, nulls for the unknown, no secret.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "http/status_json.h"
#include "status_snapshot_fixture.h"

namespace sidecar::http {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

Object::Ptr Parse(const std::string& text) {
  Poco::JSON::Parser parser;
  return parser.parse(text).extract<Object::Ptr>();
}

// The field names, sorted (the parser does not keep the order).
std::vector<std::string> Keys(const Object::Ptr& o) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : *o) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  return keys;
}

std::vector<std::string> Sorted(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  return names;
}

TEST(StatusJsonTest, TopLevelAndSectionFieldNamesAreStable) {
  const Object::Ptr o = Parse(StatusJson(app::HealthySnapshot()));
  EXPECT_EQ(Keys(o), Sorted({"version", "uptime_seconds", "state", "upstream", "storage", "budget",
                             "replica", "readers"}));
  EXPECT_EQ(Keys(o->getObject("upstream")),
            Sorted({"state", "primary", "file", "position", "gtid_state", "seconds_behind_primary",
                    "bytes_received", "events_received", "reconnects", "semi_sync_acks",
                    "last_error", "last_error_kind", "disconnected_seconds"}));
  EXPECT_EQ(Keys(o->getObject("storage")),
            Sorted({"data_dir", "writable", "error", "files", "bytes", "durable", "stored_bytes",
                    "stored_events", "fsyncs", "checkpoints", "last_fsync_seconds"}));
  EXPECT_EQ(
      Keys(o->getObject("budget")),
      Sorted({"state", "disk_bytes", "relay_log_space_limit_bytes", "allowed_bytes", "used_bytes",
              "purgeable_bytes", "files", "back_pressure", "back_pressure_reason",
              "oldest_kept_reason", "purged_files", "purged_bytes", "last_purge_error"}));
  EXPECT_EQ(Keys(o->getObject("replica")),
            Sorted({"reachable", "error", "io_running", "sql_running", "executed",
                    "relay_log_space_bytes", "sql_delay_seconds"}));
  const Array::Ptr readers = o->getArray("readers");
  ASSERT_EQ(readers->size(), 2u);
  EXPECT_EQ(Keys(readers->getObject(0)),
            Sorted({"connection_id", "user", "peer", "command", "replica_server_id", "reading",
                    "bytes_sent", "events_sent", "connected_unix_time"}));
}

TEST(StatusJsonTest, Values) {
  const Object::Ptr o = Parse(StatusJson(app::HealthySnapshot()));
  EXPECT_EQ(o->getValue<std::string>("state"), "running");
  const Object::Ptr up = o->getObject("upstream");
  EXPECT_EQ(up->getValue<std::string>("primary"), "10.0.0.5:3306");
  EXPECT_EQ(up->getValue<uint64_t>("position"), 4567u);
  EXPECT_EQ(up->getValue<std::string>("gtid_state"), "0-1-4242");
  EXPECT_EQ(up->getValue<std::string>("last_error_kind"), "none");
  EXPECT_TRUE(up->isNull("disconnected_seconds"));
  const Object::Ptr durable = o->getObject("storage")->getObject("durable");
  EXPECT_EQ(durable->getValue<std::string>("file"), "mysql-bin.000003");
  EXPECT_TRUE(o->getObject("storage")->getValue<bool>("writable"));
  EXPECT_EQ(o->getObject("budget")->getValue<std::string>("state"), "ok");
  const Array::Ptr readers = o->getArray("readers");
  EXPECT_EQ(readers->getObject(0)->getObject("reading")->getValue<uint64_t>("position"), 4000u);
  EXPECT_TRUE(readers->getObject(1)->isNull("reading"));
  EXPECT_TRUE(readers->getObject(1)->isNull("replica_server_id"));
}

TEST(StatusJsonTest, UnknownIsNullAndAbsentComponentsAreNull) {
  app::StatusSnapshot s = app::HealthySnapshot();
  s.upstream.seconds_behind_primary.reset();
  s.budget.reset();
  s.readers.reset();
  const Object::Ptr o = Parse(StatusJson(s));
  EXPECT_TRUE(o->getObject("upstream")->isNull("seconds_behind_primary"));
  EXPECT_TRUE(o->isNull("budget"));
  EXPECT_TRUE(o->isNull("replica"));
  EXPECT_TRUE(o->isNull("readers"));
}

TEST(StatusJsonTest, ErrorsWithQuotesStayValidJson) {
  app::StatusSnapshot s = app::HealthySnapshot();
  s.upstream.last_error = "ERROR 1045 (28000): Access denied for user 'repl'@'h' \"x\"\n";
  const Object::Ptr o = Parse(StatusJson(s));
  EXPECT_EQ(o->getObject("upstream")->getValue<std::string>("last_error"), s.upstream.last_error);
}

TEST(HealthJsonTest, OkAndUnhealthy) {
  const app::StatusSnapshot s = app::HealthySnapshot();
  const std::string ok = HealthJson(s, {});
  EXPECT_EQ(ok.rfind("{\"status\":\"ok\"", 0), 0u) << ok;
  const Object::Ptr bad =
      Parse(HealthJson(s, {{"storage_error", "data_dir /d is not writable: EPERM"}}));
  EXPECT_EQ(bad->getValue<std::string>("status"), "unhealthy");
  const Object::Ptr problem = bad->getArray("problems")->getObject(0);
  EXPECT_EQ(problem->getValue<std::string>("code"), "storage_error");
  EXPECT_EQ(problem->getValue<std::string>("message"), "data_dir /d is not writable: EPERM");
}

TEST(StatusLineTest, NamesStateAndProblemsWithoutFigures) {
  app::StatusSnapshot s = app::HealthySnapshot();
  EXPECT_EQ(StatusLine(s, {}), "running; upstream streaming from 10.0.0.5:3306; healthy");
  EXPECT_EQ(StatusLine(s, {{"budget_exhausted", "x"}, {"replica_unreachable", "y"}}),
            "running; upstream streaming from 10.0.0.5:3306; unhealthy: budget_exhausted "
            "replica_unreachable");
  app::StatusSnapshot recovering;
  recovering.storage.data_dir = "/d";
  EXPECT_EQ(StatusLine(recovering, {{"recovery_in_progress", "x"}}),
            "recovering the store in /d; unhealthy: recovery_in_progress");
}

}  // namespace
}  // namespace sidecar::http
