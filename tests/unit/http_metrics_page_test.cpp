// The /metrics page: every family follows the naming rules, figures come from the snapshot,
// unknown gauges and absent components are left out.
#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "http/metrics_page.h"
#include "metrics/exposition.h"
#include "status_snapshot_fixture.h"

namespace sidecar::http {
namespace {

// name -> type, from the "# TYPE" lines; every sample line must belong to a declared family.
std::map<std::string, std::string> Families(const std::string& page) {
  std::map<std::string, std::string> types;
  std::istringstream in(page);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("# TYPE ", 0) == 0) {
      std::istringstream words(line.substr(7));
      std::string name, type;
      words >> name >> type;
      EXPECT_EQ(types.count(name), 0u) << "declared twice: " << name;
      types[name] = type;
    } else if (line.rfind("# HELP ", 0) != 0) {
      std::string name = line.substr(0, line.find_first_of("{ "));
      for (const char* suffix : {"_bucket", "_sum", "_count"}) {
        const std::string s(suffix);
        if (!types.count(name) && name.size() > s.size() &&
            name.compare(name.size() - s.size(), s.size(), s) == 0) {
          name.resize(name.size() - s.size());
        }
      }
      EXPECT_EQ(types.count(name), 1u) << "sample of an undeclared family: " << line;
    }
  }
  return types;
}

std::string Sample(const std::string& page, const std::string& name) {
  const size_t at = page.find("\n" + name + " ");
  if (at == std::string::npos) return "";
  const size_t start = at + name.size() + 2;
  return page.substr(start, page.find('\n', start) - start);
}

TEST(MetricsPageTest, EveryFamilyFollowsTheNamingRules) {
  const std::string page = MetricsPage(app::HealthySnapshot(), 0);
  const auto families = Families(page);
  EXPECT_GE(families.size(), 25u);
  for (const auto& [name, type] : families) {
    const metrics::MetricType t = type == "counter"     ? metrics::MetricType::kCounter
                                  : type == "histogram" ? metrics::MetricType::kHistogram
                                                        : metrics::MetricType::kGauge;
    EXPECT_TRUE(metrics::IsValidMetricName(name, t)) << name << " (" << type << ")";
  }
}

TEST(MetricsPageTest, FiguresComeFromTheSnapshot) {
  const std::string page = MetricsPage(app::HealthySnapshot(), 0);
  EXPECT_EQ(Sample(page, "binlog_sidecar_upstream_received_bytes_total"), "1000");
  EXPECT_EQ(Sample(page, "binlog_sidecar_upstream_reconnects_total"), "1");
  EXPECT_EQ(Sample(page, "binlog_sidecar_semi_sync_acks_total"), "3");
  EXPECT_EQ(Sample(page, "binlog_sidecar_store_fsyncs_total"), "4");
  EXPECT_EQ(Sample(page, "binlog_sidecar_store_durable_position_bytes"), "4567");
  EXPECT_EQ(Sample(page, "binlog_sidecar_upstream_behind_primary_seconds"), "0");
  EXPECT_EQ(Sample(page, "binlog_sidecar_downstream_connections"), "2");
  EXPECT_EQ(Sample(page, "binlog_sidecar_downstream_readers"), "1");
  EXPECT_EQ(Sample(page, "binlog_sidecar_downstream_sent_bytes_total"), "5000");
  EXPECT_EQ(Sample(page, "binlog_sidecar_downstream_sent_events_total"), "50");
  EXPECT_EQ(Sample(page, "binlog_sidecar_budget_used_bytes"), "9000");
  EXPECT_EQ(Sample(page, "binlog_sidecar_budget_allowed_bytes"), "600000");
  EXPECT_EQ(Sample(page, "binlog_sidecar_healthy"), "1");
  EXPECT_EQ(Sample(MetricsPage(app::HealthySnapshot(), 2), "binlog_sidecar_healthy"), "0");
  EXPECT_NE(page.find("binlog_sidecar_store_fsync_duration_seconds_bucket{le=\"+Inf\"}"),
            std::string::npos);
}

TEST(MetricsPageTest, UnknownAndAbsentAreLeftOut) {
  app::StatusSnapshot s = app::HealthySnapshot();
  s.upstream.seconds_behind_primary.reset();
  s.budget.reset();
  s.readers.reset();
  const std::string page = MetricsPage(s, 0);
  EXPECT_EQ(page.find("binlog_sidecar_upstream_behind_primary_seconds"), std::string::npos);
  EXPECT_EQ(page.find("binlog_sidecar_budget_"), std::string::npos);
  EXPECT_EQ(page.find("binlog_sidecar_downstream_"), std::string::npos);
  EXPECT_NE(page.find("binlog_sidecar_store_fsyncs_total"), std::string::npos);
}

}  // namespace
}  // namespace sidecar::http
