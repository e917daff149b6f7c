#include "store/binlog_syncer.h"

#include <algorithm>
#include <chrono>
#include <utility>

namespace sidecar::store {

BinlogSyncer::BinlogSyncer(StateDb* db, DurablePosition* durable, WriterCounters* counters)
    : db_(db), durable_(durable), counters_(counters), thread_([this] { Run(); }) {}

BinlogSyncer::~BinlogSyncer() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  queued_.notify_one();
  thread_.join();
}

uint64_t BinlogSyncer::Submit(SyncTicket ticket) {
  uint64_t number;
  {
    std::lock_guard lock(mu_);
    number = ++submitted_;
    if (!error_.ok()) return number;
    queue_.push_back(std::move(ticket));
  }
  queued_.notify_one();
  return number;
}

Status BinlogSyncer::Wait(uint64_t ticket) {
  std::unique_lock lock(mu_);
  done_.wait(lock,
             [&] { return !error_.ok() || completed_ >= ticket || no_space_through_ >= ticket; });
  if (!error_.ok() || completed_ >= ticket) return error_;
  return no_space_;
}

Status BinlogSyncer::WaitAll() {
  uint64_t last;
  {
    std::lock_guard lock(mu_);
    last = submitted_;
  }
  return Wait(last);
}

Status BinlogSyncer::error() const {
  std::lock_guard lock(mu_);
  return error_;
}

void BinlogSyncer::Run() {
  std::unique_lock lock(mu_);
  while (true) {
    queued_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (stop_) return;
    std::vector<SyncTicket> tickets(std::make_move_iterator(queue_.begin()),
                                    std::make_move_iterator(queue_.end()));
    queue_.clear();
    taken_ += tickets.size();
    const uint64_t last = taken_;
    lock.unlock();
    // Commit drops the tickets, and with them its references to the files.
    bool retry = false;
    Status status = Commit(std::move(tickets), &retry);
    lock.lock();
    if (retry) {
      no_space_ = std::move(status);
      no_space_through_ = last;
      done_.notify_all();
      continue;
    }
    if (!status.ok()) {
      error_ = std::move(status);
      failed_.store(true, std::memory_order_release);
      queue_.clear();
      done_.notify_all();
      return;
    }
    completed_ = last;
    done_.notify_all();
  }
}

void BinlogSyncer::Carry(CheckpointCommit commit) {
  if (!carried_) {
    carried_ = std::move(commit);
    return;
  }
  carried_->checkpoint = std::move(commit.checkpoint);
  carried_->publish = std::move(commit.publish);
  if (commit.durability == CommitDurability::kDurable) {
    carried_->durability = CommitDurability::kDurable;
  }
  std::vector<FileCatalogEntry>& rows = carried_->rows;  // every file's newest row
  for (FileCatalogEntry& row : commit.rows) {
    auto same = std::find_if(rows.begin(), rows.end(),
                             [&](const FileCatalogEntry& r) { return r.seq == row.seq; });
    if (same != rows.end()) {
      *same = std::move(row);
    } else {
      rows.push_back(std::move(row));
    }
  }
}

Status BinlogSyncer::Commit(std::vector<SyncTicket> tickets, bool* retry) {
  std::vector<WritableFile*> files;
  for (SyncTicket& ticket : tickets) {
    if (ticket.file && std::find(files.begin(), files.end(), ticket.file.get()) == files.end()) {
      files.push_back(ticket.file.get());
    }
    if (ticket.commit) Carry(std::move(*ticket.commit));
  }
  for (WritableFile* file : files) {
    const auto start = std::chrono::steady_clock::now();
    if (Status s = file->Sync(); !s.ok()) return s;
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - start);
    counters_->fsyncs.fetch_add(1, std::memory_order_relaxed);
    counters_->last_fsync_micros.store(uint64_t(micros.count()), std::memory_order_relaxed);
    counters_->fsync_latency.Observe(micros);
  }
  if (!carried_) return Status::Ok();
  if (Status s = db_->CommitCheckpoint(carried_->checkpoint, carried_->rows, carried_->durability);
      !s.ok()) {
    *retry = s.code() == Status::Code::kNoSpace;
    pending_.store(*retry, std::memory_order_release);
    return s;
  }
  counters_->checkpoints.fetch_add(1, std::memory_order_relaxed);
  durable_->Publish(carried_->publish);
  carried_.reset();
  pending_.store(false, std::memory_order_release);
  return Status::Ok();
}

}  // namespace sidecar::store
