// BudgetKeeper: keeps the store within its disk share and purges what the
// replica no longer needs (SPEC §6). A thread that, every poll_interval:
//   1. polls the replica (ReplicaMonitor: relay_log_space_limit, executed
//      position and GTIDs; unreachable -> nothing is purged);
//   2. purges what PlanPurge allows (executed, older than keep_min, no
//      reader in it; never the file being written) through the store's
//      BinlogPurger;
//   3. compares the store's bytes (the binlog files on disk) with its
//      share: budget.disk - relay_log_space_limit (the configured limit, or
//      the replica's, or the last one read; 0 = unlimited relay logs counts
//      as 0). With budget.disk unlimited there is no share and no
//      budget back-pressure: files still go by the policy above.
//
// Back-pressure, strict: the store never holds more than its share. Each
// poll measures the binlog files on disk (stored_bytes.h) and publishes the
// room left to the puller's per-event check (RoomFor, through
// AppendAllowance: lock-free, no allocation; the proof is in
// append_allowance.h). An event that does not fit is refused: the puller
// stops before it and the gate closes ("budget_exhausted: ..."); so it does
// when a poll finds the store at its share (the share shrank). PauseReason()
// is the puller's gate between batches (PullerOptions::pause_reason); it also
// closes when the writer reports a full disk (ReportNoSpace: "disk_full:
// ..."), whatever the budget says. It opens again by itself: the budget once
// a poll finds room for a tenth of the share and for the event refused (the
// replica executed, files were purged); a full disk once the data_dir's file
// system has resume_free_bytes free again. Before the first measurement (at
// Start) there is no limit.
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
#include "binlog/event_header.h"
#include "budget/append_allowance.h"
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

  // The puller's gate: "" while it may pull, else why not. Cheap (atomics) while open.
  std::string PauseReason();
  // The puller, before it appends `event`: true when the store has room for
  // it (charged); false closes the gate. Lock-free, no allocation, unless it
  // refuses. PullerOptions::room_for.
  bool RoomFor(const binlog::EventView& event);
  // The puller: everything it appended is in the files (the writer flushed
  // its batch). PullerOptions::on_flushed.
  void MarkFlushed() { allowance_.MarkFlushed(); }
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
  // The share (AppendAllowance::kUnlimited: none) as the options and the
  // replica's last relay_log_space_limit give it; updates status_.
  // REQUIRES: mu_ held.
  uint64_t ShareLocked();
  // Measures the files, publishes the room left; the bytes stored, nullopt
  // when the listing failed (then no room is left while there is a share).
  std::optional<uint64_t> Measure();
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
  // The per-event check: read by the puller on every event.
  AppendAllowance allowance_;

  mutable std::mutex mu_;
  BudgetStatus status_;                 // GUARDED_BY(mu_)
  ReplicaProgress last_progress_;       // GUARDED_BY(mu_)
  std::optional<uint64_t> last_limit_;  // GUARDED_BY(mu_): last relay_log_space_limit read
  std::string last_measure_error_;      // GUARDED_BY(mu_)
};

}  // namespace sidecar::budget
