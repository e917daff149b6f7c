#include "app/daemon.h"

#include <fmt/format.h>
#include <signal.h>

#include <ctime>

#include "app/daemon_context.h"
#include "app/daemon_observer.h"
#include "app/upstream_control.h"
#include "budget/budget_keeper.h"
#include "budget/replica_monitor.h"
#include "downstream/connection_table.h"
#include "downstream/server.h"
#include "downstream/state_db_catalogue.h"
#include "store/binlog_store.h"
#include "store/damage_reports.h"
#include "store/posix_env.h"
#include "upstream/binlog_repairer.h"

namespace sidecar::app {
namespace {

constexpr const char* kComponent = "daemon";
// Downstream connections served at once (a replica, tools, admin sessions); more get ERR 1040.
constexpr size_t kMaxDownstreamConnections = 256;

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

// [replica]: over its Unix socket when set (no TLS there), else TCP.
protocol::ClientOptions ReplicaClientFromConfig(const Config& config) {
  const ReplicaConfig& replica = config.replica;
  protocol::ClientOptions client;
  client.unix_socket = replica.socket;
  client.host = replica.host;
  client.port = replica.port;
  client.connect_timeout = std::chrono::seconds(5);
  client.read_timeout = std::chrono::seconds(10);  // a hung replica must not hang the keeper
  client.auth.user = replica.account.user;
  client.auth.password = replica.account.password.reveal();
  client.auth.ssl = replica.socket.empty() ? protocol::SslMode::kPreferred
                                           : protocol::SslMode::kDisabled;
  client.auth.tls_host = replica.host;
  return client;
}

// [budget]. budget.disk unlimited: no back-pressure, but executed files older than keep_min
// are still purged.
budget::BudgetKeeperOptions BudgetOptionsFromConfig(const Config& config, Logger& logger) {
  budget::BudgetKeeperOptions options;
  options.disk_budget = config.budget.disk;
  options.relay_log_space_limit = config.budget.relay_log_space_limit;
  options.keep_min = std::chrono::duration_cast<std::chrono::seconds>(config.budget.keep_min);
  options.data_dir = config.storage.data_dir;
  options.log_info = logger.Sink(LogLevel::kInfo, "budget");
  options.log_warning = logger.Sink(LogLevel::kWarning, "budget");
  return options;
}

// The downstream server on serve.bind:serve.port, reading the store.
downstream::ServerOptions ServerOptionsFromConfig(const Config& config, Logger& logger,
                                                  DaemonContext* context,
                                                  downstream::ConnectionTable* connections,
                                                  store::BinlogStore* store,
                                                  store::CatalogueView* catalogue,
                                                  store::DamageReports* damage) {
  downstream::ServerOptions options;
  options.bind = config.serve.bind;
  options.port = config.serve.port;
  options.serve_user = config.serve.account.user;
  options.serve_password = config.serve.account.password.reveal();
  options.admin_user = config.admin.account.user;
  options.admin_password = config.admin.account.password.reveal();
  options.auth_plugin = FormatEnum(config.serve.auth_plugin, kAuthPluginNames);
  options.tls = config.serve.ssl != ServeSslMode::kOff;
  options.require_tls = config.serve.ssl == ServeSslMode::kRequired;
  options.tls_cert_file = config.serve.ssl_cert;
  options.tls_key_file = config.serve.ssl_key;
  options.greeting_version = [context] { return context->greeting_version(); };
  options.session.admin_user = config.admin.account.user;
  options.session.context = context;
  options.session.table = connections;
  options.session.dump.store = {&store->env(), store->binlog_dir(), catalogue,
                                &store->durable_position(), damage};
  options.session.dump.server_id = config.upstream.server_id;
  options.session.dump.delay = config.serve.delay;
  options.session.dump.source_uuid = [context]() -> std::optional<binlog::Uuid> {
    auto uuid = binlog::Uuid::Parse(context->upstream_settings().primary_uuid);
    return uuid.ok() ? std::optional<binlog::Uuid>(*uuid) : std::nullopt;
  };
  options.session.log_info = logger.Sink(LogLevel::kInfo, "serve");
  options.log_error = logger.Sink(LogLevel::kError, "serve");
  return options;
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
  options.conversation.replica_uuid = SidecarUuid(up.server_id);
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

  // HTTP listens first: while the store recovers, /health says recovery_in_progress.
  DaemonObserver observer(config, logger);
  if (Status s = observer.StartHttp(); !s.ok()) {
    logger.Error(kComponent, s.message());
    return 1;
  }
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
  options.ack_latency = observer.ack_latency();
  // The disk budget: purges what the replica executed, pauses the puller when full.
  budget::ReplicaMonitor replica_monitor(ReplicaClientFromConfig(config));
  budget::BudgetKeeperOptions budget_options = BudgetOptionsFromConfig(config, logger);
  budget_options.poll_replica = [&replica_monitor] { return replica_monitor.Poll(); };
  // Readers (replicas, tools) keep what they still need: the purge policy asks the server's
  // connection table.
  downstream::ConnectionTable connections(kMaxDownstreamConnections);
  budget_options.oldest_reader = [&connections] { return connections.OldestReaderPosition(); };
  budget::BudgetKeeper budget_keeper(store->get(), std::move(budget_options));
  options.pause_reason = [&budget_keeper] { return budget_keeper.PauseReason(); };
  options.on_no_space = [&budget_keeper](const Status& s) { budget_keeper.ReportNoSpace(s); };
  options.room_for = [&budget_keeper](const binlog::EventView& event) {
    return budget_keeper.RoomFor(event);
  };
  options.on_flushed = [&budget_keeper] { budget_keeper.MarkFlushed(); };
  budget_keeper.Start();
  auto upstream = UpstreamControl::Create(store->get(), std::move(options), &logger);
  if (!upstream.ok()) {
    logger.Error(kComponent, upstream.status().message());
    budget_keeper.Stop();
    return 1;
  }
  UpstreamControl& puller = **upstream;
  puller.Start();
  // Damage a reader refuses to serve is fetched again from the primary.
  store::DamageReports damage;
  upstream::BinlogRepairer repairer(
      store->get(), &damage,
      {.primary = [&puller] { return puller.options(); },
       .log_info = logger.Sink(LogLevel::kInfo, "repair"),
       .log_error = logger.Sink(LogLevel::kError, "repair")});
  repairer.Start();
  // Replicas and tools read the store on serve.bind:serve.port.
  DaemonContext context(config.upstream.server_id, store->get(), &puller, &connections,
                        &budget_keeper);
  downstream::StateDbCatalogue catalogue(&(*store)->state_db());
  downstream::Server server(
      ServerOptionsFromConfig(config, logger, &context, &connections, store->get(), &catalogue,
                              &damage));
  if (Status s = server.Start(); !s.ok()) {
    logger.Error(kComponent, s.message());
    repairer.Stop();
    puller.Stop();
    budget_keeper.Stop();
    return 1;
  }
  logger.Info(kComponent,
              fmt::format("serving replicas on {}:{} (TLS {}{}, {})", config.serve.bind,
                          server.port(), FormatEnum(config.serve.ssl, kServeSslModeNames),
                          config.serve.ssl != ServeSslMode::kOff && config.serve.ssl_cert.empty()
                              ? " with a self-signed certificate generated at start"
                              : "",
                          FormatEnum(config.serve.auth_plugin, kAuthPluginNames)));
  StatusSources sources;
  sources.upstream = [&puller] { return puller.status(); };
  sources.store = store->get();
  sources.budget = [&budget_keeper] { return budget_keeper.status(); };
  sources.readers = &connections;
  observer.Attach(std::move(sources));
  observer.Ready();

  int exit_code = 0;
  // Signals wake the loop at once; the tick paces the observer (probe, STATUS=, watchdog).
  const auto tick_ms = observer.tick_interval().count();
  const timespec tick{tick_ms / 1000, (tick_ms % 1000) * 1000 * 1000};
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
    observer.Tick();
  }
  observer.Stop();
  server.Stop();
  repairer.Stop();
  puller.Stop();
  budget_keeper.Stop();
  const auto status = puller.status();
  logger.Info(kComponent, fmt::format("stopped at {}:{} after {} events, {} bytes, {} ACKs",
                                      status.file, status.position, status.events_received,
                                      status.bytes_received, status.acks_sent));
  return exit_code;
}

}  // namespace sidecar::app
