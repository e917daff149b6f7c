#include "downstream/admin_statements.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <string>

#include "downstream/expression_evaluator.h"
#include "downstream/sql_errors.h"

namespace sidecar::downstream {
namespace {

std::optional<protocol::ErrPacket> FromStatus(const Status& s, uint16_t code) {
  if (s.ok()) return std::nullopt;
  return SqlError(code, s.message());
}

// A text option value: a string, or a bare word (MASTER_USE_GTID = slave_pos).
std::optional<std::string> TextValue(const Expr& value) {
  if (value.kind == Expr::Kind::kString || value.kind == Expr::Kind::kWord) return value.text;
  return std::nullopt;
}

std::optional<uint64_t> NumberValue(const Expr& value) {
  if (value.kind != Expr::Kind::kNumber) return std::nullopt;
  uint64_t n = 0;
  const auto [end, ec] = std::from_chars(value.text.data(), value.text.data() + value.text.size(), n);
  if (ec != std::errc() || end != value.text.data() + value.text.size()) return std::nullopt;
  return n;
}

protocol::ErrPacket BadValue(const std::string& option, const std::string& expected) {
  return SqlError(kErWrongArguments,
                  fmt::format("Incorrect arguments to CHANGE MASTER: {} needs {}", option,
                              expected));
}

std::optional<protocol::ErrPacket> ApplyOption(const ChangeOption& option, UpstreamChange* change) {
  const std::string& name = option.name;
  if (name == "host" || name == "user" || name == "password" || name == "log_file") {
    auto text = option.value.kind == Expr::Kind::kString ? std::optional(option.value.text)
                                                        : std::nullopt;
    if (!text) return BadValue(name, "a quoted string");
    if (name == "host") {
      if (text->empty()) return BadValue(name, "a host name");
      change->host = *text;
    } else if (name == "user") {
      change->user = *text;
    } else if (name == "password") {
      change->password = *text;
    } else {
      change->log_file = *text;
    }
    return std::nullopt;
  }
  if (name == "port" || name == "log_pos") {
    auto number = NumberValue(option.value);
    if (!number || (name == "port" && (*number == 0 || *number > 65535))) {
      return BadValue(name, name == "port" ? "a port number (1-65535)" : "a number");
    }
    if (name == "port") {
      change->port = uint16_t(*number);
    } else {
      change->log_pos = *number;
    }
    return std::nullopt;
  }
  if (name == "use_gtid") {
    auto text = TextValue(option.value);
    std::string lower = text.value_or("");
    for (char& c : lower) c = char(std::tolower(static_cast<unsigned char>(c)));
    if (lower != "no" && lower != "slave_pos" && lower != "current_pos") {
      return BadValue("MASTER_USE_GTID", "no, slave_pos or current_pos");
    }
    change->use_gtid = lower;
    return std::nullopt;
  }
  if (name == "auto_position") {
    auto number = NumberValue(option.value);
    if (!number || *number > 1) return BadValue("MASTER_AUTO_POSITION", "0 or 1");
    change->use_gtid = *number == 1 ? "slave_pos" : "no";
    return std::nullopt;
  }
  return SqlError(kErNotSupportedYet,
                  fmt::format("CHANGE MASTER TO option '{}' is not supported by binlog-sidecar "
                              "(it takes HOST, PORT, USER, PASSWORD, LOG_FILE, LOG_POS, USE_GTID "
                              "and AUTO_POSITION; the rest is in the [upstream] section of its "
                              "configuration)",
                              name));
}

}  // namespace

std::optional<protocol::ErrPacket> RunStartStopSlave(const Statement& st, ServerContext& context) {
  if (st.sql_thread_only) return std::nullopt;  // the store is the SQL side: always running
  const bool start = st.kind == StatementKind::kStartSlave;
  return FromStatus(start ? context.StartUpstream() : context.StopUpstream(), kErUnknownError);
}

std::optional<protocol::ErrPacket> RunChangeMaster(const Statement& st, ServerContext& context) {
  UpstreamChange change;
  for (const ChangeOption& option : st.change_options) {
    if (auto err = ApplyOption(option, &change)) return err;
  }
  if (context.upstream_status().state != upstream::PullerState::kStopped) {
    return SqlError(kErSlaveMustStop,
                    "This operation cannot be performed with a running slave io thread; run "
                    "STOP SLAVE first");
  }
  return FromStatus(context.ChangeUpstream(change), kErWrongArguments);
}

std::optional<protocol::ErrPacket> RunPurge(const Statement& st, ServerContext& context) {
  if (st.kind == StatementKind::kPurgeTo) {
    auto files = context.binlog_files();
    if (!files.ok()) return SqlError(kErUnknownError, files.status().message());
    bool known = false;
    for (const auto& file : *files) known = known || file.name == st.purge_file;
    if (!known) {
      return SqlError(kErUnknownTargetBinlog,
                      fmt::format("Target log not found in binlog index: '{}' is not a stored "
                                  "binlog file (SHOW BINARY LOGS lists them)",
                                  st.purge_file));
    }
    return FromStatus(context.PurgeTo(st.purge_file), kErLogInUse);
  }
  int64_t before = 0;
  if (auto err = EvaluateUnixTime(st.purge_before, &before)) return err;
  return FromStatus(context.PurgeBefore(before), kErLogInUse);
}

std::optional<protocol::ErrPacket> RunKill(const Statement& st, const SessionState& session,
                                           ServerContext& context) {
  if (st.kill_id > UINT32_MAX) {
    return SqlError(kErNoSuchThread, fmt::format("Unknown thread id: {}", st.kill_id));
  }
  const auto id = uint32_t(st.kill_id);
  const auto owner = context.connection_user(id);
  if (!owner) return SqlError(kErNoSuchThread, fmt::format("Unknown thread id: {}", id));
  if (session.role != Role::kAdmin && *owner != session.user) {
    return SqlError(kErKillDenied, fmt::format("You are not owner of thread {}", id));
  }
  const Status s = context.Kill(id);
  if (s.code() == Status::Code::kNotFound) {
    return SqlError(kErNoSuchThread, fmt::format("Unknown thread id: {}", id));
  }
  return FromStatus(s, kErUnknownError);
}

}  // namespace sidecar::downstream
