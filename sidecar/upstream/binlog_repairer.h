// BinlogRepairer: a thread that repairs damaged stored files from the primary.
//
// Readers report the damage they refuse to serve (store::DamageReports: file, offset of the
// first bad event). For each report the repairer looks the file up in the catalogue and:
//   - closed file: fetches [offset, size) again from the primary (FetchFileRange, a short
//     connection of its own), replaces that range (store::RepairFileTail, atomic rename), and
//     logs "repaired FILE from offset N: M bytes fetched again from HOST:PORT". Readers that
//     reconnect then read the primary's bytes.
//   - the active file: left to recovery, which cuts a damaged range back to the last whole
//     transaction and pulls it again at the next start; logged as such.
//   - a file the catalogue no longer lists (purged meanwhile): dropped.
// A failed repair (primary unreachable, the primary purged the file too) is logged with the
// reason and retried when a reader reports the damage again.
//
// Known race: a purge that removes the file while it is being repaired may see the repaired
// copy renamed back into binlog/; recovery removes such an unlisted file at the next start.
//
// Thread-safety: Start/Stop from the owner's thread; repaired() from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string_view>
#include <thread>

#include "base/status.h"
#include "store/binlog_store.h"
#include "store/damage_reports.h"
#include "upstream/puller.h"

namespace sidecar::upstream {

class BinlogRepairer {
 public:
  struct Options {
    // The puller's current options (the primary, after any CHANGE MASTER), read per repair.
    std::function<PullerOptions()> primary;
    std::function<void(std::string_view)> log_info;
    std::function<void(std::string_view)> log_error;
  };

  // `store` and `reports` must outlive the repairer.
  BinlogRepairer(store::BinlogStore* store, store::DamageReports* reports, Options options);
  BinlogRepairer(const BinlogRepairer&) = delete;
  BinlogRepairer& operator=(const BinlogRepairer&) = delete;
  ~BinlogRepairer();  // Stop()

  void Start();
  // Closes `reports` (a repair under way finishes first) and joins. Idempotent.
  void Stop();

  // Files repaired so far.
  uint64_t repaired() const { return repaired_.load(); }

 private:
  void Run();
  void Repair(const store::DamageReport& report);

  store::BinlogStore* const store_;
  store::DamageReports* const reports_;
  const Options options_;
  std::thread thread_;
  std::atomic<uint64_t> repaired_{0};
};

}  // namespace sidecar::upstream
