#include "downstream/expression_evaluator.h"

#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>

#include "downstream/sql_errors.h"
#include "downstream/system_variables.h"

namespace sidecar::downstream {
namespace {

int64_t Now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The host part of "host:port" (the peer), for USER().
std::string PeerHost(const std::string& peer) {
  const size_t colon = peer.rfind(':');
  return colon == std::string::npos ? peer : peer.substr(0, colon);
}

std::optional<int64_t> IntervalSeconds(std::string_view unit) {
  if (unit == "second") return 1;
  if (unit == "minute") return 60;
  if (unit == "hour") return 3600;
  if (unit == "day") return 86400;
  if (unit == "week") return 7 * 86400;
  return std::nullopt;
}

bool IsNowFunction(const Expr& e) {
  if (e.kind != Expr::Kind::kFunction || !e.args.empty()) return false;
  return e.text == "now" || e.text == "current_timestamp" || e.text == "sysdate" ||
         e.text == "localtime" || e.text == "localtimestamp";
}

std::optional<protocol::ErrPacket> WrongArguments(const std::string& function) {
  return SqlError(kErWrongArguments, fmt::format("Incorrect arguments to {}", function));
}

std::optional<protocol::ErrPacket> BinlogGtidPos(const Expr& expr, const ServerContext& context,
                                                 const SessionState& session, SqlValue* out) {
  if (expr.args.size() != 2) return WrongArguments("BINLOG_GTID_POS (it takes a file and a position)");
  SqlValue file;
  SqlValue position;
  if (auto err = Evaluate(expr.args[0], context, session, &file)) return err;
  if (auto err = Evaluate(expr.args[1], context, session, &position)) return err;
  uint64_t pos = 0;
  const std::string& p = position.text;
  const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), pos);
  if (file.is_null() || position.is_null() || ec != std::errc() || end != p.data() + p.size()) {
    *out = SqlValue::Null();
    return std::nullopt;
  }
  auto state = context.gtid_state_at(file.text, pos);
  *out = state.ok() ? SqlValue::String(*state) : SqlValue::Null();
  return std::nullopt;
}

std::optional<protocol::ErrPacket> EvaluateFunction(const Expr& expr, const ServerContext& context,
                                                    const SessionState& session, SqlValue* out) {
  const std::string& name = expr.text;
  if (IsNowFunction(expr)) {
    *out = SqlValue::Datetime(FormatLocalDatetime(Now()));
    return std::nullopt;
  }
  if (name == "ifnull" || name == "coalesce") {
    if (expr.args.empty() || (name == "ifnull" && expr.args.size() != 2)) {
      return WrongArguments(name == "ifnull" ? "IFNULL" : "COALESCE");
    }
    *out = SqlValue::Null();
    for (const Expr& arg : expr.args) {
      if (auto err = Evaluate(arg, context, session, out)) return err;
      if (!out->is_null()) break;
    }
    return std::nullopt;
  }
  if (name == "binlog_gtid_pos") return BinlogGtidPos(expr, context, session, out);
  if (!expr.args.empty()) {
    if (name == "unix_timestamp" || name == "version" || name == "database" ||
        name == "user" || name == "connection_id") {
      return WrongArguments(fmt::format("{} (binlog-sidecar serves it without arguments)", name));
    }
  } else if (name == "unix_timestamp") {
    *out = SqlValue::Integer(Now());
    return std::nullopt;
  } else if (name == "version") {
    *out = SqlValue::String(context.server_version());
    return std::nullopt;
  } else if (name == "database" || name == "schema") {
    *out = SqlValue::Null();
    return std::nullopt;
  } else if (name == "user" || name == "session_user" || name == "system_user") {
    *out = SqlValue::String(session.user + "@" + PeerHost(session.peer));
    return std::nullopt;
  } else if (name == "current_user") {
    *out = SqlValue::String(session.user + "@%");
    return std::nullopt;
  } else if (name == "connection_id") {
    *out = SqlValue::Unsigned(session.connection_id);
    return std::nullopt;
  } else if (name == "last_insert_id") {
    *out = SqlValue::Unsigned(0);
    return std::nullopt;
  }
  return SqlError(kErSpDoesNotExist, fmt::format("FUNCTION {} does not exist (binlog-sidecar "
                                                 "serves only the functions replicas and "
                                                 "tools ask for)",
                                                 name));
}

}  // namespace

std::optional<protocol::ErrPacket> Evaluate(const Expr& expr, const ServerContext& context,
                                            const SessionState& session, SqlValue* out) {
  switch (expr.kind) {
    case Expr::Kind::kString:
      *out = SqlValue::String(expr.text);
      return std::nullopt;
    case Expr::Kind::kNumber:
    case Expr::Kind::kBool:
      *out = SqlValue{SqlValue::Type::kInteger, expr.text};
      return std::nullopt;
    case Expr::Kind::kNull:
      *out = SqlValue::Null();
      return std::nullopt;
    case Expr::Kind::kWord:
      return SqlError(kErBadFieldError,
                      fmt::format("Unknown column '{}' in 'field list'", expr.text));
    case Expr::Kind::kSystemVariable: {
      auto value = SystemVariable(expr.text, context);
      if (!value) {
        return SqlError(kErUnknownSystemVariable,
                        fmt::format("Unknown system variable '{}'", expr.text));
      }
      *out = std::move(*value);
      return std::nullopt;
    }
    case Expr::Kind::kUserVariable: {
      auto it = session.user_variables.find(expr.text);
      if (it == session.user_variables.end() || !it->second) {
        *out = SqlValue::Null();
      } else {
        *out = SqlValue{SqlValue::Type::kUserVariable, *it->second};
      }
      return std::nullopt;
    }
    case Expr::Kind::kFunction:
      return EvaluateFunction(expr, context, session, out);
    case Expr::Kind::kInterval: {
      int64_t when = 0;
      if (auto err = EvaluateUnixTime(expr, &when)) return err;
      *out = SqlValue::Datetime(FormatLocalDatetime(when));
      return std::nullopt;
    }
  }
  return SqlError(kErUnknownError, "unknown expression");
}

std::optional<protocol::ErrPacket> EvaluateUnixTime(const Expr& expr, int64_t* out) {
  if (expr.kind == Expr::Kind::kString) {
    auto when = ParseLocalDatetime(expr.text);
    if (!when) {
      return SqlError(kErWrongArguments,
                      fmt::format("'{}' is not a datetime ('YYYY-MM-DD hh:mm:ss')", expr.text));
    }
    *out = *when;
    return std::nullopt;
  }
  if (IsNowFunction(expr)) {
    *out = Now();
    return std::nullopt;
  }
  if (expr.kind == Expr::Kind::kInterval && !expr.args.empty()) {
    const auto unit = IntervalSeconds(expr.text);
    if (!unit) {
      return SqlError(kErWrongArguments,
                      fmt::format("INTERVAL unit '{}' is not SECOND, MINUTE, HOUR, DAY or WEEK",
                                  expr.text));
    }
    if (auto err = EvaluateUnixTime(expr.args[0], out)) return err;
    *out += expr.number * *unit;
    return std::nullopt;
  }
  return SqlError(kErWrongArguments,
                  "expected a datetime: 'YYYY-MM-DD hh:mm:ss' or NOW() - INTERVAL n unit");
}

std::string FormatLocalDatetime(int64_t unix_time) {
  const time_t t = time_t(unix_time);
  tm local{};
  localtime_r(&t, &local);
  char text[32];
  const size_t n = strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S", &local);
  return std::string(text, n);
}

std::optional<int64_t> ParseLocalDatetime(std::string_view text) {
  const std::string s(text);
  tm local{};
  int consumed = 0;
  const int fields = std::sscanf(s.c_str(), "%4d-%2d-%2d%n %2d:%2d:%2d%n", &local.tm_year,
                                 &local.tm_mon, &local.tm_mday, &consumed, &local.tm_hour,
                                 &local.tm_min, &local.tm_sec, &consumed);
  if ((fields != 3 && fields != 6) || size_t(consumed) != s.size()) return std::nullopt;
  if (local.tm_mon < 1 || local.tm_mon > 12 || local.tm_mday < 1 || local.tm_mday > 31 ||
      local.tm_hour > 23 || local.tm_min > 59 || local.tm_sec > 60) {
    return std::nullopt;
  }
  local.tm_year -= 1900;
  local.tm_mon -= 1;
  local.tm_isdst = -1;
  const time_t t = mktime(&local);
  if (t == time_t(-1)) return std::nullopt;
  return int64_t(t);
}

}  // namespace sidecar::downstream
