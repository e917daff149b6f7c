#include "downstream/dump_session.h"

#include <fmt/format.h>
#include <poll.h>

#include <algorithm>
#include <cctype>

#include "binlog/event_header.h"
#include "binlog/event_type.h"
#include "downstream/dump_events.h"
#include "protocol/generic_packets.h"
#include "upstream/replication_commands.h"

namespace sidecar::downstream {
namespace {

constexpr uint16_t kErrMasterFatalReadingBinlog = 1236;  // ER_MASTER_FATAL_ERROR_READING_BINLOG
// @mariadb_slave_capability levels (MariaDB's MARIA_SLAVE_CAPABILITY_*).
constexpr int kCapabilityTolerateHoles = 2;
constexpr int kCapabilityBinlogCheckpoint = 3;
constexpr int kCapabilityGtid = 4;

constexpr uint8_t kFormatDescriptionEventType = uint8_t(binlog::EventType::kFormatDescription);
constexpr uint8_t kAnnotateRowsEventType = uint8_t(binlog::EventType::kAnnotateRows);
constexpr uint8_t kBinlogCheckpointEventType = uint8_t(binlog::EventType::kBinlogCheckpoint);
constexpr uint8_t kGtidListEventType = uint8_t(binlog::EventType::kGtidList);

constexpr const char* kNoSuchFile = "Could not find first log file name in binary log index file";

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string ImpossiblePosition(const std::string& file, uint64_t position) {
  return fmt::format(
      "Client requested master to start replication from impossible position; the first event "
      "'{}' at {}, the last event read from '{}' at 4, the last byte read from '{}' at 4.",
      file, position, file, file);
}

}  // namespace

DumpSession::DumpSession(const DumpEnvironment& env, const SessionState& session,
                         protocol::PacketCodec& codec, ConnectionSlot& slot)
    : env_(env), session_(session), codec_(codec), slot_(slot) {}

DumpSession::~DumpSession() = default;

Status DumpSession::Run(const BinlogDumpRequest& request) {
  non_blocking_ = (request.flags & upstream::kDumpNonBlock) != 0 || request.server_id == 0;
  send_annotate_ = (request.flags & upstream::kDumpSendAnnotateRows) != 0 ||
                   session_.mariadb_slave_capability < kCapabilityTolerateHoles;
  checksum_aware_ = session_.master_binlog_checksum.has_value();
  generated_checksum_ =
      checksum_aware_ && EqualsIgnoreCase(*session_.master_binlog_checksum, "CRC32");
  // MariaDB's largest MASTER_HEARTBEAT_PERIOD; also keeps deadlines from overflowing.
  heartbeat_period_ = std::min<std::chrono::nanoseconds>(session_.heartbeat_period,
                                                         std::chrono::seconds(4294967));
  first_file_ = request.file;
  first_position_ = request.position;

  Result<store::GtidStart> start = LocateStart(request);
  if (!start.ok()) return SendFatal(start.status().message());
  const store::BinlogPosition& at = start->position;
  auto reader = store::BinlogReader::Open(env_.store, at.file, at.offset);
  if (!reader.ok()) {
    return SendFatal(reader.status().code() == Status::Code::kNotFound
                         ? std::string(kNoSuchFile)
                         : ImpossiblePosition(at.file, at.offset));
  }
  reader_ = std::move(reader).value();
  filter_ = std::move(start->filter);
  reading_ = at;
  slot_.SetDumping(request.server_id);
  slot_.SetReading(reading_);

  Status s = SendRotate(at.file, at.offset);
  if (s.ok() && at.offset > binlog::kBinlogMagicSize) {
    if (!reader_->format()) {
      return SendFatal("Failed to find format descriptor event in start of binlog" +
                       Coordinates());
    }
    UseFormat(*reader_->format());
    s = SendFormatDescription(reader_->format_event(), /*resent=*/true);
    if (s.ok() && mariadb_gtid_ && session_.mariadb_slave_capability >= kCapabilityGtid) {
      AppendArtificialGtidList(StartPacket(), env_.server_id, connect_state_.gtids(), at.offset,
                               generated_checksum_);
      s = SendPacket(0);
    }
  }
  if (!s.ok()) return s;
  return Stream();
}

Result<store::GtidStart> DumpSession::LocateStart(const BinlogDumpRequest& request) {
  if (request.mysql_gtids) {
    filtering_ = true;
    const std::optional<binlog::Uuid> uuid =
        env_.source_uuid ? env_.source_uuid() : std::optional<binlog::Uuid>();
    return store::FindMysqlGtidStart(env_.store, *request.mysql_gtids, uuid);
  }
  if (session_.slave_connect_state) {
    auto position = binlog::MariadbGtidPosition::Parse(*session_.slave_connect_state);
    if (!position.ok()) {
      return Status::InvalidArgument(
          "Out of memory or malformed slave request when obtaining start position from GTID "
          "state");
    }
    connect_state_ = std::move(*position);
    filtering_ = mariadb_gtid_ = true;
    return store::FindMariadbGtidStart(env_.store, connect_state_,
                                       session_.slave_gtid_strict_mode);
  }
  return LocateFilePosition(request);
}

Result<store::GtidStart> DumpSession::LocateFilePosition(const BinlogDumpRequest& request) {
  auto files = env_.store.catalogue->Files();
  if (!files.ok()) return files.status();
  const store::FileCatalogEntry* entry = nullptr;
  for (const store::FileCatalogEntry& f : *files) {
    if (f.state == store::FileState::kPurging) continue;
    if (request.file.empty() || f.name == request.file) entry = &f;
    if (entry && request.file.empty()) break;  // the first file
  }
  if (!entry) return Status::NotFound(kNoSuchFile);
  const store::BinlogPosition durable = env_.store.durable->Get();
  const uint64_t size = durable.file_seq == entry->seq ? durable.offset : entry->size;
  if (request.position < binlog::kBinlogMagicSize || request.position > size) {
    return Status::InvalidArgument(ImpossiblePosition(entry->name, request.position));
  }
  store::GtidStart start;
  start.position = {entry->seq, entry->name, request.position};
  return start;
}

Status DumpSession::Stream() {
  binlog::EventView event;
  while (!stopping_ && !slot_.killed()) {
    auto outcome = reader_->Next(&event, NextWakeUp());
    if (!outcome.ok()) return ReadFailed(outcome.status());
    Status s;
    if (*outcome == store::BinlogReader::Outcome::kEvent) {
      s = Process(event);
    } else if (non_blocking_) {
      return SendEof();  // everything durable was sent
    } else {
      s = Idle();
    }
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Status DumpSession::Process(const binlog::EventView& event) {
  const uint8_t type = event.header.type;
  if (reader_->event_starts_file()) {
    reading_ = reader_->position();  // the new file's name: one allocation per file
    reading_.offset = binlog::kBinlogMagicSize;
    Status s = SendRotate(reading_.file, binlog::kBinlogMagicSize);
    if (!s.ok()) return s;
  }
  if (!reader_->format()) {
    return SendFatal("Failed to find format descriptor event in start of binlog" + Coordinates());
  }
  if (type == kFormatDescriptionEventType) UseFormat(*reader_->format());
  bool send = ShouldSend(type);
  if (filtering_) {
    Result<bool> keep = filter_.ShouldSend(event, *reader_->format());
    if (!keep.ok()) return SendFatal(keep.status().message() + Coordinates());
    send = send && *keep;
  }
  if (send) {
    if (env_.delay.count() > 0 && event.header.timestamp != 0) {
      Status s = WaitForRelease(event.header.timestamp);
      if (!s.ok() || stopping_) return s;
    }
    Status s = type == kFormatDescriptionEventType
                   ? SendFormatDescription(event.bytes, /*resent=*/false)
                   : SendStoredEvent(event);
    if (!s.ok()) return s;
  }
  reading_.offset = reader_->event_offset() + event.bytes.size();
  slot_.SetReading(reading_);
  return Status::Ok();
}

bool DumpSession::ShouldSend(uint8_t type) const {
  const int capability = session_.mariadb_slave_capability;
  switch (type) {
    case kAnnotateRowsEventType:
      return send_annotate_;
    case kBinlogCheckpointEventType:
      return capability < kCapabilityTolerateHoles || capability >= kCapabilityBinlogCheckpoint;
    case kGtidListEventType:
      return capability < kCapabilityTolerateHoles || capability >= kCapabilityGtid;
    default:
      return true;
  }
}

Status DumpSession::WaitForRelease(uint32_t timestamp) {
  using std::chrono::system_clock;
  const system_clock::time_point release =
      system_clock::time_point(std::chrono::seconds(timestamp)) + env_.delay;
  for (;;) {
    const system_clock::time_point now = system_clock::now();
    if (now >= release) return Status::Ok();
    std::chrono::nanoseconds wait = std::min<std::chrono::nanoseconds>(release - now,
                                                                        env_.poll_interval);
    if (heartbeat_period_.count() > 0) {
      wait = std::clamp<std::chrono::nanoseconds>(
          last_send_ + heartbeat_period_ - SteadyClock::now(), std::chrono::nanoseconds(0), wait);
    }
    if (slot_.WaitKilled(wait)) {
      stopping_ = true;
      return Status::Ok();
    }
    Status s = Idle();
    if (!s.ok() || stopping_) return s;
  }
}

Status DumpSession::Idle() {
  if (slot_.killed() || PeerGone()) {
    stopping_ = true;
    return Status::Ok();
  }
  return HeartbeatDue(SteadyClock::now()) ? SendHeartbeat() : Status::Ok();
}

Status DumpSession::ReadFailed(const Status& status) {
  // A corrupt stored event is fatal unless a repairer fetches it again (the reader reported it
  // to env_.store.damage): then, as for shutdown (IOError) or a re-positioning (NotFound), the
  // connection closes without an ERR, which the replica would take as fatal, and its reconnect
  // finds the repaired range.
  if (status.code() == Status::Code::kCorruption && env_.store.damage == nullptr) {
    return SendFatal(status.message() + Coordinates());
  }
  return status;
}

void DumpSession::UseFormat(const binlog::FormatDescription& format) {
  file_checksum_ = format.EventsHaveChecksum();
  strip_ = file_checksum_ && !checksum_aware_;
  generated_checksum_ = file_checksum_ && !strip_;
}

protocol::Buffer& DumpSession::StartPacket() {
  protocol::Buffer& out = codec_.StartPacket();
  packet_ = &out;
  out.push_back(0x00);
  if (session_.semi_sync_requested) {
    out.push_back(upstream::kSemiSyncIndicator);
    out.push_back(0x00);  // no ACK wanted
  }
  event_start_ = out.size();
  return out;
}

Status DumpSession::SendPacket(uint64_t events) {
  const uint64_t bytes = packet_->size();
  Status s = codec_.SendPacket();
  if (!s.ok()) {
    stopping_ = true;
    return s;
  }
  slot_.CountSent(bytes, events);
  last_send_ = SteadyClock::now();
  return Status::Ok();
}

Status DumpSession::SendRotate(const std::string& file, uint64_t position) {
  AppendArtificialRotate(StartPacket(), env_.server_id, file, position, generated_checksum_);
  return SendPacket(0);
}

Status DumpSession::SendFormatDescription(Bytes event, bool resent) {
  const bool has_checksum = reader_->format() && reader_->format()->fde_has_checksum;
  protocol::Buffer& out = StartPacket();
  out.insert(out.end(), event.begin(), event.end());
  // A GTID dump that has not reached the replica's position keeps its temporary tables.
  const bool keep_temporary_tables = mariadb_gtid_ && !filter_.pending().empty();
  AdjustFormatDescription(out, event_start_, has_checksum, resent,
                          resent || keep_temporary_tables);
  if (strip_ && has_checksum) StripChecksum(out, event_start_);
  return SendPacket(1);
}

Status DumpSession::SendStoredEvent(const binlog::EventView& event) {
  protocol::Buffer& out = StartPacket();
  out.insert(out.end(), event.bytes.begin(), event.bytes.end());
  if (strip_ && event.has_checksum) StripChecksum(out, event_start_);
  return SendPacket(1);
}

Status DumpSession::SendHeartbeat() {
  AppendHeartbeat(StartPacket(), env_.server_id, reading_.file, reading_.offset,
                  generated_checksum_);
  return SendPacket(0);
}

Status DumpSession::SendEof() {
  packet_ = &codec_.StartPacket();
  protocol::BuildEof(*packet_, protocol::EofPacket{}, session_.capabilities);
  return SendPacket(0);
}

Status DumpSession::SendFatal(const std::string& message) {
  stopping_ = true;
  Status s = protocol::SendErr(codec_, {kErrMasterFatalReadingBinlog, "HY000", message},
                               session_.capabilities);
  if (!s.ok()) return s;
  return Status::InvalidArgument(fmt::format("sent ERROR 1236 to the replica: {}", message));
}

std::string DumpSession::Coordinates() const {
  const std::string file = reader_ ? reader_->position().file : first_file_;
  return fmt::format(
      "; the first event '{}' at {}, the last event read from '{}' at {}, the last byte read "
      "from '{}' at {}.",
      first_file_, first_position_, file, reader_ ? reader_->event_offset() : 4, file,
      reader_ ? reader_->position().offset : 4);
}

bool DumpSession::HeartbeatDue(SteadyClock::time_point now) const {
  return heartbeat_period_.count() > 0 && now >= last_send_ + heartbeat_period_;
}

DumpSession::SteadyClock::time_point DumpSession::NextWakeUp() const {
  const SteadyClock::time_point now = SteadyClock::now();
  if (non_blocking_) return now;
  SteadyClock::time_point wake = now + env_.poll_interval;
  if (heartbeat_period_.count() > 0) wake = std::min(wake, last_send_ + heartbeat_period_);
  return wake;
}

bool DumpSession::PeerGone() {
  const int fd = codec_.connection().fd();
  if (fd < 0) return false;
  pollfd p{fd, POLLRDHUP, 0};
  return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
}

}  // namespace sidecar::downstream
