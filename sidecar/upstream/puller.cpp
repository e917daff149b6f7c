#include "upstream/puller.h"

#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>

#include "binlog/event_type.h"
#include "upstream/primary_identity.h"
#include "upstream/replication_commands.h"

namespace sidecar::upstream {
namespace {

using binlog::EventType;
using Clock = std::chrono::steady_clock;

bool IsWriterFailure(const Status& s) {
  return s.code() == Status::Code::kIOError || s.code() == Status::Code::kNoSpace;
}

// kRenumberedPrimaryKey's value for `primary`: what identifies the server.
std::string RenumberedPrimaryValue(const PrimaryInfo& primary) {
  return primary.flavor == binlog::Flavor::kMariadb
             ? fmt::format("mariadb server_id {}", primary.server_id)
             : fmt::format("mysql server_uuid {}", primary.server_uuid);
}

}  // namespace

const char* PullerStateName(PullerState state) {
  switch (state) {
    case PullerState::kStopped:
      return "stopped";
    case PullerState::kConnecting:
      return "connecting";
    case PullerState::kStreaming:
      return "streaming";
    case PullerState::kBackoff:
      return "backoff";
    case PullerState::kFailed:
      return "failed";
  }
  return "unknown";
}

Puller::Puller(store::BinlogStore* store, PullerOptions options)
    : store_(store),
      options_(std::move(options)),
      primary_(options_.client.unix_socket.empty()
                   ? fmt::format("{}:{}", options_.client.host, options_.client.port)
                   : options_.client.unix_socket),
      backoff_(options_.backoff, options_.backoff_seed != 0
                                     ? options_.backoff_seed
                                     : uint64_t(Clock::now().time_since_epoch().count())) {
  status_.primary = primary_;
}

Puller::~Puller() { Stop(); }

void Puller::Start() {
  {
    std::lock_guard lock(mu_);
    stop_ = false;
  }
  thread_ = std::thread([this] { Run(); });
}

void Puller::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

PullerStatus Puller::status() const {
  std::lock_guard lock(mu_);
  PullerStatus s = status_;
  s.bytes_received = bytes_.load();
  s.events_received = events_.load();
  s.acks_sent = acks_.load();
  s.seconds_behind = behind_.load();
  return s;
}

void Puller::Log(bool error, std::string_view message) const {
  const auto& sink = error ? options_.log_error : options_.log_info;
  if (sink) sink(message);
}

void Puller::Warn(std::string_view message) const {
  const auto& sink = options_.log_warning ? options_.log_warning : options_.log_error;
  if (sink) sink(message);
}

void Puller::SetState(PullerState state, std::string error) {
  std::lock_guard lock(mu_);
  status_.state = state;
  if (!error.empty()) status_.last_error = std::move(error);
}

void Puller::Run() {
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (stop_) break;
    }
    SetState(PullerState::kConnecting);
    worked_ = false;
    const Status ended = PullOnce();
    const Status synced = Sync();  // what was appended becomes durable before anything else
    if (fatal_) {
      const Status& cause = synced.ok() ? ended : synced;
      const std::string why =
          fmt::format("pulling from {} stopped: the store failed: {}", primary_, cause.message());
      Log(true, why);
      SetState(PullerState::kFailed, why);
      failed_ = true;
      return;
    }
    if (paused_ && options_.pause_reason) {
      paused_ = false;
      if (!WaitWhilePaused(synced.ok() ? ended : synced)) break;
      continue;
    }
    paused_ = false;
    std::unique_lock lock(mu_);
    if (stop_) break;
    if (worked_) backoff_.Reset();
    const auto delay = backoff_.Next();
    const std::string why = fmt::format("pull from {}: {}; reconnecting in {} ms", primary_,
                                        ended.message(), delay.count());
    status_.state = PullerState::kBackoff;
    status_.last_error = why;
    ++status_.reconnects;
    behind_ = -1;
    const bool expected = force_file_position_;  // a GTID resume that falls back, by design
    lock.unlock();
    if (expected) {
      Warn(why);
    } else {
      Log(true, why);
    }
    lock.lock();
    wake_.wait_for(lock, delay, [this] { return stop_; });
  }
  SetState(PullerState::kStopped);
}

Result<std::unique_ptr<protocol::ClientSession>> Puller::Open(PrimaryInfo* primary) {
  {
    std::lock_guard lock(mu_);
    fd_ = -1;
  }
  protocol::ClientOptions client = options_.client;
  client.read_timeout = 2 * options_.conversation.heartbeat_period + std::chrono::seconds(1);
  auto session = protocol::ClientSession::Connect(client);
  if (!session.ok()) return session.status();
  {
    std::lock_guard lock(mu_);
    if (stop_) return Status::IOError("stopping");
    fd_ = (*session)->codec().connection().fd();
  }
  auto info = SetUpReplicaSession(**session, options_.conversation);
  if (!info.ok()) return info.status();
  *primary = std::move(info).value();
  return session;
}

Status Puller::PullOnce() {
  PrimaryInfo primary;
  auto session = Open(&primary);
  if (!session.ok()) return session.status();
  if (Status s = Admit(primary); !s.ok()) return s;
  std::optional<GtidResume> gtid_resume;
  Result<DumpRequest> request = LocateStart(session.value(), &primary, &gtid_resume);
  Status result = request.ok() ? Status::Ok() : request.status();
  if (result.ok()) {
    const store::UpstreamIdentity identity{options_.client.host, options_.client.port,
                                           primary.server_id, primary.server_uuid, primary.flavor};
    // A failover primary is recorded once it proved to continue the stored history.
    if (failover_) {
      pending_upstream_ = identity;
    } else {
      store_->writer().SetUpstream(identity);
    }
    Log(false, request->mode == DumpRequest::Mode::kGtid
                   ? fmt::format("pulling from {} (server_id {}) by GTID after '{}'", primary_,
                                 primary.server_id, request->gtids)
                   : fmt::format("pulling from {} (server_id {}) from {}:{}", primary_,
                                 primary.server_id, request->file, request->position));
    result = StartDump(**session, primary, options_.conversation, *request);
    if (result.ok()) result = Stream(**session, primary, gtid_resume);
  }
  std::lock_guard lock(mu_);
  fd_ = -1;
  return result;
}

Status Puller::Admit(const PrimaryInfo& primary) {
  const std::optional<store::ResumePoint> at = store_->writer().resume_point();
  auto admission = AdmitPrimary(store_->writer().upstream(), primary, primary_,
                                options_.gtid == GtidResumeMode::kOn,
                                at && !at->gtid_state.empty());
  if (!admission.ok()) return admission.status();
  failover_ = admission->kind == PrimaryAdmission::Kind::kFailover;
  renumbered_ = failover_;
  if (admission->kind == PrimaryAdmission::Kind::kSame) {
    auto recorded = IsRenumberedPrimary(primary);
    if (!recorded.ok()) return recorded.status();
    renumbered_ = *recorded;
  }
  if (renumbered_) force_file_position_ = false;  // its file positions mean nothing here
  if (failover_) {
    Log(false, admission->log_line);
  } else if (renumbered_) {
    Log(false, fmt::format("{} has been stored under local file names since the failover to it: "
                           "resuming by GTID, positions rewritten",
                           primary_));
  }
  return Status::Ok();
}

Result<bool> Puller::IsRenumberedPrimary(const PrimaryInfo& primary) {
  auto recorded = store_->state_db().GetConfig(kRenumberedPrimaryKey);
  if (!recorded.ok()) return recorded.status();
  return *recorded && **recorded == RenumberedPrimaryValue(primary);
}

Status Puller::RecordRenumberedPrimary(const PrimaryInfo& primary) {
  return store_->state_db().SetConfig(
      {{std::string(kRenumberedPrimaryKey), RenumberedPrimaryValue(primary)}});
}

void Puller::AcceptFailover() {
  store_->writer().SetUpstream(*pending_upstream_);
  pending_upstream_.reset();
  failover_ = false;
  Warn(fmt::format("failover to {} verified: its first transaction is the next one after the "
                   "stored GTID state; its files do not continue the stored ones: continuing as "
                   "local {}, positions rewritten",
                   primary_, store_->writer().tail().file));
}

Result<DumpRequest> Puller::LocateStart(std::unique_ptr<protocol::ClientSession>& session,
                                        PrimaryInfo* primary,
                                        std::optional<GtidResume>* gtid_resume) {
  if (store_->writer().resume_point() || options_.start.kind != StartSpec::Kind::kGtid) {
    return ChooseDump(*session, *primary, gtid_resume);
  }
  // A new store from gtid:SET: the file the primary would start a GTID dump
  // in is pulled whole (the store keeps whole files), on a new connection.
  auto file = FindFileByGtid(*session, *primary, options_.conversation, options_.start.gtids);
  if (!file.ok()) return file.status();
  auto reopened = Open(primary);
  if (!reopened.ok()) return reopened.status();
  session = std::move(reopened).value();
  Log(false, fmt::format("{} holds start gtid:{} in {}: pulling that file from 4", primary_,
                         options_.start.gtids, *file));
  return DumpRequest{DumpRequest::Mode::kFilePosition, *file, 4, ""};
}

Result<DumpRequest> Puller::ChooseDump(protocol::ClientSession& session, const PrimaryInfo& primary,
                                       std::optional<GtidResume>* gtid_resume) {
  const std::optional<store::ResumePoint> at = store_->writer().resume_point();
  if (!at) {
    auto request = ResolveFreshStart(session, options_.start);
    if (request.ok() && options_.start.kind == StartSpec::Kind::kFilePosition &&
        options_.start.position != 4) {
      Log(false, fmt::format("start {}:{}: the store keeps whole files, pulling {} from 4",
                             options_.start.file, options_.start.position, options_.start.file));
    }
    return request;
  }
  const bool by_gtid =
      renumbered_ || (!force_file_position_ &&
                      (options_.gtid == GtidResumeMode::kOn ||
                       (options_.gtid == GtidResumeMode::kAuto && !at->gtid_state.empty())));
  force_file_position_ = false;
  if (!by_gtid) return DumpRequest{DumpRequest::Mode::kFilePosition, at->file, at->position, ""};
  auto resume = GtidResume::Create(*at, primary.flavor, IsFileClosed(at->file), renumbered_);
  if (!resume.ok()) return resume.status();
  *gtid_resume = std::move(resume).value();
  if (Status s = Append((*gtid_resume)->RestartEvent()); !s.ok()) return s;
  return DumpRequest{DumpRequest::Mode::kGtid, "", 4, (*gtid_resume)->dump_gtids()};
}

bool Puller::IsFileClosed(const std::string& file) {
  auto files = store_->state_db().ListFiles();
  if (!files.ok()) return false;
  for (const auto& row : *files) {
    if (row.name == file) return row.state == store::FileState::kClosed;
  }
  return false;
}

Status Puller::Stream(protocol::ClientSession& session, const PrimaryInfo& primary,
                      std::optional<GtidResume>& gtid_resume) {
  BinlogStream stream(primary_, session.capabilities(), primary.checksum, primary.semi_sync);
  std::optional<LocalContinuation> local;
  if (renumbered_) {
    local.emplace(&store_->writer(), primary.flavor, failover_,
                  [this](const binlog::EventView& e) { return Append(e); });
  }
  bool verified_failover = false;
  ack_due_.due = false;  // an ACK owed on an earlier connection is not owed any more
  const int fd = session.codec().connection().fd();
  SetState(PullerState::kStreaming);
  for (;;) {
    // Group commit: sync once nothing more is waiting, in the codec's buffer or the socket
    // (a poll() only when the buffer is drained, so about once per 64 KiB).
    if ((unsynced_bytes_ > 0 || ack_due_.due) && !session.codec().has_buffered_input() &&
        !ReadableNow(fd)) {
      if (Status s = SyncAndAck(session, stream); !s.ok()) return s;
      if (Status s = CheckPause(); !s.ok()) return s;
    }
    auto payload = session.ReadPacket();
    if (!payload.ok()) return payload.status();
    if (Status s = stream.CheckSequence(session.codec().sequence(), payload->size()); !s.ok()) {
      return s;
    }
    auto packet = stream.Decode(*payload);
    if (!packet.ok()) return packet.status();
    if (packet->kind == StreamPacket::Kind::kEnd) {
      return Status::IOError(fmt::format("{} ended the dump (EOF) at {}:{}", primary_,
                                         stream.file(), stream.position()));
    }
    const binlog::EventView& event = packet->event;
    bytes_.fetch_add(event.bytes.size(), std::memory_order_relaxed);
    events_.fetch_add(1, std::memory_order_relaxed);
    const auto type = EventType(event.header.type);
    if (type == EventType::kHeartbeat || type == EventType::kHeartbeatV2) {
      behind_ = 0;
      worked_ = true;
    } else if (event.header.timestamp != 0 && !(event.header.flags & binlog::kFlagArtificial)) {
      const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
      behind_ = std::max<int64_t>(0, now - int64_t(event.header.timestamp));
    }
    bool append = true;
    if (gtid_resume) {
      auto verdict = gtid_resume->Take(event);
      if (!verdict.ok()) {
        if (failover_) {
          return Status::Corruption(fmt::format("failover to {}: {}; nothing is stored from it",
                                                primary_, verdict.status().message()));
        }
        if (verdict.status().code() == Status::Code::kInvalidArgument) force_file_position_ = true;
        return verdict.status();
      }
      append = *verdict == GtidResume::Verdict::kAppend;
      if (pending_upstream_ && gtid_resume->continuity_verified()) {
        // Recorded before anything of it is stored: a restart renumbers it too.
        if (Status s = RecordRenumberedPrimary(primary); !s.ok()) return s;
        verified_failover = true;
      }
    }
    if (ack_due_.due && MayChangeStoredFile(event, local)) {
      if (Status s = SyncAndAck(session, stream); !s.ok()) return s;
    }
    if (append) {
      if (Status s = local ? local->Take(event) : Append(event); !s.ok()) return s;
    }
    if (verified_failover) {
      // Only once its first transaction went on in a new local file: until then the stored
      // last file is still the old primary's, and the next connection starts over.
      verified_failover = false;
      AcceptFailover();
    }
    // An ACK request waits like a sync: for the top of the loop, or the limits below.
    if (packet->ack_requested) NoteAckRequest(stream);
    const auto now = Clock::now();
    if (unsynced_bytes_ >= options_.sync_bytes ||
        (unsynced_bytes_ > 0 && now - unsynced_since_ >= options_.sync_interval) ||
        (ack_due_.due && now - ack_due_.requested >= options_.sync_interval)) {
      if (Status s = SyncAndAck(session, stream); !s.ok()) return s;
      if (Status s = CheckPause(); !s.ok()) return s;
    }
  }
}

Status Puller::Append(const binlog::EventView& event) {
  if (options_.room_for && !options_.room_for(event)) {
    paused_ = true;  // Run() syncs what was appended, then waits on pause_reason
    return Status::Unsupported("budget_exhausted: the store has no room for the next event");
  }
  Status s = store_->writer().Append(event);
  if (!s.ok()) {
    if (!SurvivableNoSpace(s) && IsWriterFailure(s)) fatal_ = true;
    return s;
  }
  const auto type = EventType(event.header.type);
  if (type != EventType::kHeartbeat && type != EventType::kHeartbeatV2) {
    if (unsynced_bytes_ == 0) unsynced_since_ = Clock::now();
    unsynced_bytes_ += event.bytes.size();
    if (!(event.header.flags & binlog::kFlagArtificial)) worked_ = true;
  }
  return Status::Ok();
}

Status Puller::Sync() {
  if (unsynced_bytes_ == 0) return Status::Ok();
  Status s = store_->writer().Sync();
  if (!s.ok()) {
    if (!SurvivableNoSpace(s)) fatal_ = true;
    return s;
  }
  unsynced_bytes_ = 0;
  if (options_.on_flushed) options_.on_flushed();
  return Status::Ok();
}

Status Puller::RequestSync() {
  if (unsynced_bytes_ == 0) return Status::Ok();
  Status s = store_->writer().RequestSync();
  if (!s.ok()) {
    if (!SurvivableNoSpace(s)) fatal_ = true;
    return s;
  }
  unsynced_bytes_ = 0;
  if (options_.on_flushed) options_.on_flushed();
  return Status::Ok();
}

void Puller::NoteAckRequest(const BinlogStream& stream) {
  // Renumbered, the event lies at the writer's end (it was just appended).
  const store::BinlogWriter::Tail tail = store_->writer().tail();
  if (!ack_due_.due) ack_due_.requested = Clock::now();
  ack_due_.due = true;
  ack_due_.file.assign(stream.file());
  ack_due_.position = stream.position();
  ack_due_.stored_file.assign(renumbered_ ? tail.file : std::string_view(stream.file()));
  ack_due_.stored_end = renumbered_ ? tail.end : stream.position();
}

bool Puller::MayChangeStoredFile(const binlog::EventView& event,
                                 const std::optional<LocalContinuation>& local) const {
  if (event.header.flags & binlog::kFlagArtificial) return true;
  if (local && !local->started()) return true;
  switch (EventType(event.header.type)) {
    case EventType::kRotate:
    case EventType::kFormatDescription:
    case EventType::kStop:
    case EventType::kGtidList:
    case EventType::kPreviousGtids:
      return true;
    default:
      return false;
  }
}

Status Puller::SyncAndAck(protocol::ClientSession& session, const BinlogStream& stream) {
  const bool ack = ack_due_.due;
  // An ACK waits until its event is durable; otherwise the syncer works while we read on.
  if (Status s = ack ? Sync() : RequestSync(); !s.ok()) return s;
  {
    std::lock_guard lock(mu_);
    status_.file = stream.file();
    status_.position = stream.position();
  }
  if (!ack) return Status::Ok();
  ack_due_.due = false;
  // Never ACK what is not durable: the published position must cover the event.
  const store::BinlogPosition durable = store_->durable_position().Get();
  if (durable.file != ack_due_.stored_file || durable.offset < ack_due_.stored_end) {
    return Status::Corruption(fmt::format(
        "{} asked for a semi-sync ACK of {}:{} (stored at {}:{}), but the store is durable only "
        "up to {}:{} (not at a transaction end); no ACK sent",
        primary_, ack_due_.file, ack_due_.position, ack_due_.stored_file, ack_due_.stored_end,
        durable.file, durable.offset));
  }
  BuildSemiSyncAck(ack_, ack_due_.file, ack_due_.position);
  if (Status s = session.codec().WritePacketWithSequence(ack_, 0); !s.ok()) return s;
  acks_.fetch_add(1, std::memory_order_relaxed);
  if (options_.ack_latency) {
    options_.ack_latency->Observe(
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - ack_due_.requested));
  }
  return Status::Ok();
}

bool Puller::ReadableNow(int fd) const {
  if (fd < 0) return false;
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) > 0;
}

bool Puller::SurvivableNoSpace(const Status& s) {
  if (s.code() != Status::Code::kNoSpace || store_->writer().broken()) return false;
  paused_ = true;
  if (options_.on_no_space) options_.on_no_space(s);
  return true;
}

Status Puller::CheckPause() {
  if (!options_.pause_reason) return Status::Ok();
  const std::string why = options_.pause_reason();
  if (why.empty()) return Status::Ok();
  paused_ = true;
  // What the syncer was handed becomes durable (and published) before the pull stops.
  if (Status s = store_->writer().Sync(); !s.ok()) {
    if (!SurvivableNoSpace(s)) fatal_ = true;
    return s;
  }
  return Status::Unsupported(why);
}

bool Puller::WaitWhilePaused(const Status& why) {
  SetState(PullerState::kBackoff, std::string(why.message()));
  Log(false, fmt::format("pulling from {} paused: {}; it resumes by itself", primary_,
                         why.message()));
  std::unique_lock lock(mu_);
  while (!stop_) {
    lock.unlock();
    const bool go = options_.pause_reason().empty();
    lock.lock();
    if (go) {
      lock.unlock();
      Log(false, fmt::format("pulling from {} resumes", primary_));
      return true;
    }
    wake_.wait_for(lock, std::chrono::milliseconds(200), [this] { return stop_; });
  }
  return false;
}

}  // namespace sidecar::upstream
