#include "binlog/mariadb_events.h"

#include <gtest/gtest.h>

#include "binlog/event_type.h"
#include "support/event_builder.h"
#include "support/fixture_events.h"

namespace sidecar::binlog {
namespace {

using testing::BodyWriter;
using testing::MakeEvent;
using testing::ViewOf;

constexpr const char* kMariadb105 = "binlogs/blackbeam_rust_mysql_common/mariadb-bin.000001";
constexpr const char* kMariadb118 =
    "binlogs/mariadb-operator_mariadb-poc/domain_id_0/mariadb-repl-bin.000005";

TEST(MariadbGtidEventTest, RealGtidsMatchMariadbBinlog) {
  // `mariadb-binlog` prints "GTID 0-1-1 trans" and "GTID 0-1-2 trans" for this file.
  std::vector<std::string> gtids;
  for (const auto& e : testing::ReadFixtureEvents(kMariadb105)) {
    if (e.type() != uint8_t(EventType::kMariadbGtid)) continue;
    auto g = DecodeMariadbGtidEvent(e.view());
    ASSERT_TRUE(g.ok()) << g.status().ToString();
    EXPECT_FALSE(g->standalone());
    gtids.push_back(g->gtid.ToString());
  }
  EXPECT_EQ(gtids, (std::vector<std::string>{"0-1-1", "0-1-2"}));
}

TEST(MariadbGtidEventTest, GroupCommitIdAndXaFlags) {
  const uint8_t flags = MariadbGtidEvent::kGroupCommitId | MariadbGtidEvent::kPreparedXa;
  BodyWriter w;
  w.U64(77).U32(3).U8(flags).U64(9000).U32(1).U8(3).U8(2).Str("abcde");
  const auto event1 =
      MakeEvent({.type = EventType::kMariadbGtid, .body = w.bytes(), .server_id = 12}, 4);
  auto g = DecodeMariadbGtidEvent(ViewOf(event1));
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->gtid.ToString(), "3-12-77");
  EXPECT_EQ(g->commit_id, 9000u);
  EXPECT_TRUE(g->prepared_xa());
  EXPECT_EQ(g->xa_gtrid, "abc");
  EXPECT_EQ(g->xa_bqual, "de");

  // XA flag with an XID cut short.
  BodyWriter cut;
  cut.U64(77).U32(3).U8(MariadbGtidEvent::kCompletedXa).U32(1).U8(60).U8(0).Str("abc");
  const auto event2 = MakeEvent({.type = EventType::kMariadbGtid, .body = cut.bytes()}, 4);
  EXPECT_FALSE(DecodeMariadbGtidEvent(ViewOf(event2)).ok());
  // Post-header cut short.
  const auto event3 = MakeEvent({.type = EventType::kMariadbGtid, .body = {1, 2, 3}}, 4);
  EXPECT_FALSE(DecodeMariadbGtidEvent(ViewOf(event3)).ok());
}

TEST(MariadbGtidEventTest, RealXaGtidsFromMariadb1011) {
  // Bodies written by MariaDB 10.11.19 for XA START 'xy','b',7 ... XA PREPARE
  // and XA COMMIT; mariadb-binlog printed "GTID 0-1-4 trans" then
  // "XA START X'7879',X'62',7", and "GTID 0-1-5 trans" then "XA COMMIT ...".
  const std::vector<uint8_t> prepare = {0x04, 0,    0, 0, 0, 0,    0,    0,   0,   0,   0,    0,
                                        0x4c, 0x07, 0, 0, 0, 0x02, 0x01, 'x', 'y', 'b', 0x01, 0xff};
  const std::vector<uint8_t> commit = {0x05, 0,    0,    0, 0, 0, 0,    0,    0,   0,   0,
                                       0,    0x8d, 0x07, 0, 0, 0, 0x02, 0x01, 'x', 'y', 'b'};
  const auto event4 = MakeEvent({.type = EventType::kMariadbGtid, .body = prepare}, 4);
  auto p = DecodeMariadbGtidEvent(ViewOf(event4));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->gtid.ToString(), "0-1-4");
  EXPECT_TRUE(p->prepared_xa());
  EXPECT_FALSE(p->standalone());
  EXPECT_EQ(p->xa_format_id, 7u);
  EXPECT_EQ(p->xa_gtrid, "xy");
  EXPECT_EQ(p->xa_bqual, "b");
  const auto event5 = MakeEvent({.type = EventType::kMariadbGtid, .body = commit}, 4);
  auto c = DecodeMariadbGtidEvent(ViewOf(event5));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->gtid.ToString(), "0-1-5");
  EXPECT_TRUE(c->completed_xa());
  EXPECT_TRUE(c->standalone());
}

TEST(GtidListEventTest, RealListsMatchMariadbBinlog) {
  // mariadb-binlog: "Gtid list []" (10.5 file) and "Gtid list [0-10-262580]" (11.8 file).
  const auto fixture_event6 = testing::FirstFixtureEvent(kMariadb105, EventType::kGtidList);
  auto empty = DecodeGtidListEvent(fixture_event6.view());
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->gtids.empty());
  const auto fixture_event7 = testing::FirstFixtureEvent(kMariadb118, EventType::kGtidList);
  auto one = DecodeGtidListEvent(fixture_event7.view());
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->gtids.size(), 1u);
  EXPECT_EQ(one->gtids[0].ToString(), "0-10-262580");
}

TEST(GtidListEventTest, CountMustMatchTheBytes) {
  BodyWriter w;
  w.U32(1000000).U32(0).U32(1).U64(5);  // claims a million GTIDs, holds one
  const auto event8 = MakeEvent({.type = EventType::kGtidList, .body = w.bytes()}, 4);
  auto list = DecodeGtidListEvent(ViewOf(event8));
  ASSERT_FALSE(list.ok());
  EXPECT_NE(list.status().message().find("says 1000000 GTIDs"), std::string::npos);
  const auto event9 = MakeEvent({.type = EventType::kGtidList, .body = {1}}, 4);
  EXPECT_FALSE(DecodeGtidListEvent(ViewOf(event9)).ok());
}

TEST(BinlogCheckpointEventTest, RealCheckpointNamesItsFile) {
  // mariadb-binlog: "Binlog checkpoint mariadb-bin.000001".
  const auto event = testing::FirstFixtureEvent(kMariadb105, EventType::kBinlogCheckpoint);
  auto c = DecodeBinlogCheckpointEvent(event.view());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->file, "mariadb-bin.000001");
  BodyWriter w;
  w.U32(500).Str("x");
  const auto event10 = MakeEvent({.type = EventType::kBinlogCheckpoint, .body = w.bytes()}, 4);
  EXPECT_FALSE(DecodeBinlogCheckpointEvent(ViewOf(event10)).ok());
}

TEST(AnnotateRowsEventTest, CarriesTheStatement) {
  const auto fixture_event11 = testing::FirstFixtureEvent(kMariadb105, EventType::kAnnotateRows);
  auto a = DecodeAnnotateRowsEvent(fixture_event11.view());
  ASSERT_TRUE(a.ok());
  // mariadb-binlog: "#Q> insert into outbox (topic, event_type, event) values (...)".
  EXPECT_TRUE(a->statement.starts_with("insert into outbox (topic, event_type, event)"))
      << a->statement;
}

TEST(StartEncryptionEventTest, DecodesAndRejectsShortNonce) {
  BodyWriter w;
  w.U8(1).U32(5).Str("123456789012");
  const auto event12 = MakeEvent({.type = EventType::kStartEncryption, .body = w.bytes()}, 4);
  auto e = DecodeStartEncryptionEvent(ViewOf(event12));
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->scheme, 1);
  EXPECT_EQ(e->key_version, 5u);
  BodyWriter cut;
  cut.U8(1).U32(5).Str("1234");
  const auto event13 = MakeEvent({.type = EventType::kStartEncryption, .body = cut.bytes()}, 4);
  EXPECT_FALSE(DecodeStartEncryptionEvent(ViewOf(event13)).ok());
}

}  // namespace
}  // namespace sidecar::binlog
