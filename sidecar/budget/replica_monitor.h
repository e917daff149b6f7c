// ReplicaMonitor: what the co-located replica ([replica]) reports, read over
// the protocol client (a Unix socket or host:port). Each Poll() runs, on one
// connection kept between polls (reconnected after any error):
//   SHOW GLOBAL VARIABLES LIKE 'relay_log_space_limit'
//   SHOW SLAVE STATUS   (MySQL: SHOW REPLICA STATUS, SHOW SLAVE STATUS before 8.0.22)
//   SELECT @@global.gtid_slave_pos   (MySQL: @@global.gtid_executed)
// and returns a ReplicaSnapshot. Any failure (refused, access denied, a query
// error) makes the snapshot unreachable, naming the problem: the purge policy
// then purges nothing.
//
// The parsers are free functions so they can be tested against result sets
// built in memory; they accept MariaDB's and MySQL's column names
// (Relay_Master_Log_File / Relay_Source_Log_File, ...).
//
// Thread-safety: Poll() from one thread (the budget keeper's).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "base/status.h"
#include "binlog/format_description.h"
#include "budget/purge_policy.h"
#include "protocol/client_session.h"
#include "protocol/result_set.h"

namespace sidecar::budget {

struct ReplicaSnapshot {
  bool reachable = false;
  std::string error;  // why it is unreachable; "" when reachable
  binlog::Flavor flavor = binlog::Flavor::kMariadb;
  std::optional<uint64_t> relay_log_space_limit;  // bytes; 0: unlimited
  // SHOW SLAVE STATUS returned a row (the server is configured as a replica).
  bool is_replica = false;
  bool io_running = false;   // Slave_IO_Running = Yes
  bool sql_running = false;  // Slave_SQL_Running = Yes
  std::optional<uint64_t> relay_log_space;
  std::optional<int64_t> sql_delay;  // seconds (MASTER_DELAY)
  ReplicaProgress progress;          // its reachable mirrors `reachable`
};

// Value of SHOW GLOBAL VARIABLES LIKE 'relay_log_space_limit'.
Result<uint64_t> ParseRelayLogSpaceLimit(const protocol::ResultSet& variables);
// Fills the SHOW SLAVE STATUS fields of `out` from the first row (no row: not
// a replica, no executed position). InvalidArgument naming a malformed number.
Status ParseSlaveStatus(const protocol::ResultSet& status, binlog::Flavor flavor,
                        ReplicaSnapshot* out);

class ReplicaMonitor {
 public:
  // `client` names the replica (unix_socket, or host and port) and the account.
  explicit ReplicaMonitor(protocol::ClientOptions client);
  ~ReplicaMonitor();

  ReplicaSnapshot Poll();
  // "socket /path" or "host:port", for messages.
  const std::string& where() const { return where_; }

 private:
  Status PollOnce(ReplicaSnapshot* out);

  const protocol::ClientOptions client_;
  const std::string where_;
  std::unique_ptr<protocol::ClientSession> session_;
  bool replica_status_syntax_ = true;  // MySQL: SHOW REPLICA STATUS works
};

}  // namespace sidecar::budget
