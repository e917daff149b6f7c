#include "binlog/gtid_uuid.h"

#include <gtest/gtest.h>

#include <array>

namespace sidecar::binlog {
namespace {

constexpr Uuid::Array kSampleBytes = {0x3e, 0x11, 0xfa, 0x47, 0x71, 0xca, 0x11, 0xe1,
                                      0x9e, 0x33, 0xc8, 0x0a, 0xa9, 0x42, 0x95, 0x62};

TEST(UuidTest, ParsesCanonicalFormToBytes) {
  auto uuid = Uuid::Parse("3e11fa47-71ca-11e1-9e33-c80aa9429562");
  ASSERT_TRUE(uuid.ok()) << uuid.status().ToString();
  EXPECT_EQ(uuid->bytes(), kSampleBytes);
}

TEST(UuidTest, ParsesUpperCaseUndashedAndBracedForms) {
  for (const char* text :
       {"3E11FA47-71CA-11E1-9E33-C80AA9429562", "3e11fa4771ca11e19e33c80aa9429562",
        "{3e11fa47-71ca-11e1-9e33-c80aa9429562}"}) {
    auto uuid = Uuid::Parse(text);
    ASSERT_TRUE(uuid.ok()) << text;
    EXPECT_EQ(uuid->bytes(), kSampleBytes) << text;
  }
}

TEST(UuidTest, PrintsCanonicalLowerCase) {
  EXPECT_EQ(Uuid(kSampleBytes).ToString(), "3e11fa47-71ca-11e1-9e33-c80aa9429562");
  EXPECT_EQ(Uuid().ToString(), "00000000-0000-0000-0000-000000000000");
  EXPECT_TRUE(Uuid().IsNil());
  EXPECT_FALSE(Uuid(kSampleBytes).IsNil());
}

TEST(UuidTest, RoundTripsThroughText) {
  const Uuid original(kSampleBytes);
  auto parsed = Uuid::Parse(original.ToString());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, original);
}

TEST(UuidTest, FromBytesCopiesSixteenBytes) {
  EXPECT_EQ(Uuid::FromBytes(kSampleBytes), Uuid(kSampleBytes));
}

TEST(UuidTest, RejectsMalformedText) {
  for (const char* text :
       {"", "3e11fa47", "3e11fa47-71ca-11e1-9e33-c80aa942956",
        "3e11fa47-71ca-11e1-9e33-c80aa94295622", "3e11fa4771ca-11e1-9e33-c80aa9429562-",
        "3e11fa47-71ca-11e1-9e33-c80aa942956g", "3e11fa47_71ca_11e1_9e33_c80aa9429562",
        "(3e11fa47-71ca-11e1-9e33-c80aa9429562)", "3e11fa47-71ca-11e1-9e33-c80aa9429562 "}) {
    auto uuid = Uuid::Parse(text);
    ASSERT_FALSE(uuid.ok()) << text;
    EXPECT_EQ(uuid.status().code(), Status::Code::kInvalidArgument);
    EXPECT_NE(uuid.status().message().find("is not a UUID"), std::string::npos);
  }
}

TEST(UuidTest, OrdersByBytesLikeTheCanonicalText) {
  auto low = Uuid::Parse("3e11fa47-71ca-11e1-9e33-c80aa9429562");
  auto high = Uuid::Parse("4e11fa47-71ca-11e1-9e33-c80aa9429561");
  ASSERT_TRUE(low.ok() && high.ok());
  EXPECT_LT(*low, *high);
  EXPECT_LT(Uuid(), *low);
  EXPECT_EQ(*low, *low);
}

}  // namespace
}  // namespace sidecar::binlog
