// Decoders of MariaDB's own events: GTID (162), GTID_LIST (163),
// BINLOG_CHECKPOINT (161), ANNOTATE_ROWS (160) and START_ENCRYPTION (164).
//
// Text results are views into the event's bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "binlog/event_header.h"
#include "binlog/mariadb_gtid.h"

namespace sidecar::binlog {

// GTID (162): starts an event group. Body: seq_no 8 | domain_id 4 | flags2 1 |
// commit_id 8 (when FL_GROUP_COMMIT_ID) | XID (when an XA flag is set:
// format_id 4, gtrid_length 1, bqual_length 1, data) | zeros up to 19 bytes |
// optional extra flags from 10.5 on (ignored here). Seen on MariaDB 10.11: an
// XA GTID has no padding, its XID follows flags2 directly. The server_id is
// the event header's.
struct MariadbGtidEvent {
  static constexpr uint8_t kStandalone = 0x01;     // no terminating COMMIT/XID: one statement
  static constexpr uint8_t kGroupCommitId = 0x02;  // commit_id present
  static constexpr uint8_t kTransactional = 0x04;
  static constexpr uint8_t kAllowParallel = 0x08;
  static constexpr uint8_t kWaited = 0x10;
  static constexpr uint8_t kDdl = 0x20;
  static constexpr uint8_t kPreparedXa = 0x40;   // the group ends with XA_PREPARE
  static constexpr uint8_t kCompletedXa = 0x80;  // XA COMMIT / XA ROLLBACK of a prepared XID

  MariadbGtid gtid;
  uint8_t flags = 0;
  std::optional<uint64_t> commit_id;
  uint32_t xa_format_id = 0;
  std::string_view xa_gtrid;
  std::string_view xa_bqual;

  bool standalone() const { return flags & kStandalone; }
  bool prepared_xa() const { return flags & kPreparedXa; }
  bool completed_xa() const { return flags & kCompletedXa; }
};
Result<MariadbGtidEvent> DecodeMariadbGtidEvent(const EventView& event);

// GTID_LIST (163): the binlog state when the file was started (the last GTID
// of every domain and server). Body: count 4 (low 28 bits; top 4 are flags) |
// count x (domain_id 4 | server_id 4 | seq_no 8). An empty list is followed by
// 2 padding bytes.
struct GtidListEvent {
  uint8_t flags = 0;
  std::vector<MariadbGtid> gtids;
};
Result<GtidListEvent> DecodeGtidListEvent(const EventView& event);

// BINLOG_CHECKPOINT (161): the oldest file crash recovery still needs.
// Body: name_length 4 | name.
struct BinlogCheckpointEvent {
  std::string_view file;
};
Result<BinlogCheckpointEvent> DecodeBinlogCheckpointEvent(const EventView& event);

// ANNOTATE_ROWS (160): the statement that produced the following row events.
struct AnnotateRowsEvent {
  std::string_view statement;
};
Result<AnnotateRowsEvent> DecodeAnnotateRowsEvent(const EventView& event);

// START_ENCRYPTION (164): every later event of the file is encrypted.
// Body: scheme 1 | key_version 4 | nonce 12.
struct StartEncryptionEvent {
  uint8_t scheme = 0;
  uint32_t key_version = 0;
};
Result<StartEncryptionEvent> DecodeStartEncryptionEvent(const EventView& event);

}  // namespace sidecar::binlog
