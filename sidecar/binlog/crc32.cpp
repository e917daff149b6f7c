#include "binlog/crc32.h"

#include <zlib.h>

#include "binlog/crc32_clmul.h"
#include "binlog/event_header.h"
#include "binlog/event_type.h"

namespace sidecar::binlog {

uint32_t Crc32(Bytes data, uint32_t crc) {
  if (data.size() >= kMinFoldedBytes && CpuHasCarrylessMultiply()) {
    crc = Crc32FoldedBlocks(data.data(), data.size(), crc);
    data = data.last(data.size() % 16);
  }
  // zlib takes uInt lengths; feed very large spans in pieces.
  constexpr size_t kMaxChunk = size_t(1) << 30;
  while (!data.empty()) {
    const size_t n = data.size() < kMaxChunk ? data.size() : kMaxChunk;
    crc = uint32_t(crc32(crc, data.data(), uInt(n)));
    data = data.subspan(n);
  }
  return crc;
}

uint32_t ExpectedEventCrc(Bytes event) {
  const Bytes covered = event.first(event.size() - kChecksumSize);
  if (covered[4] != uint8_t(EventType::kFormatDescription)) return Crc32(covered);
  const uint8_t flags_low = covered[kFlagsOffset] & uint8_t(~kFlagBinlogInUse);
  uint32_t crc = Crc32(covered.first(kFlagsOffset));
  crc = Crc32(Bytes(&flags_low, 1), crc);
  return Crc32(covered.subspan(kFlagsOffset + 1), crc);
}

uint32_t StoredEventCrc(Bytes event) {
  return LoadLe32(event.data() + event.size() - kChecksumSize);
}

}  // namespace sidecar::binlog
