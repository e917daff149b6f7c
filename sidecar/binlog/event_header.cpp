#include "binlog/event_header.h"

#include <fmt/format.h>

namespace sidecar::binlog {

Result<EventHeader> EventHeader::Parse(Bytes data) {
  if (data.size() < kEventHeaderSize) {
    return Status::Corruption(
        fmt::format("event header needs {} bytes, only {} present", kEventHeaderSize, data.size()));
  }
  ByteReader r(data);
  EventHeader h;
  h.timestamp = r.U32();
  h.type = r.U8();
  h.server_id = r.U32();
  h.event_size = r.U32();
  h.next_position = r.U32();
  h.flags = r.U16();
  if (h.event_size < kEventHeaderSize) {
    return Status::Corruption(fmt::format("event length {} is shorter than the {}-byte header",
                                          h.event_size, kEventHeaderSize));
  }
  return h;
}

}  // namespace sidecar::binlog
