// SessionState: what one downstream connection is and what it has told the server about itself
// through SET statements. The query responder fills it; the dump session reads it.
//
// Thread-safety: owned by its connection's thread; not shared.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace sidecar::downstream {

enum class Role {
  kReplication,  // the [serve] user: replication commands and the start-up queries
  kAdmin,        // the [admin] user: additionally the admin statements
};

struct SessionState {
  uint32_t connection_id = 0;
  std::string user;
  std::string peer;  // "host:port"
  Role role = Role::kReplication;
  uint64_t capabilities = 0;  // negotiated in the handshake

  // SET @master_binlog_checksum = 'NONE' | 'CRC32' | @@global.binlog_checksum: the replica
  // understands checksums (events are then sent exactly as stored). Unset: a pre-5.6 replica
  // that wants events without the CRC32 trailer.
  std::optional<std::string> master_binlog_checksum;
  // SET @master_heartbeat_period = <nanoseconds>; 0: no heartbeats.
  std::chrono::nanoseconds heartbeat_period{0};
  // SET @mariadb_slave_capability = N (MariaDB replicas; 4 = GTID-aware).
  int mariadb_slave_capability = 0;
  // SET @slave_connect_state = '<MariaDB GTID list>': set, a COM_BINLOG_DUMP is a GTID dump.
  std::optional<std::string> slave_connect_state;
  bool slave_gtid_strict_mode = false;
  bool slave_gtid_ignore_duplicates = false;
  // SET @rpl_semi_sync_slave = 1: the replica asked for semi-sync headers.
  bool semi_sync_requested = false;
  // SET @slave_uuid = '...' (MySQL replicas).
  std::string slave_uuid;
  // Every user variable SET on this connection (lower-case name, without '@'), as text; a
  // value of nullopt is NULL. SELECT @name reads it back.
  std::map<std::string, std::optional<std::string>> user_variables;
};

}  // namespace sidecar::downstream
