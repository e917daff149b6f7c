// The bytes a primary's dump thread makes up or adjusts, as MariaDB 10.11 sends them (see
// fixtures/protocol/mariadb-10.11-captured/*.pcap and MariaDB's sql_repl.cc):
//
//   artificial ROTATE   timestamp 0 | ROTATE | our server_id | size | log_pos 0 | flags 0x20
//                       body: position 8 | file name            [+ CRC32]
//   HEARTBEAT           timestamp 0 | HEARTBEAT (27) | our server_id | size | log_pos = where
//                       the replica stands | flags 0; body: file name   [+ CRC32]
//   artificial GTID_LIST  timestamp 0 | GTID_LIST | our server_id | size | log_pos | flags 0x20
//                       body: count 4 | count x (domain 4 | server 4 | seq_no 8)  [+ CRC32]
//
// and the changes made to stored events on their way out:
//   - every FORMAT_DESCRIPTION loses LOG_EVENT_BINLOG_IN_USE_F (servers compute its CRC with
//     the flag clear, so the CRC stays valid);
//   - the FORMAT_DESCRIPTION re-sent before a dump that starts past offset 4 gets log_pos 0
//     and `created` 0 (the replica must not count it, nor drop its temporary tables), and its
//     CRC is recomputed; a GTID dump that has not reached the replica's position yet clears
//     `created` the same way;
//   - for a replica that never set @master_binlog_checksum (it cannot verify checksums), the
//     CRC32 trailer is stripped and event_size lowered by 4; the FORMAT_DESCRIPTION's
//     checksum algorithm becomes OFF. log_pos stays the primary's file offset.
//
// Builders append one whole event to `out` (which may already hold the packet's 0x00 and a
// semi-sync header) and allocate nothing once `out` has grown. Stateless; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "binlog/event_type.h"
#include "binlog/mariadb_gtid.h"
#include "protocol/wire_buffer.h"

namespace sidecar::downstream {

void AppendArtificialRotate(protocol::Buffer& out, uint32_t server_id, std::string_view next_file,
                            uint64_t position, bool checksum);
void AppendHeartbeat(protocol::Buffer& out, uint32_t server_id, std::string_view file,
                     uint64_t position, bool checksum);
void AppendArtificialGtidList(protocol::Buffer& out, uint32_t server_id,
                              std::span<const binlog::MariadbGtid> gtids, uint64_t log_pos,
                              bool checksum);

// The FORMAT_DESCRIPTION at out[start, out.size()): clears the in-use flag; with
// `reset_position` sets log_pos 0, with `reset_created` sets `created` 0, recomputing the CRC
// when the event carries one (`has_checksum`) and something else changed.
// REQUIRES: the event is a whole FORMAT_DESCRIPTION of at least 19 + 56 bytes.
void AdjustFormatDescription(protocol::Buffer& out, size_t start, bool has_checksum,
                             bool reset_position, bool reset_created);

// Strips the CRC32 trailer of the event at out[start, out.size()) and lowers its event_size;
// for a FORMAT_DESCRIPTION also sets the checksum algorithm byte to OFF.
// REQUIRES: the event carries a CRC32 and is at least 19 + 4 bytes.
void StripChecksum(protocol::Buffer& out, size_t start);

}  // namespace sidecar::downstream
