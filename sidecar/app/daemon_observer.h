// DaemonObserver: what the daemon shows the outside world about itself — the HTTP endpoints
// (/health, /status, /metrics), the systemd notifications and the storage probe — wired in
// one place so that daemon.cpp only calls it at its milestones:
//
//   StartHttp()   before the store is opened: /health answers recovery_in_progress meanwhile
//   Attach()      once the pull runs (and the serve port listens): snapshots become live,
//                 with the ACK latency histogram below added to the sources
//   Ready()       READY=1 with the first STATUS= line
//   Tick()        from the main loop at least every tick_interval(): probes data_dir (every
//                 2 s), updates STATUS= when the state or the problems change, and sends
//                 WATCHDOG=1 when due
//   Stop()        STOPPING=1, stops the HTTP server (requests in flight finish) and detaches
//                 from the components; call it before they are destroyed. Idempotent.
//
// The semi-sync ACK latency histogram lives here (it outlives any one Puller): pass
// ack_latency() in PullerOptions.
//
// Thread-safety: one owner thread (the daemon's main thread); the HTTP threads only read
// snapshots through the StatusCollector.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "app/config.h"
#include "app/logger.h"
#include "app/status_collector.h"
#include "app/systemd_notifier.h"
#include "base/status.h"
#include "http/health.h"
#include "http/http_server.h"
#include "metrics/histogram.h"

namespace sidecar::app {

class DaemonObserver {
 public:
  using Clock = std::chrono::steady_clock;

  DaemonObserver(const Config& config, Logger& logger);
  DaemonObserver(const DaemonObserver&) = delete;
  DaemonObserver& operator=(const DaemonObserver&) = delete;
  ~DaemonObserver();  // Stop()

  // Listens on http.bind:http.port; the error names the address.
  Status StartHttp();
  void Attach(StatusSources sources);
  void Ready();
  void Tick();
  void Stop();

  std::chrono::milliseconds tick_interval() const;
  metrics::Histogram* ack_latency() { return &ack_latency_; }

 private:
  const Config& config_;
  Logger& logger_;
  const http::HealthOptions health_;
  metrics::Histogram ack_latency_;
  StatusCollector collector_;
  SystemdNotifier notifier_;
  std::unique_ptr<http::HttpServer> http_;
  Clock::time_point last_probe_{};
  std::string last_probe_error_;
  bool stopped_ = false;
};

}  // namespace sidecar::app
