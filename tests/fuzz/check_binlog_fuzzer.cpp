// Fuzz target: check-binlog on arbitrary files. The input becomes a file (a memfd, reached as
// /proc/self/fd/N) and SummarizeBinlogFile walks it, verifying it as BinlogFileReader does.
// Asserts the summary is consistent: its size is the input's, the per-type counts add up to
// the event count, there are no more transactions than events, and a problem lies inside the
// file.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <numeric>
#include <string>

#include "binlog/file_summary.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sidecar::binlog;
  static const int fd = memfd_create("check_binlog_fuzzer", 0);
  static const std::string path = "/proc/self/fd/" + std::to_string(fd);
  FUZZ_CHECK(fd >= 0 && ftruncate(fd, 0) == 0);
  FUZZ_CHECK(pwrite(fd, data, size, 0) == ssize_t(size));
  const FileSummary summary = SummarizeBinlogFile(path);
  FUZZ_CHECK(summary.size == size);
  const uint64_t by_type =
      std::accumulate(summary.events_by_type.begin(), summary.events_by_type.end(), uint64_t{0},
                      [](uint64_t n, const auto& kv) { return n + kv.second; });
  FUZZ_CHECK(by_type == summary.events);
  FUZZ_CHECK(summary.transactions <= summary.events);
  if (summary.problem) FUZZ_CHECK(summary.problem->offset <= size);
  return 0;
}
