// The replica conversation: what a real replica says to its primary between
// authentication and the first binlog event, by flavour (the statements are
// those of tests/fixtures/protocol/mariadb-10.11-captured/primary-general-log.txt
// and, for MySQL, of a 5.7 replica's capture):
//
//   MariaDB  SHOW VARIABLES LIKE 'SERVER_ID'
//            SET @master_heartbeat_period= <ns>
//            SET @master_binlog_checksum= @@global.binlog_checksum
//            SELECT @master_binlog_checksum
//            SET @mariadb_slave_capability=4          (GTID events as they are)
//            [semi-sync] SHOW VARIABLES LIKE 'rpl_semi_sync_master_enabled',
//                        SET @rpl_semi_sync_slave= 1  (only when the primary has it on)
//            [GTID dump] SET @slave_connect_state='<pos>',
//                        SET @slave_gtid_strict_mode=1, SET @slave_gtid_ignore_duplicates=0
//            COM_REGISTER_SLAVE, COM_BINLOG_DUMP (file/pos; GTID dump: '' at 4),
//            flags BINLOG_SEND_ANNOTATE_ROWS_EVENT
//   MySQL    SELECT @@GLOBAL.SERVER_ID, the heartbeat and checksum statements,
//            SELECT @@GLOBAL.SERVER_UUID, SET @slave_uuid= '<ours>', semi-sync
//            likewise, COM_REGISTER_SLAVE, COM_BINLOG_DUMP or COM_BINLOG_DUMP_GTID.
//
// The checksum negotiation makes the primary send every event exactly as its
// file holds it. The functions run on a freshly authenticated session and
// leave it streaming (after StartDump) or usable (before). Errors name the
// primary (host:port) and the statement. Not thread-safe (one session).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "base/status.h"
#include "binlog/format_description.h"
#include "protocol/client_session.h"

namespace sidecar::upstream {

struct ConversationOptions {
  uint32_t server_id = 0;  // upstream.server_id, registered with the primary
  std::chrono::milliseconds heartbeat_period{1000};
  bool semi_sync = false;    // upstream.semi_sync
  std::string report_host;   // SHOW SLAVE HOSTS' Host ("" is what replicas send by default)
  uint16_t report_port = 0;  // SHOW SLAVE HOSTS' Port
  std::string replica_uuid;  // MySQL's @slave_uuid
};

// What the session set-up learned about the primary.
struct PrimaryInfo {
  binlog::Flavor flavor = binlog::Flavor::kMariadb;
  uint32_t server_id = 0;
  std::string server_uuid;  // MySQL only
  binlog::ChecksumAlgorithm checksum = binlog::ChecksumAlgorithm::kOff;
  bool semi_sync = false;  // the primary will put the 0xEF header on events
};

// Where a dump starts.
struct DumpRequest {
  enum class Mode { kFilePosition, kGtid };
  Mode mode = Mode::kFilePosition;
  std::string file;       // kFilePosition
  uint64_t position = 4;  // kFilePosition
  // kGtid: MariaDB, a GTID position ("0-1-100,1-2-5"); MySQL, a GTID set.
  std::string gtids;
};

// Where a new store starts (upstream.start), resolved by ResolveFreshStart.
struct StartSpec {
  enum class Kind { kEarliest, kCurrent, kFilePosition, kGtid };
  Kind kind = Kind::kEarliest;
  std::string file;       // kFilePosition
  uint64_t position = 4;  // kFilePosition
  std::string gtids;      // kGtid, in the primary's flavour
};

// The session settings above (up to, not including, the dump request).
Result<PrimaryInfo> SetUpReplicaSession(protocol::ClientSession& session,
                                        const ConversationOptions& options);

// GTID settings (for a GTID dump), COM_REGISTER_SLAVE (its OK awaited), then
// the dump command. Afterwards the session streams: sequence checks are off
// (a semi-sync primary restarts them after each ACK).
Status StartDump(protocol::ClientSession& session, const PrimaryInfo& primary,
                 const ConversationOptions& options, const DumpRequest& request);

// A file/pos dump request for a new store: earliest = the first file of SHOW
// BINARY LOGS, current = SHOW MASTER STATUS's file; a file is always stored
// whole, so every kind starts at position 4 of its file. kGtid is not resolved
// here (see FindFileByGtid); it is InvalidArgument.
Result<DumpRequest> ResolveFreshStart(protocol::ClientSession& session, const StartSpec& start);

// Asks the primary, with a GTID dump from `gtids`, which file it would start
// in: the file named by the dump's first (artificial) ROTATE. The session is
// streaming afterwards: close it.
Result<std::string> FindFileByGtid(protocol::ClientSession& session, const PrimaryInfo& primary,
                                   const ConversationOptions& options, const std::string& gtids);

}  // namespace sidecar::upstream
