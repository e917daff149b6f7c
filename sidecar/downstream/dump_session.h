// DumpSession: one COM_BINLOG_DUMP / COM_BINLOG_DUMP_GTID, streamed from the store to the
// replica until it leaves, the connection is killed, or an error ends it — what a MySQL or
// MariaDB primary's dump thread does (MariaDB's sql_repl.cc is the model; the byte-level
// details are in dump_events.h).
//
// Where the dump starts:
//   - by file/position (COM_BINLOG_DUMP; an empty file name means the first stored file);
//   - MariaDB GTID (COM_BINLOG_DUMP after SET @slave_connect_state): store::FindMariadbGtidStart
//     with @slave_gtid_strict_mode; the request's file/position are ignored, as MariaDB does;
//   - MySQL GTID (COM_BINLOG_DUMP_GTID): store::FindMysqlGtidStart; groups the replica has are
//     skipped.
// What is sent first: the artificial ROTATE naming the file and start offset; when starting past
// offset 4, the file's FORMAT_DESCRIPTION with log_pos 0 and `created` 0 (and, for a MariaDB
// GTID dump, an artificial GTID_LIST holding the replica's own position, at the start offset,
// so that the replica has a GTID_LIST before any event as it would after a start at offset 4).
// At every later file start an artificial ROTATE precedes the file's FORMAT_DESCRIPTION —
// whether or not the previous file ended with a real ROTATE — as MariaDB does (see
// replica-gtid-semisync.pcap).
//
// Checksums: stored events are sent as stored to a replica that set @master_binlog_checksum
// (whatever value: MariaDB's rule); made-up events carry a CRC32 when the replica's value is
// CRC32 until the first FORMAT_DESCRIPTION, then when the file's events do. A replica that never
// set it gets every event without its CRC32 trailer (dump_events.h) — where a real primary
// would refuse it — since that is cheap and loses nothing.
//
// Following the tail: BinlogReader::Next blocks on the durable position's condition variable,
// never longer than the next heartbeat or poll_interval (so a kill is noticed within it). When
// @master_heartbeat_period is set and nothing was sent for that long, a HEARTBEAT carries the
// position after the last event sent or skipped. A non-blocking dump (flag 0x01, or server_id
// 0) ends with an EOF packet once it has sent everything durable.
//
// serve.delay: an event is released only once its header timestamp is `delay` old; meanwhile
// heartbeats go on and a kill still ends the wait at once.
//
// Semi-sync: a replica that set @rpl_semi_sync_slave gets the 0xEF header on every event with
// the ACK flag never set: the sidecar does not wait for downstream ACKs (its durability comes
// from the store), and a MariaDB replica that enabled semi-sync rejects events without it.
//
// ANNOTATE_ROWS is sent only when the dump flags ask for it (0x02) or the replica cannot
// tolerate holes (@mariadb_slave_capability < 2); BINLOG_CHECKPOINT and GTID_LIST are left out
// for replicas that announce capabilities 2..3 and do not know them, as MariaDB does.
//
// Errors: what the replica must not retry gets ERR 1236 (ER_MASTER_FATAL_ERROR_READING_BINLOG)
// with MariaDB's text — a file the store does not hold ("Could not find first log file name in
// binary log index file"), an impossible position, a GTID the store cannot serve (the lookup's
// texts), a corrupt stored event (with MariaDB's "; the first event ... the last byte read ..."
// coordinates). Store conditions a reconnect may cure (recovery moved the durable end back, a
// file purged under the reader, shutdown, a corrupt event when StoredBinlog::damage has a
// repairer behind it) close the connection without an ERR, so the replica's I/O thread
// reconnects and re-positions.
//
// Allocation: once warm, an event costs no allocation (the codec's write buffer is reused).
// Thread-safety: one DumpSession per connection thread; it only shares the (thread-safe)
// StoredBinlog and its ConnectionSlot.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "base/status.h"
#include "binlog/gtid_uuid.h"
#include "binlog/mariadb_gtid.h"
#include "downstream/connection_table.h"
#include "downstream/replication_requests.h"
#include "downstream/session_state.h"
#include "protocol/packet_codec.h"
#include "store/binlog_reader.h"
#include "store/catalogue_lookup.h"

namespace sidecar::downstream {

// Shared by every dump of a server; read-only once the server runs.
struct DumpEnvironment {
  store::StoredBinlog store;
  uint32_t server_id = 0;  // the sidecar's own, in the events it makes up
  std::chrono::milliseconds delay{0};
  // MySQL stores: the primary's server_uuid, when known (FindMysqlGtidStart's first check).
  std::function<std::optional<binlog::Uuid>()> source_uuid;
  // The longest a dump waits on the store before looking at its kill flag and its peer.
  std::chrono::milliseconds poll_interval{1000};
};

class DumpSession {
 public:
  DumpSession(const DumpEnvironment& env, const SessionState& session,
              protocol::PacketCodec& codec, ConnectionSlot& slot);
  DumpSession(const DumpSession&) = delete;
  DumpSession& operator=(const DumpSession&) = delete;
  ~DumpSession();

  // Streams; returns OK when the dump ended normally (the replica left or was killed, a
  // non-blocking dump reached the end), else the reason (already sent as ERR 1236 when it is
  // one the replica must see). The connection must be closed afterwards, as servers do.
  Status Run(const BinlogDumpRequest& request);

 private:
  using SteadyClock = std::chrono::steady_clock;

  Result<store::GtidStart> LocateStart(const BinlogDumpRequest& request);
  Result<store::GtidStart> LocateFilePosition(const BinlogDumpRequest& request);
  Status Stream();
  Status Process(const binlog::EventView& event);
  bool ShouldSend(uint8_t type) const;
  Status WaitForRelease(uint32_t timestamp);
  Status Idle();
  Status ReadFailed(const Status& status);

  void UseFormat(const binlog::FormatDescription& format);
  protocol::Buffer& StartPacket();
  Status SendPacket(uint64_t events);
  Status SendRotate(const std::string& file, uint64_t position);
  Status SendFormatDescription(Bytes event, bool resent);
  Status SendStoredEvent(const binlog::EventView& event);
  Status SendHeartbeat();
  Status SendEof();
  // ERR 1236 with `message`; returns an error Status saying so.
  Status SendFatal(const std::string& message);
  std::string Coordinates() const;

  bool HeartbeatDue(SteadyClock::time_point now) const;
  SteadyClock::time_point NextWakeUp() const;
  bool PeerGone();

  const DumpEnvironment& env_;
  const SessionState& session_;
  protocol::PacketCodec& codec_;
  ConnectionSlot& slot_;

  bool non_blocking_ = false;
  bool send_annotate_ = false;
  bool checksum_aware_ = false;
  bool generated_checksum_ = false;  // made-up events carry a CRC32
  bool file_checksum_ = false;       // the current file's events carry one
  bool strip_ = false;               // strip it before sending
  bool mariadb_gtid_ = false;
  bool filtering_ = false;
  bool stopping_ = false;  // killed or the peer left
  std::chrono::nanoseconds heartbeat_period_{0};

  std::unique_ptr<store::BinlogReader> reader_;
  store::GtidSkipFilter filter_;
  binlog::MariadbGtidPosition connect_state_;
  std::string first_file_;  // as requested, for error messages
  uint64_t first_position_ = 0;
  // After the last event sent or skipped (not one held by serve.delay): the heartbeat's
  // coordinates and what the purge policy must keep.
  store::BinlogPosition reading_;
  protocol::Buffer* packet_ = nullptr;  // the codec's write buffer, being filled
  size_t event_start_ = 0;              // of the event in *packet_
  SteadyClock::time_point last_send_;
};

}  // namespace sidecar::downstream
