// The 19-byte common header every binlog event (v4) starts with, and
// EventView: one whole event in caller-owned memory.
//
//   offset 0  timestamp      4  seconds since the epoch (0 for artificial events)
//          4  type           1  EventType
//          5  server_id      4  the server that wrote the event originally
//          9  event_size     4  header + body + checksum
//         13  next_position  4  end of this event in the primary's file (log_pos)
//         17  flags          2  LOG_EVENT_*_F
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/byte_reader.h"
#include "base/status.h"

namespace sidecar::binlog {

inline constexpr size_t kEventHeaderSize = 19;
inline constexpr size_t kChecksumSize = 4;
inline constexpr uint8_t kBinlogMagic[4] = {0xFE, 'b', 'i', 'n'};
inline constexpr size_t kBinlogMagicSize = sizeof(kBinlogMagic);
inline constexpr size_t kFlagsOffset = 17;

// Header flags.
inline constexpr uint16_t kFlagBinlogInUse = 0x0001;  // file not closed cleanly (FDE only)
inline constexpr uint16_t kFlagArtificial = 0x0020;   // made up by the sender, not in any file
inline constexpr uint16_t kFlagRelayLog = 0x0040;     // written by a replica's relay log

struct EventHeader {
  uint32_t timestamp = 0;
  uint8_t type = 0;
  uint32_t server_id = 0;
  uint32_t event_size = 0;
  uint32_t next_position = 0;
  uint16_t flags = 0;

  // Decodes the first 19 bytes. Fails when fewer are given or when event_size
  // is smaller than the header itself.
  static Result<EventHeader> Parse(Bytes data);
};

// One complete event: `bytes` spans header, body and checksum (if any).
struct EventView {
  EventHeader header;
  Bytes bytes;
  // Whether the last 4 bytes are a CRC32, as the governing format description says.
  bool has_checksum = false;

  // The bytes between the header and the checksum.
  Bytes Body() const {
    const size_t tail = has_checksum ? kChecksumSize : 0;
    if (bytes.size() < kEventHeaderSize + tail) return {};
    return bytes.subspan(kEventHeaderSize, bytes.size() - kEventHeaderSize - tail);
  }
};

}  // namespace sidecar::binlog
