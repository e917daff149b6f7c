#include "budget/budget_keeper.h"

#include <fmt/format.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include "budget/stored_bytes.h"

namespace sidecar::budget {
namespace {

constexpr uint64_t kNoShare = AppendAllowance::kUnlimited;

// The budget releases once the store has room for this share of its allowance
// (and for the event refused), so that a pause is not followed by another at once.
constexpr uint64_t kResumeRoomPercent = 10;

Result<uint64_t> StatvfsFreeBytes(const std::string& path) {
  struct statvfs fs {};
  if (::statvfs(path.c_str(), &fs) != 0) {
    return Status::IOError(fmt::format("statvfs {}: {}", path, std::strerror(errno)));
  }
  return uint64_t(fs.f_bavail) * uint64_t(fs.f_frsize);
}

}  // namespace

BudgetKeeper::BudgetKeeper(store::BinlogStore* store, BudgetKeeperOptions options)
    : store_(store), options_(std::move(options)) {
  status_.disk_budget = options_.disk_budget;
  status_.relay_log_space_limit = options_.relay_log_space_limit;
}

BudgetKeeper::~BudgetKeeper() { Stop(); }

void BudgetKeeper::Start() {
  {
    std::lock_guard lock(mu_);
    ShareLocked();
  }
  Measure();  // the per-event limit holds from the puller's first event
  {
    std::lock_guard lock(run_mu_);
    stop_ = false;
  }
  thread_ = std::thread([this] {
    std::unique_lock lock(run_mu_);
    while (!stop_) {
      lock.unlock();
      RunOnce();
      lock.lock();
      wake_.wait_for(lock, options_.poll_interval, [this] { return stop_; });
    }
  });
}

void BudgetKeeper::Stop() {
  {
    std::lock_guard lock(run_mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

BudgetStatus BudgetKeeper::status() const {
  std::lock_guard lock(mu_);
  return status_;
}

void BudgetKeeper::Info(std::string_view line) const {
  if (options_.log_info) options_.log_info(line);
}

void BudgetKeeper::Warn(std::string_view line) const {
  if (options_.log_warning) options_.log_warning(line);
}

std::string BudgetKeeper::PauseReason() {
  if (!paused_.load(std::memory_order_acquire)) return "";
  std::lock_guard lock(mu_);
  return status_.back_pressure_reason;
}

bool BudgetKeeper::RoomFor(const binlog::EventView& event) {
  if (allowance_.TryCharge(event)) return true;
  uint64_t share = 0;
  uint64_t used = 0;
  {
    std::lock_guard lock(mu_);
    share = status_.allowed_bytes.value_or(0);
    used = status_.used_bytes;
  }
  SetBackPressure(true, fmt::format("budget_exhausted: the next event ({} bytes) does not fit in "
                                    "the store's share of the disk budget ({} bytes; {} stored "
                                    "when last measured, {} left)",
                                    StoredCost(event), share, used, allowance_.room()));
  return false;
}

void BudgetKeeper::ReportNoSpace(const Status& error) {
  disk_full_ = true;
  SetBackPressure(true, fmt::format("disk_full: {}", error.message()));
}

void BudgetKeeper::SetBackPressure(bool on, std::string reason) {
  {
    std::lock_guard lock(mu_);
    if (status_.back_pressure == on && (!on || status_.back_pressure_reason == reason)) return;
    const bool was_on = status_.back_pressure;
    status_.back_pressure = on;
    status_.back_pressure_reason = on ? reason : "";
    paused_.store(on, std::memory_order_release);
    if (was_on && on) return;  // a new reason while paused: not a state change worth a line
  }
  if (on) {
    Warn(fmt::format("pulling from the primary paused: {}", reason));
  } else {
    Info(fmt::format("pulling from the primary resumed: {}", reason));
  }
}

void BudgetKeeper::UpdateReplica(const ReplicaSnapshot& snapshot) {
  bool became_reachable = false;
  bool error_changed = false;
  {
    std::lock_guard lock(mu_);
    became_reachable = snapshot.reachable && !status_.replica_reachable;
    error_changed = !snapshot.reachable && snapshot.error != status_.replica_error;
    status_.replica_reachable = snapshot.reachable;
    status_.replica_error = snapshot.error;
    if (snapshot.reachable) {
      last_progress_ = snapshot.progress;
      if (snapshot.relay_log_space_limit) last_limit_ = snapshot.relay_log_space_limit;
      status_.replica_executed_file = snapshot.progress.executed_file;
      status_.replica_executed_position = snapshot.progress.executed_position;
      status_.replica_executed_gtids = snapshot.progress.executed_gtids;
      status_.replica_io_running = snapshot.io_running;
      status_.replica_sql_running = snapshot.sql_running;
      status_.replica_relay_log_space = snapshot.relay_log_space;
      status_.replica_sql_delay = snapshot.sql_delay;
    } else {
      last_progress_.reachable = false;
    }
  }
  if (became_reachable) Info("the replica is reachable: purging follows its progress");
  if (error_changed) Warn(fmt::format("{}; nothing is purged until it answers", snapshot.error));
}

Result<PurgePlan> BudgetKeeper::Plan(const PurgeRequest& request, const ReplicaProgress& replica) {
  store::StateDb& db = store_->state_db();
  auto files = db.ListFiles();
  if (!files.ok()) return files.status();
  auto checkpoint = db.LoadCheckpoint();
  if (!checkpoint.ok()) return checkpoint.status();
  PurgePolicyInput in;
  in.files = *files;
  in.durable_end = store_->durable_position().Get();
  in.flavor = *checkpoint ? (*checkpoint)->upstream.flavor : binlog::Flavor::kMariadb;
  in.replica = replica;
  if (options_.oldest_reader) in.oldest_reader = options_.oldest_reader();
  in.keep_min = options_.keep_min;
  in.now = std::chrono::system_clock::now();
  in.request = request;
  return PlanPurge(in);
}

void BudgetKeeper::Purge(const PurgePlan& plan) {
  auto purged = store_->purger().PurgeThrough(plan.last_seq());
  std::string error = purged.ok() ? "" : purged.status().message();
  bool error_changed = false;
  {
    std::lock_guard lock(mu_);
    if (purged.ok()) {
      status_.purged_files += purged->files.size();
      status_.purged_bytes += purged->bytes;
    }
    error_changed = error != status_.last_purge_error;
    status_.last_purge_error = error;
  }
  if (error_changed && !error.empty()) Warn(fmt::format("purge failed: {}", error));
}

uint64_t BudgetKeeper::ShareLocked() {
  const std::optional<uint64_t> limit =
      options_.relay_log_space_limit ? options_.relay_log_space_limit : last_limit_;
  status_.relay_log_space_limit = limit;
  status_.allowed_bytes.reset();
  if (!options_.disk_budget) return kNoShare;
  const uint64_t relay = limit.value_or(0);
  status_.allowed_bytes = *options_.disk_budget > relay ? *options_.disk_budget - relay : 0;
  return *status_.allowed_bytes;
}

std::optional<uint64_t> BudgetKeeper::Measure() {
  // The charge first, then the files: append_allowance.h says why.
  const uint64_t flushed = allowance_.flushed();
  auto stored = StoredBinlogBytes(store_->env(), store_->binlog_dir());
  uint64_t share = kNoShare;
  bool error_changed = false;
  {
    std::lock_guard lock(mu_);
    share = status_.allowed_bytes.value_or(kNoShare);
    if (stored.ok()) status_.used_bytes = *stored;
    const std::string error = stored.ok() ? "" : stored.status().message();
    error_changed = error != last_measure_error_;
    last_measure_error_ = error;
  }
  if (!stored.ok()) {
    if (error_changed) {
      Warn(
          fmt::format("cannot measure the stored binlog files: {}; no room is given while "
                      "there is a share",
                      stored.status().message()));
    }
    allowance_.Publish(flushed, share, share);
    return std::nullopt;
  }
  allowance_.Publish(flushed, *stored, share);
  return *stored;
}

void BudgetKeeper::Account(const ReplicaSnapshot& snapshot) {
  auto files = store_->state_db().ListFiles();
  if (!files.ok()) {
    Warn(fmt::format("cannot read the catalogue: {}", files.status().message()));
    return;
  }
  uint64_t count = 0;
  for (const store::FileCatalogEntry& file : *files) {
    if (file.state != store::FileState::kPurging) ++count;
  }
  auto plan = Plan({}, snapshot.progress);
  uint64_t allowed = kNoShare;
  {
    std::lock_guard lock(mu_);
    allowed = ShareLocked();
    status_.files = count;
    status_.purgeable_bytes = plan.ok() ? plan->purge_bytes : 0;
    status_.oldest_kept_reason = plan.ok() ? plan->first_refusal() : plan.status().message();
  }
  const std::optional<uint64_t> measured = Measure();

  // Release what no longer holds: a full disk once there is room, the budget once a tenth
  // of the share (and the event refused) fits.
  if (disk_full_) {
    auto free = options_.free_bytes ? options_.free_bytes() : StatvfsFreeBytes(options_.data_dir);
    if (free.ok() && *free >= options_.resume_free_bytes) {
      disk_full_ = false;
      SetBackPressure(false, fmt::format("the file system has {} bytes free again", *free));
    }
    return;
  }
  if (allowed == kNoShare) {
    if (paused_) SetBackPressure(false, "the disk budget is unlimited");
    return;
  }
  if (!measured) return;  // Measure left no room; the puller stops at its next event
  const uint64_t used = *measured;
  const uint64_t room = allowance_.room();  // charges made since the measurement count
  const uint64_t wanted = std::max(allowed / 100 * kResumeRoomPercent, allowance_.last_refused());
  if (room == 0 || (paused_ && room < wanted)) {
    std::string why = plan.ok() ? plan->first_refusal() : plan.status().message();
    SetBackPressure(
        true,
        fmt::format(
            "budget_exhausted: the store holds {} bytes, its share of "
            "the disk budget is {} bytes{}, and nothing more may be "
            "purged ({})",
            used, allowed,
            wanted > allowed ? fmt::format(", smaller than the next event ({} bytes)", wanted) : "",
            why.empty() ? "no closed file" : why));
  } else if (paused_) {
    SetBackPressure(false,
                    fmt::format("the store holds {} bytes of its {} byte share", used, allowed));
  }
}

void BudgetKeeper::RunOnce() {
  const ReplicaSnapshot snapshot =
      options_.poll_replica ? options_.poll_replica() : ReplicaSnapshot{};
  UpdateReplica(snapshot);
  auto plan = Plan({}, snapshot.progress);
  if (plan.ok() && plan->purge_count > 0) Purge(*plan);
  Account(snapshot);
}

Result<BudgetKeeper::ManualPurge> BudgetKeeper::PurgeOnRequest(const PurgeRequest& request) {
  ReplicaProgress replica;
  {
    std::lock_guard lock(mu_);
    replica = last_progress_;
  }
  auto plan = Plan(request, replica);
  if (!plan.ok()) return plan.status();
  ManualPurge result;
  result.refusal = plan->first_refusal();
  if (plan->purge_count == 0) {
    if (result.refusal.empty()) return result;  // nothing before the requested file
    return Status::InvalidArgument(fmt::format("cannot purge: {}", result.refusal));
  }
  auto purged = store_->purger().PurgeThrough(plan->last_seq());
  if (!purged.ok()) return purged.status();
  {
    std::lock_guard lock(mu_);
    status_.purged_files += purged->files.size();
    status_.purged_bytes += purged->bytes;
  }
  result.outcome = std::move(purged).value();
  return result;
}

}  // namespace sidecar::budget
