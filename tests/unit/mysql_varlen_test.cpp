#include "binlog/mysql_varlen.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

namespace sidecar::binlog {
namespace {

struct Sample {
  uint64_t value;
  std::vector<uint8_t> encoded;
};

// Encodings worked out by hand from the format description in
// libs/mysql/serialization/readme.md (65535 is its own example).
const std::vector<Sample> kSamples = {
    {0, {0x00}},
    {5, {0x0a}},
    {127, {0xfe}},
    {128, {0x01, 0x02}},
    {65535, {0xfb, 0xff, 0x07}},
    {(uint64_t{1} << 56) - 1, {0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
    {uint64_t{1} << 56, {0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01}},
    {std::numeric_limits<uint64_t>::max(), {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
};

TEST(MysqlVarlenTest, EncodesKnownValues) {
  for (const Sample& sample : kSamples) {
    std::vector<uint8_t> out;
    AppendVarlenUnsigned(sample.value, out);
    EXPECT_EQ(out, sample.encoded) << sample.value;
  }
}

TEST(MysqlVarlenTest, DecodesKnownValues) {
  for (const Sample& sample : kSamples) {
    ByteReader reader(sample.encoded);
    EXPECT_EQ(ReadVarlenUnsigned(reader), sample.value);
    EXPECT_TRUE(reader.ok());
    EXPECT_TRUE(reader.empty());
  }
}

TEST(MysqlVarlenTest, DecodesSignedValues) {
  // v >= 0 is stored as v << 1, v < 0 as ((-(v + 1)) << 1) | 1.
  const std::vector<std::pair<std::vector<uint8_t>, int64_t>> samples = {
      {{0x00}, 0}, {{0x04}, 1}, {{0x06}, -2}, {{0x02}, -1}, {{0x01, 0x04}, 128}};
  for (const auto& [encoded, value] : samples) {
    ByteReader reader(encoded);
    EXPECT_EQ(ReadVarlenSigned(reader), value);
    EXPECT_TRUE(reader.ok());
  }
}

TEST(MysqlVarlenTest, TruncatedIntegerFailsTheReader) {
  const std::vector<uint8_t> truncated = {0xfb, 0xff};  // announces 3 bytes, holds 2
  ByteReader reader(truncated);
  EXPECT_EQ(ReadVarlenUnsigned(reader), 0u);
  EXPECT_FALSE(reader.ok());

  ByteReader nothing(Bytes{});
  ReadVarlenUnsigned(nothing);
  EXPECT_FALSE(nothing.ok());
}

}  // namespace
}  // namespace sidecar::binlog
