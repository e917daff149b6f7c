// Test support: the events of a fixture file, copied out with their offsets
// and the governing format description, via the (separately tested) reader.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "binlog/event_header.h"
#include "binlog/event_type.h"
#include "binlog/format_description.h"

namespace sidecar::testing {

struct FixtureEvent {
  uint64_t offset = 0;
  std::vector<uint8_t> bytes;
  bool has_checksum = false;
  binlog::FormatDescription fde;  // governing this event

  // Borrows `bytes`: not available on a temporary.
  binlog::EventView view() const&;
  binlog::EventView view() const&& = delete;
  uint8_t type() const { return bytes[4]; }
};

// Every event of a whole fixture file (fails the test on a damaged one).
std::vector<FixtureEvent> ReadFixtureEvents(const std::string& relative);

// The first event of `type` in the file; fails the test when there is none.
FixtureEvent FirstFixtureEvent(const std::string& relative, binlog::EventType type);

}  // namespace sidecar::testing
