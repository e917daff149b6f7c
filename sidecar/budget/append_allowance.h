// AppendAllowance: the strict disk budget at the puller's side (SPEC §6): the
// store never holds more than its share, not even for one batch.
//
// The puller asks TryCharge() before it appends each event: the event's cost
// (StoredCost: the bytes it adds to the files) is charged when it fits and
// refused otherwise, and the puller then stops before that event. The budget
// keeper publishes how far the charges may go after each measurement of the
// files on disk.
//
// Why the bound holds. `charged` counts every byte the puller may have added
// since it started; MarkFlushed() (after the writer flushed its batch: every
// charged byte is in the files) records `flushed`, the charge at that moment.
// The keeper reads `flushed` (F), THEN measures the files (D bytes), and
// publishes limit = F + (share - D). Every byte stored later than the
// measurement was charged after F, so at any time
//     stored <= D + (charged - F) <= D + (limit - F) = share.
// Purges, rewinds and the writer dropping an event only make this
// conservative; the next measurement gives the room back.
//
// Thread-safety: TryCharge/MarkFlushed from the puller's thread only; flushed,
// Publish and room from any thread. Lock-free, no allocation.
#pragma once

#include <atomic>
#include <cstdint>

#include "binlog/event_header.h"

namespace sidecar::budget {

// The bytes `event` adds to the stored files, by the writer's rules
// (store/binlog_writer.h): none for a heartbeat, an artificial event or a
// FORMAT_DESCRIPTION resent by a dump (next_position 0); its size for any
// other; and the magic of the file that may follow a ROTATE (real or
// artificial: a dump may start a new file).
uint64_t StoredCost(const binlog::EventView& event);

class AppendAllowance {
 public:
  static constexpr uint64_t kUnlimited = UINT64_MAX;

  // Puller: true and `event` is charged when it fits; false, and nothing is
  // charged, when it would take the store past its share.
  bool TryCharge(const binlog::EventView& event);
  // Puller: everything charged so far is in the files.
  void MarkFlushed();

  // Keeper: the charge as of the last MarkFlushed. Read it BEFORE measuring.
  uint64_t flushed() const { return flushed_.load(std::memory_order_acquire); }
  // Keeper: the files held `stored` bytes when measured after reading
  // `flushed_charge`; the store may hold `share` bytes (kUnlimited: no share).
  void Publish(uint64_t flushed_charge, uint64_t stored, uint64_t share);
  // The bytes the store may still add (kUnlimited: no share).
  uint64_t room() const;
  // The cost of the last event refused (0: none refused yet).
  uint64_t last_refused() const { return last_refused_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> charged_{0};
  std::atomic<uint64_t> flushed_{0};
  // Charges may go up to this; kUnlimited until a share is published.
  std::atomic<uint64_t> limit_{kUnlimited};
  std::atomic<uint64_t> last_refused_{0};
};

}  // namespace sidecar::budget
