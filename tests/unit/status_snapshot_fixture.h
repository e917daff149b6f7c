// Test support: StatusSnapshots for the HTTP unit tests (health rules, JSON, metrics, router).
#pragma once

#include "app/status_snapshot.h"

namespace sidecar::app {

// A running sidecar streaming from 10.0.0.5:3306, with two readers and a budget keeper whose
// replica answers.
inline StatusSnapshot HealthySnapshot() {
  StatusSnapshot s;
  s.version = "0.1.0";
  s.uptime_seconds = 12.5;
  s.recovering = false;
  s.upstream.state = "streaming";
  s.upstream.primary = "10.0.0.5:3306";
  s.upstream.file = "mysql-bin.000003";
  s.upstream.position = 4567;
  s.upstream.gtid_state = "0-1-4242";
  s.upstream.seconds_behind_primary = 0;
  s.upstream.bytes_received = 1000;
  s.upstream.events_received = 10;
  s.upstream.reconnects = 1;
  s.upstream.semi_sync_acks = 3;
  s.storage.data_dir = "/var/lib/binlog-sidecar";
  s.storage.files = 3;
  s.storage.bytes = 9000;
  s.storage.durable_file = "mysql-bin.000003";
  s.storage.durable_position = 4567;
  s.storage.stored_bytes = 900;
  s.storage.stored_events = 9;
  s.storage.fsyncs = 4;
  s.storage.checkpoints = 4;
  s.storage.last_fsync_seconds = 0.002;
  budget::BudgetStatus b;
  b.disk_budget = 1000000;
  b.relay_log_space_limit = 400000;
  b.allowed_bytes = 600000;
  b.used_bytes = 9000;
  b.replica_reachable = true;
  b.replica_io_running = true;
  b.replica_sql_running = true;
  b.replica_executed_file = "mysql-bin.000003";
  b.replica_executed_position = 4000;
  s.budget = b;
  downstream::ReaderStatus r;
  r.connection_id = 7;
  r.user = "repl";
  r.peer = "127.0.0.1:50000";
  r.command = "Binlog Dump";
  r.replica_server_id = 2;
  r.reading = store::BinlogPosition{3, "mysql-bin.000003", 4000};
  r.bytes_sent = 800;
  r.events_sent = 8;
  downstream::ReaderStatus idle;
  idle.connection_id = 8;
  idle.command = "Query";
  s.readers = std::vector<downstream::ReaderStatus>{r, idle};
  s.served = {.bytes = 5000, .events = 50};  // the open ones' 800 and 8, and closed ones'
  return s;
}

}  // namespace sidecar::app
