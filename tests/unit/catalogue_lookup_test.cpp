// Catalogue-based GTID lookups agree with a brute-force scan over every event
// of every file (the brute force walks the files with BinlogFileReader and
// knows nothing of the catalogue).
#include "store/catalogue_lookup.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "binlog/binlog_file_reader.h"
#include "binlog/event_type.h"
#include "binlog/mariadb_events.h"
#include "binlog/mysql_gtid_event.h"
#include "store/posix_env.h"
#include "support/event_builder.h"
#include "support/fixture_files.h"
#include "temp_dir.h"

namespace sidecar::store {
namespace {

using binlog::EventType;
using binlog::MariadbGtid;
using binlog::MariadbGtidPosition;
using binlog::MysqlGtid;
using binlog::MysqlGtidSet;
using testing::BinlogFileBuilder;
using testing::BodyWriter;
using Clock = DurablePosition::Clock;

class FixedCatalogue : public CatalogueView {
 public:
  explicit FixedCatalogue(std::vector<FileCatalogEntry> files) : files_(std::move(files)) {}
  Result<std::vector<FileCatalogEntry>> Files() override { return files_; }

 private:
  const std::vector<FileCatalogEntry> files_;
};

struct NamedFile {
  std::string name;
  std::vector<uint8_t> bytes;
};

// One GTID group as the brute force sees it.
struct Group {
  int64_t seq = 0;
  uint64_t offset = 0;
  std::optional<MariadbGtid> mariadb;
  std::optional<MysqlGtid> mysql;  // nullopt for an anonymous group
};

// Where a stream's first transaction is: (file seq, offset), or none.
using Where = std::optional<std::pair<int64_t, uint64_t>>;

// A store on disk made of `files` (seq 1..n, the last one active), its
// catalogue built from each file's GTID_LIST / PREVIOUS_GTIDS, and the brute
// force's view of it.
class Store {
 public:
  explicit Store(const std::vector<NamedFile>& files) {
    EXPECT_TRUE(env_->CreateDir(dir_.Join("binlog")).ok());
    std::vector<FileCatalogEntry> entries;
    for (size_t i = 0; i < files.size(); ++i) {
      const std::string path = dir_.Join("binlog/" + files[i].name);
      std::ofstream(path, std::ios::binary)
          .write(reinterpret_cast<const char*>(files[i].bytes.data()),
                 std::streamsize(files[i].bytes.size()));
      FileCatalogEntry entry;
      entry.name = files[i].name;
      entry.seq = int64_t(i + 1);
      entry.size = files[i].bytes.size();
      entry.state = i + 1 == files.size() ? FileState::kActive : FileState::kClosed;
      entry.start_gtid_state = Walk(path, entry.seq);
      entries.push_back(entry);
    }
    oldest_start_ = entries.front().start_gtid_state;
    catalogue_ = std::make_unique<FixedCatalogue>(entries);
    durable_.Publish({entries.back().seq, entries.back().name, entries.back().size});
  }

  StoredBinlog stored() { return {env_.get(), dir_.Join("binlog"), catalogue_.get(), &durable_}; }
  const std::vector<Group>& groups() const { return groups_; }
  const std::string& oldest_start() const { return oldest_start_; }

  // The first event a session sends from `start` that is not file control.
  Where FirstServed(const GtidStart& start) {
    auto reader = BinlogReader::Open(stored(), start.position.file, start.position.offset);
    EXPECT_TRUE(reader.ok()) << reader.status().ToString();
    if (!reader.ok()) return std::nullopt;
    GtidSkipFilter filter = start.filter;
    binlog::EventView event;
    for (;;) {
      auto outcome = (*reader)->Next(&event, Clock::time_point::min());
      EXPECT_TRUE(outcome.ok()) << outcome.status().ToString();
      if (!outcome.ok() || *outcome == BinlogReader::Outcome::kTimedOut) return std::nullopt;
      auto send = filter.ShouldSend(event, *(*reader)->format());
      EXPECT_TRUE(send.ok()) << send.status().ToString();
      if (*send && !IsFileControlEvent(event.header.type)) {
        return std::pair((*reader)->position().file_seq, (*reader)->event_offset());
      }
    }
  }

 private:
  // Records the file's groups; returns its start state as text.
  std::string Walk(const std::string& path, int64_t seq) {
    auto reader = binlog::BinlogFileReader::Open(path);
    EXPECT_TRUE(reader.ok());
    std::string start;
    binlog::EventView event;
    for (;;) {
      auto more = (*reader)->Next(&event);
      EXPECT_TRUE(more.ok()) << more.status().ToString();
      if (!more.ok() || !*more) return start;
      const auto type = EventType(event.header.type);
      const uint64_t offset = (*reader)->event_offset();
      if (type == EventType::kGtidList) {
        start = binlog::MariadbGtidState::FromList(binlog::DecodeGtidListEvent(event)->gtids)
                    .ToString();
      } else if (type == EventType::kPreviousGtids) {
        start = binlog::DecodePreviousGtids(event)->ToString();
      } else if (type == EventType::kMariadbGtid) {
        groups_.push_back({seq, offset, binlog::DecodeMariadbGtidEvent(event)->gtid, {}});
      } else if (IsGtidEvent(event.header.type)) {
        auto gtid = binlog::DecodeMysqlGtidEvent(event);
        groups_.push_back(
            {seq, offset, {}, gtid->anonymous() ? std::nullopt : std::optional(gtid->gtid)});
      }
    }
  }

  TempDir dir_;
  std::unique_ptr<Env> env_ = NewPosixEnv();
  std::unique_ptr<FixedCatalogue> catalogue_;
  DurablePosition durable_;
  std::vector<Group> groups_;
  std::string oldest_start_;
};

NamedFile Fixture(const std::string& relative, const std::string& name) {
  return {name, testing::ReadFileBytes(testing::FixturePath(relative))};
}

// --- brute force ------------------------------------------------------------

struct Expected {
  std::optional<Status::Code> error;
  std::string error_text;
  Where first;
};

Expected BruteForceMariadb(const Store& store, const MariadbGtidPosition& replica) {
  std::vector<MariadbGtid> history =
      binlog::MariadbGtidState::Parse(store.oldest_start())->ToList();
  for (const Group& g : store.groups()) history.push_back(*g.mariadb);
  for (const MariadbGtid& want : replica.gtids()) {
    bool held = false, domain_known = false;
    for (const MariadbGtid& h : history) {
      domain_known |= h.domain_id == want.domain_id;
      held |=
          h.domain_id == want.domain_id && h.server_id == want.server_id && h.seq_no >= want.seq_no;
    }
    if (domain_known && !held) {
      return {Status::Code::kInvalidArgument, "which is not in the master's binlog", {}};
    }
  }
  const MariadbGtidPosition before =
      binlog::MariadbGtidState::Parse(store.oldest_start())->ToPosition();
  for (const MariadbGtid& last : before.gtids()) {
    if (!replica.Contains(last)) {
      return {Status::Code::kNotFound, "Could not find GTID state requested by slave", {}};
    }
  }
  for (const Group& g : store.groups()) {
    if (!replica.Contains(*g.mariadb)) return {std::nullopt, "", std::pair(g.seq, g.offset)};
  }
  return {};
}

Expected BruteForceMysql(const Store& store, const MysqlGtidSet& replica) {
  if (!replica.Contains(*MysqlGtidSet::Parse(store.oldest_start()))) {
    return {Status::Code::kNotFound, "Cannot replicate because the source purged", {}};
  }
  for (const Group& g : store.groups()) {
    if (!g.mysql || !replica.Contains(*g.mysql))
      return {std::nullopt, "", std::pair(g.seq, g.offset)};
  }
  return {};
}

void ExpectAgreement(Store& store, const Expected& expected, const Result<GtidStart>& got,
                     const std::string& request) {
  SCOPED_TRACE("requested: '" + request + "'");
  if (expected.error) {
    ASSERT_FALSE(got.ok()) << "got " << got->position.file << ":" << got->position.offset;
    EXPECT_EQ(got.status().code(), *expected.error) << got.status().ToString();
    EXPECT_NE(got.status().message().find(expected.error_text), std::string::npos)
        << got.status().message();
    return;
  }
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(store.FirstServed(*got), expected.first);
  if (expected.first && expected.first->first == got->position.file_seq) {
    EXPECT_EQ(got->position.offset, expected.first->second) << "not the exact offset";
  }
}

// Every position worth asking for: nothing, each GTID of the history, one
// past the end, per domain; all combinations of two domains.
std::vector<MariadbGtidPosition> MariadbRequests(const Store& store) {
  std::map<uint32_t, std::vector<std::optional<MariadbGtid>>> per_domain;
  auto add = [&](const MariadbGtid& g) {
    auto& list = per_domain[g.domain_id];
    if (list.empty()) list.push_back(std::nullopt);
    if (std::find(list.begin(), list.end(), std::optional(g)) == list.end()) list.push_back(g);
  };
  for (const MariadbGtid& g : binlog::MariadbGtidState::Parse(store.oldest_start())->ToList()) {
    add(g);
    if (g.seq_no > 1) add({g.domain_id, g.server_id, g.seq_no - 1});
  }
  for (const Group& g : store.groups()) add(*g.mariadb);
  for (auto& [domain, list] : per_domain) {
    const MariadbGtid last = *list.back();
    list.push_back(MariadbGtid{domain, last.server_id, last.seq_no + 1});
    list.push_back(MariadbGtid{domain, 999, 1});  // a server the domain never had
  }
  std::vector<MariadbGtidPosition> requests(1);
  for (const auto& [domain, list] : per_domain) {
    std::vector<MariadbGtidPosition> next;
    for (const MariadbGtidPosition& base : requests) {
      for (const auto& g : list) {
        MariadbGtidPosition p = base;
        if (g) p.Add(*g);
        next.push_back(p);
      }
    }
    requests = std::move(next);
  }
  return requests;
}

void CheckMariadbStore(Store& store) {
  const auto requests = MariadbRequests(store);
  for (const MariadbGtidPosition& replica : requests) {
    ExpectAgreement(store, BruteForceMariadb(store, replica),
                    FindMariadbGtidStart(store.stored(), replica, /*strict=*/false),
                    replica.ToString());
  }
}

// Prefixes of the history, the same with one GTID left out, and supersets.
void CheckMysqlStore(Store& store) {
  const MysqlGtidSet before = *MysqlGtidSet::Parse(store.oldest_start());
  std::vector<MysqlGtidSet> requests = {MysqlGtidSet()};
  std::vector<MysqlGtid> history;
  for (const Group& g : store.groups()) {
    if (g.mysql) history.push_back(*g.mysql);
  }
  for (size_t k = 0; k <= history.size(); ++k) {
    for (size_t hole = 0; hole <= k; ++hole) {
      MysqlGtidSet set = before;
      for (size_t i = 0; i < k; ++i) {
        if (i + 1 != hole) set.Add(history[i]);
      }
      requests.push_back(set);
      set.Add(*MysqlGtidSet::Parse("cccccccc-cccc-cccc-cccc-cccccccccccc:1-5"));
      requests.push_back(set);
    }
  }
  for (const MysqlGtidSet& replica : requests) {
    ExpectAgreement(store, BruteForceMysql(store, replica),
                    FindMysqlGtidStart(store.stored(), replica, std::nullopt), replica.ToString());
  }
}

// --- generated multi-file histories -------------------------------------------

class Writer {
 public:
  explicit Writer(const char* fde) : fde_(fde) {}

  Writer& MariadbFile(const std::string& name, const std::vector<MariadbGtid>& start) {
    NewFile(name);
    BodyWriter list;
    list.U32(uint32_t(start.size()));
    for (const MariadbGtid& g : start) list.U32(g.domain_id).U32(g.server_id).U64(g.seq_no);
    b_->Add({.type = EventType::kGtidList, .body = list.bytes()});
    return *this;
  }
  Writer& MariadbTrx(uint32_t domain, uint32_t server, uint64_t seq) {
    b_->Add({.type = EventType::kMariadbGtid,
             .body = testing::MariadbGtidBody(seq, domain, 0),
             .server_id = server});
    b_->Add({.type = EventType::kQuery, .body = testing::QueryBody("INSERT INTO t VALUES (1)")});
    b_->Add({.type = EventType::kXid, .body = testing::XidBody(seq)});
    return *this;
  }
  Writer& MysqlFile(const std::string& name, const std::string& previous) {
    NewFile(name);
    b_->Add(
        {.type = EventType::kPreviousGtids, .body = MysqlGtidSet::Parse(previous)->EncodeBinary()});
    return *this;
  }
  Writer& MysqlTrx(const std::string& gtid) {
    const MysqlGtid g = *MysqlGtid::Parse(gtid);
    BodyWriter body;
    body.U8(1).Str(std::string_view(reinterpret_cast<const char*>(g.uuid.bytes().data()), 16));
    body.U64(g.gno).U8(2).U64(0).U64(1);
    b_->Add({.type = EventType::kGtid, .body = body.bytes()});
    b_->Add({.type = EventType::kQuery, .body = testing::QueryBody("BEGIN")});
    b_->Add({.type = EventType::kQuery, .body = testing::QueryBody("INSERT INTO t VALUES (1)")});
    b_->Add({.type = EventType::kXid, .body = testing::XidBody(g.gno)});
    return *this;
  }
  std::vector<NamedFile> Done() {
    Close("");
    return std::move(files_);
  }

 private:
  void NewFile(const std::string& name) {
    Close(name);
    b_.emplace(fde_);
    name_ = name;
  }
  void Close(const std::string& next) {
    if (!b_) return;
    if (!next.empty()) {
      b_->Add({.type = EventType::kRotate, .body = BodyWriter().U64(4).Str(next).bytes()});
    }
    files_.push_back({name_, b_->bytes()});
  }

  const char* fde_;
  std::optional<BinlogFileBuilder> b_;
  std::string name_;
  std::vector<NamedFile> files_;
};

// Two domains; domain 0 fails over from server 1 to server 2; domain 1 has a
// hole in its sequence (no 1-3-4).
std::vector<NamedFile> MariadbHistory() {
  return Writer(testing::kMariadbFdeFixture)
      .MariadbFile("mariadb-bin.000001", {})
      .MariadbTrx(0, 1, 1)
      .MariadbTrx(0, 1, 2)
      .MariadbTrx(1, 3, 1)
      .MariadbTrx(0, 1, 3)
      .MariadbFile("mariadb-bin.000002", {{0, 1, 3}, {1, 3, 1}})
      .MariadbTrx(1, 3, 2)
      .MariadbTrx(0, 1, 4)
      .MariadbTrx(1, 3, 3)
      .MariadbTrx(0, 1, 5)
      .MariadbTrx(0, 1, 6)
      .MariadbFile("mariadb-bin.000003", {{0, 1, 6}, {1, 3, 3}})
      .MariadbTrx(0, 2, 7)
      .MariadbTrx(1, 3, 5)
      .MariadbTrx(0, 2, 8)
      .MariadbTrx(1, 3, 6)
      .MariadbFile("mariadb-bin.000004", {{0, 1, 6}, {0, 2, 8}, {1, 3, 6}})
      .MariadbTrx(0, 2, 9)
      .MariadbTrx(1, 3, 7)
      .Done();
}

constexpr const char* kUuidA = "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa";
constexpr const char* kUuidB = "bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb";

std::vector<NamedFile> MysqlHistory() {
  const std::string a = kUuidA, b = kUuidB;
  return Writer(testing::kMysql8FdeFixture)
      .MysqlFile("binlog.000001", a + ":1-2")
      .MysqlTrx(a + ":3")
      .MysqlTrx(a + ":4")
      .MysqlTrx(b + ":1")
      .MysqlTrx(a + ":5")
      .MysqlFile("binlog.000002", a + ":1-5," + b + ":1")
      .MysqlTrx(b + ":2")
      .MysqlTrx(a + ":6")
      .MysqlTrx(a + ":7")
      .MysqlFile("binlog.000003", a + ":1-7," + b + ":1-2")
      .MysqlTrx(a + ":8")
      .MysqlTrx(b + ":3")
      .Done();
}

// --- tests ----------------------------------------------------------------------

TEST(CatalogueLookupTest, MariadbFixtureSequenceAgreesWithBruteForce) {
  const std::string dir = "binlogs/mariadb-operator_mariadb-poc/";
  Store store({Fixture(dir + "domain_id_0/mariadb-repl-bin.000001", "mariadb-repl-bin.000001"),
               Fixture(dir + "domain_id_0/mariadb-repl-bin.000005", "mariadb-repl-bin.000005")});
  CheckMariadbStore(store);
  Store latest({Fixture(dir + "domain_id_0/mariadb-repl-bin.000005", "mariadb-repl-bin.000005")});
  CheckMariadbStore(latest);
  Store other_domain(
      {Fixture(dir + "domain_id_1/mariadb-repl-bin.000002", "mariadb-repl-bin.000002")});
  CheckMariadbStore(other_domain);
}

TEST(CatalogueLookupTest, MariadbGeneratedHistoryAgreesWithBruteForce) {
  std::vector<NamedFile> files = MariadbHistory();
  Store whole(files);
  CheckMariadbStore(whole);
  files.erase(files.begin());  // the oldest file purged
  Store purged(files);
  CheckMariadbStore(purged);
}

TEST(CatalogueLookupTest, MysqlFixturesAgreeWithBruteForce) {
  for (const char* fixture : {"binlogs/EasyPost_rust-mysql-binlog/bin-log.000001",
                              "binlogs/blackbeam_rust_mysql_common/mysql-enum-string-set.000001",
                              "binlogs/blackbeam_rust_mysql_common/"
                              "binlog_56_gtid_reserved_word.000001"}) {
    SCOPED_TRACE(fixture);
    Store store({Fixture(fixture, "binlog.000001")});
    CheckMysqlStore(store);
  }
}

TEST(CatalogueLookupTest, MysqlGeneratedHistoryAgreesWithBruteForce) {
  std::vector<NamedFile> files = MysqlHistory();
  Store whole(files);
  CheckMysqlStore(whole);
  files.erase(files.begin());
  Store purged(files);
  CheckMysqlStore(purged);
}

TEST(CatalogueLookupTest, MariadbErrorsUseTheTextsReplicasExpect) {
  Store store(MariadbHistory());
  auto ahead = FindMariadbGtidStart(store.stored(), *MariadbGtidPosition::Parse("0-2-10"), false);
  ASSERT_FALSE(ahead.ok());
  EXPECT_EQ(ahead.status().message(),
            "Error: connecting slave requested to start from GTID 0-2-10, which is not in the "
            "master's binlog");
  auto diverged =
      FindMariadbGtidStart(store.stored(), *MariadbGtidPosition::Parse("0-5-3,1-3-7"), false);
  ASSERT_FALSE(diverged.ok());
  EXPECT_NE(diverged.status().message().find("0-5-3, which is not in the master's binlog. Since "
                                             "the master's binlog contains GTIDs with higher "
                                             "sequence numbers"),
            std::string::npos)
      << diverged.status().message();
  auto hole = FindMariadbGtidStart(store.stored(), *MariadbGtidPosition::Parse("0-2-8,1-3-4"),
                                   /*strict=*/true);
  ASSERT_FALSE(hole.ok());
  EXPECT_EQ(hole.status().message(),
            "The binlog on the master is missing the GTID 1-3-4 requested by the slave (even "
            "though both a prior and a subsequent sequence number does exist), and GTID strict "
            "mode is enabled");

  std::vector<NamedFile> files = MariadbHistory();
  files.erase(files.begin());
  Store purged(files);
  auto old =
      FindMariadbGtidStart(purged.stored(), *MariadbGtidPosition::Parse("0-1-2,1-3-1"), false);
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(old.status().message(),
            "Could not find GTID state requested by slave in any binlog files. Probably the slave "
            "state is too old and required binlog files have been purged.");
}

TEST(CatalogueLookupTest, MariadbLastGtidBeforeAFileStartsThatFileUnfiltered) {
  Store store(MariadbHistory());
  // 0-1-6 and 1-3-3 are the last GTIDs before mariadb-bin.000003: start there.
  auto start =
      FindMariadbGtidStart(store.stored(), *MariadbGtidPosition::Parse("0-1-6,1-3-3"), true);
  ASSERT_TRUE(start.ok()) << start.status().ToString();
  EXPECT_EQ(start->position.file, "mariadb-bin.000003");
  EXPECT_TRUE(start->filter.pending().empty());
}

TEST(CatalogueLookupTest, MysqlReplicaAheadOfTheSourceIsRefused) {
  Store store(MysqlHistory());
  const auto uuid = *binlog::Uuid::Parse(kUuidA);
  auto ahead =
      FindMysqlGtidStart(store.stored(), *MysqlGtidSet::Parse(std::string(kUuidA) + ":1-9"), uuid);
  ASSERT_FALSE(ahead.ok());
  EXPECT_EQ(ahead.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(ahead.status().message().rfind("Replica has more GTIDs than the source has", 0), 0u);
  auto level =
      FindMysqlGtidStart(store.stored(), *MysqlGtidSet::Parse(std::string(kUuidA) + ":1-8"), uuid);
  EXPECT_TRUE(level.ok()) << level.status().ToString();
}

}  // namespace
}  // namespace sidecar::store
