// ScanStoredFile on files built event by event: every byte before the
// checkpoint must be sound (damage otherwise); past it, the whole
// transactions whose events carry a matching CRC32 are kept, and what follows
// them is the unsynced tail, not damage.
#include "store/stored_file_scan.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fault_injection_env.h"
#include "support/event_builder.h"

namespace sidecar::store {
namespace {

using binlog::EventType;
using sidecar::testing::BinlogFileBuilder;
using sidecar::testing::QueryBody;
using sidecar::testing::XidBody;

constexpr const char* kPath = "/f/mysql-bin.000001";
constexpr const char* kChecksumNoneFixture =
    "binlogs/shyiko_mysql-binlog-connector-java/mysql-bin.checksum-none";

// A file of BEGIN / INSERT / XID transactions after its FORMAT_DESCRIPTION.
struct BuiltFile {
  std::vector<uint8_t> bytes;
  std::vector<uint64_t> ends;  // ends[0]: after the FDE; ends[i]: after transaction i
  std::vector<uint64_t> xids;  // offset of transaction i's XID event (1-based like ends)
};

BuiltFile Build(const char* fde_fixture, bool checksum, int transactions) {
  BinlogFileBuilder builder(fde_fixture);
  BuiltFile file;
  file.ends.push_back(builder.position());
  file.xids.push_back(0);
  for (int i = 1; i <= transactions; ++i) {
    builder.Add({.type = EventType::kQuery, .body = QueryBody("BEGIN"), .checksum = checksum});
    builder.Add({.type = EventType::kQuery,
                 .body = QueryBody("INSERT INTO t VALUES (1)"),
                 .checksum = checksum});
    file.xids.push_back(builder.position());
    builder.Add({.type = EventType::kXid, .body = XidBody(uint64_t(i)), .checksum = checksum});
    file.ends.push_back(builder.position());
  }
  file.bytes = builder.bytes();
  return file;
}

class StoredFileScanTest : public ::testing::Test {
 protected:
  StoredFileScanTest() { EXPECT_TRUE(env_.CreateDir("/f").ok()); }

  // Stores `bytes` as the file and scans all of it with the checkpoint at `checkpoint`.
  StoredFileScan Scan(const std::vector<uint8_t>& bytes, uint64_t checkpoint) {
    auto out = env_.OpenWritable(kPath);
    EXPECT_TRUE(out.ok());
    EXPECT_TRUE((*out)->Truncate(0).ok());
    EXPECT_TRUE((*out)->Append(bytes).ok());
    auto scan =
        ScanStoredFile(env_, kPath, "mysql-bin.000001", checkpoint, bytes.size(), StreamState());
    EXPECT_TRUE(scan.ok()) << scan.status().ToString();
    return scan.ok() ? std::move(scan).value() : StoredFileScan();
  }

  FaultInjectionEnv env_;
};

TEST_F(StoredFileScanTest, KeepsEveryWholeCheckedTransactionPastTheCheckpoint) {
  const BuiltFile file = Build(sidecar::testing::kMysql8FdeFixture, true, 3);
  const StoredFileScan scan = Scan(file.bytes, file.ends[1]);
  EXPECT_TRUE(scan.damage.ok()) << scan.damage.ToString();
  EXPECT_EQ(scan.boundary, file.ends[3]);
  EXPECT_EQ(scan.tail, "");
  EXPECT_TRUE(scan.stream.at_boundary());
}

TEST_F(StoredFileScanTest, AnEventFailingItsCrcPastTheCheckpointEndsTheKeptPart) {
  BuiltFile file = Build(sidecar::testing::kMysql8FdeFixture, true, 3);
  file.bytes[file.xids[3] + binlog::kEventHeaderSize] ^= 0x01;
  const StoredFileScan scan = Scan(file.bytes, file.ends[1]);
  EXPECT_TRUE(scan.damage.ok()) << scan.damage.ToString();
  EXPECT_EQ(scan.boundary, file.ends[2]);
  EXPECT_EQ(scan.tail, "XID event fails its CRC32 check");
}

TEST_F(StoredFileScanTest, ATransactionCutShortPastTheCheckpointIsTheTail) {
  const BuiltFile file = Build(sidecar::testing::kMysql8FdeFixture, true, 3);
  // Transaction 3 without its XID: whole events, an unfinished transaction.
  std::vector<uint8_t> cut(file.bytes.begin(), file.bytes.begin() + long(file.xids[3]));
  StoredFileScan scan = Scan(cut, file.ends[1]);
  EXPECT_TRUE(scan.damage.ok()) << scan.damage.ToString();
  EXPECT_EQ(scan.boundary, file.ends[2]);
  EXPECT_EQ(scan.tail, "an unfinished transaction");
  // And with half its XID: a torn event.
  cut.insert(cut.end(), file.bytes.begin() + long(file.xids[3]),
             file.bytes.begin() + long(file.xids[3]) + 25);
  scan = Scan(cut, file.ends[1]);
  EXPECT_TRUE(scan.damage.ok()) << scan.damage.ToString();
  EXPECT_EQ(scan.boundary, file.ends[2]);
  EXPECT_NE(scan.tail.find("XID event of"), std::string::npos) << scan.tail;
}

TEST_F(StoredFileScanTest, KeepsNothingPastTheCheckpointWithoutChecksums) {
  const BuiltFile file = Build(kChecksumNoneFixture, false, 3);
  const StoredFileScan scan = Scan(file.bytes, file.ends[1]);
  ASSERT_TRUE(scan.format);
  ASSERT_FALSE(scan.format->EventsHaveChecksum()) << "the fixture must be a checksum-NONE file";
  EXPECT_TRUE(scan.damage.ok()) << scan.damage.ToString();
  EXPECT_EQ(scan.boundary, file.ends[1]);
  EXPECT_EQ(scan.tail, "QUERY event has no CRC32 to verify it by");
}

TEST_F(StoredFileScanTest, ABadEventBeforeTheCheckpointIsDamage) {
  BuiltFile file = Build(sidecar::testing::kMysql8FdeFixture, true, 3);
  file.bytes[file.xids[1] + binlog::kEventHeaderSize] ^= 0x01;
  const StoredFileScan scan = Scan(file.bytes, file.ends[2]);
  EXPECT_EQ(scan.damage.code(), Status::Code::kCorruption);
  EXPECT_EQ(scan.damage.message(), "mysql-bin.000001 is damaged at offset " +
                                       std::to_string(file.xids[1]) +
                                       ": XID event fails its CRC32 check");
  EXPECT_EQ(scan.boundary, file.ends[0]);
}

TEST_F(StoredFileScanTest, ACheckpointInsideATransactionIsDamage) {
  const BuiltFile file = Build(sidecar::testing::kMysql8FdeFixture, true, 3);
  const StoredFileScan scan = Scan(file.bytes, file.xids[2]);
  EXPECT_EQ(scan.damage.code(), Status::Code::kCorruption);
  EXPECT_EQ(scan.damage.message(), "mysql-bin.000001 is damaged at offset " +
                                       std::to_string(file.ends[1]) + ": the checkpoint at " +
                                       std::to_string(file.xids[2]) +
                                       " falls inside the transaction that starts here");
  EXPECT_EQ(scan.boundary, file.ends[1]);
}

}  // namespace
}  // namespace sidecar::store
