// BudgetKeeper: keeps the store within its disk share and purges what the
// replica no longer needs (SPEC §6). A thread that, every poll_interval:
//   1. polls the replica (ReplicaMonitor: relay_log_space_limit, executed
//      position and GTIDs; unreachable -> nothing is purged);
//   2. purges what PlanPurge allows (executed, older than keep_min, no
//      reader in it; never the file being written) through the store's
//      BinlogPurger;
//   3. compares the store's bytes (the catalogue's file sizes) with its
//      share: budget.disk - relay_log_space_limit (the configured limit, or
//      the replica's, or the last one read; 0 = unlimited relay logs counts
//      as 0). With budget.disk unlimited there is no share and no
//      budget back-pressure: files still go by the policy above.
//
// Back-pressure: PauseReason() is the puller's gate (PullerOptions::
// pause_reason), checked between batches. It closes ("budget_exhausted: ...")
// as soon as the bytes stored, counted live from the writer's counters
// between polls, reach the share, so the store overshoots by at most one
// batch; and when the writer reports a full disk (ReportNoSpace:
// "disk_full: ..."), whatever the budget says. It opens again by itself: the
// budget once a poll finds the store below 90% of its share (the replica
// executed, files were purged); a full disk once the data_dir's file system
// has resume_free_bytes free again.
//
// Logs at state changes only: back-pressure on/off, the replica reachable or
// not (and its error when it changes), a purge failure (when it changes);
// each purge is logged by the purger.
//
// Thread-safety: Start/Stop from the owner; every other method from any
// thread. The store must outlive the keeper.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "base/status.h"
#include "budget/budget_status.h"
#include "budget/purge_policy.h"
#include "budget/replica_monitor.h"
#include "store/binlog_store.h"

namespace sidecar::budget {

struct BudgetKeeperOptions {
  std::optional<uint64_t> disk_budget;            // budget.disk; nullopt: unlimited
  std::optional<uint64_t> relay_log_space_limit;  // budget.relay_log_space_limit; nullopt: read
  std::chrono::seconds keep_min{3600};
  std::chrono::milliseconds poll_interval{2000};
  // After a full disk, pulling resumes once the file system has this much free.
  uint64_t resume_free_bytes = uint64_t(4) << 20;
  // The replica's state: ReplicaMonitor::Poll in the daemon, a fake in tests.
  std::function<ReplicaSnapshot()> poll_replica;
  // The oldest position a connected reader needs
  // (ConnectionRegistry::OldestReaderPosition); unset: no readers.
  std::function<std::optional<store::BinlogPosition>()> oldest_reader;
  // Free bytes of the data_dir's file system; unset: statvfs(data_dir).
  std::function<Result<uint64_t>()> free_bytes;
  std::string data_dir;
  std::function<void(std::string_view)> log_info;
  std::function<void(std::string_view)> log_warning;
};

class BudgetKeeper {
 public:
  BudgetKeeper(store::BinlogStore* store, BudgetKeeperOptions options);
  BudgetKeeper(const BudgetKeeper&) = delete;
  BudgetKeeper& operator=(const BudgetKeeper&) = delete;
  ~BudgetKeeper();  // Stop()

  void Start();
  void Stop();  // idempotent
  // One round of the thread's work (tests drive it directly).
  void RunOnce();

  BudgetStatus status() const;

  // The puller's gate: "" while it may pull, else why not. Cheap (atomics).
  std::string PauseReason();
  // The writer hit ENOSPC/EDQUOT (Status kNoSpace): close the gate.
  void ReportNoSpace(const Status& error);

  // PURGE BINARY LOGS TO / BEFORE: plans with the replica's state as last
  // polled and the request (keep_min does not apply), then purges. When the
  // first candidate may not go, InvalidArgument with the reason; OK with the
  // files removed otherwise (possibly fewer than asked: the reason for the
  // first one kept is in `refusal`).
  struct ManualPurge {
    store::PurgeOutcome outcome;
    std::string refusal;
  };
  Result<ManualPurge> PurgeOnRequest(const PurgeRequest& request);

 private:
  Result<PurgePlan> Plan(const PurgeRequest& request, const ReplicaProgress& replica);
  void Purge(const PurgePlan& plan);
  void Account(const ReplicaSnapshot& snapshot);
  void UpdateReplica(const ReplicaSnapshot& snapshot);
  void SetBackPressure(bool on, std::string reason);
  void Info(std::string_view line) const;
  void Warn(std::string_view line) const;

  store::BinlogStore* const store_;
  const BudgetKeeperOptions options_;

  std::thread thread_;
  std::mutex run_mu_;  // the thread's wake-up
  std::condition_variable wake_;
  bool stop_ = false;  // GUARDED_BY(run_mu_)

  // The gate: read by the puller on every batch.
  std::atomic<bool> paused_{false};
  std::atomic<bool> disk_full_{false};
  // The live estimate: used_at_poll_ + what the writer appended since.
  std::atomic<uint64_t> allowed_{UINT64_MAX};  // UINT64_MAX: no share
  std::atomic<uint64_t> used_at_poll_{0};
  std::atomic<uint64_t> appended_at_poll_{0};

  mutable std::mutex mu_;
  BudgetStatus status_;                 // GUARDED_BY(mu_)
  ReplicaProgress last_progress_;       // GUARDED_BY(mu_)
  std::optional<uint64_t> last_limit_;  // GUARDED_BY(mu_): last relay_log_space_limit read
};

}  // namespace sidecar::budget
