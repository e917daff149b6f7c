// QueryResponder::Answer: one COM_QUERY, parsed by ParseStatement and answered by kind.
//
// Who may run what: the replication user runs what replicas, binlog tools and CDC clients send
// (SET, SELECT, SHOW VARIABLES/STATUS/WARNINGS, and the read-only SHOW MASTER STATUS and SHOW
// BINARY LOGS that a REPLICATION CLIENT grant allows on a real server) and KILL of its own
// user's connections; the admin user additionally SHOW SLAVE STATUS, SHOW SLAVE HOSTS,
// START/STOP SLAVE, CHANGE MASTER TO and PURGE BINARY LOGS. Others get ERR 1227.
//
// SET: the user variables replicas set (@master_binlog_checksum, @master_heartbeat_period,
// @mariadb_slave_capability, @slave_connect_state, ...; MySQL 8's @source_* names too) fill
// SessionState's fields; every user variable is also kept for SELECT @name. Session system
// variables (SET NAMES, autocommit, sql_mode, ...) are accepted and change nothing; SET GLOBAL
// is refused (ERR 1238): the sidecar's settings come from its configuration.
#include "downstream/query_responder.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "base/ascii.h"
#include "downstream/admin_results.h"
#include "downstream/admin_statements.h"
#include "downstream/expression_evaluator.h"
#include "downstream/sql_errors.h"
#include "downstream/statement_parser.h"
#include "downstream/system_variables.h"

namespace sidecar::downstream {
namespace {

constexpr uint16_t kErEmptyQuery = 1065;  // 42000

Status SendError(protocol::PacketCodec& codec, const SessionState& session,
                 const protocol::ErrPacket& err) {
  return protocol::SendErr(codec, err, session.capabilities);
}

Status SendOk(protocol::PacketCodec& codec, const SessionState& session) {
  protocol::OkPacket ok;
  ok.status_flags = protocol::kServerStatusAutocommit;
  return protocol::SendOk(codec, ok, session.capabilities);
}

Status SendResult(protocol::PacketCodec& codec, const SessionState& session,
                  const protocol::ResultSet& rs) {
  return protocol::WriteResultSet(codec, rs, session.capabilities);
}

std::optional<uint64_t> ToUnsigned(const std::string& text) {
  uint64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return n;
}

bool Truthy(const SqlValue& v) {
  if (v.is_null()) return false;
  std::string lower = v.text;
  for (char& c : lower) c = char(std::tolower(static_cast<unsigned char>(c)));
  return lower != "0" && lower != "off" && lower != "false" && !lower.empty();
}

std::string Upper(std::string s) {
  for (char& c : s) c = char(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Fills the SessionState field a replica's user variable stands for; an ERR for a value the
// field cannot take.
std::optional<protocol::ErrPacket> ApplyUserVariable(const std::string& name, const SqlValue& v,
                                                     SessionState& session) {
  auto wrong = [&name, &v] {
    return SqlError(kErWrongValueForVar,
                    fmt::format("Variable '@{}' can't be set to the value of '{}'", name,
                                v.is_null() ? std::string("NULL") : v.text));
  };
  if (name == "master_binlog_checksum" || name == "source_binlog_checksum") {
    if (v.is_null()) {
      session.master_binlog_checksum.reset();
    } else {
      session.master_binlog_checksum = Upper(v.text);
    }
  } else if (name == "master_heartbeat_period" || name == "source_heartbeat_period") {
    auto ns = ToUnsigned(v.text);
    if (v.is_null() || !ns) return wrong();
    session.heartbeat_period = std::chrono::nanoseconds(int64_t(std::min<uint64_t>(*ns, INT64_MAX)));
  } else if (name == "mariadb_slave_capability") {
    auto n = ToUnsigned(v.text);
    if (v.is_null() || !n || *n > 1000) return wrong();
    session.mariadb_slave_capability = int(*n);
  } else if (name == "slave_connect_state") {
    if (v.is_null()) {
      session.slave_connect_state.reset();
    } else {
      session.slave_connect_state = v.text;
    }
  } else if (name == "slave_gtid_strict_mode") {
    session.slave_gtid_strict_mode = Truthy(v);
  } else if (name == "slave_gtid_ignore_duplicates") {
    session.slave_gtid_ignore_duplicates = Truthy(v);
  } else if (name == "rpl_semi_sync_slave" || name == "rpl_semi_sync_replica") {
    session.semi_sync_requested = Truthy(v);
  } else if (name == "slave_uuid" || name == "replica_uuid") {
    session.slave_uuid = v.text;
  }
  return std::nullopt;
}

std::optional<protocol::ErrPacket> RunSet(const Statement& st, const ServerContext& context,
                                          SessionState& session) {
  for (const Assignment& a : st.assignments) {
    switch (a.target) {
      case Assignment::Target::kUserVariable: {
        SqlValue value;
        if (auto err = Evaluate(a.value, context, session, &value)) return err;
        if (auto err = ApplyUserVariable(a.name, value, session)) return err;
        session.user_variables[a.name] = value.cell();
        break;
      }
      case Assignment::Target::kSystemVariable:
        if (a.scope == "global") {
          return SqlError(kErIncorrectGlobalLocalVar,
                          fmt::format("Variable '{}' is a read only variable: binlog-sidecar "
                                      "takes its settings from its configuration file",
                                      a.name));
        }
        break;  // a session setting: accepted, nothing depends on it
      case Assignment::Target::kNames:
      case Assignment::Target::kCharacterSet:
      case Assignment::Target::kTransaction:
        break;
    }
  }
  return std::nullopt;
}

// SELECT of expressions: one row (none under LIMIT 0).
std::optional<protocol::ErrPacket> RunSelect(const Statement& st, const ServerContext& context,
                                             const SessionState& session,
                                             protocol::ResultSet* rs) {
  protocol::Row row;
  for (const SelectItem& item : st.select_items) {
    SqlValue value;
    if (auto err = Evaluate(item.expr, context, session, &value)) return err;
    rs->columns.push_back(ColumnFor(item.column_name, value));
    row.push_back(value.cell());
  }
  if (!st.limit || *st.limit > 0) rs->rows.push_back(std::move(row));
  return std::nullopt;
}

protocol::ResultSet RunShowVariables(const Statement& st, const ServerContext& context) {
  protocol::ResultSet rs = protocol::ResultSet::WithColumns({"Variable_name", "Value"});
  if (st.kind == StatementKind::kShowStatus) return rs;  // no status counters are served
  auto matches = [&st](std::string_view name) {
    if (st.like && !LikeMatches(*st.like, name)) return false;
    if (st.where_names.empty()) return true;
    for (const std::string& wanted : st.where_names) {
      if (EqualsIgnoringCase(wanted, name)) return true;
    }
    return false;
  };
  for (auto& [name, value] : ShowVariables(context, matches)) {
    rs.rows.push_back({std::move(name), std::move(value)});
  }
  return rs;
}

// Which statements need the admin user, and the privileges a MySQL server would name.
std::optional<std::string> AdminPrivileges(StatementKind kind) {
  switch (kind) {
    case StatementKind::kShowSlaveStatus:
      return "SUPER, REPLICATION CLIENT";
    case StatementKind::kShowSlaveHosts:
      return "REPLICATION SLAVE ADMIN";
    case StatementKind::kStartSlave:
    case StatementKind::kStopSlave:
    case StatementKind::kChangeMaster:
      return "SUPER, REPLICATION SLAVE ADMIN";
    case StatementKind::kPurgeTo:
    case StatementKind::kPurgeBefore:
      return "SUPER, BINLOG ADMIN";
    default:
      return std::nullopt;
  }
}

}  // namespace

Status QueryResponder::Answer(std::string_view sql, SessionState& session,
                              protocol::PacketCodec& codec) {
  const Statement st = ParseStatement(sql);
  if (session.role != Role::kAdmin) {
    if (auto privileges = AdminPrivileges(st.kind)) {
      return SendError(codec, session, AccessDenied(st.verb, *privileges));
    }
  }
  std::optional<protocol::ErrPacket> err;
  protocol::ResultSet rs;
  bool rows = false;
  switch (st.kind) {
    case StatementKind::kEmpty:
      err = SqlError(kErEmptyQuery, "Query was empty");
      break;
    case StatementKind::kSyntaxError:
      err = SqlError(kErParseError, st.error);
      break;
    case StatementKind::kUnsupported:
      err = SqlError(kErNotSupportedYet, st.error);
      break;
    case StatementKind::kSet:
      err = RunSet(st, *context_, session);
      break;
    case StatementKind::kSelect:
      err = RunSelect(st, *context_, session, &rs);
      rows = true;
      break;
    case StatementKind::kShowVariables:
    case StatementKind::kShowStatus:
      rs = RunShowVariables(st, *context_);
      rows = true;
      break;
    case StatementKind::kShowWarnings:
      rs = protocol::ResultSet::WithColumns({"Level", "Code", "Message"});
      rows = true;
      break;
    case StatementKind::kShowMasterStatus:
    case StatementKind::kShowBinaryLogs:
    case StatementKind::kShowSlaveStatus: {
      const bool replica_names = st.verb.find("REPLICA") != std::string::npos;
      auto result = st.kind == StatementKind::kShowMasterStatus ? MasterStatusResult(*context_)
                    : st.kind == StatementKind::kShowBinaryLogs
                        ? BinaryLogsResult(*context_)
                        : SlaveStatusResult(*context_, replica_names);
      if (result.ok()) {
        rs = std::move(*result);
        rows = true;
      } else {
        err = SqlError(kErUnknownError, fmt::format("{}: {}", st.verb, result.status().message()));
      }
      break;
    }
    case StatementKind::kShowSlaveHosts:
      rs = SlaveHostsResult(*context_, st.verb.find("REPLICAS") != std::string::npos);
      rows = true;
      break;
    case StatementKind::kKill:
      if (st.kill_id == session.connection_id) {
        // Ending one's own connection: the client is told, then the connection closes.
        if (auto s = SendError(codec, session, SqlError(kErConnectionKilled,
                                                        "Connection was killed"));
            !s.ok()) {
          return s;
        }
        return Status::IOError(fmt::format("connection {} killed itself", session.connection_id));
      }
      err = RunKill(st, session, *context_);
      break;
    case StatementKind::kStartSlave:
    case StatementKind::kStopSlave:
      err = RunStartStopSlave(st, *context_);
      break;
    case StatementKind::kChangeMaster:
      err = RunChangeMaster(st, *context_);
      break;
    case StatementKind::kPurgeTo:
    case StatementKind::kPurgeBefore:
      err = RunPurge(st, *context_);
      break;
  }
  if (err) return SendError(codec, session, *err);
  if (rows) return SendResult(codec, session, rs);
  return SendOk(codec, session);
}

}  // namespace sidecar::downstream
