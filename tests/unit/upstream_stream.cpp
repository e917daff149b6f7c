#include "upstream_stream.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "binlog/crc32.h"
#include "binlog/event_type.h"
#include "store/stream_state.h"
#include "support/event_builder.h"
#include "support/fixture_events.h"

namespace sidecar::testing {
namespace {

using binlog::EventType;

const std::vector<std::string>& FixturesOf(binlog::Flavor flavor) {
  static const std::vector<std::string> mariadb = {
      "binlogs/mariadb-operator_mariadb-poc/domain_id_0/mariadb-repl-bin.000005",
      "binlogs/blackbeam_rust_mysql_common/mariadb-bin.000001"};
  static const std::vector<std::string> mysql = {
      "binlogs/shyiko_mysql-binlog-connector-java/mysql-bin.checksum-crc32",
      "binlogs/blackbeam_rust_mysql_common/mysql-enum-string-set.000001"};
  return flavor == binlog::Flavor::kMariadb ? mariadb : mysql;
}

std::vector<uint8_t> RotateBody(const std::string& name, uint64_t position) {
  BodyWriter w;
  w.U64(position).Str(name);
  return w.bytes();
}

// An artificial ROTATE naming (name, position), as a dump starts with.
std::vector<uint8_t> FakeRotate(const std::string& name, uint64_t position) {
  EventSpec spec{.type = EventType::kRotate, .body = RotateBody(name, position), .timestamp = 0};
  return Reframe(MakeEvent(spec, 0), 0, binlog::kFlagArtificial);
}

std::vector<uint8_t> Heartbeat(const std::string& name, uint64_t position) {
  BodyWriter w;
  w.Str(name);
  EventSpec spec{.type = EventType::kHeartbeat, .body = w.bytes(), .timestamp = 0};
  return Reframe(MakeEvent(spec, 0), uint32_t(position), binlog::kFlagArtificial);
}

std::vector<uint8_t> FakeGtidList() {
  BodyWriter w;
  w.U32(0).U16(0);
  EventSpec spec{.type = EventType::kGtidList, .body = w.bytes(), .timestamp = 0};
  return Reframe(MakeEvent(spec, 0), 0, binlog::kFlagArtificial);
}

}  // namespace

std::vector<uint8_t> Reframe(std::vector<uint8_t> event, uint32_t next_position, uint16_t flags) {
  const auto store_le = [&](size_t at, uint64_t v, int width) {
    for (int i = 0; i < width; ++i) event[at + i] = uint8_t(v >> (8 * i));
  };
  store_le(13, next_position, 4);
  store_le(binlog::kFlagsOffset, flags, 2);
  store_le(event.size() - 4, binlog::ExpectedEventCrc(event), 4);
  return event;
}

UpstreamStream::UpstreamStream(binlog::Flavor flavor, uint64_t seed, int file_count)
    : flavor_(flavor) {
  std::mt19937_64 rng(seed);
  const std::string base = flavor == binlog::Flavor::kMariadb ? "mariadb-bin" : "mysql-bin";
  for (int i = 0; i < file_count; ++i) names_.push_back(fmt::format("{}.{:06}", base, i + 1));

  store::StreamState state;
  for (size_t f = 0; f < names_.size(); ++f) {
    const auto& fixtures = FixturesOf(flavor);
    std::vector<FixtureEvent> events = ReadFixtureEvents(fixtures[rng() % fixtures.size()]);
    if (!events.empty() && events.back().type() == uint8_t(EventType::kRotate)) events.pop_back();
    std::vector<uint8_t> file(binlog::kBinlogMagic,
                              binlog::kBinlogMagic + binlog::kBinlogMagicSize);
    if (flavor == binlog::Flavor::kMysql) items_.push_back({FakeRotate(names_[f], 4), false, f, 0});
    state.StartFile();
    boundaries_.emplace_back();
    boundaries_[f][file.size()] = state.gtid_state().ToString();
    binlog::FormatDescription fde = events.front().fde;
    const auto add = [&](std::vector<uint8_t> bytes) {
      if (rng() % 8 == 0) items_.push_back({Heartbeat(names_[f], file.size()), false, f, 0});
      auto view = ViewOf(bytes, true);
      if (view.header.type == uint8_t(EventType::kFormatDescription)) {
        fde = *binlog::FormatDescription::Parse(bytes);
        fdes_.push_back(bytes);
      }
      auto step = state.Observe(view, fde);
      EXPECT_TRUE(step.ok()) << step.status().ToString();
      items_.push_back({bytes, true, f, file.size()});
      file.insert(file.end(), bytes.begin(), bytes.end());
      if (step.ok() && step->at_boundary)
        boundaries_[f][file.size()] = state.gtid_state().ToString();
    };
    for (const FixtureEvent& e : events) add(e.bytes);
    if (f + 1 < names_.size()) {
      EventSpec spec{.type = EventType::kRotate, .body = RotateBody(names_[f + 1], 4)};
      add(MakeEvent(spec, file.size()));
    }
    files_.push_back(std::move(file));
  }
}

std::optional<size_t> UpstreamStream::FileIndex(const std::string& name) const {
  for (size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return i;
  }
  return std::nullopt;
}

bool UpstreamStream::IsBoundary(size_t file, uint64_t position) const {
  return file < boundaries_.size() && boundaries_[file].contains(position);
}

std::string UpstreamStream::GtidStateAt(size_t file, uint64_t position) const {
  return boundaries_.at(file).at(position);
}

std::vector<std::vector<uint8_t>> UpstreamStream::Prelude(size_t file, uint64_t position) const {
  std::vector<std::vector<uint8_t>> prelude = {FakeRotate(names_[file], position)};
  if (position > binlog::kBinlogMagicSize) {
    prelude.push_back(Reframe(fdes_[file], 0, 0));
    if (flavor_ == binlog::Flavor::kMariadb) prelude.push_back(FakeGtidList());
  }
  return prelude;
}

size_t UpstreamStream::ResumeIndex(size_t file, uint64_t position) const {
  for (size_t i = 0; i < items_.size(); ++i) {
    const StreamItem& item = items_[i];
    if (item.file > file || (item.file == file && item.stored && item.offset >= position)) {
      return i;
    }
  }
  return items_.size();
}

}  // namespace sidecar::testing
