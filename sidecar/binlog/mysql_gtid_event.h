// Decoders of MySQL's GTID events: GTID_LOG_EVENT (33), ANONYMOUS_GTID_LOG_EVENT
// (34), GTID_TAGGED_LOG_EVENT (42) and PREVIOUS_GTIDS_LOG_EVENT (35).
//
// GTID and ANONYMOUS_GTID bodies, little-endian, grown over the versions:
//   flags 1 | uuid 16 | gno 8                                5.6: 25 bytes
//   | lc_typecode 1 (= 2) | last_committed 8 | sequence_number 8
//                                                             5.7: 42 bytes
//   | immediate_commit_timestamp 7 [| original_commit_timestamp 7]
//   | transaction_length (length-encoded integer)
//   | immediate_server_version 4 [| original_server_version 4]
//   | [commit_group_ticket 8]                                8.0 on
// The bracketed originals are present when the top bit of the immediate value
// (bit 55 of the timestamp, bit 31 of the version) is set; that bit is not part
// of the value. Otherwise original equals immediate. As MySQL does, a section
// is read only if its bytes are there, and an lc_typecode other than 2 (MySQL
// 5.7.4 and older) ends the body. Anonymous events carry gno 0.
//
// GTID_TAGGED (MySQL 8.3+) is one message of MySQL's serialization library
// (varlen integers, see mysql_varlen.h):
//   format_version (= 1) | message_size (whole message) |
//   last_non_ignorable_field_id | (field_id | value)*
// with fields 0 flags, 1 uuid (16 varlen bytes), 2 gno (signed), 3 tag
// (varlen length + characters), 4 last_committed (signed), 5 sequence_number
// (signed), 6 immediate_commit_timestamp, 7 original_commit_timestamp,
// 8 transaction_length, 9 immediate_server_version, 10 original_server_version,
// 11 commit_group_ticket. A field may be absent (7 and 10 then equal 6 and 9);
// fields 0-3 are required here. Fields of a newer MySQL after 11 are skipped,
// unless the message says one of them may not be ignored (Unsupported).
//
// Every decoder takes a whole event whose `has_checksum` was set from the
// governing format description, and returns Corruption with a sentence for a
// body that is truncated or holds an impossible value.
#pragma once

#include <cstdint>
#include <optional>

#include "base/status.h"
#include "binlog/event_header.h"
#include "binlog/event_type.h"
#include "binlog/mysql_gtid_set.h"

namespace sidecar::binlog {

struct MysqlGtidEvent {
  // In 5.6 the "commit flag", always set; from 5.7.19 / 8.0.2 on, set only
  // when the transaction holds statement-based changes.
  static constexpr uint8_t kFlagMayHaveSbr = 0x01;

  struct LogicalClock {
    int64_t last_committed = 0;
    int64_t sequence_number = 0;
  };
  struct CommitTimestamps {  // microseconds since the epoch
    uint64_t immediate = 0;
    uint64_t original = 0;
  };
  struct ServerVersions {  // major * 10000 + minor * 100 + patch: 80028 is 8.0.28
    uint32_t immediate = 0;
    uint32_t original = 0;
  };

  EventType type = EventType::kGtid;  // kGtid, kAnonymousGtid or kGtidTagged
  uint8_t flags = 0;
  MysqlGtid gtid;  // anonymous: the nil uuid and gno 0
  std::optional<LogicalClock> logical_clock;
  std::optional<CommitTimestamps> commit_timestamps;
  // Bytes of the whole transaction in the binlog, this event included.
  std::optional<uint64_t> transaction_length;
  std::optional<ServerVersions> server_versions;
  std::optional<uint64_t> commit_group_ticket;  // group replication, when set

  bool anonymous() const { return type == EventType::kAnonymousGtid; }
  bool may_have_sbr() const { return flags & kFlagMayHaveSbr; }
};

// Decodes a GTID (33), ANONYMOUS_GTID (34) or GTID_TAGGED (42) event; another
// event type is InvalidArgument.
Result<MysqlGtidEvent> DecodeMysqlGtidEvent(const EventView& event);

// The set of GTIDs logged before the file (body: MysqlGtidSet::EncodeBinary's
// format). Another event type is InvalidArgument.
Result<MysqlGtidSet> DecodePreviousGtids(const EventView& event);

}  // namespace sidecar::binlog
