// ParseStatement (statement_parser.h): lexes the query, then StatementReader::Run dispatches on the
// verb to the family readers (statement_reader.h lists them), classifies the verbs the sidecar
// knows but does not serve, and rejects text after the one statement. Stateless; thread-safe.
#include "downstream/statement_parser.h"

#include <fmt/format.h>

#include <array>
#include <string_view>
#include <utility>

#include "downstream/sql_cursor.h"
#include "downstream/sql_lexer.h"
#include "downstream/statement_reader.h"

namespace sidecar::downstream {
namespace {

// SQL verbs the sidecar recognises but does not serve.
constexpr std::array<std::string_view, 34> kOtherVerbs = {
    "ALTER",   "ANALYZE", "BEGIN",   "BINLOG",   "CALL",     "CHECK",    "CHECKSUM",
    "COMMIT",  "CREATE",  "DEALLOCATE", "DELETE", "DESC",    "DESCRIBE", "DO",
    "DROP",    "EXECUTE", "EXPLAIN", "FLUSH",    "GRANT",    "HANDLER",  "INSERT",
    "INSTALL", "LOAD",    "LOCK",    "OPTIMIZE", "PREPARE",  "RENAME",   "REPLACE",
    "RESET",   "REVOKE",  "ROLLBACK", "TRUNCATE", "UPDATE",  "USE"};

}  // namespace

Statement StatementReader::Run() {
  Statement st;
  SkipSemicolons();
  if (AtEnd()) return st;
  st.verb = UpperCopy(Peek().text);
  if (AcceptWord("SET")) {
    ParseSet(&st);
  } else if (AcceptWord("SELECT")) {
    ParseSelect(&st);
  } else if (AcceptWord("SHOW")) {
    ParseShow(&st);
  } else if (AcceptWord("KILL")) {
    ParseKill(&st);
  } else if (PeekWord("START") || PeekWord("STOP")) {
    ParseStartStop(&st);
  } else if (AcceptWord("CHANGE")) {
    ParseChange(&st);
  } else if (AcceptWord("PURGE")) {
    ParsePurge(&st);
  } else {
    for (std::string_view verb : kOtherVerbs) {
      if (PeekWord(verb)) {
        Unsupport(&st, fmt::format("{} is not a statement binlog-sidecar serves", st.verb));
        return st;
      }
    }
    Fail(&st, "not a statement binlog-sidecar knows");
    return st;
  }
  if (st.kind != StatementKind::kSyntaxError && st.kind != StatementKind::kUnsupported) {
    SkipSemicolons();
    if (!AtEnd()) Fail(&st, "unexpected text after the statement (one statement per query)");
  }
  return st;
}

Statement ParseStatement(std::string_view sql) {
  SqlTokens lexed = LexSql(sql);
  if (!lexed.error.empty()) {
    Statement st;
    st.kind = StatementKind::kSyntaxError;
    st.verb = lexed.tokens.empty() || lexed.tokens.front().kind == SqlToken::Kind::kEnd
                  ? std::string()
                  : SqlCursor::UpperCopy(lexed.tokens.front().text);
    st.error = fmt::format("You have an error in your SQL syntax: {}", lexed.error);
    return st;
  }
  return StatementReader(sql, std::move(lexed.tokens)).Run();
}

}  // namespace sidecar::downstream
