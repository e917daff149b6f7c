// PacketCodec: MySQL packet framing over a Connection, for both the client and the server.
//
// A packet is a 4-byte header (3-byte little-endian payload length, 1-byte sequence id) and its
// payload. A payload of 16 MiB - 1 bytes or more travels as several packets of 0xFFFFFF bytes,
// ended by a shorter one (possibly empty); ReadPacket reassembles them, the writers split.
//
// Sequence ids: every packet written or read takes the next id (mod 256). ResetSequence() at the
// start of each command (the client before sending it, the server before reading it). A read
// whose id is not the expected one is a Corruption naming both ("expected 3, got 5"), unless
// set_check_sequence(false) — needed while streaming semi-sync binlog events, where the primary
// restarts its ids after each ACK it reads (see mariadb-10.11-captured/replica-gtid-semisync).
//
// Sizes: a payload larger than max_packet (max_allowed_packet) is a Corruption, detected from
// the headers before the payload is allocated, so a hostile length costs at most one chunk.
//
// Buffers: the codec owns its read buffer, read-ahead buffer and write buffer and reuses them:
// once warmed up, reading or writing packets allocates nothing. The view ReadPacket returns is
// valid until the next call that reads.
//
// Read-ahead: by default the codec reads the socket in 64 KiB gulps. A server must turn it off
// until a possible TLS upgrade (the client's TLS hello follows its SSLRequest at once).
//
// Thread-safety: not thread-safe, except that one thread may read packets while another calls
// WritePacketWithSequence (the semi-sync ACK), if the Connection allows that.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "base/byte_reader.h"
#include "base/status.h"
#include "protocol/connection.h"
#include "protocol/wire_buffer.h"

namespace sidecar::protocol {

inline constexpr size_t kMaxChunk = 0xFFFFFF;
inline constexpr size_t kDefaultMaxPacket = size_t(1) << 30;  // 1 GiB

class PacketCodec {
 public:
  explicit PacketCodec(std::unique_ptr<Connection> conn, size_t max_packet = kDefaultMaxPacket);

  // One whole (reassembled) payload.
  Result<Bytes> ReadPacket();

  // Writes `payload` as one logical packet (split as needed).
  Status WritePacket(Bytes payload);
  // Zero-copy writing: StartPacket() returns the (cleared) write buffer; append the payload to
  // it, then SendPacket() frames and writes it. Nothing else may write in between.
  Buffer& StartPacket();
  Status SendPacket();
  // Writes a packet with sequence id `seq` without touching the codec's counter.
  // REQUIRES: payload.size() < kMaxChunk.
  Status WritePacketWithSequence(Bytes payload, uint8_t seq);

  void ResetSequence() { sequence_ = 0; }
  uint8_t sequence() const { return sequence_; }
  void set_sequence(uint8_t seq) { sequence_ = seq; }
  void set_check_sequence(bool check) { check_sequence_ = check; }
  void set_read_ahead(bool on) { read_ahead_ = on; }
  size_t max_packet() const { return max_packet_; }
  // True when read-ahead bytes are waiting: the next ReadPacket() may not need the socket.
  bool has_buffered_input() const { return ahead_end_ > ahead_begin_; }
  void set_max_packet(size_t max) { max_packet_ = max; }

  Connection& connection() { return *conn_; }
  // Hands the transport over (for a TLS upgrade); REQUIRES: no read-ahead bytes are pending
  // (returns nullptr with pending bytes, which would be lost).
  std::unique_ptr<Connection> ReleaseConnection();
  void ResetConnection(std::unique_ptr<Connection> conn) { conn_ = std::move(conn); }

 private:
  Status ReadBytes(uint8_t* dst, size_t n);
  Status SendFramed(size_t payload_size);

  std::unique_ptr<Connection> conn_;
  size_t max_packet_;
  uint8_t sequence_ = 0;
  bool check_sequence_ = true;
  bool read_ahead_ = true;

  Buffer read_buf_;                   // reassembled payload
  std::array<uint8_t, 65536> ahead_;  // read-ahead bytes [ahead_begin_, ahead_end_)
  size_t ahead_begin_ = 0;
  size_t ahead_end_ = 0;
  Buffer write_buf_;  // 4 header bytes + payload
  Buffer side_buf_;   // WritePacketWithSequence's packet
};

}  // namespace sidecar::protocol
