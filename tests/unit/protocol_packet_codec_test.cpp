#include <gtest/gtest.h>

#include <thread>

#include "protocol/packet_codec.h"
#include "protocol_test_support.h"

namespace sidecar::protocol {
namespace {

using testing::MemoryConnection;

std::vector<uint8_t> Pattern(size_t n) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = uint8_t(i * 7 + (i >> 16));
  return v;
}

// Frames `payload` with PacketCodec and returns the wire bytes.
std::vector<uint8_t> Frame(const std::vector<uint8_t>& payload, uint8_t first_seq = 0) {
  auto mem = std::make_unique<MemoryConnection>();
  MemoryConnection* raw = mem.get();
  PacketCodec codec(std::move(mem));
  codec.set_sequence(first_seq);
  EXPECT_TRUE(codec.WritePacket(payload).ok());
  return raw->written();
}

Result<std::vector<uint8_t>> ReadBack(std::vector<uint8_t> wire, size_t max = kDefaultMaxPacket,
                                      size_t max_read = 1 << 20) {
  PacketCodec codec(std::make_unique<MemoryConnection>(std::move(wire), max_read), max);
  Result<Bytes> p = codec.ReadPacket();
  if (!p.ok()) return p.status();
  return std::vector<uint8_t>(p->begin(), p->end());
}

TEST(ProtocolPacketCodec, SmallPacketHeaderAndRoundTrip) {
  const std::vector<uint8_t> wire = Frame({0x03, 'x'}, 5);
  EXPECT_EQ(wire, (std::vector<uint8_t>{2, 0, 0, 5, 0x03, 'x'}));
  Result<std::vector<uint8_t>> back =
      ReadBack({2, 0, 0, 0, 0x03, 'x'});  // a reader expects sequence 0 first
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, (std::vector<uint8_t>{0x03, 'x'}));
}

TEST(ProtocolPacketCodec, EmptyPayload) {
  EXPECT_EQ(Frame({}), (std::vector<uint8_t>{0, 0, 0, 0}));
  Result<std::vector<uint8_t>> back = ReadBack({0, 0, 0, 0});
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->empty());
}

// 16 MiB - 1 (kMaxChunk) is the first size that needs a second, empty packet; 16 MiB needs a
// 1-byte second packet; 2 x kMaxChunk ends with an empty third; 40 MiB takes three full
// packets and a remainder.
class ProtocolPacketCodecSplit : public ::testing::TestWithParam<size_t> {};

TEST_P(ProtocolPacketCodecSplit, SplitsAndReassembles) {
  const size_t size = GetParam();
  const std::vector<uint8_t> payload = Pattern(size);
  const std::vector<uint8_t> wire = Frame(payload);
  const size_t full_chunks = size / kMaxChunk;
  const size_t packets = full_chunks + 1;
  ASSERT_EQ(wire.size(), size + 4 * packets);
  size_t off = 0;
  for (size_t i = 0; i < packets; ++i) {
    const size_t len = wire[off] | wire[off + 1] << 8 | wire[off + 2] << 16;
    EXPECT_EQ(len, i < full_chunks ? kMaxChunk : size % kMaxChunk) << "packet " << i;
    EXPECT_EQ(wire[off + 3], uint8_t(i)) << "sequence of packet " << i;
    off += 4 + len;
  }
  Result<std::vector<uint8_t>> back = ReadBack(wire, size_t(64) << 20, 100000);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(*back == payload);
}

INSTANTIATE_TEST_SUITE_P(Sizes, ProtocolPacketCodecSplit,
                         ::testing::Values(kMaxChunk - 1, kMaxChunk, kMaxChunk + 1, 2 * kMaxChunk,
                                           size_t(40) << 20));

TEST(ProtocolPacketCodec, LargePacketsBothWaysOverASocketPair) {
  auto [a, b] = testing::SocketPair();
  PacketCodec writer(std::move(a));
  PacketCodec reader(std::move(b));
  const std::vector<uint8_t> big = Pattern(size_t(40) << 20);
  const std::vector<uint8_t> edge = Pattern(kMaxChunk);
  std::thread t([&] {
    EXPECT_TRUE(writer.WritePacket(big).ok());
    EXPECT_TRUE(writer.WritePacket(edge).ok());
    EXPECT_TRUE(writer.WritePacket(AsBytes("tail")).ok());
  });
  Result<Bytes> p = reader.ReadPacket();
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_TRUE(std::equal(p->begin(), p->end(), big.begin(), big.end()));
  p = reader.ReadPacket();
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_TRUE(std::equal(p->begin(), p->end(), edge.begin(), edge.end()));
  p = reader.ReadPacket();
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(AsStringView(*p), "tail");
  t.join();
  EXPECT_EQ(reader.sequence(), writer.sequence());
}

TEST(ProtocolPacketCodec, ConsecutivePacketsShareTheSequence) {
  PacketCodec codec(std::make_unique<MemoryConnection>(
      std::vector<uint8_t>{1, 0, 0, 0, 'a', 1, 0, 0, 1, 'b', 1, 0, 0, 2, 'c'}));
  for (char c : std::string("abc")) {
    Result<Bytes> p = codec.ReadPacket();
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    EXPECT_EQ(AsStringView(*p), std::string(1, c));
  }
  EXPECT_EQ(codec.sequence(), 3);
}

TEST(ProtocolPacketCodec, SequenceJumpIsCorruptionNamingExpectedAndGot) {
  PacketCodec codec(
      std::make_unique<MemoryConnection>(std::vector<uint8_t>{1, 0, 0, 0, 'a', 1, 0, 0, 3, 'b'}));
  ASSERT_TRUE(codec.ReadPacket().ok());
  Result<Bytes> p = codec.ReadPacket();
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), Status::Code::kCorruption);
  EXPECT_NE(p.status().message().find("expected 1, got 3"), std::string::npos)
      << p.status().message();
}

TEST(ProtocolPacketCodec, SequenceCheckCanBeRelaxedForSemiSyncStreams) {
  PacketCodec codec(
      std::make_unique<MemoryConnection>(std::vector<uint8_t>{1, 0, 0, 7, 'a', 1, 0, 0, 1, 'b'}));
  codec.set_check_sequence(false);
  ASSERT_TRUE(codec.ReadPacket().ok());
  ASSERT_TRUE(codec.ReadPacket().ok());
  EXPECT_EQ(codec.sequence(), 2);
}

TEST(ProtocolPacketCodec, ContinuationWithWrongSequenceIsCorruptionEvenWhenRelaxed) {
  std::vector<uint8_t> wire = Frame(Pattern(kMaxChunk + 10));
  wire[4 + kMaxChunk + 3] = 9;  // the second packet's sequence id
  PacketCodec codec(std::make_unique<MemoryConnection>(wire));
  codec.set_check_sequence(false);
  Result<Bytes> p = codec.ReadPacket();
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), Status::Code::kCorruption);
  EXPECT_NE(p.status().message().find("expected 1, got 9"), std::string::npos);
}

TEST(ProtocolPacketCodec, TruncatedHeaderAndPayloadAreIOErrors) {
  Result<std::vector<uint8_t>> p = ReadBack({5, 0});
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), Status::Code::kIOError);
  EXPECT_NE(p.status().message().find("closed"), std::string::npos);

  p = ReadBack({5, 0, 0, 0, 'a', 'b'});
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), Status::Code::kIOError);
  EXPECT_NE(p.status().message().find("5-byte payload is incomplete"), std::string::npos)
      << p.status().message();

  // Cut in the middle of a split packet's continuation header.
  std::vector<uint8_t> wire = Frame(Pattern(kMaxChunk + 10));
  wire.resize(4 + kMaxChunk + 2);
  p = ReadBack(wire);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("continuation packet 1"), std::string::npos)
      << p.status().message();
}

TEST(ProtocolPacketCodec, HostileLengthIsRejectedBeforeAllocating) {
  // A 16 MiB - 1 header with a 1 KiB limit: refused from the header alone.
  Result<std::vector<uint8_t>> p = ReadBack({0xFF, 0xFF, 0xFF, 0}, 1024);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), Status::Code::kCorruption);
  EXPECT_NE(p.status().message().find("max_allowed_packet 1024"), std::string::npos)
      << p.status().message();

  // Continuations that add up past the limit: refused at the header that crosses it.
  std::vector<uint8_t> wire = Frame(Pattern(2 * kMaxChunk + 5));
  p = ReadBack(wire, kMaxChunk + 100);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), Status::Code::kCorruption);
  EXPECT_NE(p.status().message().find(std::to_string(2 * kMaxChunk)), std::string::npos)
      << p.status().message();
}

TEST(ProtocolPacketCodec, WritingMoreThanMaxPacketIsRefused) {
  PacketCodec codec(std::make_unique<MemoryConnection>(), 16);
  Status s = codec.WritePacket(Pattern(17));
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
}

TEST(ProtocolPacketCodec, WritePacketWithSequenceLeavesTheCounterAlone) {
  auto mem = std::make_unique<MemoryConnection>();
  MemoryConnection* raw = mem.get();
  PacketCodec codec(std::move(mem));
  codec.set_sequence(4);
  ASSERT_TRUE(codec.WritePacketWithSequence(AsBytes("ack"), 0).ok());
  EXPECT_EQ(codec.sequence(), 4);
  EXPECT_EQ(raw->written(), (std::vector<uint8_t>{3, 0, 0, 0, 'a', 'c', 'k'}));
}

TEST(ProtocolPacketCodec, WithoutReadAheadNothingPastThePacketIsConsumed) {
  auto mem = std::make_unique<MemoryConnection>(
      std::vector<uint8_t>{1, 0, 0, 0, 'a', 0x16, 0x03, 0x01});  // then a TLS hello
  MemoryConnection* raw = mem.get();
  PacketCodec codec(std::move(mem));
  codec.set_read_ahead(false);
  ASSERT_TRUE(codec.ReadPacket().ok());
  EXPECT_EQ(raw->unread(), 3u);
  EXPECT_NE(codec.ReleaseConnection(), nullptr);
}

TEST(ProtocolPacketCodec, ReleaseRefusesWhileReadAheadBytesArePending) {
  PacketCodec codec(
      std::make_unique<MemoryConnection>(std::vector<uint8_t>{1, 0, 0, 0, 'a', 1, 0, 0, 1, 'b'}));
  ASSERT_TRUE(codec.ReadPacket().ok());
  EXPECT_EQ(codec.ReleaseConnection(), nullptr);
}

TEST(ProtocolPacketCodec, ManySmallPacketsThroughOneByteReads) {
  std::vector<uint8_t> wire;
  for (int i = 0; i < 300; ++i) {
    const std::vector<uint8_t> one = Frame(Pattern(size_t(i % 7)), uint8_t(i));
    wire.insert(wire.end(), one.begin(), one.end());
  }
  PacketCodec codec(std::make_unique<MemoryConnection>(wire, 1));
  for (int i = 0; i < 300; ++i) {
    Result<Bytes> p = codec.ReadPacket();
    ASSERT_TRUE(p.ok()) << i << ": " << p.status().ToString();
    EXPECT_EQ(p->size(), size_t(i % 7));
  }
}

}  // namespace
}  // namespace sidecar::protocol
