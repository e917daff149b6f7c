#include "app/upstream_control.h"

#include <fmt/format.h>

#include <charconv>
#include <utility>

namespace sidecar::app {
namespace {

constexpr const char* kComponent = "upstream";
constexpr std::string_view kKeyPrefix = "change_master.";

Result<uint64_t> ParseNumber(const std::string& key, const std::string& text, uint64_t max) {
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value > max) {
    return Status::InvalidArgument(
        fmt::format("{}: '{}' is not a number from 0 to {}", key, text, max));
  }
  return value;
}

Result<upstream::GtidResumeMode> ParseUseGtid(const std::string& text) {
  if (text == "no") return upstream::GtidResumeMode::kOff;
  if (text == "slave_pos" || text == "current_pos") return upstream::GtidResumeMode::kOn;
  return Status::InvalidArgument(
      fmt::format("use_gtid '{}' is not one of no, slave_pos, current_pos", text));
}

// The settings a CHANGE names, as persisted text.
std::map<std::string, std::string> SettingsOf(const downstream::UpstreamChange& change) {
  std::map<std::string, std::string> settings;
  if (change.host) settings["host"] = *change.host;
  if (change.port) settings["port"] = std::to_string(*change.port);
  if (change.user) settings["user"] = *change.user;
  if (change.password) settings["password"] = *change.password;
  if (change.log_file) settings["log_file"] = *change.log_file;
  if (change.log_pos) settings["log_pos"] = std::to_string(*change.log_pos);
  if (change.use_gtid) settings["use_gtid"] = *change.use_gtid;
  return settings;
}

}  // namespace

UpstreamControl::UpstreamControl(store::BinlogStore* store, upstream::PullerOptions options,
                                 Logger* logger)
    : store_(store), logger_(logger), options_(std::move(options)) {
  if (!options_.log_warning) options_.log_warning = logger_->Sink(LogLevel::kWarning, kComponent);
  last_status_.primary = fmt::format("{}:{}", options_.client.host, options_.client.port);
}

UpstreamControl::~UpstreamControl() { Stop(); }

Result<std::unique_ptr<UpstreamControl>> UpstreamControl::Create(store::BinlogStore* store,
                                                                 upstream::PullerOptions options,
                                                                 Logger* logger) {
  std::unique_ptr<UpstreamControl> control(
      new UpstreamControl(store, std::move(options), logger));
  std::map<std::string, std::string> persisted;
  for (const char* key : kChangeMasterKeys) {
    auto value = store->state_db().GetConfig(std::string(kKeyPrefix) + key);
    if (!value.ok()) return value.status();
    if (value->has_value()) persisted[key] = **value;
  }
  if (auto s = control->ApplySettings(persisted, /*log=*/true); !s.ok()) {
    return Status::InvalidArgument(
        fmt::format("state.db holds an unusable CHANGE MASTER setting: {}", s.message()));
  }
  return control;
}

Status UpstreamControl::ApplySettings(const std::map<std::string, std::string>& settings,
                                      bool log) {
  upstream::PullerOptions next = options_;
  for (const auto& [key, value] : settings) {
    if (key == "host") {
      next.client.host = value;
      next.client.auth.tls_host = value;
    } else if (key == "port") {
      auto port = ParseNumber(key, value, 65535);
      if (!port.ok()) return port.status();
      if (*port == 0) return Status::InvalidArgument("port: 0 is not a port");
      next.client.port = uint16_t(*port);
    } else if (key == "user") {
      next.client.auth.user = value;
    } else if (key == "password") {
      next.client.auth.password = value;
      logger_->Redact(Secret(value));
    } else if (key == "log_file") {
      next.start.kind = upstream::StartSpec::Kind::kFilePosition;
      next.start.file = value;
    } else if (key == "log_pos") {
      auto pos = ParseNumber(key, value, UINT64_MAX);
      if (!pos.ok()) return pos.status();
      next.start.kind = upstream::StartSpec::Kind::kFilePosition;
      next.start.position = *pos;
    } else if (key == "use_gtid") {
      auto mode = ParseUseGtid(value);
      if (!mode.ok()) return mode.status();
      next.gtid = *mode;
    } else {
      continue;
    }
    if (log) {
      logger_->Info(kComponent,
                    fmt::format("state.db (CHANGE MASTER TO) overrides upstream {} = {}", key,
                                key == "password" ? std::string("<hidden>") : value));
    }
  }
  if (next.start.kind == upstream::StartSpec::Kind::kFilePosition && next.start.file.empty()) {
    return Status::InvalidArgument("log_pos needs log_file as well");
  }
  options_ = std::move(next);
  last_status_.primary = fmt::format("{}:{}", options_.client.host, options_.client.port);
  return Status::Ok();
}

void UpstreamControl::Start() {
  std::lock_guard lock(mu_);
  if (puller_) return;
  puller_ = std::make_unique<upstream::Puller>(store_, options_);
  puller_->Start();
}

void UpstreamControl::Stop() {
  std::lock_guard lock(mu_);
  if (!puller_) return;
  puller_->Stop();
  last_status_ = puller_->status();
  last_status_.state = upstream::PullerState::kStopped;
  puller_.reset();
}

Status UpstreamControl::Change(const downstream::UpstreamChange& change) {
  std::lock_guard lock(mu_);
  if (puller_) {
    return Status::InvalidArgument(
        "This operation cannot be performed with a running slave io thread; run STOP SLAVE "
        "first");
  }
  if (change.log_file || change.log_pos) {
    auto files = store_->state_db().ListFiles();
    if (!files.ok()) return files.status();
    if (!files->empty()) {
      return Status::InvalidArgument(fmt::format(
          "MASTER_LOG_FILE/MASTER_LOG_POS only choose where an empty store starts; this store "
          "holds binlog up to {}:{} and resumes from there",
          files->back().name, files->back().size));
    }
  }
  const auto settings = SettingsOf(change);
  const upstream::PullerOptions before = options_;
  if (auto s = ApplySettings(settings, /*log=*/false); !s.ok()) return s;
  std::map<std::string, std::string> persisted;
  for (const auto& [key, value] : settings) persisted[std::string(kKeyPrefix) + key] = value;
  if (auto s = store_->state_db().SetConfig(persisted); !s.ok()) {
    options_ = before;
    return s;
  }
  for (const auto& [key, value] : settings) {
    logger_->Info(kComponent, fmt::format("CHANGE MASTER TO sets upstream {} = {}", key,
                                          key == "password" ? std::string("<hidden>") : value));
  }
  return Status::Ok();
}

bool UpstreamControl::running() const {
  std::lock_guard lock(mu_);
  return puller_ != nullptr;
}

bool UpstreamControl::failed() const {
  std::lock_guard lock(mu_);
  return puller_ && puller_->failed();
}

upstream::PullerOptions UpstreamControl::options() const {
  std::lock_guard lock(mu_);
  return options_;
}

upstream::PullerStatus UpstreamControl::status() const {
  std::lock_guard lock(mu_);
  if (!puller_) return last_status_;
  upstream::PullerStatus status = puller_->status();
  // Started, its thread not yet running: it is about to connect, not stopped.
  if (status.state == upstream::PullerState::kStopped) {
    status.state = upstream::PullerState::kConnecting;
  }
  return status;
}

}  // namespace sidecar::app
