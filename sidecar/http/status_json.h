// The JSON bodies of /status and /health, rendered from one StatusSnapshot.
//
// /status: {"version","uptime_seconds","state","upstream":{...},"storage":{...},
//   "budget":{...}|null,"replica":{...}|null,"readers":[...]|null}; every field is listed in
//   docs/http.md and named as in status_snapshot.h. Unknown figures are null, absent components
//   null. No configuration value but data_dir and the primary's host:port appears: never a user
//   name of ours or a password (a reader's `user` is the account the replica logged in with).
// StatusLine: see below.
// /health: {"status":"ok"|"unhealthy","state","uptime_seconds","problems":[{"code","message"}]}.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "app/status_snapshot.h"
#include "http/health.h"

namespace sidecar::http {

// "recovering" or "running".
const char* ProcessState(const app::StatusSnapshot& snapshot);

std::string StatusJson(const app::StatusSnapshot& snapshot);
std::string HealthJson(const app::StatusSnapshot& snapshot,
                       const std::vector<HealthProblem>& problems);

// The systemd STATUS= line: the state and the problem codes, no figures (it changes only when
// the state does), e.g. "running; upstream streaming from 10.0.0.5:3306; healthy".
std::string StatusLine(const app::StatusSnapshot& snapshot,
                       const std::vector<HealthProblem>& problems);

}  // namespace sidecar::http
