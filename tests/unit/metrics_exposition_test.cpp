// metrics::Exposition: the Prometheus text format and the naming rules.
#include <gtest/gtest.h>

#include "metrics/exposition.h"

namespace sidecar::metrics {
namespace {

TEST(ExpositionTest, CounterAndGaugeHaveHelpTypeAndSample) {
  Exposition page;
  page.Counter("binlog_sidecar_things_total", "Things seen", 42);
  page.Gauge("binlog_sidecar_level_bytes", "A level", 1.5);
  EXPECT_EQ(page.text(),
            "# HELP binlog_sidecar_things_total Things seen\n"
            "# TYPE binlog_sidecar_things_total counter\n"
            "binlog_sidecar_things_total 42\n"
            "# HELP binlog_sidecar_level_bytes A level\n"
            "# TYPE binlog_sidecar_level_bytes gauge\n"
            "binlog_sidecar_level_bytes 1.5\n");
}

TEST(ExpositionTest, HistogramIsCumulativeInSecondsWithInfSumAndCount) {
  const uint64_t bounds[] = {500, 1000000};
  Histogram h(bounds);
  h.Observe(std::chrono::microseconds(250));
  h.Observe(std::chrono::microseconds(2000000));
  Exposition page;
  page.Histogram("binlog_sidecar_wait_seconds", "Waits", h.Snapshot());
  EXPECT_EQ(page.text(),
            "# HELP binlog_sidecar_wait_seconds Waits\n"
            "# TYPE binlog_sidecar_wait_seconds histogram\n"
            "binlog_sidecar_wait_seconds_bucket{le=\"0.0005\"} 1\n"
            "binlog_sidecar_wait_seconds_bucket{le=\"1\"} 1\n"
            "binlog_sidecar_wait_seconds_bucket{le=\"+Inf\"} 2\n"
            "binlog_sidecar_wait_seconds_sum 2.00025\n"
            "binlog_sidecar_wait_seconds_count 2\n");
}

TEST(ExpositionTest, HelpTextIsEscaped) {
  Exposition page;
  page.Gauge("binlog_sidecar_x", "a\\b\nc", 0);
  EXPECT_NE(page.text().find("# HELP binlog_sidecar_x a\\\\b\\nc\n"), std::string::npos);
}

TEST(ExpositionTest, NamingRules) {
  EXPECT_TRUE(IsValidMetricName("binlog_sidecar_fsyncs_total", MetricType::kCounter));
  EXPECT_FALSE(IsValidMetricName("binlog_sidecar_fsyncs", MetricType::kCounter));
  EXPECT_FALSE(IsValidMetricName("binlog_sidecar_size_total", MetricType::kGauge));
  EXPECT_TRUE(IsValidMetricName("binlog_sidecar_size_bytes", MetricType::kGauge));
  EXPECT_TRUE(IsValidMetricName("binlog_sidecar_fsync_seconds", MetricType::kHistogram));
  EXPECT_FALSE(IsValidMetricName("sidecar_size_bytes", MetricType::kGauge));
  EXPECT_FALSE(IsValidMetricName("binlog_sidecar_", MetricType::kGauge));
  EXPECT_FALSE(IsValidMetricName("binlog_sidecar_Size", MetricType::kGauge));
  EXPECT_FALSE(IsValidMetricName("binlog_sidecar_a-b", MetricType::kGauge));
  EXPECT_FALSE(IsValidMetricName("binlog_sidecar_a__b", MetricType::kGauge));
}

}  // namespace
}  // namespace sidecar::metrics
