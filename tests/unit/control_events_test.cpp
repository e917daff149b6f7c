#include "binlog/control_events.h"

#include <gtest/gtest.h>

#include "binlog/event_type.h"
#include "support/event_builder.h"
#include "support/fixture_events.h"

namespace sidecar::binlog {
namespace {

using testing::BodyWriter;
using testing::MakeEvent;
using testing::ViewOf;

TEST(RotateEventTest, RealRotateNamesTheNextFile) {
  // The 5.6 Percona file ends with a ROTATE to the next file at position 4.
  const auto event = testing::FirstFixtureEvent(
      "binlogs/go-mysql-org_go-mysql/tcb-eval002c-bin.003320", EventType::kRotate);
  auto rotate = DecodeRotateEvent(event.view());
  ASSERT_TRUE(rotate.ok()) << rotate.status().ToString();
  EXPECT_EQ(rotate->next_file, "tcb-eval002c-bin.003321");
  EXPECT_EQ(rotate->position, 4u);
}

TEST(RotateEventTest, TruncatedOrNamelessIsAnError) {
  auto no_position = MakeEvent({.type = EventType::kRotate, .body = {1, 2, 3}}, 4);
  EXPECT_FALSE(DecodeRotateEvent(ViewOf(no_position)).ok());
  auto no_name = MakeEvent({.type = EventType::kRotate, .body = BodyWriter().U64(4).bytes()}, 4);
  EXPECT_FALSE(DecodeRotateEvent(ViewOf(no_name)).ok());
}

TEST(XidEventTest, RealXid) {
  // mariadb-binlog prints "Xid = 800" for the first XID of this file.
  const auto event = testing::FirstFixtureEvent(
      "binlogs/blackbeam_rust_mysql_common/mariadb-bin.000001", EventType::kXid);
  auto xid = DecodeXidEvent(event.view());
  ASSERT_TRUE(xid.ok());
  EXPECT_EQ(xid->xid, 800u);
  auto truncated = MakeEvent({.type = EventType::kXid, .body = {1, 2}}, 4);
  EXPECT_FALSE(DecodeXidEvent(ViewOf(truncated)).ok());
}

TEST(XaPrepareEventTest, DecodesAndBoundsTheXid) {
  auto bytes = MakeEvent({.type = EventType::kXaPrepare,
                          .body = BodyWriter().U8(0).U32(1).U32(3).U32(2).Str("trxbq").bytes()},
                         4);
  auto xa = DecodeXaPrepareEvent(ViewOf(bytes));
  ASSERT_TRUE(xa.ok()) << xa.status().ToString();
  EXPECT_FALSE(xa->one_phase);
  EXPECT_EQ(xa->format_id, 1u);
  EXPECT_EQ(xa->gtrid, "trx");
  EXPECT_EQ(xa->bqual, "bq");

  auto huge = MakeEvent({.type = EventType::kXaPrepare,
                         .body = BodyWriter().U8(0).U32(1).U32(0xFFFFFFFF).U32(2).bytes()},
                        4);
  auto bad = DecodeXaPrepareEvent(ViewOf(huge));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("more than the 128"), std::string::npos);
  auto cut = MakeEvent({.type = EventType::kXaPrepare,
                        .body = BodyWriter().U8(0).U32(1).U32(10).U32(2).Str("abc").bytes()},
                       4);
  EXPECT_FALSE(DecodeXaPrepareEvent(ViewOf(cut)).ok());
}

TEST(HeartbeatEventTest, VersionOneCarriesFileInBodyAndPositionInHeader) {
  auto bytes = MakeEvent({.type = EventType::kHeartbeat,
                          .body = BodyWriter().Str("mysql-bin.000007").bytes(),
                          .timestamp = 0,
                          .flags = kFlagArtificial},
                         1000);
  auto hb = DecodeHeartbeatEvent(ViewOf(bytes));
  ASSERT_TRUE(hb.ok());
  EXPECT_EQ(hb->log_file, "mysql-bin.000007");
  EXPECT_EQ(hb->position, 1000u + bytes.size());
}

TEST(HeartbeatEventTest, VersionTwoFields) {
  BodyWriter position;
  position.LengthEncoded(70000);
  BodyWriter w;
  w.LengthEncoded(1).LengthEncoded(16).Str("binlog.000123456");  // file name
  w.LengthEncoded(2).LengthEncoded(position.bytes().size());     // position
  auto body = w.bytes();
  body.insert(body.end(), position.bytes().begin(), position.bytes().end());
  auto bytes = MakeEvent({.type = EventType::kHeartbeatV2, .body = body, .timestamp = 0}, 4);
  auto hb = DecodeHeartbeatEvent(ViewOf(bytes));
  ASSERT_TRUE(hb.ok()) << hb.status().ToString();
  EXPECT_EQ(hb->log_file, "binlog.000123456");
  EXPECT_EQ(hb->position, 70000u);

  body.resize(body.size() - 2);  // cut inside the position field
  auto cut = MakeEvent({.type = EventType::kHeartbeatV2, .body = body}, 4);
  EXPECT_FALSE(DecodeHeartbeatEvent(ViewOf(cut)).ok());
}

TEST(TransactionPayloadEventTest, RealCompressedTransaction) {
  // Verified by hand from the bytes: fields compression=0 (zstd),
  // uncompressed size 179, payload size 124, then a zstd frame (28 b5 2f fd).
  const auto event = testing::FirstFixtureEvent(
      "binlogs/blackbeam_rust_mysql_common/transaction_compression.000001",
      EventType::kTransactionPayload);
  auto p = DecodeTransactionPayloadEvent(event.view());
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->compression, 0u);
  EXPECT_EQ(p->uncompressed_size, 179u);
  EXPECT_EQ(p->payload_size, 124u);
  ASSERT_EQ(p->payload.size(), 124u);
  EXPECT_EQ(p->payload[0], 0x28);
  EXPECT_EQ(p->payload[3], 0xFD);
}

TEST(TransactionPayloadEventTest, SizeMismatchAndMissingSizeAreErrors) {
  BodyWriter w;
  w.LengthEncoded(1).LengthEncoded(1).LengthEncoded(50).LengthEncoded(0).Str("short");
  auto mismatch = MakeEvent({.type = EventType::kTransactionPayload, .body = w.bytes()}, 4);
  EXPECT_FALSE(DecodeTransactionPayloadEvent(ViewOf(mismatch)).ok());
  BodyWriter no_size;
  no_size.LengthEncoded(2).LengthEncoded(1).LengthEncoded(0).LengthEncoded(0);
  auto missing = MakeEvent({.type = EventType::kTransactionPayload, .body = no_size.bytes()}, 4);
  EXPECT_FALSE(DecodeTransactionPayloadEvent(ViewOf(missing)).ok());
  auto garbage = MakeEvent({.type = EventType::kTransactionPayload, .body = {0xFF, 0xFF}}, 4);
  EXPECT_FALSE(DecodeTransactionPayloadEvent(ViewOf(garbage)).ok());
}

}  // namespace
}  // namespace sidecar::binlog
