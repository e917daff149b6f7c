// The /metrics page: the StatusSnapshot's figures in Prometheus text format (exposition.h for
// the naming rules). The list of names is in metrics_page.cpp and docs/http.md.
//
// Counters are the components' own monotonic counters since start-up, so they only grow
// across scrapes of one process. Gauges whose value is unknown (seconds behind the primary
// before streaming) and the families of absent components (budget) are left out rather than
// exposed as 0.
//
// Thread-safety: a pure function.
#pragma once

#include <string>

#include "app/status_snapshot.h"

namespace sidecar::http {

std::string MetricsPage(const app::StatusSnapshot& snapshot, size_t health_problems);

}  // namespace sidecar::http
