// RepairFileTail: a damaged range of a closed file replaced by the primary's bytes, atomically
// (after a crash at any step, power loss included, the file is the old one or the new one).
#include "store/file_repair.h"

#include <gtest/gtest.h>

#include <vector>

#include "crashing_env.h"
#include "fault_injection_env.h"
#include "support/event_builder.h"
#include "support/fixture_events.h"

namespace sidecar::store {
namespace {

using binlog::EventType;
using testing::BinlogFileBuilder;

constexpr char kDir[] = "/binlog";
constexpr char kName[] = "mariadb-bin.000001";

// A closed MariaDB file of a few transactions and the offset of its fifth event.
struct Original {
  std::vector<uint8_t> bytes;
  uint64_t damaged_event = 0;
};

Original MakeOriginal() {
  BinlogFileBuilder b(testing::kMariadbFdeFixture);
  Original o;
  for (uint64_t seq = 1; seq <= 4; ++seq) {
    if (seq == 2) o.damaged_event = b.position();
    b.Add({.type = EventType::kMariadbGtid, .body = testing::MariadbGtidBody(seq, 0, 0)});
    b.Add({.type = EventType::kQuery, .body = testing::QueryBody("INSERT INTO t VALUES (1)")});
    b.Add({.type = EventType::kXid, .body = testing::XidBody(seq)});
  }
  o.bytes = b.bytes();
  return o;
}

FileCatalogEntry Closed(uint64_t size) {
  FileCatalogEntry e;
  e.name = kName;
  e.seq = 1;
  e.size = size;
  e.state = FileState::kClosed;
  return e;
}

void WriteDurably(Env& env, const std::string& path, Bytes bytes) {
  auto file = env.OpenWritable(path);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  ASSERT_TRUE((*file)->Append(bytes).ok());
  ASSERT_TRUE((*file)->Sync().ok());
  ASSERT_TRUE((*file)->Close().ok());
  ASSERT_TRUE(env.SyncDir(kDir).ok());
}

std::vector<uint8_t> ReadAll(Env& env, const std::string& path) {
  auto file = env.OpenRandomAccess(path);
  if (!file.ok()) return {};
  auto size = (*file)->Size();
  std::vector<uint8_t> buffer(size.ok() ? *size : 0);
  auto read = (*file)->Read(0, buffer);
  return read.ok() ? std::vector<uint8_t>(read->begin(), read->end()) : std::vector<uint8_t>();
}

class FileRepairTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(env_.CreateDir(kDir).ok());
    damaged_ = original_.bytes;
    damaged_[original_.damaged_event + 25] ^= 0x40;
    WriteDurably(env_, path_, damaged_);
  }
  Bytes Tail() const { return Bytes(original_.bytes).subspan(original_.damaged_event); }

  FaultInjectionEnv env_;
  const std::string path_ = std::string(kDir) + "/" + kName;
  const Original original_ = MakeOriginal();
  std::vector<uint8_t> damaged_;
};

TEST_F(FileRepairTest, ReplacesTheDamagedRangeWithTheFetchedBytes) {
  Status s = RepairFileTail(env_, kDir, Closed(original_.bytes.size()), original_.damaged_event,
                            Tail());
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(ReadAll(env_, path_), original_.bytes);
  auto names = env_.ListDir(kDir);
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, std::vector<std::string>{kName}) << "no .repair file is left behind";
}

TEST_F(FileRepairTest, RefusesATailThatDoesNotEndAtTheFileSize) {
  Status s = RepairFileTail(env_, kDir, Closed(original_.bytes.size() + 1),
                            original_.damaged_event, Tail());
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(s.message().find(kName), std::string::npos) << s.message();
  EXPECT_EQ(ReadAll(env_, path_), damaged_);
}

TEST_F(FileRepairTest, ACrashAtAnyStepLeavesTheOldOrTheNewFile) {
  int crash_points = 0;
  Rng rng(20261123);
  for (uint64_t crash_at = 1;; ++crash_at) {
    for (bool done : {false, true}) {
      FaultInjectionEnv base;
      ASSERT_TRUE(base.CreateDir(kDir).ok());
      ASSERT_TRUE(base.SyncDir("/").ok());
      WriteDurably(base, path_, damaged_);
      CrashingEnv env(&base, crash_at, done);
      Status s = RepairFileTail(env, kDir, Closed(original_.bytes.size()),
                                original_.damaged_event, Tail());
      if (s.ok() && !env.crashed()) {
        ASSERT_GT(crash_points, 0);
        return;  // crash_at lies past the last operation: every step was covered
      }
      ++crash_points;
      base.SimulatePowerLoss(rng, PowerLossMode::kTearWithGarbage);
      const std::vector<uint8_t> after = ReadAll(base, path_);
      EXPECT_TRUE(after == damaged_ || after == original_.bytes)
          << "crash at operation " << crash_at << (done ? " (done)" : " (not done)")
          << " left a file of " << after.size() << " bytes that is neither";
    }
  }
}

}  // namespace
}  // namespace sidecar::store
