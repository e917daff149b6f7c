// Test support for the protocol tests: an in-memory Connection, a socketpair of
// SocketConnections, and a reader of classic pcap files (Ethernet/IPv4/TCP) that extracts the
// bytes one side of a TCP connection sent, so tests decode real captures without tshark.
// Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "protocol/connection.h"
#include "protocol/packet_codec.h"

namespace sidecar::testing {

// Reads from `input` (at most `max_read` bytes per ReadSome), records what is written.
// At the end of the input ReadSome fails like a closed socket.
class MemoryConnection : public protocol::Connection {
 public:
  explicit MemoryConnection(std::vector<uint8_t> input = {}, size_t max_read = 1 << 20)
      : input_(std::move(input)), max_read_(max_read) {}

  Result<size_t> ReadSome(uint8_t* buf, size_t max) override;
  Status WriteAll(Bytes data) override;
  const std::string& peer() const override { return peer_; }

  const std::vector<uint8_t>& written() const { return written_; }
  size_t unread() const { return input_.size() - pos_; }

 private:
  std::vector<uint8_t> input_;
  size_t pos_ = 0;
  size_t max_read_;
  std::vector<uint8_t> written_;
  std::string peer_ = "memory:1";
};

// Two connected Unix stream sockets.
std::pair<std::unique_ptr<protocol::SocketConnection>, std::unique_ptr<protocol::SocketConnection>>
SocketPair();

// One TCP segment's payload from a pcap.
struct TcpSegment {
  uint16_t src_port;
  uint16_t dst_port;
  std::vector<uint8_t> payload;
};
// Every TCP segment with a payload, in capture order (Ethernet, IPv4 only).
std::vector<TcpSegment> ReadPcapTcpSegments(const std::string& path);
// The bytes sent from src_port to dst_port, concatenated in capture order.
std::vector<uint8_t> TcpStream(const std::vector<TcpSegment>& segments, uint16_t src_port,
                               uint16_t dst_port);
// The payloads of the MySQL packets in `stream` (headers parsed, not checked for sequence).
std::vector<std::vector<uint8_t>> SplitPackets(const std::vector<uint8_t>& stream);

std::vector<uint8_t> FromHex(const std::string& hex);

// A trivial command loop for fake servers, after AcceptClient: COM_QUERY "SELECT 1" → a
// one-column result set ("1"), COM_PING → OK, COM_QUIT or a closed connection → return OK,
// anything else → ERR 1064 and carry on. Returns the first transport or protocol error.
Status ServeTrivialQueries(protocol::PacketCodec& codec, uint64_t capabilities);

}  // namespace sidecar::testing
