#include "http/metrics_page.h"

#include "metrics/exposition.h"

namespace sidecar::http {
namespace {

void UpstreamMetrics(const app::UpstreamSnapshot& up, metrics::Exposition& page) {
  page.Gauge("binlog_sidecar_upstream_connected", "1 while streaming from the primary, else 0",
             up.disconnected_seconds ? 0 : 1);
  page.Counter("binlog_sidecar_upstream_received_bytes_total",
               "Bytes of binlog events received from the primary", up.bytes_received);
  page.Counter("binlog_sidecar_upstream_received_events_total",
               "Binlog events received from the primary (heartbeats included)", up.events_received);
  page.Counter("binlog_sidecar_upstream_reconnects_total",
               "Connections to the primary that ended and were retried", up.reconnects);
  page.Counter("binlog_sidecar_semi_sync_acks_total",
               "Semi-sync ACKs sent to the primary (each after fsync)", up.semi_sync_acks);
  page.Histogram("binlog_sidecar_semi_sync_ack_latency_seconds",
                 "From a semi-sync event's arrival to its ACK (fsync and checkpoint included)",
                 up.ack_latency);
  if (up.seconds_behind_primary) {
    page.Gauge("binlog_sidecar_upstream_behind_primary_seconds",
               "Seconds between the newest received event's timestamp and now",
               double(*up.seconds_behind_primary));
  }
}

void StorageMetrics(const app::StorageSnapshot& storage, metrics::Exposition& page) {
  page.Counter("binlog_sidecar_store_written_bytes_total", "Bytes of events stored",
               storage.stored_bytes);
  page.Counter("binlog_sidecar_store_written_events_total", "Events stored", storage.stored_events);
  page.Counter("binlog_sidecar_store_fsyncs_total", "fdatasync calls on binlog files",
               storage.fsyncs);
  page.Histogram("binlog_sidecar_store_fsync_duration_seconds", "Duration of each fdatasync",
                 storage.fsync_latency);
  page.Counter("binlog_sidecar_store_checkpoints_total", "Checkpoints committed to state.db",
               storage.checkpoints);
  page.Gauge("binlog_sidecar_store_files", "Binlog files in data_dir", double(storage.files));
  page.Gauge("binlog_sidecar_store_size_bytes", "Bytes of the binlog files in data_dir",
             double(storage.bytes));
  page.Gauge("binlog_sidecar_store_durable_position_bytes",
             "Offset of the durable end (checkpoint) in its file",
             double(storage.durable_position));
  page.Gauge("binlog_sidecar_store_writable", "1 while the store accepts writes, else 0",
             storage.writer_failed || !storage.error.empty() ? 0 : 1);
}

void BudgetMetrics(const budget::BudgetStatus& budget, metrics::Exposition& page) {
  if (budget.disk_budget) {
    page.Gauge("binlog_sidecar_budget_disk_bytes",
               "budget.disk: the sidecar's binlogs and the replica's relay logs together",
               double(*budget.disk_budget));
  }
  if (budget.allowed_bytes) {
    page.Gauge("binlog_sidecar_budget_allowed_bytes",
               "The sidecar's share: budget.disk minus relay_log_space_limit",
               double(*budget.allowed_bytes));
  }
  page.Gauge("binlog_sidecar_budget_used_bytes",
             "Bytes of stored binlogs counted against the budget", double(budget.used_bytes));
  page.Gauge("binlog_sidecar_budget_purgeable_bytes",
             "Bytes of binlogs the purge policy lets go now", double(budget.purgeable_bytes));
  page.Gauge("binlog_sidecar_budget_back_pressure",
             "1 while the pull is paused (budget or full disk)", budget.back_pressure ? 1 : 0);
  page.Counter("binlog_sidecar_purged_files_total", "Binlog files purged", budget.purged_files);
  page.Counter("binlog_sidecar_purged_bytes_total", "Bytes of binlog files purged",
               budget.purged_bytes);
  page.Gauge("binlog_sidecar_replica_reachable",
             "1 when the co-located replica answered the last poll",
             budget.replica_reachable ? 1 : 0);
}

void ReaderMetrics(const std::vector<downstream::ReaderStatus>& readers,
                   const downstream::SentTotals& served, metrics::Exposition& page) {
  uint64_t dumping = 0, bytes = 0, events = 0;
  for (const downstream::ReaderStatus& r : readers) {
    if (r.reading) ++dumping;
    bytes += r.bytes_sent;
    events += r.events_sent;
  }
  page.Gauge("binlog_sidecar_downstream_connections", "Connections on the serve port",
             double(readers.size()));
  page.Gauge("binlog_sidecar_downstream_readers", "Connections reading the binlog (dumping)",
             double(dumping));
  page.Gauge("binlog_sidecar_downstream_connected_sent_bytes",
             "Bytes sent by the connections open now", double(bytes));
  page.Gauge("binlog_sidecar_downstream_connected_sent_events",
             "Events sent by the connections open now", double(events));
  page.Counter("binlog_sidecar_downstream_sent_bytes_total",
               "Bytes of binlog events sent on the serve port", served.bytes);
  page.Counter("binlog_sidecar_downstream_sent_events_total",
               "Binlog events sent on the serve port", served.events);
}

}  // namespace

std::string MetricsPage(const app::StatusSnapshot& snapshot, size_t health_problems) {
  metrics::Exposition page;
  page.Gauge("binlog_sidecar_uptime_seconds", "Seconds since the process started",
             snapshot.uptime_seconds);
  page.Gauge("binlog_sidecar_healthy", "1 when /health answers 200, else 0",
             health_problems == 0 ? 1 : 0);
  page.Gauge("binlog_sidecar_recovering", "1 while the store is being opened and recovered",
             snapshot.recovering ? 1 : 0);
  UpstreamMetrics(snapshot.upstream, page);
  StorageMetrics(snapshot.storage, page);
  if (snapshot.budget) BudgetMetrics(*snapshot.budget, page);
  if (snapshot.readers) ReaderMetrics(*snapshot.readers, snapshot.served, page);
  return page.text();
}

}  // namespace sidecar::http
