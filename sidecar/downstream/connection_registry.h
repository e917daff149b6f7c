// ConnectionRegistry: every live downstream connection, what it is doing and where its reader
// stands. The server registers connections; the admin statements (SHOW SLAVE HOSTS, KILL), the
// purge policy (never remove a file a reader still needs) and /status read it.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "downstream/server_context.h"
#include "store/durable_position.h"

namespace sidecar::downstream {

// One connection, as /status and the purge policy see it.
struct ReaderStatus {
  uint32_t connection_id = 0;
  std::string user;
  std::string peer;                              // "host:port"
  std::string command;                           // "Query", "Binlog Dump", "Binlog Dump GTID", ...
  std::optional<uint32_t> replica_server_id;     // after COM_REGISTER_SLAVE / the dump request
  std::optional<store::BinlogPosition> reading;  // where its dump stands (next event); unset when
                                                 // it is not dumping
  uint64_t bytes_sent = 0;
  uint64_t events_sent = 0;
  int64_t connected_unix_time = 0;
};

// What the serve port sent since the process started, by every connection
// (open or closed): never goes back.
struct SentTotals {
  uint64_t bytes = 0;
  uint64_t events = 0;
};

class ConnectionRegistry {
 public:
  virtual ~ConnectionRegistry() = default;

  virtual std::vector<ReaderStatus> Readers() const = 0;
  virtual SentTotals TotalSent() const = 0;
  virtual std::vector<RegisteredReplica> RegisteredReplicas() const = 0;
  // The oldest position any dumping connection still needs (nullopt: nobody is dumping).
  virtual std::optional<store::BinlogPosition> OldestReaderPosition() const = 0;
  // Ends connection `id` (shuts its socket down; its thread cleans up). NotFound if unknown.
  virtual Status Kill(uint32_t connection_id) = 0;
};

}  // namespace sidecar::downstream
