// Fuzz target: the serve port's SQL — LexSql, ParseStatement, LikeMatches and
// QueryResponder::Answer over a fake ServerContext — on arbitrary query text.
//
// Input: the query text (a COM_QUERY's payload after the command byte). Asserts that the
// lexer's tokens lie within the text in order and end with one kEnd; that a statement carries
// an error exactly when it is kSyntaxError or kUnsupported; that parsing is deterministic;
// that SELECT items have column names; and that Answer writes exactly one complete response
// (an OK, an ERR, or a result set whose rows have one value per column) for the replication
// and the admin role, and fails only for KILL of its own connection.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "downstream/query_responder.h"
#include "downstream/sql_lexer.h"
#include "downstream/statement_parser.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/memory_connection.h"
#include "protocol/generic_packets.h"
#include "protocol/result_set.h"

namespace sidecar::downstream {
namespace {

constexpr uint64_t kCaps = protocol::kClientProtocol41 | protocol::kClientSecureConnection;

// Answers every question with fixed facts; admin actions succeed and change nothing.
class FuzzContext : public ServerContext {
 public:
  uint32_t server_id() const override { return 4001; }
  std::string server_uuid() const override { return "5e1dca12-0000-4000-8000-000000000fa1"; }
  std::string server_version() const override { return "10.11.6-MariaDB-binlog-sidecar"; }
  Result<std::vector<store::FileCatalogEntry>> binlog_files() const override {
    store::FileCatalogEntry file;
    file.name = "mysql-bin.000001";
    file.seq = 1;
    file.size = 1000;
    return std::vector<store::FileCatalogEntry>{file};
  }
  store::BinlogPosition durable_end() const override { return {1, "mysql-bin.000001", 1000}; }
  std::string gtid_state() const override { return "0-1-100"; }
  Result<std::string> gtid_state_at(const std::string&, uint64_t) const override {
    return std::string("0-1-100");
  }
  std::string binlog_checksum() const override { return "CRC32"; }
  upstream::PullerStatus upstream_status() const override { return {}; }
  UpstreamSettings upstream_settings() const override { return {}; }
  std::vector<RegisteredReplica> registered_replicas() const override { return {}; }
  std::optional<std::string> connection_user(uint32_t id) const override {
    if (id == 8) return std::string("repl");
    return std::nullopt;
  }
  Status StopUpstream() override { return Status::Ok(); }
  Status StartUpstream() override { return Status::Ok(); }
  Status ChangeUpstream(const UpstreamChange&) override { return Status::Ok(); }
  Status PurgeTo(const std::string&) override { return Status::Ok(); }
  Status PurgeBefore(int64_t) override { return Status::Ok(); }
  Status Kill(uint32_t) override { return Status::Ok(); }
};

void CheckTokens(std::string_view sql) {
  const SqlTokens lexed = LexSql(sql);
  FUZZ_CHECK(!lexed.tokens.empty() && lexed.tokens.back().kind == SqlToken::Kind::kEnd);
  size_t previous_end = 0;
  for (size_t i = 0; i + 1 < lexed.tokens.size(); ++i) {
    const SqlToken& t = lexed.tokens[i];
    FUZZ_CHECK(t.kind != SqlToken::Kind::kEnd);
    FUZZ_CHECK(previous_end <= t.begin && t.begin < t.end && t.end <= sql.size());
    previous_end = t.end;
  }
}

void CheckStatement(std::string_view sql) {
  const Statement st = ParseStatement(sql);
  const bool refused =
      st.kind == StatementKind::kSyntaxError || st.kind == StatementKind::kUnsupported;
  FUZZ_CHECK(refused == !st.error.empty());
  FUZZ_CHECK(ParseStatement(sql).kind == st.kind);
  if (st.kind == StatementKind::kSelect) {
    FUZZ_CHECK(!st.select_items.empty());
  }
  if (st.like) (void)LikeMatches(*st.like, sql);
}

void CheckAnswer(std::string_view sql, Role role) {
  FuzzContext context;
  SessionState session;
  session.connection_id = 7;
  session.user = role == Role::kAdmin ? "admin" : "repl";
  session.role = role;
  session.capabilities = kCaps;
  std::vector<uint8_t> written;
  protocol::PacketCodec codec(std::make_unique<fuzz::MemoryConnection>(Bytes(), 1, &written));
  QueryResponder responder(&context);
  const Status s = responder.Answer(sql, session, codec);
  FUZZ_CHECK(s.ok() || ParseStatement(sql).kind == StatementKind::kKill);

  std::vector<uint8_t> none;
  protocol::PacketCodec reader(std::make_unique<fuzz::MemoryConnection>(
      Bytes(written.data(), written.size()), written.size() + 1, &none));
  auto first = reader.ReadPacket();
  FUZZ_CHECK(first.ok());
  if (!protocol::IsOkPacket(*first) && !protocol::IsErrPacket(*first)) {
    auto rs = protocol::ReadResultSet(reader, *first, kCaps);
    FUZZ_CHECK(rs.ok());
    for (const auto& row : rs->rows) FUZZ_CHECK(row.size() == rs->columns.size());
  }
  FUZZ_CHECK(!reader.has_buffered_input());
}

}  // namespace
}  // namespace sidecar::downstream

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sidecar::downstream;
  const std::string_view sql(reinterpret_cast<const char*>(data), size);
  CheckTokens(sql);
  CheckStatement(sql);
  CheckAnswer(sql, Role::kReplication);
  CheckAnswer(sql, Role::kAdmin);
  return 0;
}
