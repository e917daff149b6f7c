// Whether a primary may feed a store that already holds some server's binlog.
//
// The store records the primary it was filled from (StateDb's
// Checkpoint.upstream: flavour, server_id, server_uuid, host:port). A server
// is the same server when its flavour matches and, for MySQL, its
// server_uuid, for MariaDB (which has no server_uuid) its server_id. The
// address does not identify a server: a primary that moved (new host name,
// port, VIP) is the same server and is accepted.
//
// The rule, at every connect, before anything is dumped:
//   1. Nothing recorded yet (a new store): accepted (kFirst); the store then
//      records it.
//   2. Another flavour: refused, always (a MariaDB history cannot go on
//      with MySQL events or the reverse).
//   3. The same server: accepted (kSame).
//   4. Another server of the same flavour: a failover only when the pull
//      resumes by GTID (upstream.gtid = on) and the store has a GTID state to
//      resume from: accepted (kFailover, with a log line naming both
//      servers); GtidResume then verifies the new primary continues the
//      stored history exactly (the next GTID, no gap, no duplicate). Else
//      refused: file names and positions of another server say nothing about
//      this store's files.
// Refusals are InvalidArgument naming both servers and what to do.
//
// Stateless; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "store/state_db.h"
#include "upstream/replica_conversation.h"

namespace sidecar::upstream {

struct PrimaryAdmission {
  enum class Kind { kFirst, kSame, kFailover };
  Kind kind = Kind::kFirst;
  std::string log_line;  // kFailover: what to log
};

// `address` is how the config names the primary (host:port), for messages;
// `by_gtid`: upstream.gtid = on; `has_gtid_state`: the store's resume point
// carries a GTID state.
Result<PrimaryAdmission> AdmitPrimary(const store::UpstreamIdentity& stored,
                                      const PrimaryInfo& primary, std::string_view address,
                                      bool by_gtid, bool has_gtid_state);

// "MariaDB server_id 1 (at 127.0.0.1:3306)", "MySQL server_uuid 3e11... (server_id 1, at h:p)".
std::string DescribeServer(binlog::Flavor flavor, uint32_t server_id, std::string_view server_uuid,
                           std::string_view address);

}  // namespace sidecar::upstream
