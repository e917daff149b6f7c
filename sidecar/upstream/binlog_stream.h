// BinlogStream: decodes the packets a primary sends after COM_BINLOG_DUMP(_GTID)
// and vouches for every event it returns.
//
//   0x00 [0xEF ack_needed] event   an event (the 0xEF header only when semi-sync
//                                  was negotiated; ack_needed 1 asks for an ACK)
//   0xFE (short)                   EOF: the primary ended the dump
//   0xFF ...                       ERR: InvalidArgument quoting the primary, e.g.
//                                  "127.0.0.1:3306 ended the dump: ERROR 1236 ..."
//
// Vouching: an event's event_size must equal the bytes that carry it, and when
// it ends in a CRC32 the CRC must match, before it is returned; otherwise a
// Corruption naming peer, file, position and event type. Which events carry a
// CRC: the FORMAT_DESCRIPTION says for itself (checksum-aware FDE) and for the
// events after it; before the dump's first FDE (its artificial ROTATE) the
// checksum negotiated with @master_binlog_checksum applies. Heartbeats are
// never stored and are not CRC-checked (servers differ in whether they carry
// one); their length is still checked.
//
// Sequence ids (CheckSequence, called for every packet before Decode): the
// primary numbers its packets on from 1 after the dump command, and restarts
// the numbering after an event that asked for a semi-sync ACK (MariaDB's
// semi-sync code clears its counter once it flushed that event: the next
// packet is 1, 0 on servers that do not bump it). Any other id is a
// Corruption: a packet was lost or invented between the primary and us.
//
// It also follows where the stream stands (the file named by the last ROTATE,
// the end of the last event), which the semi-sync ACK and /status report.
//
// Decode() allocates only when an event names a new file or describes a new
// format (ROTATE, FORMAT_DESCRIPTION). Not thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"
#include "binlog/event_header.h"
#include "binlog/format_description.h"

namespace sidecar::upstream {

struct StreamPacket {
  enum class Kind { kEvent, kEnd };
  Kind kind = Kind::kEvent;
  // kEvent: the event, a view into the packet (valid until the next read).
  binlog::EventView event;
  // The primary waits for a semi-sync ACK of this event.
  bool ack_requested = false;
};

class BinlogStream {
 public:
  // `peer` names the primary in messages; `capabilities` are the session's
  // (to parse an ERR); `negotiated` is @master_binlog_checksum's answer.
  BinlogStream(std::string peer, uint64_t capabilities, binlog::ChecksumAlgorithm negotiated,
               bool semi_sync);

  // `next_id` is the id the codec expects after reading the packet
  // (PacketCodec::sequence()), `payload_size` the packet's reassembled size;
  // the packet's own id follows from them (a packet split in n chunks used n
  // ids).
  Status CheckSequence(uint8_t next_id, size_t payload_size);
  Result<StreamPacket> Decode(Bytes payload);

  // The primary's file the stream is in ("" before the first ROTATE) and the
  // end of the last event in it.
  const std::string& file() const { return file_; }
  uint64_t position() const { return position_; }

 private:
  Result<StreamPacket> DecodeEvent(Bytes event, bool ack_requested);
  Status Refuse(const binlog::EventHeader& header, std::string_view why) const;

  const std::string peer_;
  const uint64_t capabilities_;
  const bool semi_sync_;
  bool events_have_crc_;  // per the last FDE, or the negotiated checksum
  uint8_t expected_id_ = 1;
  bool ids_may_restart_ = false;  // the last event asked for an ACK
  std::string file_;
  uint64_t position_ = 0;
};

}  // namespace sidecar::upstream
