#include "fault_injection_env.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

namespace sidecar::store {
namespace {

Bytes AsBytes(const std::string& s) {
  return Bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

std::string Pattern(size_t n, char seed) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = char(seed + i % 23);
  return s;
}

class FaultInjectionEnvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(env_.CreateDir("/data").ok());
    ASSERT_TRUE(env_.SyncDir("/").ok());
  }

  // The whole file, read through the Env; "<missing>" when it does not exist.
  std::string Contents(const std::string& path) {
    auto file = env_.OpenRandomAccess(path);
    if (!file.ok()) return "<missing>";
    auto size = (*file)->Size();
    EXPECT_TRUE(size.ok());
    std::string out(*size, '\0');
    auto read = (*file)->Read(0, std::span(reinterpret_cast<uint8_t*>(out.data()), out.size()));
    EXPECT_TRUE(read.ok());
    return out;
  }

  // Creates `path` holding `synced` (fsync'd, directory synced) then `unsynced`.
  void Write(const std::string& path, const std::string& synced, const std::string& unsynced) {
    auto file = env_.OpenWritable(path);
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    ASSERT_TRUE((*file)->Append(AsBytes(synced)).ok());
    ASSERT_TRUE((*file)->Sync().ok());
    ASSERT_TRUE(env_.SyncDir("/data").ok());
    ASSERT_TRUE((*file)->Append(AsBytes(unsynced)).ok());
    ASSERT_TRUE((*file)->Close().ok());
  }

  FaultInjectionEnv env_;
  Rng rng_{20240601};
};

TEST_F(FaultInjectionEnvTest, BehavesAsAFilesystem) {
  auto file = env_.OpenWritable("/data/a");
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Append(AsBytes("hello ")).ok());
  ASSERT_TRUE((*file)->Append(AsBytes("world")).ok());
  EXPECT_EQ((*file)->Size(), 11u);
  EXPECT_EQ(Contents("/data/a"), "hello world");
  ASSERT_TRUE((*file)->Truncate(5).ok());
  ASSERT_TRUE((*file)->Append(AsBytes("!")).ok());
  EXPECT_EQ(Contents("/data/a"), "hello!");
  EXPECT_EQ((*file)->Truncate(99).code(), Status::Code::kInvalidArgument);
  ASSERT_TRUE((*file)->Close().ok());
  EXPECT_FALSE((*file)->Append(AsBytes("x")).ok());

  auto reopened = env_.OpenWritable("/data/a");
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->Size(), 6u);

  ASSERT_TRUE(env_.CreateDir("/data/sub").ok());
  ASSERT_TRUE(env_.CreateDir("/data/sub").ok());
  EXPECT_FALSE(env_.CreateDir("/data/a").ok());
  ASSERT_TRUE(env_.Rename("/data/a", "/data/b").ok());
  EXPECT_EQ(*env_.ListDir("/data"), (std::vector<std::string>{"b", "sub"}));
  EXPECT_EQ(*env_.FileSize("/data/b"), 6u);
  EXPECT_TRUE(*env_.FileExists("/data/sub"));
  EXPECT_FALSE(*env_.FileExists("/data/a"));
  ASSERT_TRUE(env_.RemoveFile("/data/b").ok());
  EXPECT_EQ(env_.RemoveFile("/data/b").code(), Status::Code::kNotFound);
  EXPECT_EQ(env_.OpenRandomAccess("/data/b").status().code(), Status::Code::kNotFound);
  EXPECT_EQ(env_.RemoveFile("/data/sub").code(), Status::Code::kIOError);
}

TEST_F(FaultInjectionEnvTest, RefusesBadPaths) {
  EXPECT_EQ(env_.OpenWritable("data/a").status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(env_.OpenWritable("/data//a").status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(env_.OpenWritable("/data/../a").status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(env_.OpenWritable("/data/").status().code(), Status::Code::kInvalidArgument);
  const Status missing_parent = env_.OpenWritable("/nowhere/a").status();
  EXPECT_EQ(missing_parent.code(), Status::Code::kNotFound);
  EXPECT_NE(missing_parent.message().find("/nowhere/a"), std::string::npos);
}

TEST_F(FaultInjectionEnvTest, PowerLossDropsUnsyncedBytes) {
  Write("/data/f", "durable", "-lost");
  EXPECT_EQ(Contents("/data/f"), "durable-lost");
  env_.SimulatePowerLoss(rng_, PowerLossMode::kDropUnsynced);
  EXPECT_EQ(Contents("/data/f"), "durable");
}

TEST_F(FaultInjectionEnvTest, UnsyncedTruncationIsUndoneByPowerLoss) {
  Write("/data/f", "0123456789", "");
  auto file = env_.OpenWritable("/data/f");
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Truncate(4).ok());
  ASSERT_TRUE((*file)->Append(AsBytes("xy")).ok());
  env_.SimulatePowerLoss(rng_, PowerLossMode::kDropUnsynced);
  EXPECT_EQ(Contents("/data/f"), "0123456789");
}

TEST_F(FaultInjectionEnvTest, SyncAfterTruncationMakesTheNewContentDurable) {
  Write("/data/f", "0123456789", "");
  auto file = env_.OpenWritable("/data/f");
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Truncate(4).ok());
  ASSERT_TRUE((*file)->Append(AsBytes("xy")).ok());
  ASSERT_TRUE((*file)->Sync().ok());
  env_.SimulatePowerLoss(rng_, PowerLossMode::kDropUnsynced);
  EXPECT_EQ(Contents("/data/f"), "0123xy");
}

TEST_F(FaultInjectionEnvTest, TruncateFileIsDurable) {
  Write("/data/f", "0123456789", "abc");
  ASSERT_TRUE(env_.TruncateFile("/data/f", 7).ok());
  EXPECT_EQ(env_.TruncateFile("/data/f", 8).code(), Status::Code::kInvalidArgument);
  env_.SimulatePowerLoss(rng_, PowerLossMode::kDropUnsynced);
  EXPECT_EQ(Contents("/data/f"), "0123456");
}

TEST_F(FaultInjectionEnvTest, TearKeepsARandomPrefixOfTheUnsyncedTail) {
  const std::string synced = Pattern(100, 'a');
  const std::string unsynced = Pattern(10000, 'A');
  bool saw_none = false, saw_all = false, saw_part = false;
  for (int i = 0; i < 200; ++i) {
    Write("/data/f", synced, unsynced);
    env_.SimulatePowerLoss(rng_, PowerLossMode::kTearUnsynced);
    const std::string after = Contents("/data/f");
    ASSERT_GE(after.size(), synced.size());
    ASSERT_EQ(after, (synced + unsynced).substr(0, after.size()));
    saw_none |= after.size() == synced.size();
    saw_all |= after.size() == synced.size() + unsynced.size();
    saw_part |= after.size() > synced.size() && after.size() < synced.size() + unsynced.size();
    ASSERT_TRUE(env_.RemoveFile("/data/f").ok());
  }
  EXPECT_TRUE(saw_none);
  EXPECT_TRUE(saw_all);
  EXPECT_TRUE(saw_part);
}

TEST_F(FaultInjectionEnvTest, GarbageOnlyInTheLastTornPageNeverInDurableBytes) {
  const std::string synced = Pattern(5000, 'a');
  const std::string unsynced = Pattern(20000, 'A');
  const std::string all = synced + unsynced;
  bool saw_garbage = false;
  for (int i = 0; i < 200; ++i) {
    Write("/data/f", synced, unsynced);
    env_.SimulatePowerLoss(rng_, PowerLossMode::kTearWithGarbage);
    const std::string after = Contents("/data/f");
    ASSERT_GE(after.size(), synced.size());
    ASSERT_LE(after.size(), all.size());
    ASSERT_EQ(after.substr(0, synced.size()), synced);
    const size_t last_page = std::max(synced.size(), (after.size() - 1) / 4096 * 4096);
    ASSERT_EQ(after.substr(0, last_page), all.substr(0, last_page));
    saw_garbage |= after != all.substr(0, after.size());
    ASSERT_TRUE(env_.RemoveFile("/data/f").ok());
  }
  EXPECT_TRUE(saw_garbage);
}

TEST_F(FaultInjectionEnvTest, FileCreatedWithoutDirectorySyncDisappears) {
  auto file = env_.OpenWritable("/data/new");
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Append(AsBytes("synced but unnamed")).ok());
  ASSERT_TRUE((*file)->Sync().ok());
  env_.SimulatePowerLoss(rng_, PowerLossMode::kDropUnsynced);
  EXPECT_FALSE(*env_.FileExists("/data/new"));
  EXPECT_TRUE(env_.ListDir("/data")->empty());
}

TEST_F(FaultInjectionEnvTest, RemovedFileComesBackUntilDirectorySync) {
  Write("/data/old", "kept", "");
  ASSERT_TRUE(env_.RemoveFile("/data/old").ok());
  env_.SimulatePowerLoss(rng_, PowerLossMode::kDropUnsynced);
  EXPECT_EQ(Contents("/data/old"), "kept");

  ASSERT_TRUE(env_.RemoveFile("/data/old").ok());
  ASSERT_TRUE(env_.SyncDir("/data").ok());
  env_.SimulatePowerLoss(rng_, PowerLossMode::kDropUnsynced);
  EXPECT_FALSE(*env_.FileExists("/data/old"));
}

TEST_F(FaultInjectionEnvTest, RenameRevertsUntilDirectorySync) {
  Write("/data/index.tmp", "new index", "");
  Write("/data/index", "old index", "");
  ASSERT_TRUE(env_.Rename("/data/index.tmp", "/data/index").ok());
  EXPECT_EQ(Contents("/data/index"), "new index");
  env_.SimulatePowerLoss(rng_, PowerLossMode::kDropUnsynced);
  EXPECT_EQ(Contents("/data/index"), "old index");
  EXPECT_EQ(Contents("/data/index.tmp"), "new index");

  ASSERT_TRUE(env_.Rename("/data/index.tmp", "/data/index").ok());
  ASSERT_TRUE(env_.SyncDir("/data").ok());
  env_.SimulatePowerLoss(rng_, PowerLossMode::kDropUnsynced);
  EXPECT_EQ(Contents("/data/index"), "new index");
  EXPECT_FALSE(*env_.FileExists("/data/index.tmp"));
}

TEST_F(FaultInjectionEnvTest, NewDirectoryNeedsItsParentSynced) {
  ASSERT_TRUE(env_.CreateDir("/data/binlog").ok());
  Write("/data/binlog/f", "x", "");  // syncs /data, which makes binlog/ durable
  ASSERT_TRUE(env_.SyncDir("/data/binlog").ok());
  ASSERT_TRUE(env_.CreateDir("/data/other").ok());
  auto file = env_.OpenWritable("/data/other/g");
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Sync().ok());
  ASSERT_TRUE(env_.SyncDir("/data/other").ok());  // but /data is not synced again
  env_.SimulatePowerLoss(rng_, PowerLossMode::kDropUnsynced);
  EXPECT_EQ(Contents("/data/binlog/f"), "x");
  EXPECT_FALSE(*env_.FileExists("/data/other"));
  EXPECT_EQ(*env_.ListDir("/data"), (std::vector<std::string>{"binlog"}));
}

TEST_F(FaultInjectionEnvTest, HandlesDieWithThePowerLoss) {
  auto writer = env_.OpenWritable("/data/f");
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Sync().ok());
  ASSERT_TRUE(env_.SyncDir("/data").ok());
  auto reader = env_.OpenRandomAccess("/data/f");
  ASSERT_TRUE(reader.ok());
  env_.SimulatePowerLoss(rng_, PowerLossMode::kDropUnsynced);
  EXPECT_EQ((*writer)->Append(AsBytes("x")).code(), Status::Code::kIOError);
  EXPECT_EQ((*writer)->Sync().code(), Status::Code::kIOError);
  EXPECT_EQ((*reader)->Size().status().code(), Status::Code::kIOError);
  auto fresh = env_.OpenWritable("/data/f");
  ASSERT_TRUE(fresh.ok());
  EXPECT_TRUE((*fresh)->Append(AsBytes("x")).ok());
}

TEST_F(FaultInjectionEnvTest, InjectedWriteErrorsWriteHalfAndThenStop) {
  auto file = env_.OpenWritable("/data/f");
  ASSERT_TRUE(file.ok());
  env_.FailWrites(2, Status::NoSpace("disk full (injected)"));
  const Status first = (*file)->Append(AsBytes("abcd"));
  EXPECT_EQ(first.code(), Status::Code::kNoSpace);
  EXPECT_EQ(first.message(), "disk full (injected)");
  EXPECT_EQ((*file)->Size(), 2u);  // half of it reached the file
  EXPECT_EQ((*file)->Append(AsBytes("ef")).code(), Status::Code::kNoSpace);
  EXPECT_TRUE((*file)->Append(AsBytes("gh")).ok());
  EXPECT_EQ(Contents("/data/f"), "abegh");
}

TEST_F(FaultInjectionEnvTest, InjectedSyncErrorsMakeNothingDurable) {
  auto file = env_.OpenWritable("/data/f");
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Sync().ok());
  ASSERT_TRUE(env_.SyncDir("/data").ok());
  ASSERT_TRUE((*file)->Append(AsBytes("data")).ok());
  env_.FailSyncs(3, Status::IOError("EIO (injected)"));
  EXPECT_EQ((*file)->Sync().code(), Status::Code::kIOError);
  auto other = env_.OpenWritable("/data/g");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(env_.SyncDir("/data").code(), Status::Code::kIOError);
  EXPECT_EQ(env_.TruncateFile("/data/f", 2).code(), Status::Code::kIOError);
  env_.SimulatePowerLoss(rng_, PowerLossMode::kDropUnsynced);
  EXPECT_EQ(Contents("/data/f"), "");
  EXPECT_FALSE(*env_.FileExists("/data/g"));
}

TEST_F(FaultInjectionEnvTest, LockIsExclusiveAndDiesWithThePowerLoss) {
  auto lock = env_.LockFile("/data/LOCK");
  ASSERT_TRUE(lock.ok());
  const Status second = env_.LockFile("/data/LOCK").status();
  EXPECT_FALSE(second.ok());
  EXPECT_NE(second.message().find("data_dir /data is locked by another binlog-sidecar (pid "),
            std::string::npos)
      << second.message();
  EXPECT_EQ(Contents("/data/LOCK"), std::to_string(::getpid()) + "\n");
  lock->reset();
  auto again = env_.LockFile("/data/LOCK");
  ASSERT_TRUE(again.ok());
  env_.SimulatePowerLoss(rng_, PowerLossMode::kDropUnsynced);
  EXPECT_TRUE(env_.LockFile("/data/LOCK").ok());
}

}  // namespace
}  // namespace sidecar::store
