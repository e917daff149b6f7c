#include "binlog/file_summary.h"

#include <gtest/gtest.h>

#include <random>

#include "binlog/event_type.h"
#include "binlog/mariadb_events.h"
#include "support/event_builder.h"
#include "support/fixture_files.h"

namespace sidecar::binlog {
namespace {

using testing::BinlogFileBuilder;
using testing::MariadbGtidBody;
using testing::QueryBody;
using testing::XidBody;

TEST(FileSummaryTest, DescribesARealMariadbFile) {
  // Facts from `mariadb-binlog`: 10.5.15, GTIDs 0-1-1 and 0-1-2 at 22:18:04
  // and 22:19:55 on 2022-04-20 (UTC), in-use flag set in the manifest's walk.
  const FileSummary s = SummarizeBinlogFile(
      testing::FixturePath("binlogs/blackbeam_rust_mysql_common/mariadb-bin.000001"));
  ASSERT_TRUE(s.ok()) << s.problem->message;
  EXPECT_EQ(s.server_version, "10.5.15-MariaDB-1:10.5.15+maria~focal-log");
  EXPECT_EQ(s.flavor, Flavor::kMariadb);
  EXPECT_EQ(s.checksum, ChecksumAlgorithm::kCrc32);
  EXPECT_FALSE(s.closed_cleanly);
  EXPECT_FALSE(s.relay_log);
  EXPECT_EQ(s.events, 13u);
  EXPECT_EQ(s.events_by_type.at(uint8_t(EventType::kMariadbGtid)), 2u);
  EXPECT_EQ(s.transactions, 2u);
  EXPECT_EQ(s.first_gtid, "0-1-1");
  EXPECT_EQ(s.last_gtid, "0-1-2");
  EXPECT_EQ(s.last_timestamp, 1650493195u);  // 2022-04-20 22:19:55 UTC
  EXPECT_EQ(s.size, 1074u);
}

TEST(FileSummaryTest, RelayLogIsRecognised) {
  const FileSummary s = SummarizeBinlogFile(
      testing::FixturePath("binlogs/flike_kingbus/flikedev1-c8pyy-relay-bin.000284"));
  ASSERT_TRUE(s.ok()) << s.problem->message;
  EXPECT_TRUE(s.relay_log);
  EXPECT_EQ(s.transactions, 11u);  // 11 GTIDs in the manifest's walk
}

TEST(FileSummaryTest, BinlogEndingInsideATransactionIsDamaged) {
  BinlogFileBuilder file(testing::kMariadbFdeFixture);
  file.Add({.type = EventType::kMariadbGtid, .body = MariadbGtidBody(1, 0, 0)});
  file.Add({.type = EventType::kQuery, .body = QueryBody("INSERT INTO t VALUES (1)")});
  file.Add({.type = EventType::kXid, .body = XidBody(1)});
  const uint64_t second = file.position();
  file.Add({.type = EventType::kMariadbGtid, .body = MariadbGtidBody(2, 0, 0)});
  file.Add({.type = EventType::kQuery, .body = QueryBody("INSERT INTO t VALUES (2)")});
  const FileSummary s = SummarizeBinlogFile(file.WriteTemp("open-trx"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.problem->offset, second);
  EXPECT_EQ(s.transactions, 1u);
  EXPECT_EQ(s.last_gtid, "0-1-1");
}

TEST(FileSummaryTest, EncryptedRemainderIsReportedNotMisread) {
  BinlogFileBuilder file(testing::kMariadbFdeFixture);
  const uint64_t at = file.position();
  file.Add({.type = EventType::kStartEncryption,
            .body = testing::BodyWriter().U8(1).U32(1).Str("123456789012").bytes()});
  file.bytes().insert(file.bytes().end(), 64, 0xAB);  // what encrypted events look like
  const FileSummary s = SummarizeBinlogFile(file.WriteTemp("encrypted"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.problem->offset, at);
  EXPECT_NE(s.problem->message.find("encrypted"), std::string::npos);
}

TEST(FileSummaryTest, UnreadableFileIsAProblemNotACrash) {
  const FileSummary s = SummarizeBinlogFile("/nonexistent/x.000001");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.problem->message.find("/nonexistent/x.000001"), std::string::npos);
}

// Random damage to real files: the walk always ends, reports a problem inside
// the file when it finds one, and a CRC-protected file never passes with a
// flipped byte past its FDE.
TEST(FileSummaryTest, RandomDamageNeverCrashesOrHangs) {
  const std::vector<std::string> fixtures = {
      "binlogs/blackbeam_rust_mysql_common/mariadb-bin.000001",
      "binlogs/mariadb-operator_mariadb-poc/domain_id_0/mariadb-repl-bin.000005",
      "binlogs/blackbeam_rust_mysql_common/mysql-enum-string-set.000001",
      "binlogs/blackbeam_rust_mysql_common/transaction_compression.000001",
      "binlogs/flike_kingbus/flikedev1-c8pyy-relay-bin.000284",
      "binlogs/blackbeam_rust_mysql_common/ver_5_1_23.001",
  };
  std::mt19937_64 rng(20261123);
  for (const std::string& fixture : fixtures) {
    const std::vector<uint8_t> original = testing::ReadFileBytes(testing::FixturePath(fixture));
    const bool crc_protected =
        SummarizeBinlogFile(testing::FixturePath(fixture)).checksum == ChecksumAlgorithm::kCrc32;
    const uint64_t fde_end = 4 + LoadLe32(original.data() + 4 + 9);
    for (int i = 0; i < 150; ++i) {
      BinlogFileBuilder file(testing::kMariadbFdeFixture);
      file.bytes() = original;
      std::vector<uint8_t>& bytes = file.bytes();
      size_t flipped = 0;
      switch (rng() % 3) {
        case 0:  // flip one byte
          flipped = rng() % bytes.size();
          bytes[flipped] ^= uint8_t(1 + rng() % 255);
          break;
        case 1:  // cut the file
          bytes.resize(rng() % bytes.size());
          break;
        default:  // overwrite 4 bytes with a random value (lengths, positions)
          flipped = rng() % (bytes.size() - 4);
          for (int k = 0; k < 4; ++k) bytes[flipped + k] = uint8_t(rng());
          break;
      }
      const FileSummary s = SummarizeBinlogFile(file.WriteTemp("damaged"));
      if (!s.ok()) {
        EXPECT_LE(s.problem->offset, bytes.size());
      }
      if (crc_protected && flipped >= fde_end && bytes != original) {
        EXPECT_FALSE(s.ok()) << fixture << ": damage at " << flipped << " went unnoticed";
      }
    }
  }
}

}  // namespace
}  // namespace sidecar::binlog
