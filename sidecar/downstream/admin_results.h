// The result sets of the admin SHOW statements (SPEC.md §5), with the columns a real server of
// the stored primary's flavour returns — MariaDB 10.x or MySQL 5.7/8.x — so that clients and
// Orchestrator read them by name:
//   SHOW MASTER STATUS / SHOW BINARY LOG STATUS   the durable end (+ Executed_Gtid_Set, MySQL)
//   SHOW BINARY LOGS                              the stored files and their durable sizes
//   SHOW SLAVE STATUS / SHOW REPLICA STATUS       the pull from the primary: the IO side is the
//                                                 puller, the SQL side is the store (its
//                                                 durable end is what was "executed")
//   SHOW SLAVE HOSTS / SHOW REPLICAS              the replicas that sent COM_REGISTER_SLAVE
// `replica_names`: MySQL >= 8.0.22 spelling for SHOW REPLICA STATUS / SHOW REPLICAS on a MySQL
// flavour (Source_Host, Replica_IO_Running, ...), as those servers name them.
//
// Thread-safety: stateless functions over a thread-safe ServerContext.
#pragma once

#include "base/status.h"
#include "downstream/server_context.h"
#include "protocol/result_set.h"

namespace sidecar::downstream {

// True when the sidecar presents itself as MariaDB (server_version names it).
bool PresentsMariadb(const ServerContext& context);

Result<protocol::ResultSet> MasterStatusResult(const ServerContext& context);
Result<protocol::ResultSet> BinaryLogsResult(const ServerContext& context);
Result<protocol::ResultSet> SlaveStatusResult(const ServerContext& context, bool replica_names);
protocol::ResultSet SlaveHostsResult(const ServerContext& context, bool replica_names);

}  // namespace sidecar::downstream
