// Crc32 against zlib's crc32, the reference: every length around the folding thresholds, every
// alignment of the first byte, continuation from any CRC, and spans split anywhere.
#include "binlog/crc32.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <random>
#include <string_view>
#include <vector>

#include "binlog/crc32_clmul.h"

namespace sidecar::binlog {
namespace {

uint32_t ZlibCrc32(Bytes data, uint32_t crc) {
  return uint32_t(crc32(crc, data.data(), uInt(data.size())));
}

std::vector<uint8_t> RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> bytes(n);
  for (auto& b : bytes) b = uint8_t(rng());
  return bytes;
}

TEST(Crc32Test, CheckValueOfTheStandard) {
  constexpr std::string_view kCheck = "123456789";
  EXPECT_EQ(Crc32(Bytes(reinterpret_cast<const uint8_t*>(kCheck.data()), kCheck.size())),
            0xcbf43926u);
  EXPECT_EQ(Crc32(Bytes()), 0u);
}

TEST(Crc32Test, MatchesZlibForEveryLengthAlignmentAndStartingCrc) {
  const std::vector<uint8_t> bytes = RandomBytes(1024 + 64, 1);
  std::mt19937 rng(2);
  for (size_t length = 0; length <= 1024; ++length) {
    for (size_t offset = 0; offset < 16; ++offset) {
      const Bytes span(bytes.data() + offset, length);
      const uint32_t start = offset == 0 ? 0 : uint32_t(rng());
      ASSERT_EQ(Crc32(span, start), ZlibCrc32(span, start))
          << "length " << length << ", offset " << offset << ", start " << start;
    }
  }
}

TEST(Crc32Test, LargeSpansAndSpansSplitAnywhereGiveTheSameCrc) {
  const std::vector<uint8_t> bytes = RandomBytes(3 << 20, 3);
  const Bytes all(bytes);
  const uint32_t whole = Crc32(all);
  EXPECT_EQ(whole, ZlibCrc32(all, 0));
  std::mt19937 rng(4);
  for (int trial = 0; trial < 200; ++trial) {
    const size_t cut = rng() % (all.size() + 1);
    EXPECT_EQ(Crc32(all.subspan(cut), Crc32(all.first(cut))), whole) << "cut at " << cut;
  }
}

TEST(Crc32Test, FoldedBlocksStopAtTheLastWholeSixteenBytes) {
  if (!CpuHasCarrylessMultiply()) GTEST_SKIP() << "this CPU has no PCLMULQDQ";
  const std::vector<uint8_t> bytes = RandomBytes(200, 5);
  for (size_t length = kMinFoldedBytes; length <= bytes.size(); ++length) {
    const size_t folded = length - length % 16;
    ASSERT_EQ(Crc32FoldedBlocks(bytes.data(), length, 7), ZlibCrc32(Bytes(bytes).first(folded), 7))
        << "length " << length;
  }
}

}  // namespace
}  // namespace sidecar::binlog
