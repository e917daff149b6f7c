#include "upstream/binlog_stream.h"

#include <fmt/format.h>

#include "binlog/control_events.h"
#include "binlog/crc32.h"
#include "binlog/event_type.h"
#include "protocol/constants.h"
#include "protocol/generic_packets.h"
#include "protocol/packet_codec.h"
#include "upstream/replication_commands.h"

namespace sidecar::upstream {

using binlog::EventType;

BinlogStream::BinlogStream(std::string peer, uint64_t capabilities,
                           binlog::ChecksumAlgorithm negotiated, bool semi_sync)
    : peer_(std::move(peer)),
      capabilities_(capabilities),
      semi_sync_(semi_sync),
      events_have_crc_(negotiated == binlog::ChecksumAlgorithm::kCrc32) {}

Status BinlogStream::CheckSequence(uint8_t next_id, size_t payload_size) {
  const size_t chunks = payload_size / protocol::kMaxChunk + 1;
  const auto id = uint8_t(next_id - chunks);
  const bool restarted = ids_may_restart_ && (id == 0 || id == 1);
  if (id != expected_id_ && !restarted) {
    return Status::Corruption(fmt::format(
        "{} sent packet sequence id {} after {}:{} where {} was expected: a packet of the dump "
        "was lost or inserted",
        peer_, id, file_, position_, expected_id_));
  }
  ids_may_restart_ = false;
  expected_id_ = next_id;
  return Status::Ok();
}

Result<StreamPacket> BinlogStream::Decode(Bytes payload) {
  if (payload.empty()) {
    return Status::Corruption(fmt::format("{} sent an empty packet in the binlog dump", peer_));
  }
  if (protocol::IsErrPacket(payload)) {
    auto err = protocol::ParseErr(payload, capabilities_);
    if (!err.ok()) return err.status();
    return Status::InvalidArgument(
        fmt::format("{} ended the dump at {}:{}: {}", peer_, file_, position_, err->ToString()));
  }
  if (protocol::IsEofPacket(payload)) return StreamPacket{StreamPacket::Kind::kEnd, {}, false};
  if (payload[0] != protocol::kOkHeader) {
    return Status::Corruption(fmt::format(
        "{} sent a packet starting 0x{:02X} in the binlog dump (expected 0x00, 0xFE or 0xFF)",
        peer_, payload[0]));
  }
  if (!semi_sync_) return DecodeEvent(payload.subspan(1), false);
  if (payload.size() < 3 || payload[1] != kSemiSyncIndicator || payload[2] > 1) {
    return Status::Corruption(
        fmt::format("{} sent an event without a valid semi-sync header (0xEF, 0|1) at {}:{}", peer_,
                    file_, position_));
  }
  return DecodeEvent(payload.subspan(3), payload[2] == 1);
}

Result<StreamPacket> BinlogStream::DecodeEvent(Bytes bytes, bool ack_requested) {
  auto header = binlog::EventHeader::Parse(bytes);
  if (!header.ok()) {
    return Status::Corruption(fmt::format("{} sent a malformed event after {}:{}: {}", peer_, file_,
                                          position_, header.status().message()));
  }
  if (header->event_size != bytes.size()) {
    return Refuse(*header, fmt::format("its header says {} bytes, the packet carries {}",
                                       header->event_size, bytes.size()));
  }
  ids_may_restart_ = ack_requested;
  StreamPacket packet{
      StreamPacket::Kind::kEvent, {*header, bytes, events_have_crc_}, ack_requested};
  const auto type = EventType(header->type);
  if (type == EventType::kFormatDescription) {
    auto fde = binlog::FormatDescription::Parse(bytes);
    if (!fde.ok()) return Refuse(*header, fde.status().message());
    packet.event.has_checksum = fde->fde_has_checksum;
    events_have_crc_ = fde->EventsHaveChecksum();
  }
  const bool heartbeat = type == EventType::kHeartbeat || type == EventType::kHeartbeatV2;
  if (packet.event.has_checksum && !heartbeat) {
    if (bytes.size() < binlog::kEventHeaderSize + binlog::kChecksumSize) {
      return Refuse(*header, "too short to carry its CRC32");
    }
    const uint32_t expected = binlog::ExpectedEventCrc(bytes);
    const uint32_t stored = binlog::StoredEventCrc(bytes);
    if (expected != stored) {
      return Refuse(*header, fmt::format("CRC32 mismatch (stored 0x{:08x}, computed 0x{:08x})",
                                         stored, expected));
    }
  }
  if (type == EventType::kRotate) {
    auto rotate = binlog::DecodeRotateEvent(packet.event);
    if (!rotate.ok()) return Refuse(*header, rotate.status().message());
    if (rotate->next_file != file_) file_.assign(rotate->next_file);
    position_ = rotate->position;
  } else if (!heartbeat && header->next_position != 0) {
    position_ = header->next_position;
  }
  return packet;
}

Status BinlogStream::Refuse(const binlog::EventHeader& header, std::string_view why) const {
  return Status::Corruption(fmt::format("{} sent a bad {} event after {}:{}: {}; not stored", peer_,
                                        binlog::EventTypeName(header.type), file_, position_, why));
}

}  // namespace sidecar::upstream
