#include "binlog/transaction_tracker.h"

#include <gtest/gtest.h>

#include "binlog/event_type.h"
#include "binlog/mariadb_events.h"
#include "support/event_builder.h"
#include "support/fixture_events.h"

namespace sidecar::binlog {
namespace {

using testing::BodyWriter;
using testing::EventSpec;
using testing::MariadbGtidBody;
using testing::QueryBody;
using testing::XidBody;

// Feeds synthetic events, governed by a MariaDB 10.5 FDE, one at a time.
class TrackerTest : public ::testing::Test {
 protected:
  TransactionTracker::Step Feed(EventSpec spec) {
    const auto bytes = testing::MakeEvent(spec, 4);
    auto step = tracker_.Feed(testing::ViewOf(bytes), fde_);
    EXPECT_TRUE(step.ok()) << step.status().ToString();
    return step.ok() ? *step : TransactionTracker::Step{};
  }
  TransactionTracker::Step Query(std::string_view sql) {
    return Feed({.type = EventType::kQuery, .body = QueryBody(sql)});
  }
  TransactionTracker::Step MariadbGtid(uint64_t seq, uint8_t flags) {
    const bool xa = flags & (MariadbGtidEvent::kPreparedXa | MariadbGtidEvent::kCompletedXa);
    // An XA GTID carries its XID (here X'78',X'',1) where others are zero-padded.
    const auto body =
        xa ? BodyWriter().U64(seq).U32(0).U8(flags).U32(1).U8(1).U8(0).Str("x").bytes()
           : MariadbGtidBody(seq, 0, flags);
    return Feed({.type = EventType::kMariadbGtid, .body = body, .server_id = 1});
  }
  TransactionTracker::Step Rows(uint16_t flags) {
    return Feed({.type = EventType::kWriteRowsV1,
                 .body = BodyWriter().Fixed(33, 6).U16(flags).U8(1).bytes()});
  }
  TransactionTracker::Step Simple(EventType type) {
    return Feed({.type = type, .body = {0, 0, 0, 0, 0, 0, 0, 0}});
  }

  static void ExpectOpen(const TransactionTracker::Step& s) {
    EXPECT_FALSE(s.at_boundary);
    EXPECT_FALSE(s.completed_transaction);
  }
  static void ExpectCompleted(const TransactionTracker::Step& s, std::optional<std::string> gtid) {
    EXPECT_TRUE(s.at_boundary);
    EXPECT_TRUE(s.completed_transaction);
    EXPECT_EQ(s.gtid ? std::optional(ToString(*s.gtid)) : std::nullopt, gtid);
  }

  FormatDescription fde_ = *FormatDescription::Parse(
      testing::FirstFixtureEvent(testing::kMariadbFdeFixture, EventType::kFormatDescription).bytes);
  TransactionTracker tracker_;
};

TEST_F(TrackerTest, MariadbRowTransactionEndsAtXid) {
  ExpectOpen(MariadbGtid(5, MariadbGtidEvent::kTransactional));
  ExpectOpen(Simple(EventType::kAnnotateRows));
  ExpectOpen(Simple(EventType::kTableMap));
  ExpectOpen(Rows(1));  // STMT_END_F inside a transaction does not end it
  ExpectCompleted(Simple(EventType::kXid), "0-1-5");
}

TEST_F(TrackerTest, MariadbStatementTransactionEndsAtCommit) {
  ExpectOpen(MariadbGtid(6, 0));
  ExpectOpen(Query("INSERT INTO t VALUES (1)"));
  ExpectOpen(Query("SAVEPOINT a"));
  ExpectOpen(Query("ROLLBACK TO a"));
  ExpectCompleted(Query("COMMIT"), "0-1-6");
}

TEST_F(TrackerTest, MariadbStandaloneDdlIsOneStatement) {
  ExpectOpen(MariadbGtid(7, MariadbGtidEvent::kStandalone | MariadbGtidEvent::kDdl));
  ExpectCompleted(Query("CREATE TABLE t (a INT)"), "0-1-7");
}

TEST_F(TrackerTest, MariadbXaPrepareThenCommit) {
  ExpectOpen(MariadbGtid(8, MariadbGtidEvent::kPreparedXa));
  ExpectOpen(Query("XA START X'78',X'',1"));
  ExpectOpen(Simple(EventType::kTableMap));
  ExpectOpen(Rows(1));
  ExpectOpen(Query("XA END X'78',X'',1"));
  ExpectCompleted(Feed({.type = EventType::kXaPrepare,
                        .body = BodyWriter().U8(0).U32(1).U32(1).U32(0).Str("x").bytes()}),
                  "0-1-8");
  ExpectOpen(MariadbGtid(9, MariadbGtidEvent::kCompletedXa | MariadbGtidEvent::kStandalone));
  ExpectCompleted(Query("XA COMMIT X'78',X'',1"), "0-1-9");
}

TEST_F(TrackerTest, NoGtidTransactionsAndPreludedStatements) {
  ExpectOpen(Query("BEGIN"));
  ExpectOpen(Simple(EventType::kIntvar));
  ExpectOpen(Query("INSERT INTO t VALUES (NULL)"));
  ExpectCompleted(Query("COMMIT"), std::nullopt);
  // A MyISAM statement outside BEGIN with its INTVAR prelude.
  ExpectOpen(Simple(EventType::kIntvar));
  ExpectCompleted(Query("INSERT INTO m VALUES (NULL)"), std::nullopt);
  // A DDL on its own.
  ExpectCompleted(Query("DROP TABLE m"), std::nullopt);
  // LOAD DATA: BEGIN_LOAD_QUERY, APPEND_BLOCK, EXECUTE_LOAD_QUERY.
  ExpectOpen(Simple(EventType::kBeginLoadQuery));
  ExpectOpen(Simple(EventType::kAppendBlock));
  ExpectCompleted(Simple(EventType::kExecuteLoadQuery), std::nullopt);
}

TEST_F(TrackerTest, RowsOutsideBeginEndAtStatementEndFlag) {
  ExpectOpen(Simple(EventType::kTableMap));
  ExpectOpen(Rows(0));
  ExpectCompleted(Rows(1), std::nullopt);
}

TEST_F(TrackerTest, NeutralEventsDoNotChangeTheState) {
  EXPECT_TRUE(Simple(EventType::kRotate).at_boundary);
  EXPECT_TRUE(Simple(EventType::kBinlogCheckpoint).at_boundary);
  ExpectOpen(Query("BEGIN"));
  ExpectOpen(Simple(EventType::kHeartbeat));
  ExpectOpen(Simple(EventType::kRotate));
  ExpectCompleted(Simple(EventType::kXid), std::nullopt);
  // A stray XID with nothing open completes nothing.
  const auto stray = Simple(EventType::kXid);
  EXPECT_TRUE(stray.at_boundary);
  EXPECT_FALSE(stray.completed_transaction);
}

TEST_F(TrackerTest, NewGtidAbandonsAnOpenTransaction) {
  ExpectOpen(MariadbGtid(10, 0));
  ExpectOpen(Simple(EventType::kTableMap));
  const auto next = MariadbGtid(11, 0);
  EXPECT_TRUE(next.abandoned_open_transaction);
  ExpectCompleted(Simple(EventType::kXid), "0-1-11");
}

TEST_F(TrackerTest, MalformedGtidIsAnError) {
  const auto bytes = testing::MakeEvent({.type = EventType::kMariadbGtid, .body = {1, 2}}, 4);
  EXPECT_FALSE(tracker_.Feed(testing::ViewOf(bytes), fde_).ok());
}

// Walks a whole fixture and returns the completed transactions' GTIDs ("" for none).
std::vector<std::string> CompletedTransactions(const std::string& fixture) {
  TransactionTracker tracker;
  std::vector<std::string> gtids;
  for (const auto& e : testing::ReadFixtureEvents(fixture)) {
    auto step = tracker.Feed(e.view(), e.fde);
    EXPECT_TRUE(step.ok()) << fixture << " at " << e.offset << ": " << step.status().ToString();
    if (step.ok() && step->completed_transaction)
      gtids.push_back(step->gtid ? ToString(*step->gtid) : "");
  }
  EXPECT_TRUE(tracker.at_boundary()) << fixture << " ends inside a transaction";
  return gtids;
}

TEST(TrackerFixtureTest, MariadbStatementFormatFile) {
  // mariadb-binlog prints 87 GTIDs, 0-10-262581 ... 0-10-262667.
  const auto gtids = CompletedTransactions(
      "binlogs/mariadb-operator_mariadb-poc/domain_id_0/mariadb-repl-bin.000005");
  ASSERT_EQ(gtids.size(), 87u);
  EXPECT_EQ(gtids.front(), "0-10-262581");
  EXPECT_EQ(gtids.back(), "0-10-262667");
}

TEST(TrackerFixtureTest, MariadbStandaloneDdlFile) {
  // mariadb-binlog prints 12 "GTID 1-10-N ddl" groups, N = 1..12.
  const auto gtids = CompletedTransactions(
      "binlogs/mariadb-operator_mariadb-poc/domain_id_1/mariadb-repl-bin.000002");
  ASSERT_EQ(gtids.size(), 12u);
  EXPECT_EQ(gtids.front(), "1-10-1");
  EXPECT_EQ(gtids.back(), "1-10-12");
}

TEST(TrackerFixtureTest, MysqlGtidFilesCompleteOneTransactionPerGtid) {
  // GTID counts from the manifest's independent walk: 3 (5.7), 6 (5.6), 5 (8.0).
  EXPECT_EQ(CompletedTransactions("binlogs/EasyPost_rust-mysql-binlog/bin-log.000001").size(), 3u);
  EXPECT_EQ(CompletedTransactions(
                "binlogs/blackbeam_rust_mysql_common/binlog_56_gtid_reserved_word.000001")
                .size(),
            6u);
  EXPECT_EQ(
      CompletedTransactions("binlogs/blackbeam_rust_mysql_common/mysql-enum-string-set.000001")
          .size(),
      5u);
}

TEST(TrackerFixtureTest, CompressedPayloadIsOneOpaqueTransaction) {
  const auto gtids =
      CompletedTransactions("binlogs/blackbeam_rust_mysql_common/transaction_compression.000001");
  EXPECT_EQ(gtids, std::vector<std::string>{""});  // ANONYMOUS_GTID: no GTID
}

TEST(TrackerFixtureTest, AnonymousGtidRowTransactions) {
  // 60 ANONYMOUS_GTID + 60 XID in the manifest's walk.
  EXPECT_EQ(
      CompletedTransactions("binlogs/shyiko_mysql-binlog-connector-java/mysql-bin.checksum-crc32")
          .size(),
      60u);
}

}  // namespace
}  // namespace sidecar::binlog
