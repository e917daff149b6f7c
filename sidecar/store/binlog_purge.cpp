#include "store/binlog_purge.h"

#include <fmt/format.h>

#include <utility>

namespace sidecar::store {
namespace {

class StateDbCatalogue final : public PurgeCatalogue {
 public:
  explicit StateDbCatalogue(StateDb* db) : db_(db) {}
  Result<std::vector<FileCatalogEntry>> ListFiles() override { return db_->ListFiles(); }
  Status MarkPurging(std::string_view name) override { return db_->MarkPurging(name); }
  Status RemoveFile(std::string_view name) override { return db_->RemoveFile(name); }

 private:
  StateDb* const db_;
};

}  // namespace

std::unique_ptr<PurgeCatalogue> StateDbPurgeCatalogue(StateDb* db) {
  return std::make_unique<StateDbCatalogue>(db);
}

BinlogPurger::BinlogPurger(Env* env, PurgeCatalogue* catalogue, const DurablePosition* durable,
                           BinlogIndexFile* index, std::string binlog_dir, LogSink log)
    : env_(env),
      catalogue_(catalogue),
      durable_(durable),
      index_(index),
      binlog_dir_(std::move(binlog_dir)),
      log_(std::move(log)) {}

Result<PurgeOutcome> BinlogPurger::PurgeThrough(int64_t last_seq) {
  std::lock_guard lock(mu_);
  auto rows = catalogue_->ListFiles();
  if (!rows.ok()) return rows.status();
  const BinlogPosition durable = durable_->Get();

  std::vector<const FileCatalogEntry*> doomed;
  for (const FileCatalogEntry& row : *rows) {
    if (row.state == FileState::kPurging) {
      doomed.push_back(&row);
      continue;
    }
    if (row.seq > last_seq) continue;
    if (row.seq >= durable.file_seq) {
      return Status::InvalidArgument(fmt::format(
          "cannot purge {}: it holds the durable end of the store ({}:{}) or lies after it",
          row.name, durable.file, durable.offset));
    }
    if (row.state != FileState::kClosed) {
      return Status::InvalidArgument(
          fmt::format("cannot purge {}: the catalogue lists it as {}, not closed", row.name,
                      FileStateName(row.state)));
    }
    doomed.push_back(&row);
  }
  if (doomed.empty()) return PurgeOutcome();

  PurgeOutcome outcome;
  for (const FileCatalogEntry* row : doomed) {
    if (row->state != FileState::kPurging) {
      if (Status s = catalogue_->MarkPurging(row->name); !s.ok()) return s;
    }
    outcome.files.push_back(row->name);
    outcome.bytes += row->size;
  }
  for (const std::string& name : outcome.files) {
    Status s = env_->RemoveFile(fmt::format("{}/{}", binlog_dir_, name));
    if (!s.ok() && s.code() != Status::Code::kNotFound) return s;
  }
  if (Status s = env_->SyncDir(binlog_dir_); !s.ok()) return s;
  for (const std::string& name : outcome.files) {
    if (Status s = catalogue_->RemoveFile(name); !s.ok()) return s;
  }
  if (Status s = index_->Remove(outcome.files); !s.ok()) return s;
  if (log_) {
    log_(fmt::format("purged {} binlog file{} ({} bytes): {}{}", outcome.files.size(),
                     outcome.files.size() == 1 ? "" : "s", outcome.bytes, outcome.files.front(),
                     outcome.files.size() == 1 ? "" : fmt::format(" .. {}", outcome.files.back())));
  }
  return outcome;
}

}  // namespace sidecar::store
