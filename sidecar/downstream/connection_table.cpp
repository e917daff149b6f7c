#include "downstream/connection_table.h"

#include <fmt/format.h>
#include <sys/socket.h>

namespace sidecar::downstream {

ConnectionSlot::ConnectionSlot(uint32_t id, std::string peer, int fd, int64_t connected_unix_time)
    : id_(id), fd_(fd) {
  status_.connection_id = id;
  status_.peer = std::move(peer);
  status_.command = "Connect";
  status_.connected_unix_time = connected_unix_time;
}

void ConnectionSlot::SetUser(std::string_view user) {
  std::lock_guard lock(mu_);
  status_.user = user;
}

void ConnectionSlot::SetCommand(std::string_view command) {
  std::lock_guard lock(mu_);
  status_.command = command;
}

void ConnectionSlot::SetRegistered(const RegisteredReplica& replica) {
  std::lock_guard lock(mu_);
  registered_ = replica;
  status_.replica_server_id = replica.server_id;
}

void ConnectionSlot::SetDumping(uint32_t replica_server_id) {
  std::lock_guard lock(mu_);
  dumping_ = true;
  status_.replica_server_id = replica_server_id;
}

void ConnectionSlot::SetReading(const store::BinlogPosition& position) {
  std::lock_guard lock(mu_);
  if (!status_.reading) {
    status_.reading = position;
    return;
  }
  // Assigning keeps the string's capacity: no allocation per event once the name is known.
  status_.reading->file_seq = position.file_seq;
  status_.reading->file.assign(position.file);
  status_.reading->offset = position.offset;
}

void ConnectionSlot::CountSent(uint64_t bytes, uint64_t events) {
  bytes_sent_.fetch_add(bytes, std::memory_order_relaxed);
  events_sent_.fetch_add(events, std::memory_order_relaxed);
}

void ConnectionSlot::Kill() {
  {
    std::lock_guard lock(mu_);
    killed_.store(true);
    if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
  }
  killed_cv_.notify_all();
}

bool ConnectionSlot::WaitKilled(std::chrono::nanoseconds timeout) {
  std::unique_lock lock(mu_);
  return killed_cv_.wait_for(lock, timeout, [&] { return killed_.load(); });
}

void ConnectionSlot::ReleaseSocket() {
  std::lock_guard lock(mu_);
  fd_ = -1;
}

ReaderStatus ConnectionSlot::Describe() const {
  ReaderStatus copy;
  {
    std::lock_guard lock(mu_);
    copy = status_;
  }
  copy.bytes_sent = bytes_sent_.load(std::memory_order_relaxed);
  copy.events_sent = events_sent_.load(std::memory_order_relaxed);
  return copy;
}

std::optional<RegisteredReplica> ConnectionSlot::Registered() const {
  std::lock_guard lock(mu_);
  return registered_;
}

std::optional<uint32_t> ConnectionSlot::DumpingServerId() const {
  std::lock_guard lock(mu_);
  if (!dumping_ || !status_.replica_server_id) return std::nullopt;
  return status_.replica_server_id;
}

ConnectionTable::ConnectionTable(size_t max_connections) : max_connections_(max_connections) {}

std::shared_ptr<ConnectionSlot> ConnectionTable::Open(std::string peer, int fd) {
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  std::lock_guard lock(mu_);
  if (slots_.size() >= max_connections_) return nullptr;
  uint32_t id = next_id_++;
  if (id == 0) id = next_id_++;  // 2^32 connections later: 0 is not an id
  auto slot = std::make_shared<ConnectionSlot>(id, std::move(peer), fd, now);
  slots_.emplace(id, slot);
  return slot;
}

void ConnectionTable::Close(uint32_t connection_id) {
  std::lock_guard lock(mu_);
  auto it = slots_.find(connection_id);
  if (it == slots_.end()) return;
  const SentTotals last = it->second->Sent();
  closed_sent_.bytes += last.bytes;
  closed_sent_.events += last.events;
  slots_.erase(it);
}

SentTotals ConnectionTable::TotalSent() const {
  std::lock_guard lock(mu_);
  SentTotals total = closed_sent_;
  for (const auto& [id, slot] : slots_) {
    const SentTotals now = slot->Sent();
    total.bytes += now.bytes;
    total.events += now.events;
  }
  return total;
}

size_t ConnectionTable::size() const {
  std::lock_guard lock(mu_);
  return slots_.size();
}

std::vector<std::shared_ptr<ConnectionSlot>> ConnectionTable::Slots() const {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<ConnectionSlot>> out;
  out.reserve(slots_.size());
  for (const auto& [id, slot] : slots_) out.push_back(slot);
  return out;
}

void ConnectionTable::KillAll() {
  for (const auto& slot : Slots()) slot->Kill();
}

void ConnectionTable::KillOtherDumps(uint32_t server_id, uint32_t except_connection_id) {
  if (server_id == 0) return;
  for (const auto& slot : Slots()) {
    if (slot->id() != except_connection_id && slot->DumpingServerId() == server_id) slot->Kill();
  }
}

std::vector<ReaderStatus> ConnectionTable::Readers() const {
  std::vector<ReaderStatus> out;
  for (const auto& slot : Slots()) out.push_back(slot->Describe());
  return out;
}

std::vector<RegisteredReplica> ConnectionTable::RegisteredReplicas() const {
  std::vector<RegisteredReplica> out;
  for (const auto& slot : Slots()) {
    if (auto replica = slot->Registered()) out.push_back(*replica);
  }
  return out;
}

std::optional<store::BinlogPosition> ConnectionTable::OldestReaderPosition() const {
  std::optional<store::BinlogPosition> oldest;
  for (const auto& slot : Slots()) {
    const ReaderStatus status = slot->Describe();
    if (status.reading && (!oldest || *status.reading < *oldest)) oldest = status.reading;
  }
  return oldest;
}

Status ConnectionTable::Kill(uint32_t connection_id) {
  std::shared_ptr<ConnectionSlot> slot;
  {
    std::lock_guard lock(mu_);
    auto it = slots_.find(connection_id);
    if (it != slots_.end()) slot = it->second;
  }
  if (!slot) return Status::NotFound(fmt::format("Unknown thread id: {}", connection_id));
  slot->Kill();
  return Status::Ok();
}

}  // namespace sidecar::downstream
