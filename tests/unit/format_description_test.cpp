#include "binlog/format_description.h"

#include <gtest/gtest.h>

#include "binlog/crc32.h"
#include "binlog/event_type.h"
#include "support/fixture_events.h"

namespace sidecar::binlog {
namespace {

using testing::FirstFixtureEvent;

FormatDescription FdeOf(const std::string& fixture) {
  const auto event = FirstFixtureEvent(fixture, EventType::kFormatDescription);
  auto fde = FormatDescription::Parse(event.bytes);
  EXPECT_TRUE(fde.ok()) << fde.status().ToString();
  return fde.ok() ? *fde : FormatDescription();
}

TEST(FormatDescriptionTest, MariadbWithCrc32) {
  const auto fde = FdeOf("binlogs/blackbeam_rust_mysql_common/mariadb-bin.000001");
  EXPECT_EQ(fde.server_version, "10.5.15-MariaDB-1:10.5.15+maria~focal-log");
  EXPECT_EQ(fde.flavor, Flavor::kMariadb);
  EXPECT_EQ(fde.checksum, ChecksumAlgorithm::kCrc32);
  EXPECT_TRUE(fde.fde_has_checksum);
  EXPECT_TRUE(fde.EventsHaveChecksum());
  EXPECT_EQ(fde.PostHeaderLength(uint8_t(EventType::kQuery)), 13);
  EXPECT_EQ(fde.PostHeaderLength(uint8_t(EventType::kRotate)), 8);
  EXPECT_EQ(fde.PostHeaderLength(uint8_t(EventType::kMariadbGtid)), 19);
  EXPECT_EQ(fde.PostHeaderLength(0), 0);
  EXPECT_EQ(fde.PostHeaderLength(250), 0);
}

TEST(FormatDescriptionTest, Mysql8) {
  const auto fde = FdeOf("binlogs/blackbeam_rust_mysql_common/mysql-enum-string-set.000001");
  EXPECT_EQ(fde.server_version, "8.0.28");
  EXPECT_EQ(fde.flavor, Flavor::kMysql);
  EXPECT_EQ(fde.checksum, ChecksumAlgorithm::kCrc32);
  EXPECT_EQ(fde.binlog_version, 4);
  EXPECT_EQ(fde.common_header_length, 19);
}

TEST(FormatDescriptionTest, BeforeChecksumsTheFdeHasNoCrc) {
  const auto fde = FdeOf("binlogs/blackbeam_rust_mysql_common/ver_5_1_23.001");
  EXPECT_EQ(fde.server_version, "5.1.23-rc-debug-log");
  EXPECT_FALSE(fde.fde_has_checksum);
  EXPECT_EQ(fde.checksum, ChecksumAlgorithm::kUndefined);
  EXPECT_FALSE(fde.EventsHaveChecksum());
}

TEST(FormatDescriptionTest, ChecksumOffStillEndsTheFdeInACrc) {
  const auto fde = FdeOf("binlogs/shyiko_mysql-binlog-connector-java/mysql-bin.checksum-none");
  EXPECT_EQ(fde.checksum, ChecksumAlgorithm::kOff);
  EXPECT_TRUE(fde.fde_has_checksum);
  EXPECT_FALSE(fde.EventsHaveChecksum());
}

TEST(FormatDescriptionTest, InUseFlagIsClearedForTheFdeCrc) {
  // This 8.0.28 file was copied while open: its FDE has the in-use flag set,
  // but the CRC was computed with it clear.
  const auto event =
      FirstFixtureEvent("binlogs/blackbeam_rust_mysql_common/mysql-enum-string-set.000001",
                        EventType::kFormatDescription);
  ASSERT_TRUE(event.view().header.flags & kFlagBinlogInUse);
  EXPECT_EQ(ExpectedEventCrc(event.bytes), StoredEventCrc(event.bytes));
  const Bytes covered = Bytes(event.bytes).first(event.bytes.size() - kChecksumSize);
  EXPECT_NE(Crc32(covered), StoredEventCrc(event.bytes)) << "a naive CRC must not match";
}

TEST(FormatDescriptionTest, ChecksumAwareVersions) {
  EXPECT_FALSE(VersionHasChecksumAwareFde("5.6.0"));
  EXPECT_TRUE(VersionHasChecksumAwareFde("5.6.1"));
  EXPECT_TRUE(VersionHasChecksumAwareFde("5.6.4-m7-debug-log"));
  EXPECT_TRUE(VersionHasChecksumAwareFde("8.0.36"));
  EXPECT_TRUE(VersionHasChecksumAwareFde("9.0.1"));
  EXPECT_FALSE(VersionHasChecksumAwareFde("5.5.30-log"));
  EXPECT_FALSE(VersionHasChecksumAwareFde("5.2.9-MariaDB"));
  EXPECT_TRUE(VersionHasChecksumAwareFde("5.3.0-MariaDB"));
  EXPECT_TRUE(VersionHasChecksumAwareFde("5.5.68-MariaDB"));
  EXPECT_TRUE(VersionHasChecksumAwareFde("10.11.19-MariaDB-log"));
  EXPECT_FALSE(VersionHasChecksumAwareFde(""));
}

TEST(FormatDescriptionTest, MalformedFdesAreClearErrors) {
  auto event = FirstFixtureEvent("binlogs/blackbeam_rust_mysql_common/mariadb-bin.000001",
                                 EventType::kFormatDescription);
  // Truncated below the fixed part.
  std::vector<uint8_t> truncated(event.bytes.begin(), event.bytes.begin() + 40);
  auto parsed = FormatDescription::Parse(truncated);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("shorter than its"), std::string::npos);

  std::vector<uint8_t> version3 = event.bytes;
  version3[19] = 3;
  parsed = FormatDescription::Parse(version3);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), Status::Code::kUnsupported);

  std::vector<uint8_t> bad_algorithm = event.bytes;
  bad_algorithm[bad_algorithm.size() - 5] = 7;
  parsed = FormatDescription::Parse(bad_algorithm);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("unknown checksum algorithm 7"), std::string::npos);

  std::vector<uint8_t> not_fde = event.bytes;
  not_fde[4] = uint8_t(EventType::kQuery);
  EXPECT_FALSE(FormatDescription::Parse(not_fde).ok());
}

}  // namespace
}  // namespace sidecar::binlog
