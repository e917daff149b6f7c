// Decoders of the small MySQL control events the sidecar acts on:
// ROTATE (4), XID (16), XA_PREPARE (38), HEARTBEAT (27) and HEARTBEAT_V2 (41),
// and the envelope of TRANSACTION_PAYLOAD (40).
//
// Each takes a whole event whose `has_checksum` was set from the governing
// format description, and returns views into the event's bytes where it
// returns text: the result lives no longer than the event's buffer.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/status.h"
#include "binlog/event_header.h"

namespace sidecar::binlog {

// ROTATE: where the next event is. Body: position 8 | next file name.
struct RotateEvent {
  uint64_t position = 0;
  std::string_view next_file;
};
Result<RotateEvent> DecodeRotateEvent(const EventView& event);

// XID: the commit of an XA-capable (InnoDB) transaction. Body: xid 8.
struct XidEvent {
  uint64_t xid = 0;
};
Result<XidEvent> DecodeXidEvent(const EventView& event);

// XA_PREPARE: ends the first phase of an XA transaction (MySQL, MariaDB 10.5+).
// Body: one_phase 1 | format_id 4 | gtrid_length 4 | bqual_length 4 | gtrid | bqual.
struct XaPrepareEvent {
  bool one_phase = false;
  uint32_t format_id = 0;
  std::string_view gtrid;
  std::string_view bqual;
};
Result<XaPrepareEvent> DecodeXaPrepareEvent(const EventView& event);

// HEARTBEAT (v1: body is the file name, position in the header) and
// HEARTBEAT_V2 (fields as type/length/value with length-encoded integers).
// Sent only on the wire, never stored in a file.
struct HeartbeatEvent {
  std::string_view log_file;
  uint64_t position = 0;
};
Result<HeartbeatEvent> DecodeHeartbeatEvent(const EventView& event);

// TRANSACTION_PAYLOAD (MySQL 8.0.20+): a whole transaction, compressed. The
// sidecar carries it as an opaque transaction; only the envelope is decoded.
struct TransactionPayloadEvent {
  enum class Compression : uint8_t { kZstd = 0, kNone = 255 };
  uint64_t compression = 0;  // raw code; see Compression
  uint64_t payload_size = 0;
  uint64_t uncompressed_size = 0;
  Bytes payload;
};
Result<TransactionPayloadEvent> DecodeTransactionPayloadEvent(const EventView& event);

}  // namespace sidecar::binlog
