// DurablePosition: where the durable binlog ends, published by the one writer
// and awaited by every reader.
//
// The writer publishes a position only after the bytes before it and the
// checkpoint that covers them are fsync'd (see BinlogStore), and only at a
// transaction boundary, so a reader that stops at it never sees bytes that
// recovery could remove or a half transaction. Positions only move forward,
// except through Reset() (recovery re-fetching a damaged range), which wakes
// every reader so it can re-position.
//
// Readers block on a condition variable: no polling, and a reader wakes as
// soon as a publish moves past what it has seen (or at its deadline, for
// heartbeats, or at Close()). Thread-safe.
#pragma once

#include <chrono>
#include <compare>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>

namespace sidecar::store {

// A place in the stored binlog. `file_seq` is the catalogue's sequence number
// of `file` (strictly increasing across files, whatever their names), so
// positions compare by (file_seq, offset).
struct BinlogPosition {
  int64_t file_seq = 0;
  std::string file;
  uint64_t offset = 0;

  friend bool operator==(const BinlogPosition& a, const BinlogPosition& b) {
    return a.file_seq == b.file_seq && a.offset == b.offset;
  }
  friend std::strong_ordering operator<=>(const BinlogPosition& a, const BinlogPosition& b) {
    if (auto c = a.file_seq <=> b.file_seq; c != 0) return c;
    return a.offset <=> b.offset;
  }
};

class DurablePosition {
 public:
  using Clock = std::chrono::steady_clock;

  // The current durable end.
  BinlogPosition Get() const {
    std::lock_guard lock(mu_);
    return position_;
  }

  // Generation: bumped by Reset(); a reader that saw an older one re-positions.
  uint64_t generation() const {
    std::lock_guard lock(mu_);
    return generation_;
  }

  // REQUIRES: position >= Get(). Wakes every waiting reader.
  void Publish(BinlogPosition position) {
    {
      std::lock_guard lock(mu_);
      position_ = std::move(position);
    }
    changed_.notify_all();
  }

  // Moves the durable end back (recovery dropped a damaged range).
  void Reset(BinlogPosition position) {
    {
      std::lock_guard lock(mu_);
      position_ = std::move(position);
      ++generation_;
    }
    changed_.notify_all();
  }

  // Blocks until the durable end is past `seen`, the generation differs from
  // `seen_generation`, `deadline` passes, or Close() is called. Returns the
  // durable end at that moment.
  BinlogPosition WaitBeyond(const BinlogPosition& seen, uint64_t seen_generation,
                            Clock::time_point deadline) const {
    std::unique_lock lock(mu_);
    changed_.wait_until(lock, deadline, [&] {
      return closed_ || generation_ != seen_generation || seen < position_;
    });
    return position_;
  }

  // Wakes every reader for good (shutdown).
  void Close() {
    {
      std::lock_guard lock(mu_);
      closed_ = true;
    }
    changed_.notify_all();
  }

  bool closed() const {
    std::lock_guard lock(mu_);
    return closed_;
  }

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable changed_;
  BinlogPosition position_;  // GUARDED_BY(mu_)
  uint64_t generation_ = 0;  // GUARDED_BY(mu_)
  bool closed_ = false;      // GUARDED_BY(mu_)
};

}  // namespace sidecar::store
