// Evaluates the expressions of SELECT and SET statements on the serve port (statement_parser.h's
// Expr) to the value and column type a MySQL/MariaDB server returns:
//   literals; @@system_variable (system_variables.h); @user_variable (the session's, NULL when
//   unset); UNIX_TIMESTAMP(), VERSION(), DATABASE() (NULL), USER(), CURRENT_USER(),
//   CONNECTION_ID(), NOW() and its synonyms, LAST_INSERT_ID() (0), BINLOG_GTID_POS('f', pos)
//   (NULL where MariaDB returns NULL: an unknown file, a position not at an event boundary),
//   IFNULL(a, b), COALESCE(...); NOW() +/- INTERVAL n unit.
// Errors are the server's: ERR 1193 unknown system variable, 1305 unknown function, 1054 a bare
// word (a column: there are no tables), 1210 wrong arguments.
//
// Times are the system clock's, in the process's local time zone (MySQL's SYSTEM time zone).
// Thread-safety: stateless; the ServerContext is thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "downstream/server_context.h"
#include "downstream/session_state.h"
#include "downstream/sql_value.h"
#include "downstream/statement_parser.h"
#include "protocol/generic_packets.h"

namespace sidecar::downstream {

// The value of `expr`, or the ERR to answer with.
std::optional<protocol::ErrPacket> Evaluate(const Expr& expr, const ServerContext& context,
                                            const SessionState& session, SqlValue* out);

// PURGE ... BEFORE: a 'YYYY-MM-DD[ hh:mm:ss]' string (local time) or NOW() [+/- INTERVAL n
// unit], as Unix seconds.
std::optional<protocol::ErrPacket> EvaluateUnixTime(const Expr& expr, int64_t* out);

// "YYYY-MM-DD hh:mm:ss" in local time, and back; nullopt for text that is no datetime.
std::string FormatLocalDatetime(int64_t unix_time);
std::optional<int64_t> ParseLocalDatetime(std::string_view text);

}  // namespace sidecar::downstream
