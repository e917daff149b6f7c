// StreamState: what the store derives from its binlog's events as they pass,
// in the writer and in recovery alike, so that this protocol knowledge lives
// in one place:
//   - where transactions end (binlog::TransactionTracker): checkpoints sit
//     only on those boundaries;
//   - the GTID state at the last boundary (CheckpointGtidState);
//   - the current file's catalogue facts: first/last GTID, first/last event
//     timestamp (artificial timestamps of 0 excluded), start GTID state.
//
// Invariant: gtid_state() and facts_at_boundary() describe the stream up to
// the last boundary, never a part of an open transaction. GTIDs change the
// state only when their transaction completes, which is always a boundary.
//
// Observe() does not allocate for ordinary events (it copies the facts, a few
// integers and a GTID, at each boundary). Not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "base/status.h"
#include "binlog/event_header.h"
#include "binlog/format_description.h"
#include "binlog/transaction_tracker.h"
#include "store/checkpoint_gtid_state.h"
#include "store/state_db.h"

namespace sidecar::store {

// A file's facts the catalogue keeps, as far as the stream has gone.
struct FileFacts {
  std::optional<binlog::TransactionGtid> first_gtid;
  std::optional<binlog::TransactionGtid> last_gtid;
  uint32_t first_event_time = 0;
  uint32_t last_event_time = 0;
};

class StreamState {
 public:
  // A stream with no GTID state yet (a new store).
  StreamState() = default;
  explicit StreamState(CheckpointGtidState gtid_state) : gtid_state_(std::move(gtid_state)) {}

  // A new file begins (its facts start empty); the GTID state carries on.
  // REQUIRES: at_boundary().
  void StartFile();
  // Steps over the next event of the current file, governed by `fde`.
  // Corruption (naming the event type) when an event the tracker or the GTID
  // state must decode is malformed; the state is then rewound to the last
  // boundary, as after RewindToBoundary().
  Result<binlog::TransactionTracker::Step> Observe(const binlog::EventView& event,
                                                   const binlog::FormatDescription& fde);

  // Forgets the open transaction: back to the state of the last boundary.
  void RewindToBoundary();

  bool at_boundary() const { return tracker_.at_boundary(); }
  const CheckpointGtidState& gtid_state() const { return gtid_state_; }
  const FileFacts& facts_at_boundary() const { return at_boundary_; }
  // The current file's start GTID state as text: that of its start event
  // once observed, before it the state the previous file ended with.
  const std::string& file_start_gtid_state() const { return file_start_gtid_state_; }

  // Writes the facts at the last boundary into `row` (GTIDs and times,
  // start state); leaves name, seq, size and state to the caller.
  void FillRow(FileCatalogEntry* row) const;

 private:
  binlog::TransactionTracker tracker_;
  CheckpointGtidState gtid_state_;
  FileFacts live_;         // up to the last event observed
  FileFacts at_boundary_;  // up to the last boundary
  std::string file_start_gtid_state_;
};

}  // namespace sidecar::store
