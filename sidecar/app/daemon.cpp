#include "app/daemon.h"

#include <fmt/format.h>
#include <signal.h>

#include <ctime>

#include "store/binlog_store.h"
#include "store/posix_env.h"

namespace sidecar::app {
namespace {

constexpr const char* kComponent = "daemon";

upstream::StartSpec StartFromConfig(const StartPosition& start) {
  upstream::StartSpec spec;
  switch (start.kind) {
    case StartPosition::Kind::kAuto:  // the primary's whole history: every replica is served
    case StartPosition::Kind::kEarliest:
      spec.kind = upstream::StartSpec::Kind::kEarliest;
      break;
    case StartPosition::Kind::kCurrent:
      spec.kind = upstream::StartSpec::Kind::kCurrent;
      break;
    case StartPosition::Kind::kFilePosition:
      spec.kind = upstream::StartSpec::Kind::kFilePosition;
      spec.file = start.file;
      spec.position = start.position;
      break;
    case StartPosition::Kind::kGtid:
      spec.kind = upstream::StartSpec::Kind::kGtid;
      spec.gtids = start.gtid_set;
      break;
  }
  return spec;
}

protocol::SslMode SslFromConfig(SslMode mode) {
  switch (mode) {
    case SslMode::kOff:
      return protocol::SslMode::kDisabled;
    case SslMode::kPreferred:
      return protocol::SslMode::kPreferred;
    case SslMode::kRequired:
      return protocol::SslMode::kRequired;
  }
  return protocol::SslMode::kPreferred;
}

}  // namespace

upstream::PullerOptions PullerOptionsFromConfig(const Config& config) {
  const UpstreamConfig& up = config.upstream;
  upstream::PullerOptions options;
  options.client.host = up.host;
  options.client.port = up.port;
  options.client.auth.user = up.account.user;
  options.client.auth.password = up.account.password.reveal();
  options.client.auth.ssl = SslFromConfig(up.ssl);
  options.client.auth.tls.ca_file = up.ssl_ca;
  options.client.auth.tls.cert_file = up.ssl_cert;
  options.client.auth.tls.key_file = up.ssl_key;
  options.client.auth.tls_host = up.host;
  options.conversation.server_id = up.server_id;
  options.conversation.heartbeat_period = up.heartbeat_period;
  options.conversation.semi_sync = up.semi_sync;
  options.conversation.report_port = config.serve.port;
  // MySQL's @slave_uuid must be stable per replica: derived from server_id.
  options.conversation.replica_uuid =
      fmt::format("5e1dca12-0000-4000-8000-{:012x}", uint64_t(up.server_id));
  options.gtid = up.gtid == GtidMode::kOn    ? upstream::GtidResumeMode::kOn
                 : up.gtid == GtidMode::kOff ? upstream::GtidResumeMode::kOff
                                             : upstream::GtidResumeMode::kAuto;
  options.start = StartFromConfig(up.start);
  options.sync_interval = config.storage.sync_interval;
  return options;
}

int RunDaemon(const Config& config, Logger& logger) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  // A peer or a log reader that goes away must not kill the daemon: every write checks EPIPE.
  signal(SIGPIPE, SIG_IGN);

  std::unique_ptr<store::Env> env = store::NewPosixEnv();
  store::BinlogStore::Options store_options;
  store_options.data_dir = config.storage.data_dir;
  store_options.writer.sync = config.storage.sync == SyncMode::kTransaction
                                  ? store::SyncMode::kTransaction
                                  : store::SyncMode::kGroup;
  store_options.writer.log = logger.Sink(LogLevel::kInfo, "store");
  auto store = store::BinlogStore::Open(env.get(), store_options);
  if (!store.ok()) {
    logger.Error(kComponent, fmt::format("cannot open the store in {}: {}", config.storage.data_dir,
                                         store.status().message()));
    return 1;
  }
  if (!(*store)->recovered_damage().ok()) {
    logger.Warning(kComponent, (*store)->recovered_damage().message());
  }
  const auto& resume = (*store)->recovered_resume_point();
  logger.Info(kComponent,
              resume ? fmt::format("store {} resumes at {}:{}", config.storage.data_dir,
                                   resume->file, resume->position)
                     : fmt::format("store {} is new: starting from upstream.start = {}",
                                   config.storage.data_dir, config.upstream.start.ToString()));

  upstream::PullerOptions options = PullerOptionsFromConfig(config);
  options.log_info = logger.Sink(LogLevel::kInfo, "upstream");
  options.log_error = logger.Sink(LogLevel::kError, "upstream");
  upstream::Puller puller(store->get(), std::move(options));
  puller.Start();

  int exit_code = 0;
  const timespec tick{0, 200 * 1000 * 1000};
  for (;;) {
    const int sig = sigtimedwait(&signals, nullptr, &tick);
    if (sig == SIGTERM || sig == SIGINT) {
      logger.Info(kComponent,
                  fmt::format("{}: shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT"));
      break;
    }
    if (puller.failed()) {
      exit_code = 1;
      break;
    }
  }
  puller.Stop();
  const auto status = puller.status();
  logger.Info(kComponent, fmt::format("stopped at {}:{} after {} events, {} bytes, {} ACKs",
                                      status.file, status.position, status.events_received,
                                      status.bytes_received, status.acks_sent));
  return exit_code;
}

}  // namespace sidecar::app
