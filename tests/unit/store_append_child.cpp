// The child of the kill -9 test (store_kill9_test.cpp): opens the store in
// DATA_DIR on the real filesystem (recovering it), then appends the
// UpstreamStream of SEED from where the store stands, as fast as it can, with
// group-commit Syncs at random points. After each completed Sync it writes the
// durable position to stdout as "FILE_INDEX OFFSET\n" (one write(2), no
// buffering), and "done\n" once the whole stream is stored. The parent kills
// it with SIGKILL at random moments.
//
//   store_append_child DATA_DIR SEED
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "store/binlog_store.h"
#include "store/posix_env.h"
#include "store_test_driver.h"
#include "upstream_stream.h"

namespace {

void Say(const std::string& line) {
  const ssize_t written = ::write(STDOUT_FILENO, line.data(), line.size());
  if (written != ssize_t(line.size())) std::_Exit(3);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace sidecar;
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s DATA_DIR SEED\n", argv[0]);
    return 2;
  }
  const uint64_t seed = std::strtoull(argv[2], nullptr, 10);
  const testing::UpstreamStream stream(
      seed % 2 == 0 ? binlog::Flavor::kMariadb : binlog::Flavor::kMysql, seed,
      testing::kKill9StreamFiles);
  const auto env = store::NewPosixEnv();
  store::BinlogStore::Options options;
  options.data_dir = argv[1];
  auto opened = store::BinlogStore::Open(env.get(), std::move(options));
  if (!opened.ok()) {
    std::fprintf(stderr, "store_append_child: %s\n", opened.status().ToString().c_str());
    return 1;
  }
  std::mt19937_64 rng(seed ^ uint64_t(::getpid()));
  const Status fed = testing::FeedStream(
      **opened, stream, rng, {.sync_probability = 0.05, .reconnect_probability = 0.002},
      [](const testing::StreamPosition& p) {
        Say(std::to_string(p.file) + " " + std::to_string(p.offset) + "\n");
      });
  if (!fed.ok()) {
    std::fprintf(stderr, "store_append_child: %s\n", fed.ToString().c_str());
    return 1;
  }
  Say("done\n");
  return 0;
}
