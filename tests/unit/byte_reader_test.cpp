#include "base/byte_reader.h"

#include <gtest/gtest.h>

#include <array>

namespace sidecar {
namespace {

TEST(ByteReaderTest, ReadsLittleEndianFixedWidths) {
  const std::array<uint8_t, 15> data{0x01, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12, 0x08,
                                     0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01};
  ByteReader r(data);
  EXPECT_EQ(r.U8(), 0x01);
  EXPECT_EQ(r.U16(), 0x1234);
  EXPECT_EQ(r.U32(), 0x12345678u);
  EXPECT_EQ(r.U64(), 0x0102030405060708ull);
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.empty());
}

TEST(ByteReaderTest, ReadPastEndFailsStickilyAndYieldsZero) {
  const std::array<uint8_t, 3> data{1, 2, 3};
  ByteReader r(data);
  EXPECT_EQ(r.U32(), 0u);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.U8(), 0u);  // still failed, even though bytes were left before
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(r.Take(1).empty());
}

TEST(ByteReaderTest, LengthEncodedIntegers) {
  const std::array<uint8_t, 1 + 3 + 4 + 9> data{0xFA,                    // 250
                                                0xFC, 0x34, 0x12,        // 0x1234
                                                0xFD, 0x56, 0x34, 0x12,  // 0x123456
                                                0xFE, 1,    0,    0,    0, 0, 0, 0, 1};
  ByteReader r(data);
  EXPECT_EQ(r.LengthEncoded(), 250u);
  EXPECT_EQ(r.LengthEncoded(), 0x1234u);
  EXPECT_EQ(r.LengthEncoded(), 0x123456u);
  EXPECT_EQ(r.LengthEncoded(), 0x0100000000000001ull);
  EXPECT_TRUE(r.ok());
}

TEST(ByteReaderTest, LengthEncodedNullAndErrorMarkersFail) {
  for (uint8_t marker : {uint8_t{0xFB}, uint8_t{0xFF}}) {
    const std::array<uint8_t, 1> data{marker};
    ByteReader r(data);
    r.LengthEncoded();
    EXPECT_FALSE(r.ok()) << int(marker);
  }
}

TEST(ByteReaderTest, TruncatedLengthEncodedFails) {
  const std::array<uint8_t, 2> data{0xFE, 1};
  ByteReader r(data);
  r.LengthEncoded();
  EXPECT_FALSE(r.ok());
}

}  // namespace
}  // namespace sidecar
