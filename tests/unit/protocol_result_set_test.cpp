#include <gtest/gtest.h>

#include "protocol/generic_packets.h"
#include "protocol/handshake_packets.h"
#include "protocol/result_set.h"
#include "protocol_test_support.h"

namespace sidecar::protocol {
namespace {

using testing::MemoryConnection;

constexpr uint64_t k41 = kClientProtocol41 | kClientTransactions;

ResultSet Sample() {
  ResultSet rs = ResultSet::WithColumns({"Variable_name", "Value"});
  rs.rows.push_back({"server_id", "42"});
  rs.rows.push_back({"gtid_mode", std::nullopt});
  rs.rows.push_back({std::string(300, 'v'), ""});  // a 300-byte value: 3-byte length prefix
  return rs;
}

TEST(ProtocolResultSet, RoundTripWithEofAndWithDeprecateEof) {
  for (uint64_t caps : {k41, k41 | kClientDeprecateEof}) {
    auto out = std::make_unique<MemoryConnection>();
    MemoryConnection* raw = out.get();
    PacketCodec writer(std::move(out));
    ASSERT_TRUE(WriteResultSet(writer, Sample(), caps).ok());

    PacketCodec reader(std::make_unique<MemoryConnection>(raw->written()));
    Result<Bytes> first = reader.ReadPacket();
    ASSERT_TRUE(first.ok());
    Result<ResultSet> rs = ReadResultSet(reader, *first, caps);
    ASSERT_TRUE(rs.ok()) << rs.status().ToString();
    ASSERT_EQ(rs->columns.size(), 2u);
    EXPECT_EQ(rs->columns[1].name, "Value");
    EXPECT_EQ(rs->rows, Sample().rows);
    EXPECT_EQ(rs->Value(0, "VALUE"), "42");  // case-insensitive column names
    EXPECT_EQ(rs->Value(1, "value"), std::nullopt);
    EXPECT_EQ(rs->Value(0, "missing"), std::nullopt);
    // 1 count + 2 columns + rows 3 + terminator, plus the EOF after the columns without
    // DEPRECATE_EOF.
    const size_t expected_packets = (caps & kClientDeprecateEof) ? 7 : 8;
    EXPECT_EQ(reader.sequence(), expected_packets);
  }
}

TEST(ProtocolResultSet, ReadsMariaDbShowVariablesFromCapture) {
  // replica-filepos.pcap: the primary's side of the replica's connection. The client did not
  // ask for DEPRECATE_EOF, so result sets end with EOF packets.
  const std::string path =
      std::string(SIDECAR_FIXTURES_DIR) + "/protocol/mariadb-10.11-captured/replica-filepos.pcap";
  std::vector<uint8_t> stream =
      testing::TcpStream(testing::ReadPcapTcpSegments(path), 23406, 41800);
  PacketCodec codec(std::make_unique<MemoryConnection>(std::move(stream)));
  codec.set_check_sequence(false);       // the client's packets are not in this stream
  ASSERT_TRUE(codec.ReadPacket().ok());  // greeting
  Result<Bytes> p = codec.ReadPacket();  // OK after authentication
  ASSERT_TRUE(p.ok() && IsOkPacket(*p));

  p = codec.ReadPacket();  // SELECT UNIX_TIMESTAMP()
  ASSERT_TRUE(p.ok());
  Result<ResultSet> ts = ReadResultSet(codec, *p, k41);
  ASSERT_TRUE(ts.ok()) << ts.status().ToString();
  EXPECT_EQ(ts->columns[0].name, "UNIX_TIMESTAMP()");
  EXPECT_EQ(ts->columns[0].type, kTypeLongLong);
  EXPECT_EQ(ts->Value(0, "UNIX_TIMESTAMP()"), "1795405706");

  p = codec.ReadPacket();  // SHOW VARIABLES LIKE 'SERVER_ID'
  ASSERT_TRUE(p.ok());
  Result<ResultSet> vars = ReadResultSet(codec, *p, k41);
  ASSERT_TRUE(vars.ok()) << vars.status().ToString();
  ASSERT_EQ(vars->rows.size(), 1u);
  EXPECT_EQ(vars->columns[0].schema, "information_schema");
  EXPECT_EQ(vars->columns[0].table, "SESSION_VARIABLES");
  EXPECT_EQ(vars->Value(0, "Variable_name"), "server_id");
  EXPECT_EQ(vars->Value(0, "Value"), "1");
}

TEST(ProtocolResultSet, ErrInsteadOfARowIsTheServersError) {
  auto out = std::make_unique<MemoryConnection>();
  MemoryConnection* raw = out.get();
  PacketCodec writer(std::move(out));
  Buffer& b = writer.StartPacket();
  PutLengthEncodedInt(b, 1);
  ASSERT_TRUE(writer.SendPacket().ok());
  BuildColumnDefinition(writer.StartPacket(), ColumnDefinition{});
  ASSERT_TRUE(writer.SendPacket().ok());
  ASSERT_TRUE(
      SendErr(writer, {1317, "70100", "Query execution was interrupted"}, k41 | kClientDeprecateEof)
          .ok());
  PacketCodec reader(std::make_unique<MemoryConnection>(raw->written()));
  Result<Bytes> first = reader.ReadPacket();
  ASSERT_TRUE(first.ok());
  Result<ResultSet> rs = ReadResultSet(reader, *first, k41 | kClientDeprecateEof);
  ASSERT_FALSE(rs.ok());
  EXPECT_EQ(rs.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(rs.status().message().find("ERROR 1317 (70100)"), std::string::npos);
}

TEST(ProtocolResultSet, MalformedRowsAreCorruption) {
  EXPECT_EQ(ParseTextRow(Buffer{0x05, 'a'}, 1).status().code(), Status::Code::kCorruption);
  EXPECT_EQ(ParseTextRow(Buffer{0x01, 'a', 0x01}, 1).status().code(), Status::Code::kCorruption);
  EXPECT_EQ(ParseColumnDefinition(Buffer{0x03, 'd'}, k41).status().code(),
            Status::Code::kCorruption);
  Buffer count{0xFB};
  PacketCodec codec(std::make_unique<MemoryConnection>());
  EXPECT_EQ(ReadResultSet(codec, count, k41).status().code(), Status::Code::kCorruption);
}

}  // namespace
}  // namespace sidecar::protocol
