#include "protocol_test_support.h"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>

#include "protocol/constants.h"
#include "protocol/generic_packets.h"
#include "protocol/result_set.h"

namespace sidecar::testing {

Result<size_t> MemoryConnection::ReadSome(uint8_t* buf, size_t max) {
  if (pos_ == input_.size()) return Status::IOError("connection closed by memory:1");
  const size_t n = std::min({max, max_read_, input_.size() - pos_});
  std::memcpy(buf, input_.data() + pos_, n);
  pos_ += n;
  return n;
}

Status MemoryConnection::WriteAll(Bytes data) {
  written_.insert(written_.end(), data.begin(), data.end());
  return Status::Ok();
}

std::pair<std::unique_ptr<protocol::SocketConnection>, std::unique_ptr<protocol::SocketConnection>>
SocketPair() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    ADD_FAILURE() << "socketpair failed";
  }
  return {std::make_unique<protocol::SocketConnection>(fds[0], "pair:client"),
          std::make_unique<protocol::SocketConnection>(fds[1], "pair:server")};
}

namespace {
uint32_t Le32(const uint8_t* p) { return p[0] | p[1] << 8 | p[2] << 16 | uint32_t(p[3]) << 24; }
uint16_t Be16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }
}  // namespace

std::vector<TcpSegment> ReadPcapTcpSegments(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<uint8_t> d((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<TcpSegment> out;
  if (d.size() < 24 || Le32(d.data()) != 0xA1B2C3D4 || Le32(d.data() + 20) != 1) {
    ADD_FAILURE() << path << " is not a little-endian Ethernet pcap";
    return out;
  }
  size_t off = 24;
  while (off + 16 <= d.size()) {
    const size_t incl = Le32(d.data() + off + 8);
    const uint8_t* f = d.data() + off + 16;
    off += 16 + incl;
    if (off > d.size() || incl < 14 + 20 || Be16(f + 12) != 0x0800) continue;
    const uint8_t* ip = f + 14;
    const size_t ihl = (ip[0] & 15) * 4;
    const size_t total = Be16(ip + 2);
    if (ip[9] != 6 || total > incl - 14 || total < ihl + 20) continue;
    const uint8_t* tcp = ip + ihl;
    const size_t doff = (tcp[12] >> 4) * 4;
    if (ihl + doff > total) continue;
    TcpSegment s{Be16(tcp), Be16(tcp + 2), {tcp + doff, ip + total}};
    if (!s.payload.empty()) out.push_back(std::move(s));
  }
  return out;
}

std::vector<uint8_t> TcpStream(const std::vector<TcpSegment>& segments, uint16_t src_port,
                               uint16_t dst_port) {
  std::vector<uint8_t> out;
  for (const TcpSegment& s : segments) {
    if (s.src_port == src_port && s.dst_port == dst_port) {
      out.insert(out.end(), s.payload.begin(), s.payload.end());
    }
  }
  return out;
}

std::vector<std::vector<uint8_t>> SplitPackets(const std::vector<uint8_t>& stream) {
  std::vector<std::vector<uint8_t>> out;
  size_t off = 0;
  while (off + 4 <= stream.size()) {
    const size_t len = stream[off] | stream[off + 1] << 8 | stream[off + 2] << 16;
    if (off + 4 + len > stream.size()) break;
    out.emplace_back(stream.begin() + long(off + 4), stream.begin() + long(off + 4 + len));
    off += 4 + len;
  }
  return out;
}

std::vector<uint8_t> FromHex(const std::string& hex) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(uint8_t(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

Status ServeTrivialQueries(protocol::PacketCodec& codec, uint64_t caps) {
  using namespace protocol;
  for (;;) {
    codec.ResetSequence();
    Result<Bytes> p = codec.ReadPacket();
    if (!p.ok()) return p.status().code() == Status::Code::kIOError ? Status::Ok() : p.status();
    if (p->empty() || (*p)[0] == kComQuit) return Status::Ok();
    const std::string_view sql = AsStringView(p->subspan(1));
    Status s;
    if ((*p)[0] == kComQuery && (sql == "SELECT 1" || sql == "select 1")) {
      ResultSet rs = ResultSet::WithColumns({"1"});
      rs.columns[0].type = kTypeLongLong;
      rs.columns[0].charset = kCharsetBinary;
      rs.rows.push_back({"1"});
      s = WriteResultSet(codec, rs, caps);
    } else if ((*p)[0] == kComPing) {
      s = SendOk(codec, OkPacket{}, caps);
    } else {
      s = SendErr(codec, {1064, "42000", "the fake server only answers SELECT 1"}, caps);
    }
    if (!s.ok()) return s;
  }
}

}  // namespace sidecar::testing
