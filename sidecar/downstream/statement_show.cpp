// SHOW (statement_reader.h): SHOW [GLOBAL|SESSION] VARIABLES|STATUS [LIKE 'p' | WHERE
// Variable_name = 'x' | LIKE 'p' | IN ('x', ...) [OR ...]], SHOW MASTER STATUS / BINARY LOG
// STATUS, SHOW BINARY|MASTER LOGS, SHOW SLAVE|REPLICA STATUS [FOR CHANNEL ''], SHOW ALL SLAVES
// STATUS, SHOW SLAVE HOSTS / REPLICAS, SHOW WARNINGS|ERRORS [LIMIT ...]. Statement::verb is
// "SHOW" plus up to three following words (upper-cased); any other SHOW is kUnsupported naming
// it. Not thread-safe: one reader per parse.
#include <fmt/format.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "downstream/statement_reader.h"

namespace sidecar::downstream {

// After LIKE: the quoted pattern.
void StatementReader::ParseLikePattern(Statement* st) {
  if (Peek().kind != Kind::kString) {
    Fail(st, "LIKE needs a quoted pattern");
    return;
  }
  st->like = Take().text;
}

// SHOW [GLOBAL|SESSION] VARIABLES|STATUS [LIKE 'p' | WHERE Variable_name ...]
void StatementReader::ParseShowVariables(Statement* st) {
  if (AcceptWord("LIKE")) {
    ParseLikePattern(st);
    return;
  }
  if (!AcceptWord("WHERE")) return;
  do {
    if (!AcceptWord("VARIABLE_NAME")) {
      Unsupport(st, "SHOW VARIABLES WHERE filters only on Variable_name");
      return;
    }
    if (AcceptWord("LIKE")) {
      ParseLikePattern(st);
      return;
    }
    if (AcceptSymbol("=")) {
      if (Peek().kind != Kind::kString) {
        Fail(st, "expected a quoted variable name");
        return;
      }
      st->where_names.push_back(Take().text);
    } else if (AcceptWord("IN") && AcceptSymbol("(")) {
      do {
        if (Peek().kind != Kind::kString) {
          Fail(st, "expected a quoted variable name");
          return;
        }
        st->where_names.push_back(Take().text);
      } while (AcceptSymbol(","));
      if (!AcceptSymbol(")")) {
        Fail(st, "expected ')'");
        return;
      }
    } else {
      Fail(st, "expected =, LIKE or IN after Variable_name");
      return;
    }
  } while (AcceptWord("OR"));
}

void StatementReader::ParseShow(Statement* st) {
  st->verb = "SHOW";
  for (size_t i = 0; i < 3 && Peek(i).kind == Kind::kWord; ++i) {
    st->verb += " " + UpperCopy(Peek(i).text);
  }
  std::string scope;
  if (AcceptWord("GLOBAL")) {
    scope = "global";
  } else if (AcceptWord("SESSION") || AcceptWord("LOCAL")) {
    scope = "session";
  }
  if (AcceptWord("VARIABLES")) {
    st->kind = StatementKind::kShowVariables;
    st->scope = scope;
    ParseShowVariables(st);
  } else if (AcceptWord("STATUS")) {
    st->kind = StatementKind::kShowStatus;
    st->scope = scope;
    ParseShowVariables(st);
  } else if (!scope.empty()) {
    Fail(st, "expected VARIABLES or STATUS");
  } else if (AcceptWord("MASTER") || (PeekWord("BINARY") && PeekWord("LOG", 1))) {
    if (AcceptWord("BINARY")) Take();
    if (AcceptWord("STATUS")) {
      st->kind = StatementKind::kShowMasterStatus;
    } else if (AcceptWord("LOGS")) {
      st->kind = StatementKind::kShowBinaryLogs;
    } else {
      Unsupport(st, fmt::format("{} is not served", st->verb));
    }
  } else if (PeekWord("BINARY") && PeekWord("LOGS", 1)) {
    Take();
    Take();
    st->kind = StatementKind::kShowBinaryLogs;
  } else if (AcceptWord("SLAVE") || AcceptWord("REPLICA")) {
    if (Peek().kind == Kind::kString && Peek().text.empty()) Take();  // MariaDB's default
    if (AcceptWord("STATUS")) {
      st->kind = StatementKind::kShowSlaveStatus;
      ParseForChannel(st);
    } else if (AcceptWord("HOSTS")) {
      st->kind = StatementKind::kShowSlaveHosts;
    } else {
      Unsupport(st, fmt::format("{} is not served", st->verb));
    }
  } else if (PeekWord("ALL") && (PeekWord("SLAVES", 1) || PeekWord("REPLICAS", 1)) &&
             PeekWord("STATUS", 2)) {
    Take();
    Take();
    Take();
    st->kind = StatementKind::kShowSlaveStatus;
  } else if (AcceptWord("REPLICAS")) {
    st->kind = StatementKind::kShowSlaveHosts;
  } else if (AcceptWord("WARNINGS") || AcceptWord("ERRORS")) {
    st->kind = StatementKind::kShowWarnings;
    if (AcceptWord("LIMIT")) {
      int64_t ignored = 0;
      if (!ParseInteger(&ignored, st)) return;
      if (AcceptSymbol(",") && !ParseInteger(&ignored, st)) return;
    }
  } else {
    Unsupport(st, fmt::format("{} is not served by binlog-sidecar", st->verb));
  }
}

}  // namespace sidecar::downstream
