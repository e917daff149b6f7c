#include "upstream/binlog_repairer.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "store/file_repair.h"
#include "upstream/range_fetch.h"

namespace sidecar::upstream {

BinlogRepairer::BinlogRepairer(store::BinlogStore* store, store::DamageReports* reports,
                               Options options)
    : store_(store), reports_(reports), options_(std::move(options)) {}

BinlogRepairer::~BinlogRepairer() { Stop(); }

void BinlogRepairer::Start() { thread_ = std::thread([this] { Run(); }); }

void BinlogRepairer::Stop() {
  reports_->Close();
  if (thread_.joinable()) thread_.join();
}

void BinlogRepairer::Run() {
  for (;;) {
    auto report = reports_->Take(std::chrono::steady_clock::time_point::max());
    if (!report) return;  // closed
    Repair(*report);
  }
}

void BinlogRepairer::Repair(const store::DamageReport& report) {
  auto files = store_->state_db().ListFiles();
  if (!files.ok()) {
    options_.log_error(fmt::format("cannot repair {}: {}", report.file, files.status().message()));
    return;
  }
  auto entry = std::find_if(files->begin(), files->end(),
                            [&](const store::FileCatalogEntry& e) { return e.name == report.file; });
  if (entry == files->end() || entry->state == store::FileState::kPurging) return;
  if (entry->state == store::FileState::kActive) {
    options_.log_error(fmt::format(
        "{} is damaged at offset {} and is the file being written: it is not served past "
        "that point; the next start's recovery cuts it back and pulls the range again",
        report.file, report.offset));
    return;
  }
  const PullerOptions upstream = options_.primary();
  const std::string primary = fmt::format("{}:{}", upstream.client.host, upstream.client.port);
  const uint64_t from = std::max<uint64_t>(report.offset, 4);
  auto tail = FetchFileRange(upstream.client, upstream.conversation, report.file, from,
                             entry->size);
  Status s = tail.ok() ? store::RepairFileTail(store_->env(), store_->binlog_dir(), *entry, from,
                                               *tail)
                       : tail.status();
  if (!s.ok()) {
    options_.log_error(fmt::format("cannot repair {} (damaged at offset {}) from {}: {}",
                                   report.file, report.offset, primary, s.message()));
    return;
  }
  repaired_.fetch_add(1);
  options_.log_info(fmt::format("repaired {} from offset {}: {} bytes fetched again from {}",
                                report.file, from, tail->size(), primary));
}

}  // namespace sidecar::upstream
