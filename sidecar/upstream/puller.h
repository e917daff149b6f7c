// Puller: the replica loop on its own thread. connect -> replica conversation
// -> dump -> every event verified (BinlogStream), lined up (GtidResume, GTID
// resumes) and appended to the store's writer -> group commit -> semi-sync ACK.
//
// Durability before ACK: an event that asks for a semi-sync ACK is appended,
// then BinlogWriter::Sync() (write, fdatasync, checkpoint, publish) runs, then
// the ACK is sent only if the store's durable position now covers the event's
// file and end position. A Sync failure sends no ACK.
//
// ACKs are batched like syncs: while more of the dump is already buffered or
// readable (the primary's group commit sent several transactions), an ACK
// request waits, and the next one replaces it; one Sync then covers them all
// and one ACK names the last (a primary releases every transaction up to the
// position acknowledged). It waits at most until sync_bytes or sync_interval,
// and never across a change of stored file: an event that may start or end a
// file (ROTATE, FORMAT_DESCRIPTION, STOP, GTID_LIST, PREVIOUS_GTIDS, an
// artificial event, a renumbered dump's first transaction) first has the
// waiting ACK sent.
//
// Group commit: packets are appended while more are buffered or readable at
// once; a sync is requested (BinlogWriter::RequestSync: the syncer thread
// fdatasyncs and checkpoints while reading goes on) before a read that would
// block, and when 1 MiB (sync_bytes) or sync_interval of unsynced events
// accumulate. The blocking Sync() runs before an ACK and when a connection
// ends. storage.sync=transaction is the writer's own (it syncs at every
// transaction end).
//
// Where a dump starts: the writer's resume point (the last transaction
// boundary; synced when a connection ends), by GTID when gtid=on, or gtid=auto
// and the checkpoint has a GTID state; else by file and position. A new store
// starts from `start` (a GTID start asks the primary which file holds it, then
// pulls that file whole). The read timeout is 2x heartbeat_period (+1 s).
//
// Which primary: at every connect the primary-identity rule of
// primary_identity.h runs first: the server the store was filled from (by
// server_uuid, or server_id on MariaDB; its address may change) is accepted;
// another server only as a failover, with gtid = on and a stored GTID state;
// another flavour never. A refusal is logged and retried like any error (the
// config may be fixed, a VIP may move back); nothing is dumped meanwhile. A
// failover is logged; the store records the new primary only once GtidResume
// verified its first transaction is the next after the stored GTID state, and
// no dump from it is ever by file/position.
//
// Renumbering: a failover primary's files never continue the stored ones
// (its own names and positions), so its binlog is stored under the store's
// own names (LocalContinuation: the last file closed with a ROTATE, the next
// local number, end_log_pos and CRC32 rewritten), logged at WARNING. Before
// its first event is stored, state.db records it (config key
// kRenumberedPrimaryKey); every later connection to that server renumbers
// too (resuming by GTID, never by file/position), until a failover to
// another server records that one. The writer takes the new primary as its
// upstream once that first transaction was handed to it (in a new local
// file); a connection that ends before starts the failover over. Semi-sync
// ACKs and status() keep the primary's own file and position; an ACK is sent
// once the local end of the event is durable.
//
// Errors (network, timeout, ERR from the primary, a bad event, a GTID gap):
// one log line, then a reconnect after Backoff's delay (reset once a
// connection has stored or heard something). A writer I/O failure (Sync, or
// Append answering IOError/NoSpace) is fatal: state kFailed, the thread ends,
// and failed() is true (the store must be reopened: recovery). Except a full
// disk (NoSpace) that left the writer whole: on_no_space is told, and the
// puller pauses as below instead.
//
// Back-pressure (pause_reason, the budget keeper's gate): checked after each
// batch is handed to the syncer, and room_for before each event (an event
// with no room is not appended); while it gives a reason the puller syncs,
// closes the connection (the primary keeps its binlogs), logs once, waits
// (checking every 200 ms) and then reconnects from the resume point.
//
// Thread-safety: Start/Stop from one owner thread; status() and failed() from
// any thread. The store must outlive the Puller; the Puller owns the writer's
// thread-affinity while running.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "base/status.h"
#include "metrics/histogram.h"
#include "protocol/client_session.h"
#include "store/binlog_store.h"
#include "upstream/backoff.h"
#include "upstream/binlog_stream.h"
#include "upstream/gtid_resume.h"
#include "upstream/local_continuation.h"
#include "upstream/replica_conversation.h"

namespace sidecar::upstream {

enum class GtidResumeMode { kAuto, kOn, kOff };

// state.db config key: the server whose files the store keeps under local
// names ("mariadb server_id 2", "mysql server_uuid 3e11...").
inline constexpr std::string_view kRenumberedPrimaryKey = "upstream.renumbered_primary";

struct PullerOptions {
  protocol::ClientOptions client;  // host, port, auth; read_timeout is set by the Puller
  ConversationOptions conversation;
  GtidResumeMode gtid = GtidResumeMode::kAuto;
  StartSpec start;  // for a new store
  std::chrono::milliseconds sync_interval{5};
  size_t sync_bytes = size_t(1) << 20;
  Backoff::Options backoff;
  uint64_t backoff_seed = 0;  // 0: from the clock
  std::function<void(std::string_view)> log_info;
  std::function<void(std::string_view)> log_error;
  // Expected trouble (a resume that falls back to file/position, a failover
  // renumbered). Unset: log_error.
  std::function<void(std::string_view)> log_warning;
  // Optional, not owned: observes each semi-sync ACK's latency (sync + send). Lock-free.
  metrics::Histogram* ack_latency = nullptr;
  // Back-pressure: "" while pulling may go on, else why not. Unset: never paused.
  std::function<std::string()> pause_reason;
  // The writer reported a full disk it survived (Status kNoSpace). Unset: nobody is told
  // (and, without pause_reason, the puller retries after back-off).
  std::function<void(const Status&)> on_no_space;
  // Strict disk budget (budget::BudgetKeeper::RoomFor), asked before each event is appended,
  // so lock-free: false stops the pull before that event, as a pause (pause_reason gives why),
  // and the event is fetched again on resume. Unset: no per-event limit.
  std::function<bool(const binlog::EventView&)> room_for;
  // Told after each sync of the writer's batch (everything appended is in the files).
  std::function<void()> on_flushed;
};

enum class PullerState { kStopped, kConnecting, kStreaming, kBackoff, kFailed };
const char* PullerStateName(PullerState state);

// A snapshot for /status and SHOW SLAVE STATUS.
struct PullerStatus {
  PullerState state = PullerState::kStopped;
  std::string primary;     // host:port
  std::string last_error;  // "" when none yet
  std::string file;        // where the stream stands
  uint64_t position = 0;
  uint64_t bytes_received = 0;
  uint64_t events_received = 0;
  uint64_t reconnects = 0;
  uint64_t acks_sent = 0;
  int64_t seconds_behind = -1;  // -1: unknown (not streaming yet)
};

class Puller {
 public:
  Puller(store::BinlogStore* store, PullerOptions options);
  Puller(const Puller&) = delete;
  Puller& operator=(const Puller&) = delete;
  ~Puller();  // Stop()

  void Start();
  // Shuts the connection down, wakes the back-off, joins, and syncs what was
  // appended. Idempotent.
  void Stop();

  PullerStatus status() const;
  bool failed() const { return failed_.load(); }

 private:
  void Run();
  // One connection, from connect to the error that ended it.
  Status PullOnce();
  // The primary-identity rule (primary_identity.h); sets failover_.
  Status Admit(const PrimaryInfo& primary);
  Result<std::unique_ptr<protocol::ClientSession>> Open(PrimaryInfo* primary);
  // The dump for this connection; a new store's GTID start replaces `session`.
  Result<DumpRequest> LocateStart(std::unique_ptr<protocol::ClientSession>& session,
                                  PrimaryInfo* primary, std::optional<GtidResume>* gtid_resume);
  Result<DumpRequest> ChooseDump(protocol::ClientSession& session, const PrimaryInfo& primary,
                                 std::optional<GtidResume>* gtid_resume);
  Status Stream(protocol::ClientSession& session, const PrimaryInfo& primary,
                std::optional<GtidResume>& gtid_resume);
  // The failover's first transaction is stored: the writer records the new primary.
  void AcceptFailover();
  Status Append(const binlog::EventView& event);
  // Requests a sync, or, when an ACK is due (ack_due_), syncs and then sends it.
  Status SyncAndAck(protocol::ClientSession& session, const BinlogStream& stream);
  // The event just handed on asked for an ACK: ack_due_ names it.
  void NoteAckRequest(const BinlogStream& stream);
  // Whether `event` may start or end a stored file (see ACK batching above).
  bool MayChangeStoredFile(const binlog::EventView& event,
                           const std::optional<LocalContinuation>& local) const;
  Status Sync();         // blocking: everything appended is durable
  Status RequestSync();  // non-blocking: the syncer makes it durable
  bool ReadableNow(int fd) const;
  bool IsFileClosed(const std::string& file);
  void SetState(PullerState state, std::string error = {});
  void Log(bool error, std::string_view message) const;
  void Warn(std::string_view message) const;
  // Whether state.db records `primary` as the server stored renumbered.
  Result<bool> IsRenumberedPrimary(const PrimaryInfo& primary);
  Status RecordRenumberedPrimary(const PrimaryInfo& primary);
  // True when `s` is a full disk the writer survived (then on_no_space is told).
  bool SurvivableNoSpace(const Status& s);
  // Stops the stream between batches while pause_reason gives a reason.
  Status CheckPause();
  // Waits until pause_reason lets pulling go on; false when stopping.
  bool WaitWhilePaused(const Status& why);

  store::BinlogStore* const store_;
  const PullerOptions options_;
  const std::string primary_;
  Backoff backoff_;
  protocol::Buffer ack_;
  // The semi-sync ACK owed to the primary (`due`), batched: see above. The
  // strings keep their capacity from one ACK to the next.
  struct AckDue {
    bool due = false;
    std::string file;  // the primary's coordinates, for the ACK packet
    uint64_t position = 0;
    std::string stored_file;  // where the event ends in the store
    uint64_t stored_end = 0;
    std::chrono::steady_clock::time_point requested;  // the first request it covers
  };
  AckDue ack_due_;
  size_t unsynced_bytes_ = 0;
  std::chrono::steady_clock::time_point unsynced_since_;
  bool worked_ = false;               // this connection stored or heard something
  bool force_file_position_ = false;  // the next dump resumes by file/pos
  bool failover_ = false;             // this connection's primary replaces the stored one
  bool renumbered_ = false;           // its files go under local names (LocalContinuation)
  std::optional<store::UpstreamIdentity> pending_upstream_;  // recorded once verified
  bool fatal_ = false;                // the writer failed
  bool paused_ = false;               // the stream stopped for back-pressure or a full disk

  std::thread thread_;
  std::atomic<bool> failed_{false};
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;    // GUARDED_BY(mu_)
  int fd_ = -1;          // GUARDED_BY(mu_): the live connection's socket
  PullerStatus status_;  // GUARDED_BY(mu_), except the counters below
  std::atomic<uint64_t> bytes_{0};
  std::atomic<uint64_t> events_{0};
  std::atomic<uint64_t> acks_{0};
  std::atomic<int64_t> behind_{-1};
};

}  // namespace sidecar::upstream
