#include "store/damage_reports.h"

#include <algorithm>

namespace sidecar::store {

void DamageReports::Report(const std::string& file, uint64_t offset) {
  {
    std::lock_guard lock(mu_);
    auto [it, inserted] = pending_.try_emplace(file, offset);
    if (!inserted) it->second = std::min(it->second, offset);
  }
  changed_.notify_all();
}

std::optional<DamageReport> DamageReports::Take(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mu_);
  changed_.wait_until(lock, deadline, [&] { return closed_ || !pending_.empty(); });
  if (closed_ || pending_.empty()) return std::nullopt;
  auto first = pending_.begin();
  DamageReport report{first->first, first->second};
  pending_.erase(first);
  return report;
}

void DamageReports::Close() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  changed_.notify_all();
}

}  // namespace sidecar::store
