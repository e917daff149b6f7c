// Health rules: whether the sidecar does its job, from one StatusSnapshot. /health answers 200
// when the list is empty and 503 with the list otherwise; the systemd STATUS= line names the
// first problem.
//
// Problem codes (stable; documented in docs/http.md):
//   recovery_in_progress   the store is being opened and recovered; nothing is pulled or served
//   storage_error          the writer failed (the pull stopped) or data_dir is not writable
//   upstream_auth_error    the primary refuses the credentials (reported at once: retrying
//                          cannot fix it)
//   upstream_config_error  the primary refuses the request (privileges, binlog not available,
//                          host not allowed; reported at once)
//   upstream_disconnected  not streaming from the primary for longer than the grace period
//   budget_exhausted       over the disk budget with nothing purgeable: the pull is paused
//                          (a full file system pauses it too: reported as storage_error)
//   replica_unreachable    the budget keeper cannot read the co-located replica's progress
// While recovering, only recovery_in_progress is reported (the rest is not running yet).
//
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "app/status_snapshot.h"

namespace sidecar::http {

struct HealthProblem {
  std::string code;
  std::string message;  // one sentence for an operator; never a secret
};

struct HealthOptions {
  // How long the upstream may be down (reconnecting) before it is a problem.
  std::chrono::milliseconds upstream_grace{std::chrono::seconds(5)};
};

// The grace period for a heartbeat period: three missed heartbeats, at least 5 s.
std::chrono::milliseconds UpstreamGraceFor(std::chrono::milliseconds heartbeat_period);

std::vector<HealthProblem> EvaluateHealth(const app::StatusSnapshot& snapshot,
                                          const HealthOptions& options);

}  // namespace sidecar::http
