#include "protocol/generic_packets.h"

#include <fmt/format.h>

#include <string_view>

#include "protocol/constants.h"

namespace sidecar::protocol {

namespace {
constexpr uint16_t kServerSessionStateChanged = 0x4000;
}

std::string ErrPacket::ToString() const {
  return fmt::format("ERROR {} ({}): {}", code, sql_state, message);
}

bool IsOkPacket(Bytes p) { return p.size() >= 7 && p[0] == kOkHeader; }
bool IsErrPacket(Bytes p) { return !p.empty() && p[0] == kErrHeader; }
bool IsEofPacket(Bytes p) { return !p.empty() && p[0] == kEofHeader && p.size() < 9; }

bool IsResultSetTerminator(Bytes p, uint64_t caps) {
  if (p.empty() || p[0] != kEofHeader) return false;
  return (caps & kClientDeprecateEof) ? p.size() < 0xFFFFFF : p.size() < 9;
}

Result<OkPacket> ParseOk(Bytes payload, uint64_t caps) {
  ByteReader r(payload);
  const uint8_t header = r.U8();
  if (!r.ok() || (header != kOkHeader && header != kEofHeader)) {
    return Status::Corruption(fmt::format("OK packet: header byte 0x{:02x} is not 0x00 or 0xfe",
                                          payload.empty() ? 0 : payload[0]));
  }
  OkPacket ok;
  ok.affected_rows = r.LengthEncoded();
  ok.last_insert_id = r.LengthEncoded();
  if (caps & (kClientProtocol41 | kClientTransactions)) ok.status_flags = r.U16();
  if (caps & kClientProtocol41) ok.warnings = r.U16();
  if (!r.ok()) {
    return Status::Corruption(fmt::format("OK packet of {} bytes is truncated", payload.size()));
  }
  if ((caps & kClientSessionTrack) && !r.empty()) {
    ok.info = std::string(TakeLengthEncodedString(r));
    if (ok.status_flags & kServerSessionStateChanged) TakeLengthEncodedString(r);
  } else {
    ok.info = std::string(AsStringView(r.Rest()));
  }
  if (!r.ok()) {
    return Status::Corruption(
        fmt::format("OK packet of {} bytes: bad info string", payload.size()));
  }
  return ok;
}

Result<ErrPacket> ParseErr(Bytes payload, uint64_t caps) {
  ByteReader r(payload);
  if (r.U8() != kErrHeader) {
    return Status::Corruption("ERR packet: the header byte is not 0xff");
  }
  ErrPacket err;
  err.code = r.U16();
  if (!r.ok()) {
    return Status::Corruption(fmt::format("ERR packet of {} bytes is truncated", payload.size()));
  }
  // The SQL state marker is optional even under PROTOCOL_41 (errors before the handshake).
  ByteReader peek = r;
  if ((caps & kClientProtocol41) && r.remaining() >= 6 && peek.U8() == '#') {
    r.Skip(1);
    err.sql_state = std::string(r.TakeString(5));
  }
  err.message = std::string(AsStringView(r.Rest()));
  return err;
}

Result<EofPacket> ParseEof(Bytes payload, uint64_t caps) {
  if (!IsEofPacket(payload)) {
    return Status::Corruption(fmt::format("EOF packet expected, got {} bytes starting 0x{:02x}",
                                          payload.size(), payload.empty() ? 0 : payload[0]));
  }
  ByteReader r(payload);
  r.Skip(1);
  EofPacket eof;
  if (caps & kClientProtocol41) {
    eof.warnings = r.U16();
    eof.status_flags = r.U16();
  }
  if (!r.ok()) return Status::Corruption("EOF packet is truncated");
  return eof;
}

void BuildOk(Buffer& out, const OkPacket& ok, uint64_t caps, uint8_t header) {
  PutU8(out, header);
  PutLengthEncodedInt(out, ok.affected_rows);
  PutLengthEncodedInt(out, ok.last_insert_id);
  if (caps & (kClientProtocol41 | kClientTransactions)) PutU16(out, ok.status_flags);
  if (caps & kClientProtocol41) PutU16(out, ok.warnings);
  if (caps & kClientSessionTrack) {
    if (!ok.info.empty()) PutLengthEncodedString(out, ok.info);
  } else {
    PutString(out, ok.info);
  }
}

void BuildErr(Buffer& out, const ErrPacket& err, uint64_t caps) {
  PutU8(out, kErrHeader);
  PutU16(out, err.code);
  if (caps & kClientProtocol41) {
    PutU8(out, '#');
    std::string state = err.sql_state;
    state.resize(5, '0');
    PutString(out, state);
  }
  PutString(out, err.message);
}

void BuildEof(Buffer& out, const EofPacket& eof, uint64_t caps) {
  PutU8(out, kEofHeader);
  if (caps & kClientProtocol41) {
    PutU16(out, eof.warnings);
    PutU16(out, eof.status_flags);
  }
}

Status SendOk(PacketCodec& codec, const OkPacket& ok, uint64_t caps) {
  BuildOk(codec.StartPacket(), ok, caps);
  return codec.SendPacket();
}

Status SendErr(PacketCodec& codec, const ErrPacket& err, uint64_t caps) {
  BuildErr(codec.StartPacket(), err, caps);
  return codec.SendPacket();
}

Status ServerError(const std::string& peer, const ErrPacket& err, const std::string& context) {
  return Status::InvalidArgument(
      fmt::format("{} answered {} to {}", peer, err.ToString(), context));
}

Status WithContext(const Status& s, std::string_view context) {
  std::string msg = fmt::format("{}: {}", context, s.message());
  switch (s.code()) {
    case Status::Code::kInvalidArgument:
      return Status::InvalidArgument(std::move(msg));
    case Status::Code::kCorruption:
      return Status::Corruption(std::move(msg));
    case Status::Code::kNotFound:
      return Status::NotFound(std::move(msg));
    case Status::Code::kUnsupported:
      return Status::Unsupported(std::move(msg));
    case Status::Code::kNoSpace:
      return Status::NoSpace(std::move(msg));
    case Status::Code::kOk:
    case Status::Code::kIOError:
      break;
  }
  return Status::IOError(std::move(msg));
}

}  // namespace sidecar::protocol
