#include "protocol/packet_codec.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace sidecar::protocol {

namespace {
constexpr size_t kHeaderSize = 4;

void FillHeader(uint8_t* h, size_t length, uint8_t seq) {
  h[0] = uint8_t(length);
  h[1] = uint8_t(length >> 8);
  h[2] = uint8_t(length >> 16);
  h[3] = seq;
}
}  // namespace

PacketCodec::PacketCodec(std::unique_ptr<Connection> conn, size_t max_packet)
    : conn_(std::move(conn)), max_packet_(max_packet) {}

Status PacketCodec::ReadBytes(uint8_t* dst, size_t n) {
  if (n == 0) return Status::Ok();  // dst may be null (an empty payload)
  const size_t buffered = std::min(n, ahead_end_ - ahead_begin_);
  std::memcpy(dst, ahead_.data() + ahead_begin_, buffered);
  ahead_begin_ += buffered;
  dst += buffered;
  n -= buffered;
  // Large remainders go straight to dst; small ones through the read-ahead buffer.
  if (n == 0) return Status::Ok();
  if (!read_ahead_ || n >= ahead_.size()) return conn_->ReadExact(dst, n);
  ahead_begin_ = ahead_end_ = 0;
  while (ahead_end_ < n) {
    Result<size_t> got = conn_->ReadSome(ahead_.data() + ahead_end_, ahead_.size() - ahead_end_);
    if (!got.ok()) return got.status();
    ahead_end_ += *got;
  }
  std::memcpy(dst, ahead_.data(), n);
  ahead_begin_ = n;
  return Status::Ok();
}

Result<Bytes> PacketCodec::ReadPacket() {
  read_buf_.clear();
  size_t chunks = 0;
  for (;;) {
    uint8_t h[kHeaderSize];
    Status s = ReadBytes(h, kHeaderSize);
    if (!s.ok()) {
      if (chunks == 0 && read_buf_.empty()) return s;
      return Status::IOError(
          fmt::format("{} (in the header of continuation packet {}, after {} "
                      "payload bytes)",
                      s.message(), chunks, read_buf_.size()));
    }
    const size_t length = size_t(h[0]) | size_t(h[1]) << 8 | size_t(h[2]) << 16;
    const uint8_t seq = h[3];
    if (seq != sequence_ && (check_sequence_ || chunks > 0)) {
      return Status::Corruption(fmt::format(
          "packet sequence id from {} out of order: expected {}, got {} (payload length {})",
          conn_->peer(), sequence_, seq, length));
    }
    sequence_ = uint8_t(seq + 1);
    const size_t have = read_buf_.size();
    if (have + length > max_packet_) {
      return Status::Corruption(
          fmt::format("packet from {} is longer than max_allowed_packet {}: {} bytes announced",
                      conn_->peer(), max_packet_, have + length));
    }
    read_buf_.resize(have + length);
    s = ReadBytes(read_buf_.data() + have, length);
    if (!s.ok()) {
      return Status::IOError(fmt::format("{} (truncated packet: the {}-byte payload is incomplete)",
                                         s.message(), length));
    }
    ++chunks;
    if (length < kMaxChunk) break;
  }
  return Bytes(read_buf_.data(), read_buf_.size());
}

Buffer& PacketCodec::StartPacket() {
  write_buf_.resize(kHeaderSize);
  return write_buf_;
}

Status PacketCodec::WritePacket(Bytes payload) {
  StartPacket();
  write_buf_.insert(write_buf_.end(), payload.begin(), payload.end());
  return SendPacket();
}

Status PacketCodec::SendPacket() { return SendFramed(write_buf_.size() - kHeaderSize); }

Status PacketCodec::SendFramed(size_t payload_size) {
  if (payload_size > max_packet_) {
    return Status::InvalidArgument(
        fmt::format("packet of {} bytes to {} exceeds max_allowed_packet {}", payload_size,
                    conn_->peer(), max_packet_));
  }
  if (payload_size < kMaxChunk) {
    FillHeader(write_buf_.data(), payload_size, sequence_++);
    return conn_->WriteAll(Bytes(write_buf_.data(), write_buf_.size()));
  }
  // Split: chunks of kMaxChunk bytes, then a shorter (maybe empty) last one.
  const uint8_t* payload = write_buf_.data() + kHeaderSize;
  size_t offset = 0;
  for (;;) {
    const size_t n = std::min(kMaxChunk, payload_size - offset);
    uint8_t h[kHeaderSize];
    FillHeader(h, n, sequence_++);
    Status s = conn_->WriteAll(Bytes(h, kHeaderSize));
    if (s.ok()) s = conn_->WriteAll(Bytes(payload + offset, n));
    if (!s.ok()) return s;
    offset += n;
    if (n < kMaxChunk) return Status::Ok();
  }
}

Status PacketCodec::WritePacketWithSequence(Bytes payload, uint8_t seq) {
  if (payload.size() >= kMaxChunk) {
    return Status::InvalidArgument(
        fmt::format("WritePacketWithSequence: {} bytes do not fit one packet", payload.size()));
  }
  // A buffer of its own: a reader thread may be using read_buf_ meanwhile.
  side_buf_.resize(kHeaderSize);
  FillHeader(side_buf_.data(), payload.size(), seq);
  side_buf_.insert(side_buf_.end(), payload.begin(), payload.end());
  return conn_->WriteAll(Bytes(side_buf_.data(), side_buf_.size()));
}

std::unique_ptr<Connection> PacketCodec::ReleaseConnection() {
  if (ahead_end_ != ahead_begin_) return nullptr;
  return std::move(conn_);
}

}  // namespace sidecar::protocol
