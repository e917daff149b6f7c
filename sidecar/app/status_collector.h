// StatusCollector: builds StatusSnapshots (status_snapshot.h) from the components' own status
// structs, for the HTTP request threads and the daemon's main loop.
//
// Lifecycle: constructed before the store is opened (snapshots then say `recovering`), given
// the running components with Attach once the pull runs, and Detach'ed before they are
// destroyed. What it reads (StatusSources): the puller's status (a short copy under the
// puller's status mutex, never held across I/O), the writer's atomic counters and histograms,
// DurablePosition::Get(), StateDb::CommittedGtidState() (a copy in memory), ConnectionRegistry::
// Readers(), BudgetKeeper::status(), and a listing of data_dir/binlog (its own I/O, on the
// calling thread). It never queries state.db: its mutex is the syncer's, and a status page
// scraped in a loop must not delay a checkpoint commit.
//
// It also keeps what no component records: since when the upstream has not been streaming
// (sampled at each Collect; the daemon collects every second) and the latest storage probe
// result (storage_probe.h).
//
// Thread-safety: every method may be called from any thread. Collects share attached_mu_
// (Detach waits for those in flight); tracking_mu_ guards the two facts kept here and is held
// only to read or update them.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "app/status_snapshot.h"
#include "budget/budget_status.h"
#include "downstream/connection_registry.h"
#include "metrics/histogram.h"
#include "store/binlog_store.h"
#include "upstream/puller.h"

namespace sidecar::app {

// The kind of an upstream error, from the puller's last_error (the primary's ERR code in it).
UpstreamErrorKind ClassifyUpstreamError(std::string_view last_error);

// What a snapshot is built from. Each must stay valid until Detach().
struct StatusSources {
  std::function<upstream::PullerStatus()> upstream;         // required
  store::BinlogStore* store = nullptr;                      // required
  const metrics::Histogram* ack_latency = nullptr;          // optional
  const downstream::ConnectionRegistry* readers = nullptr;  // optional: the serve side
  std::function<budget::BudgetStatus()> budget;             // optional: the budget keeper
};

class StatusCollector {
 public:
  using Clock = std::chrono::steady_clock;

  StatusCollector(std::string version, std::string data_dir);

  // REQUIRES: sources.upstream and sources.store are set.
  void Attach(StatusSources sources);
  void Detach();

  // The storage probe's latest finding: "" when data_dir is writable.
  void SetStorageProbeError(std::string error);

  StatusSnapshot Collect();

 private:
  // REQUIRES: attached_mu_ held (shared), sources_ set.
  void CollectStorage(StorageSnapshot& storage) const;

  const std::string version_;
  const std::string data_dir_;
  const Clock::time_point started_ = Clock::now();

  std::shared_mutex attached_mu_;
  std::optional<StatusSources> sources_;  // GUARDED_BY(attached_mu_); unset: recovering

  std::mutex tracking_mu_;
  std::optional<Clock::time_point> not_streaming_since_;  // GUARDED_BY(tracking_mu_)
  std::string probe_error_;                               // GUARDED_BY(tracking_mu_)
};

}  // namespace sidecar::app
