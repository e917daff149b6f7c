// The system variables the serve port knows (@@name, SHOW VARIABLES): the ones replica I/O
// threads, binlog tools, admin clients and Orchestrator read, with the values that describe the
// sidecar — its own server_id/server_uuid/version, the stored binlog (checksum, GTID state) and
// fixed facts (log_bin ON, read_only ON, utf8mb4, max_allowed_packet of the serve port).
//
// Booleans read as 1/0 in SELECT and as ON/OFF in SHOW VARIABLES, as on a real server. Values
// are computed on demand, only for the variables asked for (some read state.db). Names are
// lower-case; session and global values are the same. Unknown names are absent (the responder
// answers ERR 1193 for @@name, nothing for SHOW VARIABLES).
//
// Thread-safety: stateless functions over a thread-safe ServerContext.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "downstream/server_context.h"
#include "downstream/sql_value.h"

namespace sidecar::downstream {

// max_allowed_packet of the serve port (the server's codec limit, session.h's default).
inline constexpr uint64_t kServedMaxAllowedPacket = uint64_t(16) << 20;

// @@name (name lower-case): the value SELECT returns; nullopt for an unknown variable.
std::optional<SqlValue> SystemVariable(std::string_view name, const ServerContext& context);

// SHOW VARIABLES: (Variable_name, Value) of every variable `matches` accepts, sorted by name.
template <typename Matches>
std::vector<std::pair<std::string, std::string>> ShowVariables(const ServerContext& context,
                                                               Matches matches);

// The names of every known variable, sorted (lower-case).
const std::vector<std::string_view>& SystemVariableNames();
// The SHOW VARIABLES text of `name`'s value (ON/OFF for booleans). REQUIRES: a known name.
std::string ShowVariableValue(std::string_view name, const ServerContext& context);

template <typename Matches>
std::vector<std::pair<std::string, std::string>> ShowVariables(const ServerContext& context,
                                                               Matches matches) {
  std::vector<std::pair<std::string, std::string>> rows;
  for (std::string_view name : SystemVariableNames()) {
    if (matches(name)) {
      rows.emplace_back(std::string(name), ShowVariableValue(name, context));
    }
  }
  return rows;
}

}  // namespace sidecar::downstream
