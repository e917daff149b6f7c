#include "support/fixture_events.h"

#include <gtest/gtest.h>

#include "binlog/binlog_file_reader.h"
#include "binlog/event_type.h"
#include "support/fixture_files.h"

namespace sidecar::testing {

binlog::EventView FixtureEvent::view() const& {
  binlog::EventView v;
  v.header = *binlog::EventHeader::Parse(bytes);
  v.bytes = bytes;
  v.has_checksum = has_checksum;
  return v;
}

std::vector<FixtureEvent> ReadFixtureEvents(const std::string& relative) {
  std::vector<FixtureEvent> events;
  auto reader = binlog::BinlogFileReader::Open(PlainFixturePath(relative));
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  if (!reader.ok()) return events;
  binlog::EventView view;
  for (;;) {
    auto next = (*reader)->Next(&view);
    EXPECT_TRUE(next.ok()) << relative << ": " << next.status().ToString();
    if (!next.ok() || !next.value()) break;
    events.push_back(FixtureEvent{(*reader)->event_offset(),
                                  {view.bytes.begin(), view.bytes.end()},
                                  view.has_checksum,
                                  *(*reader)->format()});
  }
  return events;
}

FixtureEvent FirstFixtureEvent(const std::string& relative, binlog::EventType type) {
  for (FixtureEvent& e : ReadFixtureEvents(relative)) {
    if (e.type() == uint8_t(type)) return e;
  }
  ADD_FAILURE() << relative << " has no " << binlog::EventTypeName(uint8_t(type)) << " event";
  return {};
}

}  // namespace sidecar::testing
