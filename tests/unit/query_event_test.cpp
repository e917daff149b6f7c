#include "binlog/query_event.h"

#include <gtest/gtest.h>

#include "binlog/event_type.h"
#include "support/event_builder.h"
#include "support/fixture_events.h"

namespace sidecar::binlog {
namespace {

TEST(ClassifyQueryTest, TransactionMarkers) {
  EXPECT_EQ(ClassifyQuery("BEGIN"), QueryKind::kBegin);
  EXPECT_EQ(ClassifyQuery("  begin"), QueryKind::kBegin);
  EXPECT_EQ(ClassifyQuery("COMMIT"), QueryKind::kCommit);
  EXPECT_EQ(ClassifyQuery("ROLLBACK"), QueryKind::kRollback);
  EXPECT_EQ(ClassifyQuery("ROLLBACK TO `sp1`"), QueryKind::kOther);
  EXPECT_EQ(ClassifyQuery("rollback to savepoint sp1"), QueryKind::kOther);
  EXPECT_EQ(ClassifyQuery("SAVEPOINT `sp1`"), QueryKind::kOther);
}

TEST(ClassifyQueryTest, XaStatements) {
  EXPECT_EQ(ClassifyQuery("XA START X'78',X'',1"), QueryKind::kXaStart);
  EXPECT_EQ(ClassifyQuery("XA BEGIN 'x'"), QueryKind::kXaStart);
  EXPECT_EQ(ClassifyQuery("XA END X'78',X'',1"), QueryKind::kXaEnd);
  EXPECT_EQ(ClassifyQuery("XA PREPARE X'78',X'',1"), QueryKind::kXaPrepare);
  EXPECT_EQ(ClassifyQuery("XA COMMIT X'78',X'',1"), QueryKind::kXaCommit);
  EXPECT_EQ(ClassifyQuery("xa rollback 'x'"), QueryKind::kXaRollback);
  EXPECT_EQ(ClassifyQuery("XA RECOVER"), QueryKind::kOther);
}

TEST(ClassifyQueryTest, EverythingElseIsAStatement) {
  EXPECT_EQ(ClassifyQuery("BEGINNING"), QueryKind::kOther);
  EXPECT_EQ(ClassifyQuery("COMMITTED_TABLE"), QueryKind::kOther);
  EXPECT_EQ(ClassifyQuery("CREATE TABLE t (a INT)"), QueryKind::kOther);
  EXPECT_EQ(ClassifyQuery("INSERT INTO t VALUES (1)"), QueryKind::kOther);
  EXPECT_EQ(ClassifyQuery(""), QueryKind::kOther);
  EXPECT_EQ(ClassifyQuery("XA"), QueryKind::kOther);
}

TEST(QueryEventTest, DecodesRealStatementEvents) {
  // A MariaDB 11.8 statement-format file: mariadb-binlog prints its first
  // statement as thread_id=170, `use `sbtest-repl``, "UPDATE sbtest2 SET k=k+1
  // WHERE id=504259". MariaDB's GTID event takes the place of BEGIN.
  const auto events = testing::ReadFixtureEvents(
      "binlogs/mariadb-operator_mariadb-poc/domain_id_0/mariadb-repl-bin.000005");
  std::vector<QueryEvent> statements;
  for (const auto& e : events) {
    if (e.type() != uint8_t(EventType::kQuery)) continue;
    auto q = DecodeQueryEvent(e.view(), e.fde);
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    EXPECT_EQ(ClassifyQuery(q->statement), QueryKind::kOther) << q->statement;
    statements.push_back(*q);
  }
  ASSERT_EQ(statements.size(), 348u);  // the manifest's independent count
  EXPECT_EQ(statements[0].thread_id, 170u);
  EXPECT_EQ(statements[0].database, "sbtest-repl");
  EXPECT_EQ(statements[0].statement, "UPDATE sbtest2 SET k=k+1 WHERE id=504259");
}

TEST(QueryEventTest, DecodesDatabaseAndStatement) {
  const auto bytes = testing::MakeEvent({.body = testing::QueryBody("DROP TABLE t", "shop")}, 4);
  FormatDescription fde;
  fde.post_header_lengths.assign(40, 0);
  fde.post_header_lengths[uint8_t(EventType::kQuery) - 1] = 13;
  auto q = DecodeQueryEvent(testing::ViewOf(bytes), fde);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->database, "shop");
  EXPECT_EQ(q->statement, "DROP TABLE t");
  EXPECT_EQ(q->thread_id, 7u);
}

TEST(QueryEventTest, TruncatedPostHeaderAndOverlongLengthsAreErrors) {
  FormatDescription fde;
  fde.post_header_lengths.assign(40, 0);
  fde.post_header_lengths[uint8_t(EventType::kQuery) - 1] = 13;
  // A 5-byte body: the 13-byte post-header is cut.
  auto short_bytes = testing::MakeEvent({.body = {1, 2, 3, 4, 5}}, 4);
  EXPECT_EQ(DecodeQueryEvent(testing::ViewOf(short_bytes), fde).status().code(),
            Status::Code::kCorruption);
  // A database length past the end of the event.
  auto body = testing::QueryBody("BEGIN", "db");
  body[8] = 200;
  auto long_db = testing::MakeEvent({.body = body}, 4);
  EXPECT_FALSE(DecodeQueryEvent(testing::ViewOf(long_db), fde).ok());
  // An FDE that gives QUERY too short a post-header.
  fde.post_header_lengths[uint8_t(EventType::kQuery) - 1] = 4;
  const auto begin = testing::MakeEvent({.body = testing::QueryBody("BEGIN")}, 4);
  EXPECT_FALSE(DecodeQueryEvent(testing::ViewOf(begin), fde).ok());
}

}  // namespace
}  // namespace sidecar::binlog
