// Walks every binlog fixture (files written by real MySQL, Percona, Aurora and
// MariaDB servers) and compares what the reader finds with the independent
// walk recorded in tests/fixtures/MANIFEST.tsv: event count, events by type,
// server version, and for the two damaged files the offset of the damage.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "binlog/binlog_file_reader.h"
#include "support/fixture_files.h"

namespace sidecar::binlog {
namespace {

struct ManifestEntry {
  std::string path;
  std::string server_version;  // first FDE's
  int events = 0;
  std::map<int, int> events_by_type;
  std::optional<uint64_t> error_offset;  // for the damaged files
};

std::vector<ManifestEntry> LoadManifest() {
  std::ifstream in(testing::FixturePath("MANIFEST.tsv"));
  std::vector<ManifestEntry> entries;
  std::string line;
  std::getline(in, line);  // column names
  const std::regex events_re(R"(events=(\d+))");
  const std::regex hist_re(R"(hist=\{([^}]*)\})");
  const std::regex bucket_re(R"((\d+):[A-Z_0-9]+=(\d+))");
  const std::regex server_re(R"(walk: server=([^;|]*))");
  const std::regex error_re(R"(ERRORS: \d+ trailing bytes at (\d+))");
  while (std::getline(in, line)) {
    std::vector<std::string> columns;
    std::stringstream ss(line);
    for (std::string c; std::getline(ss, c, '\t');) columns.push_back(c);
    if (columns.size() < 6 || !columns[0].starts_with("binlogs/")) continue;
    const std::string& notes = columns[5];
    ManifestEntry e;
    e.path = columns[0];
    std::smatch m;
    if (std::regex_search(notes, m, events_re)) e.events = std::stoi(m[1]);
    if (std::regex_search(notes, m, server_re) && m[1] != "?") e.server_version = m[1];
    if (std::regex_search(notes, m, error_re)) e.error_offset = std::stoull(m[1]);
    if (std::regex_search(notes, m, hist_re)) {
      const std::string hist = m[1];
      for (auto it = std::sregex_iterator(hist.begin(), hist.end(), bucket_re);
           it != std::sregex_iterator(); ++it) {
        e.events_by_type[std::stoi((*it)[1])] = std::stoi((*it)[2]);
      }
    }
    entries.push_back(e);
  }
  return entries;
}

void PrintTo(const ManifestEntry& e, std::ostream* os) { *os << e.path; }

class BinlogFixtureTest : public ::testing::TestWithParam<ManifestEntry> {};

TEST_P(BinlogFixtureTest, WalkMatchesIndependentManifest) {
  const ManifestEntry& expected = GetParam();
  auto reader = BinlogFileReader::Open(testing::PlainFixturePath(expected.path));
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();

  int events = 0;
  std::map<int, int> by_type;
  EventView event;
  Result<bool> next = true;
  while ((next = (*reader)->Next(&event)).ok() && next.value()) {
    ++events;
    ++by_type[event.header.type];
  }

  if (expected.error_offset) {
    ASSERT_FALSE(next.ok()) << expected.path << " is damaged but walked cleanly";
    EXPECT_EQ(next.status().code(), Status::Code::kCorruption);
    EXPECT_EQ((*reader)->error_offset(), *expected.error_offset) << next.status().message();
  } else {
    ASSERT_TRUE(next.ok()) << expected.path << ": " << next.status().ToString() << " at offset "
                           << (*reader)->error_offset();
    EXPECT_EQ((*reader)->offset(), (*reader)->file_size());
  }
  EXPECT_EQ(events, expected.events);
  EXPECT_EQ(by_type, expected.events_by_type);
  if (!expected.server_version.empty()) {
    ASSERT_TRUE((*reader)->format().has_value());
  }
}

std::string EntryName(const ::testing::TestParamInfo<ManifestEntry>& info) {
  std::string name = info.param.path.substr(info.param.path.find('/') + 1);
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(AllFixtures, BinlogFixtureTest, ::testing::ValuesIn(LoadManifest()),
                         EntryName);

TEST(BinlogFixtureManifestTest, CoversEveryBinlogFixture) {
  // 31 binlog files are shipped; a manifest parse that silently drops rows
  // would make the parameterised test above vacuous.
  EXPECT_EQ(LoadManifest().size(), 31u);
}

}  // namespace
}  // namespace sidecar::binlog
