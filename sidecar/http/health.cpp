#include "http/health.h"

#include <fmt/format.h>

#include <algorithm>

namespace sidecar::http {
namespace {

void CheckUpstream(const app::UpstreamSnapshot& up, const HealthOptions& options,
                   std::vector<HealthProblem>& problems) {
  if (!up.disconnected_seconds) return;  // streaming
  const double down = *up.disconnected_seconds;
  switch (up.last_error_kind) {
    case app::UpstreamErrorKind::kAuth:
      problems.push_back(
          {"upstream_auth_error", fmt::format("the primary {} refuses the upstream credentials: {}",
                                              up.primary, up.last_error)});
      return;
    case app::UpstreamErrorKind::kConfig:
      problems.push_back({"upstream_config_error",
                          fmt::format("the primary {} refuses the replication request: {}",
                                      up.primary, up.last_error)});
      return;
    case app::UpstreamErrorKind::kNone:
    case app::UpstreamErrorKind::kNetwork:
      break;
  }
  const double grace = double(options.upstream_grace.count()) / 1000.0;
  if (down > grace) {
    problems.push_back(
        {"upstream_disconnected",
         fmt::format("not streaming from the primary {} for {:.0f} s (grace {:.0f} s){}",
                     up.primary, down, grace,
                     up.last_error.empty() ? "" : fmt::format("; last error: {}", up.last_error))});
  }
}

void CheckBudget(const budget::BudgetStatus& budget, std::vector<HealthProblem>& problems) {
  if (budget.back_pressure) {
    // "disk_full: ..." is the file system, not the budget: a storage problem.
    const bool disk_full = std::string_view(budget::BudgetStateName(budget)) == "disk_full";
    problems.push_back({disk_full ? "storage_error" : "budget_exhausted",
                        fmt::format("the pull is paused: {}", budget.back_pressure_reason)});
  }
  if (!budget.replica_reachable) {
    problems.push_back({"replica_unreachable",
                        fmt::format("cannot read the co-located replica's progress: {}",
                                    budget.replica_error.empty() ? std::string("not polled yet")
                                                                 : budget.replica_error)});
  }
}

}  // namespace

std::chrono::milliseconds UpstreamGraceFor(std::chrono::milliseconds heartbeat_period) {
  return std::max<std::chrono::milliseconds>(std::chrono::seconds(5), 3 * heartbeat_period);
}

std::vector<HealthProblem> EvaluateHealth(const app::StatusSnapshot& snapshot,
                                          const HealthOptions& options) {
  std::vector<HealthProblem> problems;
  if (snapshot.recovering) {
    problems.push_back(
        {"recovery_in_progress",
         fmt::format("opening and recovering the store in {}", snapshot.storage.data_dir)});
    return problems;
  }
  if (snapshot.storage.writer_failed || !snapshot.storage.error.empty()) {
    problems.push_back(
        {"storage_error",
         snapshot.storage.writer_failed
             ? fmt::format("the store failed; the pull stopped until a restart recovers it: {}",
                           snapshot.storage.error)
             : fmt::format("data_dir {} is not writable: {}", snapshot.storage.data_dir,
                           snapshot.storage.error)});
  }
  if (!snapshot.storage.writer_failed) CheckUpstream(snapshot.upstream, options, problems);
  if (snapshot.budget) CheckBudget(*snapshot.budget, problems);
  return problems;
}

}  // namespace sidecar::http
