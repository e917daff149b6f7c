#include "budget/append_allowance.h"

#include "binlog/event_type.h"

namespace sidecar::budget {

using binlog::EventType;

uint64_t StoredCost(const binlog::EventView& event) {
  const auto type = EventType(event.header.type);
  if (type == EventType::kHeartbeat || type == EventType::kHeartbeatV2) return 0;
  const uint64_t next_file = type == EventType::kRotate ? binlog::kBinlogMagicSize : 0;
  if (event.header.flags & binlog::kFlagArtificial) return next_file;
  if (type == EventType::kFormatDescription && event.header.next_position == 0) return 0;
  return event.bytes.size() + next_file;
}

bool AppendAllowance::TryCharge(const binlog::EventView& event) {
  const uint64_t cost = StoredCost(event);
  if (cost == 0) return true;
  const uint64_t charged = charged_.load(std::memory_order_relaxed);
  const uint64_t limit = limit_.load(std::memory_order_acquire);
  if (limit != kUnlimited && (charged > limit || limit - charged < cost)) {
    last_refused_.store(cost, std::memory_order_relaxed);
    return false;
  }
  charged_.store(charged + cost, std::memory_order_relaxed);
  return true;
}

void AppendAllowance::MarkFlushed() {
  flushed_.store(charged_.load(std::memory_order_relaxed), std::memory_order_release);
}

void AppendAllowance::Publish(uint64_t flushed_charge, uint64_t stored, uint64_t share) {
  if (share == kUnlimited) {
    limit_.store(kUnlimited, std::memory_order_release);
    return;
  }
  const uint64_t room = share > stored ? share - stored : 0;
  limit_.store(flushed_charge + room, std::memory_order_release);
}

uint64_t AppendAllowance::room() const {
  const uint64_t limit = limit_.load(std::memory_order_acquire);
  if (limit == kUnlimited) return kUnlimited;
  const uint64_t charged = charged_.load(std::memory_order_relaxed);
  return limit > charged ? limit - charged : 0;
}

}  // namespace sidecar::budget
