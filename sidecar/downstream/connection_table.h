// ConnectionTable: the server's ConnectionRegistry. One ConnectionSlot per live downstream
// connection, holding what /status, SHOW SLAVE HOSTS, KILL and the purge policy need to know
// about it, and the means to end it.
//
// Ending a connection (Kill, KillAll, KillOtherDumps) sets the slot's killed flag, wakes
// anything waiting in WaitKilled(), and shuts its socket down (both directions), so a thread
// blocked reading or writing that socket fails at once; a dump blocked on the store notices the
// flag at its next wake-up (at most DumpEnvironment::poll_interval later). The socket's
// descriptor is only touched while the slot still owns it: the session calls ReleaseSocket()
// before closing it, so a kill never shuts down a descriptor number reused by another socket.
//
// Capacity: Open() refuses (nullptr) beyond max_connections live slots.
//
// Thread-safety: every method of both classes may be called from any thread. A slot's setters
// are meant for its own session thread; the counters are atomics, the rest is under a mutex.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "downstream/connection_registry.h"

namespace sidecar::downstream {

class ConnectionSlot {
 public:
  ConnectionSlot(uint32_t id, std::string peer, int fd, int64_t connected_unix_time);
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;

  uint32_t id() const { return id_; }

  void SetUser(std::string_view user);
  void SetCommand(std::string_view command);
  // COM_REGISTER_SLAVE.
  void SetRegistered(const RegisteredReplica& replica);
  // A dump started for the replica with this server_id.
  void SetDumping(uint32_t replica_server_id);
  // Where the dump stands (the next event it will read).
  void SetReading(const store::BinlogPosition& position);
  void CountSent(uint64_t bytes, uint64_t events);
  SentTotals Sent() const {
    return {bytes_sent_.load(std::memory_order_relaxed),
            events_sent_.load(std::memory_order_relaxed)};
  }

  // Sets the killed flag, wakes WaitKilled() and shuts the socket down (if still owned).
  void Kill();
  bool killed() const { return killed_.load(std::memory_order_relaxed); }
  // Waits at most `timeout`; true when the slot is (or becomes) killed.
  bool WaitKilled(std::chrono::nanoseconds timeout);
  // The session is about to close the socket: Kill() no longer shuts it down.
  void ReleaseSocket();

  ReaderStatus Describe() const;
  std::optional<RegisteredReplica> Registered() const;
  // The replica server_id of a running dump, if any.
  std::optional<uint32_t> DumpingServerId() const;

 private:
  const uint32_t id_;
  std::atomic<bool> killed_{false};
  std::atomic<uint64_t> bytes_sent_{0};
  std::atomic<uint64_t> events_sent_{0};

  mutable std::mutex mu_;
  std::condition_variable killed_cv_;
  int fd_;                                   // GUARDED_BY(mu_); -1 once released
  ReaderStatus status_;                      // GUARDED_BY(mu_), counters aside
  std::optional<RegisteredReplica> registered_;  // GUARDED_BY(mu_)
  bool dumping_ = false;                     // GUARDED_BY(mu_)
};

class ConnectionTable final : public ConnectionRegistry {
 public:
  explicit ConnectionTable(size_t max_connections);

  // A new slot with the next connection id, or nullptr when max_connections are live.
  std::shared_ptr<ConnectionSlot> Open(std::string peer, int fd);
  // Forgets the slot (its session ended).
  void Close(uint32_t connection_id);
  size_t size() const;

  // Kills every connection (shutdown).
  void KillAll();
  // Kills the other connections dumping to replica `server_id`: a replica that reconnects
  // replaces its old dump, as a MySQL/MariaDB primary does (kill_zombie_dump_threads).
  // server_id 0 (mariadb-binlog, CDC tools) kills nothing.
  void KillOtherDumps(uint32_t server_id, uint32_t except_connection_id);

  std::vector<ReaderStatus> Readers() const override;
  // The closed connections' counts plus the open ones', under one lock with Close(): monotonic.
  SentTotals TotalSent() const override;
  std::vector<RegisteredReplica> RegisteredReplicas() const override;
  std::optional<store::BinlogPosition> OldestReaderPosition() const override;
  Status Kill(uint32_t connection_id) override;

 private:
  std::vector<std::shared_ptr<ConnectionSlot>> Slots() const;

  const size_t max_connections_;
  mutable std::mutex mu_;
  uint32_t next_id_ = 1;                                           // GUARDED_BY(mu_)
  std::map<uint32_t, std::shared_ptr<ConnectionSlot>> slots_;      // GUARDED_BY(mu_)
  SentTotals closed_sent_;  // GUARDED_BY(mu_): what the closed connections sent
};

}  // namespace sidecar::downstream
