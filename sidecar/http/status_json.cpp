#include "http/status_json.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <fmt/format.h>

#include <sstream>

namespace sidecar::http {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

Object::Ptr NewObject() { return new Object(Poco::JSON_PRESERVE_KEY_ORDER); }

Poco::Dynamic::Var NullOr(const std::optional<int64_t>& value) {
  return value ? Poco::Dynamic::Var(*value) : Poco::Dynamic::Var();
}

Poco::Dynamic::Var NullOr(const std::optional<double>& value) {
  return value ? Poco::Dynamic::Var(*value) : Poco::Dynamic::Var();
}

Poco::Dynamic::Var NullOr(const std::optional<uint64_t>& value) {
  return value ? Poco::Dynamic::Var(*value) : Poco::Dynamic::Var();
}

Object::Ptr UpstreamJson(const app::UpstreamSnapshot& up) {
  Object::Ptr o = NewObject();
  o->set("state", up.state);
  o->set("primary", up.primary);
  o->set("file", up.file);
  o->set("position", up.position);
  o->set("gtid_state", up.gtid_state);
  o->set("seconds_behind_primary", NullOr(up.seconds_behind_primary));
  o->set("bytes_received", up.bytes_received);
  o->set("events_received", up.events_received);
  o->set("reconnects", up.reconnects);
  o->set("semi_sync_acks", up.semi_sync_acks);
  o->set("last_error", up.last_error);
  o->set("last_error_kind", std::string(app::UpstreamErrorKindName(up.last_error_kind)));
  o->set("disconnected_seconds", NullOr(up.disconnected_seconds));
  return o;
}

Object::Ptr StorageJson(const app::StorageSnapshot& storage) {
  Object::Ptr o = NewObject();
  o->set("data_dir", storage.data_dir);
  o->set("writable", !storage.writer_failed && storage.error.empty());
  o->set("error", storage.error);
  o->set("files", storage.files);
  o->set("bytes", storage.bytes);
  Object::Ptr durable = NewObject();
  durable->set("file", storage.durable_file);
  durable->set("position", storage.durable_position);
  o->set("durable", durable);
  o->set("stored_bytes", storage.stored_bytes);
  o->set("stored_events", storage.stored_events);
  o->set("fsyncs", storage.fsyncs);
  o->set("checkpoints", storage.checkpoints);
  o->set("last_fsync_seconds", storage.last_fsync_seconds);
  return o;
}

Poco::Dynamic::Var BudgetJson(const std::optional<budget::BudgetStatus>& budget) {
  if (!budget) return {};
  Object::Ptr o = NewObject();
  o->set("state", std::string(budget::BudgetStateName(*budget)));
  o->set("disk_bytes", NullOr(budget->disk_budget));
  o->set("relay_log_space_limit_bytes", NullOr(budget->relay_log_space_limit));
  o->set("allowed_bytes", NullOr(budget->allowed_bytes));
  o->set("used_bytes", budget->used_bytes);
  o->set("purgeable_bytes", budget->purgeable_bytes);
  o->set("files", budget->files);
  o->set("back_pressure", budget->back_pressure);
  o->set("back_pressure_reason", budget->back_pressure_reason);
  o->set("oldest_kept_reason", budget->oldest_kept_reason);
  o->set("purged_files", budget->purged_files);
  o->set("purged_bytes", budget->purged_bytes);
  o->set("last_purge_error", budget->last_purge_error);
  return o;
}

Poco::Dynamic::Var ReplicaJson(const std::optional<budget::BudgetStatus>& budget) {
  if (!budget) return {};
  Object::Ptr o = NewObject();
  o->set("reachable", budget->replica_reachable);
  o->set("error", budget->replica_error);
  o->set("io_running", budget->replica_io_running);
  o->set("sql_running", budget->replica_sql_running);
  Object::Ptr executed = NewObject();
  executed->set("file", budget->replica_executed_file);
  executed->set("position", budget->replica_executed_position);
  executed->set("gtids", budget->replica_executed_gtids);
  o->set("executed", executed);
  o->set("relay_log_space_bytes", NullOr(budget->replica_relay_log_space));
  o->set("sql_delay_seconds", NullOr(budget->replica_sql_delay));
  return o;
}

Poco::Dynamic::Var ReadersJson(
    const std::optional<std::vector<downstream::ReaderStatus>>& readers) {
  if (!readers) return {};
  Array::Ptr list = new Array();
  for (const downstream::ReaderStatus& r : *readers) {
    Object::Ptr o = NewObject();
    o->set("connection_id", r.connection_id);
    o->set("user", r.user);
    o->set("peer", r.peer);
    o->set("command", r.command);
    o->set("replica_server_id",
           r.replica_server_id ? Poco::Dynamic::Var(*r.replica_server_id) : Poco::Dynamic::Var());
    if (r.reading) {
      Object::Ptr reading = NewObject();
      reading->set("file", r.reading->file);
      reading->set("position", r.reading->offset);
      o->set("reading", reading);
    } else {
      o->set("reading", Poco::Dynamic::Var());
    }
    o->set("bytes_sent", r.bytes_sent);
    o->set("events_sent", r.events_sent);
    o->set("connected_unix_time", r.connected_unix_time);
    list->add(o);
  }
  return list;
}

std::string Stringify(const Object::Ptr& o) {
  std::ostringstream out;
  o->stringify(out);
  return out.str();
}

}  // namespace

const char* ProcessState(const app::StatusSnapshot& snapshot) {
  return snapshot.recovering ? "recovering" : "running";
}

std::string StatusJson(const app::StatusSnapshot& snapshot) {
  Object::Ptr o = NewObject();
  o->set("version", snapshot.version);
  o->set("uptime_seconds", snapshot.uptime_seconds);
  o->set("state", std::string(ProcessState(snapshot)));
  o->set("upstream", UpstreamJson(snapshot.upstream));
  o->set("storage", StorageJson(snapshot.storage));
  o->set("budget", BudgetJson(snapshot.budget));
  o->set("replica", ReplicaJson(snapshot.budget));
  o->set("readers", ReadersJson(snapshot.readers));
  return Stringify(o);
}

std::string HealthJson(const app::StatusSnapshot& snapshot,
                       const std::vector<HealthProblem>& problems) {
  Object::Ptr o = NewObject();
  o->set("status", std::string(problems.empty() ? "ok" : "unhealthy"));
  o->set("state", std::string(ProcessState(snapshot)));
  o->set("uptime_seconds", snapshot.uptime_seconds);
  Array::Ptr list = new Array();
  for (const HealthProblem& p : problems) {
    Object::Ptr item = NewObject();
    item->set("code", p.code);
    item->set("message", p.message);
    list->add(item);
  }
  o->set("problems", list);
  return Stringify(o);
}

std::string StatusLine(const app::StatusSnapshot& snapshot,
                       const std::vector<HealthProblem>& problems) {
  std::string line = snapshot.recovering
                         ? fmt::format("recovering the store in {}", snapshot.storage.data_dir)
                         : fmt::format("running; upstream {} from {}", snapshot.upstream.state,
                                       snapshot.upstream.primary);
  if (problems.empty()) return line + "; healthy";
  line += "; unhealthy:";
  for (const HealthProblem& p : problems) line += " " + p.code;
  return line;
}

}  // namespace sidecar::http
