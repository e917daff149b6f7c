#include "metrics/histogram.h"

namespace sidecar::metrics {

Histogram::Histogram(std::span<const uint64_t> upper_bounds_micros) {
  for (uint64_t bound : upper_bounds_micros) {
    if (bucket_count_ == kMaxBuckets) break;
    if (bucket_count_ > 0 && bound <= bounds_[bucket_count_ - 1]) continue;
    bounds_[bucket_count_++] = bound;
  }
}

void Histogram::Observe(std::chrono::microseconds duration) {
  const uint64_t micros = duration.count() < 0 ? 0 : uint64_t(duration.count());
  size_t bucket = 0;
  while (bucket < bucket_count_ && micros > bounds_[bucket]) ++bucket;
  counts_[bucket].fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(micros, std::memory_order_relaxed);
}

HistogramSnapshot Histogram::Snapshot() const {
  HistogramSnapshot snapshot;
  snapshot.upper_bounds_micros.assign(bounds_.begin(), bounds_.begin() + bucket_count_);
  snapshot.cumulative_counts.reserve(bucket_count_);
  uint64_t running = 0;
  for (size_t i = 0; i < bucket_count_; ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    snapshot.cumulative_counts.push_back(running);
  }
  snapshot.count = running + counts_[bucket_count_].load(std::memory_order_relaxed);
  snapshot.sum_micros = sum_micros_.load(std::memory_order_relaxed);
  return snapshot;
}

}  // namespace sidecar::metrics
