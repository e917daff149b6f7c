// Histogram: a latency distribution over fixed bucket bounds, for Prometheus.
//
// The bounds are fixed when the histogram is built (strictly increasing, in
// microseconds); an observation increments the first bucket whose bound it
// does not exceed, or the overflow (+Inf) bucket. Observe() is lock-free and
// allocation-free: two relaxed atomic adds, so it belongs on hot paths
// (the syncer's fsync loop, the puller's ACK). Snapshot() may run at the same
// time; it reads each atomic once, so a snapshot taken during an Observe may
// count that observation in its bucket but not yet in `sum` (or the reverse):
// scrape-level skew, never a lost or double count.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace sidecar::metrics {

// What a scrape sees: per-bucket counts, cumulative as Prometheus wants them.
struct HistogramSnapshot {
  std::vector<uint64_t> upper_bounds_micros;  // one per finite bucket
  std::vector<uint64_t> cumulative_counts;    // same size: observations <= each bound
  uint64_t count = 0;                         // all observations (the +Inf bucket)
  uint64_t sum_micros = 0;
};

// Default bounds, for disk and network round trips: 50 µs to 10 s.
inline constexpr std::array<uint64_t, 17> kLatencyBoundsMicros = {
    50,    100,    250,    500,    1000,    2500,    5000,    10000,   25000,
    50000, 100000, 250000, 500000, 1000000, 2500000, 5000000, 10000000};

class Histogram {
 public:
  static constexpr size_t kMaxBuckets = 24;

  // Bounds in microseconds, strictly increasing; at most kMaxBuckets (extra
  // bounds and out-of-order ones are dropped, so the histogram stays valid).
  explicit Histogram(std::span<const uint64_t> upper_bounds_micros = kLatencyBoundsMicros);
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  void Observe(std::chrono::microseconds duration);
  HistogramSnapshot Snapshot() const;

 private:
  std::array<uint64_t, kMaxBuckets> bounds_{};
  size_t bucket_count_ = 0;
  std::array<std::atomic<uint64_t>, kMaxBuckets + 1> counts_{};  // last: +Inf
  std::atomic<uint64_t> sum_micros_{0};
};

}  // namespace sidecar::metrics
