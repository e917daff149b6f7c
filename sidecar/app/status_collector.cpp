#include "app/status_collector.h"

#include <cctype>
#include <filesystem>
#include <string>
#include <vector>

namespace sidecar::app {
namespace {

// The primary's ERR codes that retrying cannot fix.
constexpr int kAccessDenied = 1045;  // ER_ACCESS_DENIED_ERROR: user or password
constexpr int kConfigErrors[] = {
    1044,  // ER_DBACCESS_DENIED_ERROR
    1130,  // ER_HOST_NOT_PRIVILEGED: this host may not connect
    1142,  // ER_TABLEACCESS_DENIED_ERROR
    1227,  // ER_SPECIFIC_ACCESS_DENIED_ERROR: REPLICATION SLAVE missing
    1236,  // ER_MASTER_FATAL_ERROR_READING_BINLOG: the start is not in the primary's binlogs
};

// The codes of "ERROR NNNN" in `text` (ErrPacket::ToString's format), in order.
std::vector<int> ErrorCodes(std::string_view text) {
  std::vector<int> codes;
  constexpr std::string_view kMarker = "ERROR ";
  for (size_t at = text.find(kMarker); at != std::string_view::npos;
       at = text.find(kMarker, at + 1)) {
    int code = 0;
    size_t i = at + kMarker.size();
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      code = code * 10 + (text[i++] - '0');
      if (code > 99999) break;
    }
    if (i > at + kMarker.size()) codes.push_back(code);
  }
  return codes;
}

double SecondsBetween(StatusCollector::Clock::time_point from,
                      StatusCollector::Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

}  // namespace

UpstreamErrorKind ClassifyUpstreamError(std::string_view last_error) {
  if (last_error.empty()) return UpstreamErrorKind::kNone;
  for (int code : ErrorCodes(last_error)) {
    if (code == kAccessDenied) return UpstreamErrorKind::kAuth;
    for (int config : kConfigErrors) {
      if (code == config) return UpstreamErrorKind::kConfig;
    }
  }
  return UpstreamErrorKind::kNetwork;
}

StatusCollector::StatusCollector(std::string version, std::string data_dir)
    : version_(std::move(version)), data_dir_(std::move(data_dir)) {}

void StatusCollector::Attach(StatusSources sources) {
  std::unique_lock lock(attached_mu_);
  sources_ = std::move(sources);
}

void StatusCollector::Detach() {
  std::unique_lock lock(attached_mu_);
  sources_.reset();
}

void StatusCollector::SetStorageProbeError(std::string error) {
  std::lock_guard lock(tracking_mu_);
  probe_error_ = std::move(error);
}

void StatusCollector::CollectStorage(StorageSnapshot& storage) const {
  store::BinlogStore* const store = sources_->store;
  const store::WriterCounters& counters = store->writer().counters();
  storage.stored_bytes = counters.bytes_appended.load(std::memory_order_relaxed);
  storage.stored_events = counters.events_appended.load(std::memory_order_relaxed);
  storage.fsyncs = counters.fsyncs.load(std::memory_order_relaxed);
  storage.checkpoints = counters.checkpoints.load(std::memory_order_relaxed);
  storage.last_fsync_seconds =
      double(counters.last_fsync_micros.load(std::memory_order_relaxed)) / 1e6;
  storage.fsync_latency = counters.fsync_latency.Snapshot();
  const store::BinlogPosition durable = store->durable_position().Get();
  storage.durable_file = durable.file;
  storage.durable_position = durable.offset;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(store->binlog_dir(), ec)) {
    std::error_code size_ec;
    if (!entry.is_regular_file(size_ec) || entry.path().extension() == ".index") continue;
    const uintmax_t size = entry.file_size(size_ec);
    if (size_ec) continue;  // purged while listing
    ++storage.files;
    storage.bytes += size;
  }
}

StatusSnapshot StatusCollector::Collect() {
  const Clock::time_point now = Clock::now();
  StatusSnapshot snapshot;
  snapshot.version = version_;
  snapshot.uptime_seconds = SecondsBetween(started_, now);
  snapshot.storage.data_dir = data_dir_;
  std::shared_lock attached(attached_mu_);
  snapshot.recovering = !sources_;
  if (snapshot.recovering) return snapshot;

  const upstream::PullerStatus pull = sources_->upstream();
  UpstreamSnapshot& up = snapshot.upstream;
  up.state = upstream::PullerStateName(pull.state);
  up.primary = pull.primary;
  up.file = pull.file;
  up.position = pull.position;
  if (pull.seconds_behind >= 0) up.seconds_behind_primary = pull.seconds_behind;
  up.bytes_received = pull.bytes_received;
  up.events_received = pull.events_received;
  up.reconnects = pull.reconnects;
  up.semi_sync_acks = pull.acks_sent;
  up.last_error = pull.last_error;
  if (sources_->ack_latency) up.ack_latency = sources_->ack_latency->Snapshot();
  const bool streaming = pull.state == upstream::PullerState::kStreaming;
  // An old error is history once streaming again; it stays in last_error for /status.
  up.last_error_kind =
      streaming ? UpstreamErrorKind::kNone : ClassifyUpstreamError(pull.last_error);

  CollectStorage(snapshot.storage);
  // The checkpoint's GTID state: what a GTID resume would send.
  up.gtid_state = sources_->store->state_db().CommittedGtidState();
  snapshot.storage.writer_failed = pull.state == upstream::PullerState::kFailed;
  if (snapshot.storage.writer_failed) snapshot.storage.error = pull.last_error;
  if (sources_->readers) {
    snapshot.readers = sources_->readers->Readers();
    snapshot.served = sources_->readers->TotalSent();
  }
  if (sources_->budget) snapshot.budget = sources_->budget();

  std::lock_guard tracking(tracking_mu_);
  if (streaming) {
    not_streaming_since_.reset();
  } else {
    if (!not_streaming_since_) not_streaming_since_ = now;
    up.disconnected_seconds = SecondsBetween(*not_streaming_since_, now);
  }
  if (!snapshot.storage.writer_failed) snapshot.storage.error = probe_error_;
  return snapshot;
}

}  // namespace sidecar::app
