#include "app/daemon_context.h"

#include <fmt/format.h>

#include <utility>

#include "binlog/binlog_file_reader.h"
#include "binlog/transaction_tracker.h"
#include "store/checkpoint_gtid_state.h"

namespace sidecar::app {
namespace {

constexpr const char* kDefaultMariadbVersion = "10.11.0";
constexpr size_t kProbeBuffer = 64 * 1024;

// "10.11.6-MariaDB-log" -> "10.11.6"; "" when it does not start with a version number.
std::string VersionNumber(const std::string& server_version) {
  size_t end = 0;
  while (end < server_version.size() &&
         (server_version[end] == '.' || (server_version[end] >= '0' && server_version[end] <= '9'))) {
    ++end;
  }
  return server_version.substr(0, end);
}

}  // namespace

std::string SidecarUuid(uint32_t server_id) {
  return fmt::format("5e1dca12-0000-4000-8000-{:012x}", uint64_t(server_id));
}

DaemonContext::DaemonContext(uint32_t server_id, store::BinlogStore* store,
                             UpstreamControl* upstream, downstream::ConnectionRegistry* registry,
                             budget::BudgetKeeper* budget)
    : server_id_(server_id),
      store_(store),
      upstream_(upstream),
      registry_(registry),
      budget_(budget) {}

std::string DaemonContext::FilePath(const std::string& file) const {
  return store_->binlog_dir() + "/" + file;
}

std::optional<DaemonContext::StoredFormat> DaemonContext::NewestFormat() const {
  auto files = store_->state_db().ListFiles();
  std::lock_guard lock(format_mu_);
  if (!files.ok() || files->empty()) return format_;
  const std::string& newest = files->back().name;
  if (format_ && format_->file == newest) return format_;
  auto reader = binlog::BinlogFileReader::Open(FilePath(newest), {kProbeBuffer});
  if (!reader.ok()) return format_;
  binlog::EventView event;
  auto more = (*reader)->Next(&event);
  if (!more.ok() || !*more || !(*reader)->format()) return format_;
  const binlog::FormatDescription& fde = *(*reader)->format();
  format_ = StoredFormat{newest, fde.server_version, fde.flavor, fde.checksum};
  return format_;
}

std::string DaemonContext::server_version() const {
  const auto format = NewestFormat();
  std::string number = format ? VersionNumber(format->server_version) : "";
  const bool mariadb = !format || format->flavor == binlog::Flavor::kMariadb;
  if (number.empty()) number = mariadb ? kDefaultMariadbVersion : "8.0.0";
  return mariadb ? number + "-MariaDB-binlog-sidecar" : number + "-binlog-sidecar";
}

std::string DaemonContext::greeting_version() const {
  std::string version = server_version();
  if (version.find("MariaDB") != std::string::npos) return "5.5.5-" + version;
  return version;
}

Result<std::vector<store::FileCatalogEntry>> DaemonContext::binlog_files() const {
  auto files = store_->state_db().ListFiles();
  if (!files.ok()) return files.status();
  std::vector<store::FileCatalogEntry> present;
  for (auto& file : *files) {
    if (file.state != store::FileState::kPurging) present.push_back(std::move(file));
  }
  return present;
}

store::BinlogPosition DaemonContext::durable_end() const {
  return store_->durable_position().Get();
}

std::string DaemonContext::gtid_state() const {
  auto checkpoint = store_->state_db().LoadCheckpoint();
  if (!checkpoint.ok() || !checkpoint->has_value()) return "";
  return (*checkpoint)->gtid_state;
}

Result<std::string> DaemonContext::gtid_state_at(const std::string& file,
                                                 uint64_t position) const {
  auto files = binlog_files();
  if (!files.ok()) return files.status();
  const store::FileCatalogEntry* entry = nullptr;
  for (const auto& f : *files) {
    if (f.name == file) entry = &f;  // the latest of that name
  }
  if (entry == nullptr) return Status::NotFound(fmt::format("no stored binlog file '{}'", file));
  if (position < binlog::kBinlogMagicSize || position > entry->size) {
    return Status::NotFound(fmt::format("position {} is outside {} (4..{})", position, file,
                                        entry->size));
  }
  auto reader = binlog::BinlogFileReader::Open(FilePath(file), {kProbeBuffer});
  if (!reader.ok()) return reader.status();
  std::optional<store::CheckpointGtidState> state;
  binlog::TransactionTracker tracker;
  binlog::EventView event;
  while ((*reader)->offset() < position) {
    auto more = (*reader)->Next(&event);
    if (!more.ok()) return more.status();
    if (!*more) break;
    const binlog::FormatDescription& fde = *(*reader)->format();
    if (!state) {
      auto parsed = store::CheckpointGtidState::Parse(fde.flavor, entry->start_gtid_state);
      if (!parsed.ok()) return parsed.status();
      state = std::move(*parsed);
    }
    auto replaced = state->ApplyFileStart(event);
    if (!replaced.ok()) return replaced.status();
    auto step = tracker.Feed(event, fde);
    if (!step.ok()) return step.status();
    if (step->gtid) state->Add(*step->gtid);
  }
  if ((*reader)->offset() != position && position != binlog::kBinlogMagicSize) {
    return Status::NotFound(
        fmt::format("position {} is not at an event boundary of {}", position, file));
  }
  return state ? state->ToString() : entry->start_gtid_state;
}

std::string DaemonContext::binlog_checksum() const {
  const auto format = NewestFormat();
  if (format && format->checksum == binlog::ChecksumAlgorithm::kCrc32) return "CRC32";
  if (format) return "NONE";
  return "CRC32";  // what a new primary writes by default; nothing is stored yet
}

upstream::PullerStatus DaemonContext::upstream_status() const { return upstream_->status(); }

downstream::UpstreamSettings DaemonContext::upstream_settings() const {
  const upstream::PullerOptions options = upstream_->options();
  downstream::UpstreamSettings settings;
  settings.host = options.client.host;
  settings.port = options.client.port;
  settings.user = options.client.auth.user;
  const bool gtid = options.gtid == upstream::GtidResumeMode::kOn ||
                    (options.gtid == upstream::GtidResumeMode::kAuto && !gtid_state().empty());
  settings.use_gtid = gtid ? "Slave_Pos" : "No";
  settings.heartbeat_period = options.conversation.heartbeat_period;
  settings.ssl_allowed = options.client.auth.ssl != protocol::SslMode::kDisabled;
  auto checkpoint = store_->state_db().LoadCheckpoint();
  if (checkpoint.ok() && checkpoint->has_value()) {
    settings.primary_server_id = (*checkpoint)->upstream.server_id;
    settings.primary_uuid = (*checkpoint)->upstream.server_uuid;
  }
  return settings;
}

std::vector<downstream::RegisteredReplica> DaemonContext::registered_replicas() const {
  return registry_ ? registry_->RegisteredReplicas() : std::vector<downstream::RegisteredReplica>{};
}

std::optional<std::string> DaemonContext::connection_user(uint32_t connection_id) const {
  if (registry_ == nullptr) return std::nullopt;
  for (const auto& reader : registry_->Readers()) {
    if (reader.connection_id == connection_id) return reader.user;
  }
  return std::nullopt;
}

Status DaemonContext::StopUpstream() {
  upstream_->Stop();
  return Status::Ok();
}

Status DaemonContext::StartUpstream() {
  upstream_->Start();
  return Status::Ok();
}

Status DaemonContext::ChangeUpstream(const downstream::UpstreamChange& change) {
  return upstream_->Change(change);
}

Status DaemonContext::Purge(const budget::PurgeRequest& request, const std::string& what) {
  if (budget_ == nullptr) return Status::Unsupported(fmt::format("{}: no purge machinery", what));
  auto purged = budget_->PurgeOnRequest(request);
  if (!purged.ok()) {
    return Status::InvalidArgument(fmt::format("{}: {}", what, purged.status().message()));
  }
  if (purged->refusal.empty()) return Status::Ok();
  // Part of it went: say so, and why the rest stays (MariaDB answers ERR 1378 here too).
  const auto& files = purged->outcome.files;
  return Status::InvalidArgument(fmt::format(
      "{}: purged {} file(s){}; the rest stays: {}", what, files.size(),
      files.empty() ? std::string() : fmt::format(" through {}", files.back()),
      purged->refusal));
}

Status DaemonContext::PurgeTo(const std::string& file) {
  budget::PurgeRequest request;
  request.to_file = file;
  return Purge(request, fmt::format("PURGE BINARY LOGS TO '{}'", file));
}

Status DaemonContext::PurgeBefore(int64_t unix_time) {
  budget::PurgeRequest request;
  request.before_unix_time = unix_time;
  return Purge(request, "PURGE BINARY LOGS BEFORE");
}

Status DaemonContext::Kill(uint32_t connection_id) {
  if (registry_ == nullptr) return Status::NotFound(fmt::format("Unknown thread id: {}", connection_id));
  return registry_->Kill(connection_id);
}

}  // namespace sidecar::app
