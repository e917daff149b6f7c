// StatusSnapshot: everything /health, /status, /metrics and the systemd STATUS= line report,
// copied at one moment from the components' own status structs (see status_collector.h).
//
// A snapshot is a plain value: building the HTTP answers from it holds no lock of any
// replication component and does no I/O. Sections whose component does not run in this build
// are absent (std::nullopt), never zero-filled: a monitor must not read "0 bytes used" where
// the truth is "not measured".
//
// Field names here are the names of /status (status_json.h) and the stable vocabulary of
// docs/http.md; renaming one is a breaking change.
//
// Thread-safety: a value type; no sharing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "budget/budget_status.h"
#include "downstream/connection_registry.h"
#include "metrics/histogram.h"

namespace sidecar::app {

// Why the last upstream attempt failed, as far as health is concerned.
enum class UpstreamErrorKind {
  kNone,     // no error yet, or streaming
  kAuth,     // the primary refused the credentials (ERROR 1045, access denied)
  kConfig,   // the primary refused the request: privileges, unknown binlog, host not allowed
  kNetwork,  // anything else: refused connection, timeout, reset, ... (transient)
};
inline const char* UpstreamErrorKindName(UpstreamErrorKind kind) {
  switch (kind) {
    case UpstreamErrorKind::kNone:
      return "none";
    case UpstreamErrorKind::kAuth:
      return "auth";
    case UpstreamErrorKind::kConfig:
      return "config";
    case UpstreamErrorKind::kNetwork:
      return "network";
  }
  return "none";
}

struct UpstreamSnapshot {
  std::string state;    // PullerStateName: stopped, connecting, streaming, backoff, failed
  std::string primary;  // host:port (never the user or password)
  std::string file;     // where the stream stands (the last synced event)
  uint64_t position = 0;
  // The GTID state of the stored stream at the durable checkpoint: a MySQL GTID set
  // ("uuid:1-100,...") or a MariaDB position list ("0-1-100,..."); "" when none is known.
  std::string gtid_state;
  std::optional<int64_t> seconds_behind_primary;  // unset: unknown (not streaming)
  uint64_t bytes_received = 0;
  uint64_t events_received = 0;
  uint64_t reconnects = 0;
  uint64_t semi_sync_acks = 0;
  std::string last_error;  // "" when none
  UpstreamErrorKind last_error_kind = UpstreamErrorKind::kNone;
  // How long it has not been streaming (since start-up or since the stream ended); unset
  // while it streams.
  std::optional<double> disconnected_seconds;
  metrics::HistogramSnapshot ack_latency;  // event received -> semi-sync ACK sent
};

struct StorageSnapshot {
  std::string data_dir;
  bool writer_failed = false;  // the writer failed: the pull stopped until a restart (recovery)
  std::string error;           // "" while healthy: the writer's failure or the probe's finding
  uint64_t files = 0;          // binlog files in data_dir/binlog
  uint64_t bytes = 0;          // their size
  std::string durable_file;    // the published durable end (what readers may see)
  uint64_t durable_position = 0;
  uint64_t stored_bytes = 0;  // since start-up
  uint64_t stored_events = 0;
  uint64_t fsyncs = 0;
  uint64_t checkpoints = 0;
  double last_fsync_seconds = 0;
  metrics::HistogramSnapshot fsync_latency;
};

struct StatusSnapshot {
  std::string version;
  double uptime_seconds = 0;
  bool recovering = true;  // the store is being opened (lock, recovery): nothing runs yet
  UpstreamSnapshot upstream;
  StorageSnapshot storage;
  // The disk budget and the replica, as the budget keeper last saw them (/status shows them as
  // "budget" and "replica"); unset: no budget keeper runs.
  std::optional<budget::BudgetStatus> budget;
  std::optional<std::vector<downstream::ReaderStatus>> readers;  // unset: no serve side
  downstream::SentTotals served;  // by the serve port since start (0 without a serve side)
};

}  // namespace sidecar::app
