// ServerContext: what the downstream server needs from the rest of the daemon — facts to answer
// queries with, and the admin actions. Implemented by the daemon over the store, the upstream
// puller and the connection registry; faked by tests.
//
// Thread-safety: every method may be called from any connection thread at any time.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "store/durable_position.h"
#include "store/state_db.h"
#include "upstream/puller.h"

namespace sidecar::downstream {

// A replica that sent COM_REGISTER_SLAVE (SHOW SLAVE HOSTS / SHOW REPLICAS).
struct RegisteredReplica {
  uint32_t connection_id = 0;
  uint32_t server_id = 0;
  std::string host;  // as reported by the replica
  uint16_t port = 0;
  uint32_t master_id = 0;
};

// CHANGE MASTER TO / CHANGE REPLICATION SOURCE TO: only the options given are set.
struct UpstreamChange {
  std::optional<std::string> host;
  std::optional<uint16_t> port;
  std::optional<std::string> user;
  std::optional<std::string> password;
  std::optional<std::string> log_file;
  std::optional<uint64_t> log_pos;
  // Lower case: no | slave_pos | current_pos (MySQL's MASTER_AUTO_POSITION = 1 | 0 arrives as
  // slave_pos | no).
  std::optional<std::string> use_gtid;
};

// The upstream as SHOW SLAVE STATUS shows it: the settings in force (configuration overridden
// by CHANGE MASTER TO) and the primary the store holds the binlog of.
struct UpstreamSettings {
  std::string host;
  uint16_t port = 0;
  std::string user;
  std::string use_gtid;  // "No" | "Slave_Pos" (as MariaDB prints Using_Gtid)
  std::chrono::milliseconds heartbeat_period{0};
  bool ssl_allowed = false;        // TLS may be used (ssl = preferred | required)
  uint32_t primary_server_id = 0;  // 0: not known yet (nothing stored)
  std::string primary_uuid;        // MySQL primaries only
};

class ServerContext {
 public:
  virtual ~ServerContext() = default;

  // The sidecar's own identity as a server (not the primary's).
  virtual uint32_t server_id() const = 0;
  virtual std::string server_uuid() const = 0;
  virtual std::string server_version() const = 0;  // e.g. "10.11.6-MariaDB-binlog-sidecar"

  // The stored binlog: every file of the catalogue, ordered; the durable end.
  virtual Result<std::vector<store::FileCatalogEntry>> binlog_files() const = 0;
  virtual store::BinlogPosition durable_end() const = 0;
  // The GTID state at the durable end: MariaDB "0-1-100,..." or a MySQL GTID set; "" if none.
  virtual std::string gtid_state() const = 0;
  // MariaDB's binlog_gtid_pos(file, pos): the GTID state at that position, or NotFound.
  virtual Result<std::string> gtid_state_at(const std::string& file, uint64_t position) const = 0;

  // The stored files' checksum algorithm ("CRC32" | "NONE"), for @@global.binlog_checksum.
  virtual std::string binlog_checksum() const = 0;

  virtual upstream::PullerStatus upstream_status() const = 0;
  virtual UpstreamSettings upstream_settings() const = 0;
  virtual std::vector<RegisteredReplica> registered_replicas() const = 0;
  // The user a live downstream connection authenticated as (KILL: a non-admin may only end
  // connections of its own user); nullopt for an unknown id.
  virtual std::optional<std::string> connection_user(uint32_t connection_id) const = 0;

  // Admin actions; an error Status becomes the ERR packet's message. Starting a running or
  // stopping a stopped upstream succeeds and changes nothing.
  virtual Status StopUpstream() = 0;
  virtual Status StartUpstream() = 0;
  virtual Status ChangeUpstream(const UpstreamChange& change) = 0;  // persisted; upstream stopped
  virtual Status PurgeTo(const std::string& file) = 0;  // removes files before `file`
  virtual Status PurgeBefore(int64_t unix_time) = 0;
  // KILL [CONNECTION] id: ends that downstream connection. NotFound for an unknown id.
  virtual Status Kill(uint32_t connection_id) = 0;
};

}  // namespace sidecar::downstream
