#include "binlog/control_events.h"

#include <fmt/format.h>

#include "binlog/event_type.h"

namespace sidecar::binlog {
namespace {

constexpr size_t kXidLength = 64 + 64;  // MySQL's XIDDATASIZE: gtrid + bqual at most

// HEARTBEAT_V2 and TRANSACTION_PAYLOAD fields: (type, length, value), each a
// length-encoded integer except the value's bytes; type 0 ends the header.
struct TlvField {
  uint64_t type = 0;
  Bytes value;
};

// Reads one field; `r` fails when it is truncated.
TlvField ReadTlvField(ByteReader& r) {
  TlvField f;
  f.type = r.LengthEncoded();
  if (f.type == 0) return f;  // end mark: no length, no value
  const uint64_t length = r.LengthEncoded();
  f.value = r.Take(length);
  return f;
}

// A field value holding one length-encoded integer.
bool ReadTlvInteger(Bytes value, uint64_t* out) {
  ByteReader r(value);
  *out = r.LengthEncoded();
  return r.ok() && r.empty();
}

Status Truncated(const EventView& event, std::string_view what) {
  return Status::Corruption(fmt::format("{} event of {} bytes is truncated: {}",
                                        EventTypeName(event.header.type), event.bytes.size(),
                                        what));
}

}  // namespace

Result<RotateEvent> DecodeRotateEvent(const EventView& event) {
  ByteReader r(event.Body());
  RotateEvent rotate;
  rotate.position = r.U64();
  rotate.next_file = r.TakeString(r.remaining());
  if (!r.ok()) return Truncated(event, "no 8-byte position");
  if (rotate.next_file.empty()) return Truncated(event, "no file name");
  return rotate;
}

Result<XidEvent> DecodeXidEvent(const EventView& event) {
  ByteReader r(event.Body());
  XidEvent xid{r.U64()};
  if (!r.ok()) return Truncated(event, "no 8-byte xid");
  return xid;
}

Result<XaPrepareEvent> DecodeXaPrepareEvent(const EventView& event) {
  ByteReader r(event.Body());
  XaPrepareEvent xa;
  xa.one_phase = r.U8() != 0;
  xa.format_id = r.U32();
  const uint32_t gtrid_length = r.U32();
  const uint32_t bqual_length = r.U32();
  if (!r.ok()) return Truncated(event, "post-header incomplete");
  if (uint64_t(gtrid_length) + bqual_length > kXidLength) {
    return Status::Corruption(
        fmt::format("XA_PREPARE names an XID of {}+{} bytes, more than the {} an XID can hold",
                    gtrid_length, bqual_length, kXidLength));
  }
  xa.gtrid = r.TakeString(gtrid_length);
  xa.bqual = r.TakeString(bqual_length);
  if (!r.ok()) return Truncated(event, "XID data incomplete");
  return xa;
}

Result<HeartbeatEvent> DecodeHeartbeatEvent(const EventView& event) {
  HeartbeatEvent hb;
  if (event.header.type == uint8_t(EventType::kHeartbeat)) {
    const Bytes body = event.Body();
    hb.log_file = {reinterpret_cast<const char*>(body.data()), body.size()};
    hb.position = event.header.next_position;
    return hb;
  }
  constexpr uint64_t kFileNameField = 1;
  constexpr uint64_t kPositionField = 2;
  ByteReader r(event.Body());
  while (!r.empty()) {
    const TlvField field = ReadTlvField(r);
    if (!r.ok()) return Truncated(event, "field incomplete");
    if (field.type == 0) break;
    if (field.type == kFileNameField) {
      hb.log_file = {reinterpret_cast<const char*>(field.value.data()), field.value.size()};
    } else if (field.type == kPositionField && !ReadTlvInteger(field.value, &hb.position)) {
      return Status::Corruption("HEARTBEAT_V2 position field is not one length-encoded integer");
    }
  }
  return hb;
}

Result<TransactionPayloadEvent> DecodeTransactionPayloadEvent(const EventView& event) {
  constexpr uint64_t kSizeField = 1;
  constexpr uint64_t kCompressionField = 2;
  constexpr uint64_t kUncompressedSizeField = 3;
  ByteReader r(event.Body());
  TransactionPayloadEvent p;
  bool have_size = false;
  for (;;) {
    const TlvField field = ReadTlvField(r);
    if (!r.ok()) return Truncated(event, "header field incomplete");
    if (field.type == 0) break;
    uint64_t* target = field.type == kSizeField               ? &p.payload_size
                       : field.type == kCompressionField      ? &p.compression
                       : field.type == kUncompressedSizeField ? &p.uncompressed_size
                                                              : nullptr;
    if (target == nullptr) continue;  // a field from a newer server: skipped by its length
    if (!ReadTlvInteger(field.value, target)) {
      return Status::Corruption(fmt::format(
          "TRANSACTION_PAYLOAD field {} is not one length-encoded integer", field.type));
    }
    have_size |= field.type == kSizeField;
  }
  if (!have_size) return Status::Corruption("TRANSACTION_PAYLOAD has no payload size field");
  if (p.payload_size != r.remaining()) {
    return Status::Corruption(
        fmt::format("TRANSACTION_PAYLOAD says {} payload bytes, event holds {}", p.payload_size,
                    r.remaining()));
  }
  p.payload = r.Rest();
  return p;
}

}  // namespace sidecar::binlog
