// metrics::Histogram: bucket placement, cumulative snapshots, bound sanitising, threads.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "metrics/histogram.h"

namespace sidecar::metrics {
namespace {

using std::chrono::microseconds;

TEST(HistogramTest, ObservationsLandInTheFirstBucketTheyDoNotExceed) {
  const uint64_t bounds[] = {10, 100, 1000};
  Histogram h(bounds);
  h.Observe(microseconds(10));    // <= 10
  h.Observe(microseconds(11));    // <= 100
  h.Observe(microseconds(1000));  // <= 1000
  h.Observe(microseconds(5000));  // +Inf
  h.Observe(microseconds(-3));    // a clock step backwards counts as 0
  const HistogramSnapshot s = h.Snapshot();
  EXPECT_EQ(s.upper_bounds_micros, (std::vector<uint64_t>{10, 100, 1000}));
  EXPECT_EQ(s.cumulative_counts, (std::vector<uint64_t>{2, 3, 4}));
  EXPECT_EQ(s.count, 5u);
  EXPECT_EQ(s.sum_micros, 10u + 11 + 1000 + 5000);
}

TEST(HistogramTest, OutOfOrderAndExtraBoundsAreDropped) {
  std::vector<uint64_t> bounds = {5, 5, 3, 7};
  for (uint64_t b = 8; b < 100; ++b) bounds.push_back(b);
  Histogram h(bounds);
  const HistogramSnapshot s = h.Snapshot();
  ASSERT_EQ(s.upper_bounds_micros.size(), Histogram::kMaxBuckets);
  EXPECT_EQ(s.upper_bounds_micros[0], 5u);
  EXPECT_EQ(s.upper_bounds_micros[1], 7u);
  EXPECT_EQ(s.count, 0u);
}

TEST(HistogramTest, DefaultBoundsCoverDiskLatencies) {
  Histogram h;
  const HistogramSnapshot s = h.Snapshot();
  EXPECT_EQ(s.upper_bounds_micros.front(), 50u);
  EXPECT_EQ(s.upper_bounds_micros.back(), 10'000'000u);
}

TEST(HistogramTest, ConcurrentObservationsAreAllCounted) {
  Histogram h;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&h] {
      for (int i = 0; i < 10000; ++i) h.Observe(microseconds(i % 3000));
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(h.Snapshot().count, 40000u);
}

}  // namespace
}  // namespace sidecar::metrics
