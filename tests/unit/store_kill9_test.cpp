// kill -9 on the real filesystem: a child process (store_append_child)
// appends a fixture-built stream to a store in a temp dir with PosixEnv,
// reporting each completed Sync's durable position on a pipe; the parent
// kills it with SIGKILL at a random moment, reopens the store (recovery) and
// checks it against the primary's bytes (ExpectRecoveredStore), then starts
// the next child on the same data dir, which resumes from the checkpoint.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <optional>
#include <random>
#include <sstream>
#include <string>

#include "store/binlog_store.h"
#include "store/posix_env.h"
#include "store_test_driver.h"
#include "temp_dir.h"
#include "upstream_stream.h"

namespace sidecar::store {
namespace {

using sidecar::testing::StreamPosition;

constexpr int kRounds = 8;

// A running store_append_child whose stdout this process reads.
class Child {
 public:
  Child(const std::string& data_dir, uint64_t seed) {
    int out[2];
    if (::pipe(out) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], STDOUT_FILENO);
      ::close(out[0]);
      ::close(out[1]);
      const std::string seed_text = std::to_string(seed);
      ::execl(STORE_APPEND_CHILD, STORE_APPEND_CHILD, data_dir.c_str(), seed_text.c_str(),
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(out[1]);
    out_ = ::fdopen(out[0], "r");
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    if (out_ != nullptr) std::fclose(out_);
  }

  bool started() const { return pid_ > 0 && out_ != nullptr; }
  // The next line the child wrote, or nullopt at end of file.
  std::optional<std::string> ReadLine() {
    char line[128];
    if (std::fgets(line, sizeof line, out_) == nullptr) return std::nullopt;
    return std::string(line);
  }
  void Kill() { ::kill(pid_, SIGKILL); }
  // The wait status once it ended.
  int Wait() {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    return status;
  }

 private:
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
};

// Folds one "FILE OFFSET" line into `reported`; false for "done".
bool Fold(const std::string& line, std::optional<StreamPosition>* reported) {
  if (line == "done\n") return false;
  std::istringstream in(line);
  StreamPosition p;
  in >> p.file >> p.offset;
  EXPECT_FALSE(in.fail()) << "child wrote " << line;
  *reported = std::max(reported->value_or(p), p);
  return true;
}

TEST(StoreKill9Test, ACheckpointSurvivesSigkillAtRandomMoments) {
  const uint64_t seed = std::random_device()();
  SCOPED_TRACE(::testing::Message() << "seed " << seed);
  std::mt19937_64 rng(seed);
  const sidecar::testing::UpstreamStream stream(
      seed % 2 == 0 ? binlog::Flavor::kMariadb : binlog::Flavor::kMysql, seed,
      sidecar::testing::kKill9StreamFiles);
  TempDir dir;
  const auto env = NewPosixEnv();
  std::optional<StreamPosition> reported;
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE(::testing::Message() << "round " << round);
    Child child(dir.path(), seed);
    ASSERT_TRUE(child.started());
    // Let it report a random number of Syncs, then kill it a random few
    // hundred microseconds later: in a write, an fdatasync, a commit...
    const int reports = 1 + int(rng() % 25);
    bool done = false;
    for (int i = 0; i < reports && !done; ++i) {
      auto line = child.ReadLine();
      ASSERT_TRUE(line) << "the child ended early";
      done = !Fold(*line, &reported);
    }
    ::usleep(useconds_t(rng() % 500));
    child.Kill();
    while (auto line = child.ReadLine()) Fold(*line, &reported);
    const int status = child.Wait();
    ASSERT_TRUE(WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) == 0))
        << "child wait status " << status;

    BinlogStore::Options options;
    options.data_dir = dir.path();
    auto store = BinlogStore::Open(env.get(), std::move(options));
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE(reported) << "no Sync completed";
    sidecar::testing::ExpectRecoveredStore(**store, stream, reported);
    if (HasFailure()) return;
  }
}

}  // namespace
}  // namespace sidecar::store
