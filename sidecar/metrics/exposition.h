// Exposition: builds a Prometheus text-format page (version 0.0.4), one
// metric family at a time: "# HELP", "# TYPE", then the samples.
//
// Naming rules (checked by IsValidMetricName and by the unit tests of every
// page built with it): names start with "binlog_sidecar_", use [a-z0-9_],
// carry their unit (_bytes, _seconds, ...), counters end in "_total" and
// nothing else does. Histograms take microsecond snapshots and expose
// seconds, Prometheus's base unit. Help text is escaped (\\ and \n).
//
// The page is built from values the caller read from a status snapshot, so
// building it takes no lock of any replication component.
//
// Thread-safety: one Exposition per page, used by one thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "metrics/histogram.h"

namespace sidecar::metrics {

enum class MetricType { kCounter, kGauge, kHistogram };

inline constexpr std::string_view kMetricPrefix = "binlog_sidecar_";
inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

// True when `name` follows the naming rules above for `type`.
bool IsValidMetricName(std::string_view name, MetricType type);

class Exposition {
 public:
  void Counter(std::string_view name, std::string_view help, uint64_t value);
  void Gauge(std::string_view name, std::string_view help, double value);
  void Histogram(std::string_view name, std::string_view help, const HistogramSnapshot& snapshot);

  const std::string& text() const { return text_; }

 private:
  void Header(std::string_view name, std::string_view help, std::string_view type);

  std::string text_;
};

}  // namespace sidecar::metrics
