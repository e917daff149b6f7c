#include "app/daemon_observer.h"

#include <fmt/format.h>

#include <algorithm>

#include "app/storage_probe.h"
#include "app/version.h"
#include "http/status_json.h"

namespace sidecar::app {
namespace {

constexpr const char* kComponent = "http";
constexpr auto kProbeInterval = std::chrono::seconds(2);
constexpr auto kMaxTick = std::chrono::milliseconds(1000);

}  // namespace

DaemonObserver::DaemonObserver(const Config& config, Logger& logger)
    : config_(config),
      logger_(logger),
      health_{http::UpstreamGraceFor(config.upstream.heartbeat_period)},
      collector_(kVersion, config.storage.data_dir) {}

DaemonObserver::~DaemonObserver() { Stop(); }

Status DaemonObserver::StartHttp() {
  http::HttpServerOptions options;
  options.bind = config_.http.bind;
  options.port = config_.http.port;
  options.health = health_;
  auto server = http::HttpServer::Start(options, [this] { return collector_.Collect(); });
  if (!server.ok()) return server.status();
  http_ = std::move(server).value();
  logger_.Info(kComponent, fmt::format("listening on http://{}:{} (/health, /status, /metrics)",
                                       config_.http.bind, http_->port()));
  notifier_.Status(fmt::format("recovering the store in {}", config_.storage.data_dir));
  return Status::Ok();
}

void DaemonObserver::Attach(StatusSources sources) {
  sources.ack_latency = &ack_latency_;  // ours: the pullers observe into it
  collector_.Attach(std::move(sources));
}

void DaemonObserver::Ready() {
  const StatusSnapshot snapshot = collector_.Collect();
  notifier_.Ready(http::StatusLine(snapshot, http::EvaluateHealth(snapshot, health_)));
}

void DaemonObserver::Tick() {
  const Clock::time_point now = Clock::now();
  if (now - last_probe_ >= kProbeInterval) {
    last_probe_ = now;
    std::string error = ProbeDataDirWritable(config_.storage.data_dir);
    if (error != last_probe_error_) {
      if (error.empty()) {
        logger_.Info(kComponent,
                     fmt::format("data_dir {} is writable again", config_.storage.data_dir));
      } else {
        logger_.Error(kComponent, fmt::format("storage probe: {}", error));
      }
      last_probe_error_ = error;
    }
    collector_.SetStorageProbeError(std::move(error));
  }
  const StatusSnapshot snapshot = collector_.Collect();
  notifier_.Status(http::StatusLine(snapshot, http::EvaluateHealth(snapshot, health_)));
  notifier_.WatchdogIfDue();
}

void DaemonObserver::Stop() {
  if (stopped_) return;
  stopped_ = true;
  notifier_.Stopping();
  if (http_) http_->Stop();
  collector_.Detach();
}

std::chrono::milliseconds DaemonObserver::tick_interval() const {
  const auto watchdog = notifier_.watchdog_interval();
  if (!watchdog) return kMaxTick;
  return std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(*watchdog) / 2,
                    std::chrono::milliseconds(10), kMaxTick);
}

}  // namespace sidecar::app
