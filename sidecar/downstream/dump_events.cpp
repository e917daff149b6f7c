#include "downstream/dump_events.h"

#include "binlog/crc32.h"
#include "binlog/event_header.h"

namespace sidecar::downstream {
namespace {

constexpr size_t kEventSizeOffset = 9;
constexpr size_t kLogPosOffset = 13;
// FORMAT_DESCRIPTION body: binlog_version 2 | server_version 50 | created 4 | ...
constexpr size_t kCreatedOffset = binlog::kEventHeaderSize + 2 + 50;

void StoreLe32(uint8_t* p, uint32_t v) {
  p[0] = uint8_t(v);
  p[1] = uint8_t(v >> 8);
  p[2] = uint8_t(v >> 16);
  p[3] = uint8_t(v >> 24);
}

// Appends the 19-byte header of an event whose body is `body_size` bytes; returns its start.
size_t AppendHeader(protocol::Buffer& out, uint8_t type, uint32_t server_id, size_t body_size,
                    uint64_t log_pos, uint16_t flags, bool checksum) {
  const size_t start = out.size();
  const size_t size =
      binlog::kEventHeaderSize + body_size + (checksum ? binlog::kChecksumSize : 0);
  protocol::PutU32(out, 0);  // timestamp 0: made up, not from any file
  protocol::PutU8(out, type);
  protocol::PutU32(out, server_id);
  protocol::PutU32(out, uint32_t(size));
  protocol::PutU32(out, uint32_t(log_pos));
  protocol::PutU16(out, flags);
  return start;
}

void AppendCrc(protocol::Buffer& out, size_t start, bool checksum) {
  if (!checksum) return;
  protocol::PutU32(out, binlog::Crc32(Bytes(out.data() + start, out.size() - start)));
}

}  // namespace

void AppendArtificialRotate(protocol::Buffer& out, uint32_t server_id, std::string_view next_file,
                            uint64_t position, bool checksum) {
  const size_t start = AppendHeader(out, uint8_t(binlog::EventType::kRotate), server_id, 8 + next_file.size(), 0,
                                    binlog::kFlagArtificial, checksum);
  protocol::PutU64(out, position);
  protocol::PutString(out, next_file);
  AppendCrc(out, start, checksum);
}

void AppendHeartbeat(protocol::Buffer& out, uint32_t server_id, std::string_view file,
                     uint64_t position, bool checksum) {
  const size_t start =
      AppendHeader(out, uint8_t(binlog::EventType::kHeartbeat), server_id, file.size(), position, 0, checksum);
  protocol::PutString(out, file);
  AppendCrc(out, start, checksum);
}

void AppendArtificialGtidList(protocol::Buffer& out, uint32_t server_id,
                              std::span<const binlog::MariadbGtid> gtids, uint64_t log_pos,
                              bool checksum) {
  const size_t start = AppendHeader(out, uint8_t(binlog::EventType::kGtidList), server_id, 4 + 16 * gtids.size(),
                                    log_pos, binlog::kFlagArtificial, checksum);
  protocol::PutU32(out, uint32_t(gtids.size()));
  for (const binlog::MariadbGtid& gtid : gtids) {
    protocol::PutU32(out, gtid.domain_id);
    protocol::PutU32(out, gtid.server_id);
    protocol::PutU64(out, gtid.seq_no);
  }
  AppendCrc(out, start, checksum);
}

void AdjustFormatDescription(protocol::Buffer& out, size_t start, bool has_checksum,
                             bool reset_position, bool reset_created) {
  uint8_t* event = out.data() + start;
  const size_t size = out.size() - start;
  event[binlog::kFlagsOffset] &= uint8_t(~binlog::kFlagBinlogInUse);
  if (!reset_position && !reset_created) return;
  if (reset_position) StoreLe32(event + kLogPosOffset, 0);
  if (reset_created) StoreLe32(event + kCreatedOffset, 0);
  if (has_checksum) {
    const size_t covered = size - binlog::kChecksumSize;
    StoreLe32(event + covered, binlog::Crc32(Bytes(event, covered)));
  }
}

void StripChecksum(protocol::Buffer& out, size_t start) {
  out.resize(out.size() - binlog::kChecksumSize);
  uint8_t* event = out.data() + start;
  const size_t size = out.size() - start;
  StoreLe32(event + kEventSizeOffset, uint32_t(size));
  if (event[4] == uint8_t(binlog::EventType::kFormatDescription)) event[size - 1] = 0;  // checksum alg: OFF
}

}  // namespace sidecar::downstream
