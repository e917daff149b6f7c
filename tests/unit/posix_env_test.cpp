#include "store/posix_env.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "temp_dir.h"

namespace sidecar::store {
namespace {

Bytes AsBytes(const std::string& s) {
  return Bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

// The flags (FD_CLOEXEC...) of every descriptor of this process open on `path`.
std::vector<int> DescriptorFlags(const std::string& path) {
  std::vector<int> flags;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    const auto target = std::filesystem::read_symlink(entry.path(), ec);
    if (ec || target != path) continue;
    flags.push_back(::fcntl(std::stoi(entry.path().filename().string()), F_GETFD));
  }
  return flags;
}

class PosixEnvTest : public ::testing::Test {
 protected:
  std::unique_ptr<Env> env_ = NewPosixEnv();
  TempDir dir_;
};

TEST_F(PosixEnvTest, AppendSyncAndReadBack) {
  const std::string path = dir_.Join("mysql-bin.000001");
  auto file = env_->OpenWritable(path);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ((*file)->Size(), 0u);
  ASSERT_TRUE((*file)
                  ->Append(AsBytes("\xfe"
                                   "bin"))
                  .ok());
  ASSERT_TRUE((*file)->Append(AsBytes("event bytes")).ok());
  ASSERT_TRUE((*file)->Append(Bytes()).ok());
  EXPECT_EQ((*file)->Size(), 15u);
  ASSERT_TRUE((*file)->Sync().ok());

  auto reader = env_->OpenRandomAccess(path);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(*(*reader)->Size(), 15u);
  std::vector<uint8_t> buf(32);
  auto all = (*reader)->Read(0, buf);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(std::string(all->begin(), all->end()),
            "\xfe"
            "binevent bytes");
  auto middle = (*reader)->Read(4, std::span(buf).first(5));
  EXPECT_EQ(std::string(middle->begin(), middle->end()), "event");
  auto tail = (*reader)->Read(10, buf);  // short read at the end of the file
  EXPECT_EQ(std::string(tail->begin(), tail->end()), "bytes");
  EXPECT_TRUE((*reader)->Read(100, buf)->empty());

  // The reader sees later appends; the file's size follows them.
  ASSERT_TRUE((*file)->Append(AsBytes("!")).ok());
  EXPECT_EQ(*(*reader)->Size(), 16u);
  ASSERT_TRUE((*file)->Close().ok());
  EXPECT_EQ(Slurp(path),
            "\xfe"
            "binevent bytes!");
}

TEST_F(PosixEnvTest, ReopenAppendsAtTheEnd) {
  const std::string path = dir_.Join("f");
  {
    auto file = env_->OpenWritable(path);
    ASSERT_TRUE((*file)->Append(AsBytes("first")).ok());
  }  // closed by the destructor
  auto file = env_->OpenWritable(path);
  ASSERT_TRUE(file.ok());
  EXPECT_EQ((*file)->Size(), 5u);
  ASSERT_TRUE((*file)->Append(AsBytes("+second")).ok());
  EXPECT_EQ(Slurp(path), "first+second");
}

TEST_F(PosixEnvTest, TruncateThenAppendContinuesAtTheNewEnd) {
  const std::string path = dir_.Join("f");
  auto file = env_->OpenWritable(path);
  ASSERT_TRUE((*file)->Append(AsBytes("complete|partial")).ok());
  ASSERT_TRUE((*file)->Truncate(9).ok());
  EXPECT_EQ((*file)->Size(), 9u);
  ASSERT_TRUE((*file)->Append(AsBytes("next")).ok());
  ASSERT_TRUE((*file)->Sync().ok());
  EXPECT_EQ(Slurp(path), "complete|next");
  const Status too_long = (*file)->Truncate(100);
  EXPECT_EQ(too_long.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(too_long.message().find(path), std::string::npos);
}

TEST_F(PosixEnvTest, TruncateFileByName) {
  const std::string path = dir_.Join("f");
  ASSERT_TRUE((*env_->OpenWritable(path))->Append(AsBytes("0123456789")).ok());
  ASSERT_TRUE(env_->TruncateFile(path, 4).ok());
  EXPECT_EQ(Slurp(path), "0123");
  EXPECT_EQ(env_->TruncateFile(path, 5).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(env_->TruncateFile(dir_.Join("missing"), 0).code(), Status::Code::kNotFound);
}

TEST_F(PosixEnvTest, DirectoryOperations) {
  const std::string binlog = dir_.Join("binlog");
  ASSERT_TRUE(env_->CreateDir(binlog).ok());
  ASSERT_TRUE(env_->CreateDir(binlog).ok());  // already there: fine
  ASSERT_TRUE(env_->SyncDir(dir_.path()).ok());
  for (const char* name : {"b.000002", "a.index", "b.000001"}) {
    ASSERT_TRUE(env_->OpenWritable(binlog + "/" + name).ok());
  }
  ASSERT_TRUE(env_->SyncDir(binlog).ok());
  EXPECT_EQ(*env_->ListDir(binlog), (std::vector<std::string>{"a.index", "b.000001", "b.000002"}));
  EXPECT_TRUE(*env_->FileExists(binlog + "/a.index"));
  EXPECT_FALSE(*env_->FileExists(binlog + "/nope"));
  EXPECT_FALSE(*env_->FileExists(binlog + "/a.index/under-a-file"));

  ASSERT_TRUE((*env_->OpenWritable(binlog + "/a.index.tmp"))->Append(AsBytes("new")).ok());
  ASSERT_TRUE(env_->Rename(binlog + "/a.index.tmp", binlog + "/a.index").ok());
  EXPECT_EQ(Slurp(binlog + "/a.index"), "new");
  EXPECT_EQ(*env_->FileSize(binlog + "/a.index"), 3u);
  ASSERT_TRUE(env_->RemoveFile(binlog + "/b.000001").ok());
  EXPECT_EQ(*env_->ListDir(binlog), (std::vector<std::string>{"a.index", "b.000002"}));

  const Status file_in_the_way = env_->CreateDir(binlog + "/a.index");
  EXPECT_FALSE(file_in_the_way.ok());
  EXPECT_NE(file_in_the_way.message().find("a.index"), std::string::npos);
}

TEST_F(PosixEnvTest, ErrorsNameThePathAndTheReason) {
  const std::string missing = dir_.Join("missing");
  const Status open = env_->OpenRandomAccess(missing).status();
  EXPECT_EQ(open.code(), Status::Code::kNotFound);
  EXPECT_EQ(open.message(), "cannot open for reading " + missing + ": No such file or directory");
  EXPECT_EQ(env_->RemoveFile(missing).code(), Status::Code::kNotFound);
  EXPECT_EQ(env_->FileSize(missing).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(env_->ListDir(missing).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(env_->SyncDir(missing).code(), Status::Code::kNotFound);
  const Status rename = env_->Rename(missing, dir_.Join("x"));
  EXPECT_EQ(rename.code(), Status::Code::kNotFound);
  EXPECT_NE(rename.message().find(missing + " to " + dir_.Join("x")), std::string::npos);
  const Status under_file = env_->OpenWritable(dir_.Join("missing-dir/f")).status();
  EXPECT_EQ(under_file.code(), Status::Code::kNotFound);
}

TEST_F(PosixEnvTest, FullDiskIsNoSpace) {
  auto full = env_->OpenWritable("/dev/full");
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  const Status s = (*full)->Append(AsBytes("bytes"));
  EXPECT_EQ(s.code(), Status::Code::kNoSpace);
  EXPECT_EQ(s.message(), "cannot append to /dev/full: No space left on device");
}

TEST_F(PosixEnvTest, DescriptorsAreCloseOnExec) {
  const std::string path = dir_.Join("f");
  auto writer = env_->OpenWritable(path);
  auto reader = env_->OpenRandomAccess(path);
  auto lock = env_->LockFile(dir_.Join("LOCK"));
  ASSERT_TRUE(writer.ok() && reader.ok() && lock.ok());
  const std::vector<int> file_flags = DescriptorFlags(path);
  ASSERT_EQ(file_flags.size(), 2u);
  for (int flags : file_flags) EXPECT_TRUE(flags & FD_CLOEXEC);
  const std::vector<int> lock_flags = DescriptorFlags(dir_.Join("LOCK"));
  ASSERT_EQ(lock_flags.size(), 1u);
  EXPECT_TRUE(lock_flags[0] & FD_CLOEXEC);
  writer->reset();
  lock->reset();
  EXPECT_EQ(DescriptorFlags(path).size(), 1u);
  EXPECT_TRUE(DescriptorFlags(dir_.Join("LOCK")).empty());
}

TEST_F(PosixEnvTest, LockIsExclusiveWithinTheProcess) {
  const std::string path = dir_.Join("LOCK");
  auto lock = env_->LockFile(path);
  ASSERT_TRUE(lock.ok()) << lock.status().ToString();
  EXPECT_EQ(Slurp(path), std::to_string(::getpid()) + "\n");
  const Status second = env_->LockFile(path).status();
  EXPECT_EQ(second.message(), "data_dir " + dir_.path() +
                                  " is locked by another binlog-sidecar (pid " +
                                  std::to_string(::getpid()) + ")");
  lock->reset();
  EXPECT_TRUE(env_->LockFile(path).ok());
}

TEST_F(PosixEnvTest, LockHeldByAnotherProcessNamesItsPid) {
  const std::string path = dir_.Join("LOCK");
  int locked[2], release[2];
  ASSERT_EQ(::pipe(locked), 0);
  ASSERT_EQ(::pipe(release), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto lock = NewPosixEnv()->LockFile(path);
    const char ok = lock.ok() ? 'y' : 'n';
    char ignored;
    if (::write(locked[1], &ok, 1) == 1) (void)!::read(release[0], &ignored, 1);
    ::_exit(0);
  }
  char ok = 0;
  ASSERT_EQ(::read(locked[0], &ok, 1), 1);
  ASSERT_EQ(ok, 'y');
  const Status held = env_->LockFile(path).status();
  EXPECT_EQ(held.code(), Status::Code::kIOError);
  EXPECT_EQ(held.message(), "data_dir " + dir_.path() +
                                " is locked by another binlog-sidecar (pid " +
                                std::to_string(child) + ")");
  ASSERT_EQ(::write(release[1], "x", 1), 1);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  for (int fd : {locked[0], locked[1], release[0], release[1]}) ::close(fd);
  // The kernel released the lock when the child died.
  EXPECT_TRUE(env_->LockFile(path).ok());
}

}  // namespace
}  // namespace sidecar::store
