// The MySQL/MariaDB error codes the serve port answers statements with, as ERR packets with the
// SQL state a real server sends for each. The messages are the sidecar's own sentences (naming
// the statement or the value at fault), prefixed where clients know the server's wording.
// Plain functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "protocol/generic_packets.h"

namespace sidecar::downstream {

inline constexpr uint16_t kErNoSuchThread = 1094;           // HY000
inline constexpr uint16_t kErKillDenied = 1095;             // HY000
inline constexpr uint16_t kErBadFieldError = 1054;          // 42S22
inline constexpr uint16_t kErParseError = 1064;             // 42000
inline constexpr uint16_t kErSlaveMustStop = 1198;          // HY000
inline constexpr uint16_t kErWrongArguments = 1210;         // HY000
inline constexpr uint16_t kErSpecificAccessDenied = 1227;   // 42000
inline constexpr uint16_t kErNotSupportedYet = 1235;        // 42000
inline constexpr uint16_t kErIncorrectGlobalLocalVar = 1238;  // HY000
inline constexpr uint16_t kErUnknownSystemVariable = 1193;  // HY000
inline constexpr uint16_t kErSpDoesNotExist = 1305;         // 42000
inline constexpr uint16_t kErUnknownTargetBinlog = 1373;    // HY000
inline constexpr uint16_t kErLogInUse = 1378;               // HY000
inline constexpr uint16_t kErConnectionKilled = 1927;       // 70100
inline constexpr uint16_t kErWrongValueForVar = 1231;       // 42000
inline constexpr uint16_t kErUnknownError = 1105;           // HY000

inline protocol::ErrPacket SqlError(uint16_t code, std::string message) {
  protocol::ErrPacket err;
  err.code = code;
  switch (code) {
    case kErParseError:
    case kErSpecificAccessDenied:
    case kErNotSupportedYet:
    case kErSpDoesNotExist:
    case kErWrongValueForVar:
      err.sql_state = "42000";
      break;
    case kErBadFieldError:
      err.sql_state = "42S22";
      break;
    case kErConnectionKilled:
      err.sql_state = "70100";
      break;
    default:
      err.sql_state = "HY000";
      break;
  }
  err.message = std::move(message);
  return err;
}

// ERR 1227: what the replication user gets for an admin statement.
inline protocol::ErrPacket AccessDenied(const std::string& statement,
                                        const std::string& privileges) {
  return SqlError(kErSpecificAccessDenied,
                  "Access denied; you need (at least one of) the " + privileges +
                      " privilege(s) for this operation (" + statement +
                      " needs the binlog-sidecar [admin] user)");
}

}  // namespace sidecar::downstream
