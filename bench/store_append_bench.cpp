// store_append_bench: the store's append path at full speed, for scripts/bench.sh.
//
//   store_append_bench SOURCE_BINLOG DATA_DIR [SYNC_INTERVAL_MS]
//
// Replays SOURCE_BINLOG (a whole binlog file) as a primary's dump would send
// it — an artificial ROTATE naming the file, then every event — into a new
// store in DATA_DIR with storage.sync = group: RequestSync() at most every
// SYNC_INTERVAL_MS (default 5), as the puller does, and Sync() at the end, so
// every byte ends fdatasync'd and checkpointed. Prints one line of
// key=value figures for the append phase: bytes, seconds, MB/s, fsyncs,
// write(2) calls and heap allocations per MB.
// Reading the source is outside the figures except for wall time (the source
// should be in the page cache).
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <new>
#include <string>

#include "binlog/binlog_file_reader.h"
#include "binlog/crc32.h"
#include "binlog/event_type.h"
#include "store/binlog_store.h"
#include "store/posix_env.h"

namespace {

std::atomic<uint64_t> g_allocations{0};

// write(2) calls made by this process so far (from /proc/self/io).
uint64_t WriteSyscalls() {
  std::ifstream io("/proc/self/io");
  std::string key;
  uint64_t value = 0;
  while (io >> key >> value) {
    if (key == "syscw:") return value;
  }
  return 0;
}

// The artificial ROTATE a dump starts with: it names `file` at position 4.
std::vector<uint8_t> ArtificialRotate(const std::string& file, uint32_t server_id, bool crc) {
  const uint32_t size = uint32_t(sidecar::binlog::kEventHeaderSize + 8 + file.size() + (crc ? 4 : 0));
  std::vector<uint8_t> e;
  auto put = [&e](uint64_t v, int n) {
    for (int i = 0; i < n; ++i) e.push_back(uint8_t(v >> (8 * i)));
  };
  put(0, 4);  // timestamp: artificial
  put(uint8_t(sidecar::binlog::EventType::kRotate), 1);
  put(server_id, 4);
  put(size, 4);
  put(0, 4);  // next_position
  put(sidecar::binlog::kFlagArtificial, 2);
  put(4, 8);
  e.insert(e.end(), file.begin(), file.end());
  if (crc) {
    e.resize(size);
    const uint32_t c = sidecar::binlog::ExpectedEventCrc(e);
    for (int i = 0; i < 4; ++i) e[size - 4 + i] = uint8_t(c >> (8 * i));
  }
  return e;
}

int Fail(const std::string& what) {
  std::fprintf(stderr, "store_append_bench: %s\n", what.c_str());
  return 1;
}

}  // namespace

void* operator new(size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

int main(int argc, char** argv) {
  using namespace sidecar;
  using Clock = std::chrono::steady_clock;
  if (argc < 3) return Fail("usage: store_append_bench SOURCE_BINLOG DATA_DIR [SYNC_INTERVAL_MS]");
  const std::string source = argv[1];
  const std::string data_dir = argv[2];
  const auto interval = std::chrono::milliseconds(argc > 3 ? std::atoi(argv[3]) : 5);
  const std::string name = source.substr(source.find_last_of('/') + 1);

  auto reader = binlog::BinlogFileReader::Open(source);
  if (!reader.ok()) return Fail(reader.status().ToString());
  std::unique_ptr<store::Env> env = store::NewPosixEnv();
  store::BinlogStore::Options options;
  options.data_dir = data_dir;
  auto opened = store::BinlogStore::Open(env.get(), options);
  if (!opened.ok()) return Fail(opened.status().ToString());
  store::BinlogWriter& writer = (*opened)->writer();

  binlog::EventView event;
  auto first = (*reader)->Next(&event);
  if (!first.ok() || !first.value()) return Fail("source has no FORMAT_DESCRIPTION event");
  const bool crc = (*reader)->format()->EventsHaveChecksum();
  const std::vector<uint8_t> rotate = ArtificialRotate(name, event.header.server_id, crc);
  binlog::EventView rotate_view{*binlog::EventHeader::Parse(rotate), rotate, crc};
  std::vector<uint8_t> fde(event.bytes.begin(), event.bytes.end());
  binlog::EventView fde_view{event.header, fde, event.has_checksum};

  const uint64_t allocations_before = g_allocations.load();
  const uint64_t writes_before = WriteSyscalls();
  const auto start = Clock::now();
  auto last_sync = start;
  uint64_t bytes = 0;
  Status s = writer.Append(rotate_view);
  if (s.ok()) s = writer.Append(fde_view);
  bytes += fde.size();
  while (s.ok()) {
    auto next = (*reader)->Next(&event);
    if (!next.ok()) return Fail(next.status().ToString());
    if (!next.value()) break;
    s = writer.Append(event);
    bytes += event.bytes.size();
    const auto now = Clock::now();
    if (s.ok() && now - last_sync >= interval) {
      s = writer.RequestSync();
      last_sync = now;
    }
  }
  if (s.ok()) s = writer.Sync();
  if (!s.ok()) return Fail(s.ToString());
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const double mb = double(bytes) / 1e6;
  std::printf(
      "bytes=%llu seconds=%.3f mb_per_s=%.1f fsyncs=%llu write_syscalls_per_mb=%.2f "
      "fsyncs_per_mb=%.3f allocations_per_mb=%.2f\n",
      static_cast<unsigned long long>(bytes), seconds, mb / seconds,
      static_cast<unsigned long long>(writer.counters().fsyncs.load()),
      double(WriteSyscalls() - writes_before) / mb, double(writer.counters().fsyncs.load()) / mb,
      double(g_allocations.load() - allocations_before) / mb);
  return 0;
}
