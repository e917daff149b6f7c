#include "budget/replica_monitor.h"

#include <fmt/format.h>

#include <charconv>
#include <initializer_list>
#include <string_view>
#include <utility>

namespace sidecar::budget {
namespace {

// The first of `names` the result set has, in row 0.
std::optional<std::string> Field(const protocol::ResultSet& rs,
                                 std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    if (rs.ColumnIndex(name)) return rs.Value(0, name);
  }
  return std::nullopt;
}

template <typename Int>
Result<std::optional<Int>> ParseNumber(const std::optional<std::string>& text,
                                       std::string_view what) {
  if (!text || text->empty()) return std::optional<Int>();
  Int value = 0;
  const char* end = text->data() + text->size();
  const auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (ec != std::errc() || ptr != end) {
    return Status::InvalidArgument(
        fmt::format("the replica reports {} = '{}', which is not a number", what, *text));
  }
  return std::optional<Int>(value);
}

}  // namespace

Result<uint64_t> ParseRelayLogSpaceLimit(const protocol::ResultSet& variables) {
  for (size_t row = 0; row < variables.rows.size(); ++row) {
    if (variables.Value(row, "Variable_name") != "relay_log_space_limit") continue;
    auto value = ParseNumber<uint64_t>(variables.Value(row, "Value"), "relay_log_space_limit");
    if (!value.ok()) return value.status();
    if (!*value) break;
    return **value;
  }
  return Status::InvalidArgument("the replica did not report relay_log_space_limit");
}

Status ParseSlaveStatus(const protocol::ResultSet& status, binlog::Flavor flavor,
                        ReplicaSnapshot* out) {
  out->is_replica = !status.rows.empty();
  out->progress.executed_file.clear();
  out->progress.executed_position = 0;
  out->progress.uses_gtid = false;
  if (!out->is_replica) return Status::Ok();
  out->progress.executed_file =
      Field(status, {"Relay_Master_Log_File", "Relay_Source_Log_File"}).value_or("");
  auto position = ParseNumber<uint64_t>(
      Field(status, {"Exec_Master_Log_Pos", "Exec_Source_Log_Pos"}), "Exec_Master_Log_Pos");
  if (!position.ok()) return position.status();
  out->progress.executed_position = position->value_or(0);
  out->io_running = Field(status, {"Slave_IO_Running", "Replica_IO_Running"}) == "Yes";
  out->sql_running = Field(status, {"Slave_SQL_Running", "Replica_SQL_Running"}) == "Yes";
  auto space = ParseNumber<uint64_t>(Field(status, {"Relay_Log_Space"}), "Relay_Log_Space");
  if (!space.ok()) return space.status();
  out->relay_log_space = *space;
  auto delay = ParseNumber<int64_t>(Field(status, {"SQL_Delay"}), "SQL_Delay");
  if (!delay.ok()) return delay.status();
  out->sql_delay = *delay;
  if (flavor == binlog::Flavor::kMariadb) {
    const std::string using_gtid = Field(status, {"Using_Gtid"}).value_or("No");
    out->progress.uses_gtid = !using_gtid.empty() && using_gtid != "No";
  } else {
    out->progress.uses_gtid = Field(status, {"Auto_Position"}) == "1";
  }
  return Status::Ok();
}

ReplicaMonitor::ReplicaMonitor(protocol::ClientOptions client)
    : client_(std::move(client)),
      where_(client_.unix_socket.empty() ? fmt::format("{}:{}", client_.host, client_.port)
                                         : fmt::format("socket {}", client_.unix_socket)) {}

ReplicaMonitor::~ReplicaMonitor() {
  if (session_) session_->Quit();
}

ReplicaSnapshot ReplicaMonitor::Poll() {
  ReplicaSnapshot snapshot;
  Status s = PollOnce(&snapshot);
  snapshot.reachable = s.ok();
  snapshot.progress.reachable = s.ok();
  if (!s.ok()) {
    snapshot.error = fmt::format("replica {}: {}", where_, s.message());
    session_.reset();
  }
  return snapshot;
}

Status ReplicaMonitor::PollOnce(ReplicaSnapshot* out) {
  if (!session_) {
    auto session = protocol::ClientSession::Connect(client_);
    if (!session.ok()) return session.status();
    session_ = std::move(session).value();
  }
  const bool mariadb = session_->greeting().IsMariaDb();
  out->flavor = mariadb ? binlog::Flavor::kMariadb : binlog::Flavor::kMysql;

  auto variables = session_->QueryRows("SHOW GLOBAL VARIABLES LIKE 'relay_log_space_limit'");
  if (!variables.ok()) return variables.status();
  auto limit = ParseRelayLogSpaceLimit(*variables);
  if (!limit.ok()) return limit.status();
  out->relay_log_space_limit = *limit;

  const bool replica_syntax = !mariadb && replica_status_syntax_;
  auto status = session_->QueryRows(replica_syntax ? "SHOW REPLICA STATUS" : "SHOW SLAVE STATUS");
  // Before MySQL 8.0.22 SHOW REPLICA STATUS is a syntax error; the session stays usable.
  if (replica_syntax && !status.ok() && status.status().code() == Status::Code::kInvalidArgument) {
    replica_status_syntax_ = false;
    status = session_->QueryRows("SHOW SLAVE STATUS");
  }
  if (!status.ok()) return status.status();
  if (Status s = ParseSlaveStatus(*status, out->flavor, out); !s.ok()) return s;

  auto gtids = session_->QueryRows(mariadb ? "SELECT @@global.gtid_slave_pos"
                                           : "SELECT @@global.gtid_executed");
  if (!gtids.ok()) return gtids.status();
  if (!gtids->rows.empty() && !gtids->rows[0].empty() && gtids->rows[0][0]) {
    out->progress.executed_gtids = *gtids->rows[0][0];
  }
  return Status::Ok();
}

}  // namespace sidecar::budget
