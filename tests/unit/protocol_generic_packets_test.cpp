#include <gtest/gtest.h>

#include "protocol/constants.h"
#include "protocol/generic_packets.h"
#include "protocol/wire_buffer.h"
#include "protocol_test_support.h"

namespace sidecar::protocol {
namespace {

using testing::FromHex;
constexpr uint64_t k41 = kClientProtocol41 | kClientTransactions;

TEST(ProtocolWireBuffer, LengthEncodedIntegersAtEveryBoundary) {
  for (uint64_t v : {0ull, 250ull, 251ull, 0xFFFFull, 0x10000ull, 0xFFFFFFull, 0x1000000ull,
                     0xFFFFFFFFFFFFFFFFull}) {
    Buffer out;
    PutLengthEncodedInt(out, v);
    EXPECT_EQ(out.size(), LengthEncodedIntSize(v)) << v;
    ByteReader r(out);
    EXPECT_EQ(r.LengthEncoded(), v);
    EXPECT_TRUE(r.ok() && r.empty());
  }
  Buffer out;
  PutLengthEncodedInt(out, 251);
  EXPECT_EQ(out, (Buffer{0xFC, 0xFB, 0x00}));
}

TEST(ProtocolWireBuffer, StringsNullsAndTruncation) {
  Buffer out;
  PutLengthEncodedString(out, "abc");
  PutNullMarker(out);
  PutNulString(out, "zz");
  ByteReader r(out);
  EXPECT_EQ(TakeNullableLengthEncodedString(r), std::optional<std::string_view>("abc"));
  EXPECT_EQ(TakeNullableLengthEncodedString(r), std::nullopt);
  EXPECT_EQ(TakeNulString(r), "zz");
  EXPECT_TRUE(r.ok() && r.empty());

  const Buffer no_nul{'a', 'b'};
  ByteReader r2(no_nul);
  TakeNulString(r2);
  EXPECT_FALSE(r2.ok());

  const Buffer short_string{0x05, 'a'};
  ByteReader r3(short_string);
  TakeLengthEncodedString(r3);
  EXPECT_FALSE(r3.ok());
}

TEST(ProtocolGenericPackets, OkFromMariaDbCapture) {
  // replica-filepos.pcap: the primary's answer to SET @master_heartbeat_period.
  const std::vector<uint8_t> p = FromHex("00000002000000");
  ASSERT_TRUE(IsOkPacket(p));
  Result<OkPacket> ok = ParseOk(p, k41);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->affected_rows, 0u);
  EXPECT_EQ(ok->status_flags, kServerStatusAutocommit);
  EXPECT_EQ(ok->warnings, 0);
}

TEST(ProtocolGenericPackets, OkWithInfoFromMariaDbCapture) {
  // replica-gtid-semisync.pcap: "INSERT ... VALUES (1,'one'),(2,...)" → 2 rows, info text.
  const std::vector<uint8_t> p = FromHex(
      "00020002000000265265636f7264733a203220204475706c6963617465733a203020205761726e696e67733a"
      "2030");
  Result<OkPacket> ok = ParseOk(p, k41);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->affected_rows, 2u);
  EXPECT_EQ(ok->info, "&Records: 2  Duplicates: 0  Warnings: 0");
}

TEST(ProtocolGenericPackets, ErrFromMySqlCapture) {
  // zeek/caching_sha2_password.pcap: MySQL 8.0.32 gives up on the first connection.
  const std::vector<uint8_t> p = FromHex(
      "ff8604233038533031476f7420616e206572726f722072656164696e6720636f6d6d756e69636174696f6e207"
      "061636b657473");
  ASSERT_TRUE(IsErrPacket(p));
  Result<ErrPacket> err = ParseErr(p, k41);
  ASSERT_TRUE(err.ok());
  EXPECT_EQ(err->code, 1158);
  EXPECT_EQ(err->sql_state, "08S01");
  EXPECT_EQ(err->message, "Got an error reading communication packets");
  EXPECT_EQ(err->ToString(), "ERROR 1158 (08S01): Got an error reading communication packets");
}

TEST(ProtocolGenericPackets, ErrWithoutSqlStateBeforeTheHandshake) {
  // "Host is blocked" style errors come before capabilities are agreed: no '#'.
  const std::vector<uint8_t> p = FromHex("ff6a04486f7374");
  Result<ErrPacket> err = ParseErr(p, k41);
  ASSERT_TRUE(err.ok());
  EXPECT_EQ(err->code, 1130);
  EXPECT_EQ(err->message, "Host");
}

TEST(ProtocolGenericPackets, EofFromMySqlCaptureAndTerminators) {
  // zeek capture: the EOF after the rows of "show databases".
  const std::vector<uint8_t> eof = FromHex("fe00002200");
  ASSERT_TRUE(IsEofPacket(eof));
  Result<EofPacket> e = ParseEof(eof, k41);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->status_flags, 0x0022);
  EXPECT_TRUE(IsResultSetTerminator(eof, k41));
  // A text row whose first value is 8-byte length-encoded also starts with 0xFE.
  std::vector<uint8_t> row(20, 'x');
  row[0] = 0xFE;
  EXPECT_FALSE(IsEofPacket(row));
  EXPECT_FALSE(IsResultSetTerminator(row, k41));
}

TEST(ProtocolGenericPackets, BuildParseRoundTrips) {
  for (uint64_t caps : {k41, k41 | kClientDeprecateEof, kClientTransactions}) {
    OkPacket ok{300, 70000, kServerStatusAutocommit, 2, "info"};
    Buffer b;
    BuildOk(b, ok, caps);
    Result<OkPacket> o = ParseOk(b, caps);
    ASSERT_TRUE(o.ok());
    EXPECT_EQ(o->affected_rows, 300u);
    EXPECT_EQ(o->last_insert_id, 70000u);
    EXPECT_EQ(o->status_flags, kServerStatusAutocommit);
    EXPECT_EQ(o->info, "info");

    ErrPacket err{1045, "28000", "Access denied"};
    b.clear();
    BuildErr(b, err, caps);
    Result<ErrPacket> e = ParseErr(b, caps);
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(e->code, 1045);
    EXPECT_EQ(e->message, "Access denied");
    if (caps & kClientProtocol41) {
      EXPECT_EQ(e->sql_state, "28000");
    }
  }
  Buffer b;
  BuildOk(b, OkPacket{}, k41 | kClientDeprecateEof, kEofHeader);
  EXPECT_TRUE(IsResultSetTerminator(b, k41 | kClientDeprecateEof));
  EXPECT_TRUE(ParseOk(b, k41).ok());
}

TEST(ProtocolGenericPackets, MalformedPacketsAreCorruption) {
  EXPECT_EQ(ParseOk(FromHex("0000"), k41).status().code(), Status::Code::kCorruption);
  EXPECT_EQ(ParseOk(FromHex("05"), k41).status().code(), Status::Code::kCorruption);
  EXPECT_EQ(ParseErr(FromHex("ff01"), k41).status().code(), Status::Code::kCorruption);
  EXPECT_EQ(ParseEof(FromHex("00"), k41).status().code(), Status::Code::kCorruption);
  EXPECT_EQ(ParseEof(FromHex("fe00"), k41).status().code(), Status::Code::kCorruption);
}

}  // namespace
}  // namespace sidecar::protocol
