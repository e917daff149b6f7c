// DamageReports: where readers report a damaged byte they refused to serve, for the repairer
// (upstream/binlog_repairer.h) to fetch that range again from the primary.
//
// A report names a file and the offset of the first event that failed verification (an event
// boundary: everything before it in the file was verified by the reporting reader). Reports of
// a file already waiting are merged (the lowest offset wins), so a replica retrying its dump
// in a loop queues the file once.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace sidecar::store {

struct DamageReport {
  std::string file;
  uint64_t offset = 0;
};

class DamageReports {
 public:
  void Report(const std::string& file, uint64_t offset);

  // A pending report (the first file by name; removed from the queue), waiting until `deadline` for one;
  // nullopt on timeout or after Close().
  std::optional<DamageReport> Take(std::chrono::steady_clock::time_point deadline);

  // Wakes every Take(); later Takes return nullopt at once.
  void Close();

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  std::map<std::string, uint64_t> pending_;  // GUARDED_BY(mu_): file → lowest damaged offset
  bool closed_ = false;                      // GUARDED_BY(mu_)
};

}  // namespace sidecar::store
