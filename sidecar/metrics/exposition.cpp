#include "metrics/exposition.h"

#include <fmt/format.h>

namespace sidecar::metrics {
namespace {

constexpr std::string_view kTotalSuffix = "_total";

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

double Seconds(uint64_t micros) { return double(micros) / 1e6; }

}  // namespace

bool IsValidMetricName(std::string_view name, MetricType type) {
  if (name.size() <= kMetricPrefix.size() ||
      name.substr(0, kMetricPrefix.size()) != kMetricPrefix) {
    return false;
  }
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  if (name.back() == '_' || name.find("__") != std::string_view::npos) return false;
  const bool total = EndsWith(name, kTotalSuffix);
  return type == MetricType::kCounter ? total : !total;
}

void Exposition::Header(std::string_view name, std::string_view help, std::string_view type) {
  text_ += fmt::format("# HELP {} ", name);
  for (char c : help) {
    if (c == '\\') {
      text_ += "\\\\";
    } else if (c == '\n') {
      text_ += "\\n";
    } else {
      text_ += c;
    }
  }
  text_ += fmt::format("\n# TYPE {} {}\n", name, type);
}

void Exposition::Counter(std::string_view name, std::string_view help, uint64_t value) {
  Header(name, help, "counter");
  text_ += fmt::format("{} {}\n", name, value);
}

void Exposition::Gauge(std::string_view name, std::string_view help, double value) {
  Header(name, help, "gauge");
  text_ += fmt::format("{} {}\n", name, value);
}

void Exposition::Histogram(std::string_view name, std::string_view help,
                           const HistogramSnapshot& snapshot) {
  Header(name, help, "histogram");
  for (size_t i = 0; i < snapshot.upper_bounds_micros.size(); ++i) {
    text_ += fmt::format("{}_bucket{{le=\"{}\"}} {}\n", name,
                         Seconds(snapshot.upper_bounds_micros[i]), snapshot.cumulative_counts[i]);
  }
  text_ += fmt::format("{}_bucket{{le=\"+Inf\"}} {}\n", name, snapshot.count);
  text_ += fmt::format("{}_sum {}\n", name, Seconds(snapshot.sum_micros));
  text_ += fmt::format("{}_count {}\n", name, snapshot.count);
}

}  // namespace sidecar::metrics
