#include "downstream/statement_parser.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>

#include "downstream/sql_cursor.h"
#include "downstream/sql_lexer.h"

namespace sidecar::downstream {
namespace {

// SQL verbs the sidecar recognises but does not serve.
constexpr std::array<std::string_view, 34> kOtherVerbs = {
    "ALTER",   "ANALYZE", "BEGIN",   "BINLOG",   "CALL",     "CHECK",    "CHECKSUM",
    "COMMIT",  "CREATE",  "DEALLOCATE", "DELETE", "DESC",    "DESCRIBE", "DO",
    "DROP",    "EXECUTE", "EXPLAIN", "FLUSH",    "GRANT",    "HANDLER",  "INSERT",
    "INSTALL", "LOAD",    "LOCK",    "OPTIMIZE", "PREPARE",  "RENAME",   "REPLACE",
    "RESET",   "REVOKE",  "ROLLBACK", "TRUNCATE", "UPDATE",  "USE"};

// Words that end a SELECT item (so they are not taken for an alias).
constexpr std::array<std::string_view, 9> kSelectClauseWords = {
    "FROM", "LIMIT", "WHERE", "INTO", "GROUP", "ORDER", "HAVING", "UNION", "FOR"};

class Parser : private SqlCursor {
 public:
  Parser(std::string_view sql, std::vector<SqlToken> tokens)
      : SqlCursor(sql, std::move(tokens)) {}

  Statement Run() {
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

 private:
  void ParseSet(Statement* st) {
    st->kind = StatementKind::kSet;
    do {
      Assignment a;
      std::string scope;
      if (AcceptWord("GLOBAL")) {
        scope = "global";
      } else if (AcceptWord("SESSION") || AcceptWord("LOCAL")) {
        scope = "session";
      }
      if (AcceptWord("TRANSACTION")) {
        a.target = Assignment::Target::kTransaction;
        a.scope = scope;
        while (!AtEnd() && !PeekSymbol(";")) Take();  // its characteristics
        st->assignments.push_back(std::move(a));
        return;
      }
      if (scope.empty() && AcceptWord("NAMES")) {
        a.target = Assignment::Target::kNames;
        if (!ParseCharsetName(&a.name, st)) return;
        if (AcceptWord("COLLATE")) {
          std::string collation;
          if (!ParseCharsetName(&collation, st)) return;
        }
      } else if (scope.empty() && (AcceptWord("CHARSET") ||
                                   (PeekWord("CHARACTER") && PeekWord("SET", 1)))) {
        if (AcceptWord("CHARACTER")) Take();
        a.target = Assignment::Target::kCharacterSet;
        if (!ParseCharsetName(&a.name, st)) return;
      } else {
        const SqlToken& t = Peek();
        if (t.kind == Kind::kUserVariable && scope.empty()) {
          a.target = Assignment::Target::kUserVariable;
          a.name = t.text;
        } else if (t.kind == Kind::kSystemVariable) {
          a.target = Assignment::Target::kSystemVariable;
          a.name = t.text;
          a.scope = t.scope.empty() ? scope : t.scope;
        } else if (PeekName()) {
          a.target = Assignment::Target::kSystemVariable;
          a.name = LowerCopy(t.text);
          a.scope = scope;
        } else {
          Fail(st, "expected a variable to set");
          return;
        }
        Take();
        if (!AcceptSymbol("=") && !AcceptSymbol(":=")) {
          Fail(st, fmt::format("expected '=' after {}", a.name));
          return;
        }
        if (!ParseExpr(&a.value, st)) return;
      }
      st->assignments.push_back(std::move(a));
    } while (AcceptSymbol(","));
  }

  bool ParseCharsetName(std::string* name, Statement* st) {
    if (PeekName() || Peek().kind == Kind::kString) {
      *name = LowerCopy(Take().text);
      return true;
    }
    Fail(st, "expected a character set name");
    return false;
  }

  bool PeekSelectClause() const {
    for (std::string_view word : kSelectClauseWords) {
      if (PeekWord(word)) return true;
    }
    return false;
  }

  void ParseSelect(Statement* st) {
    st->kind = StatementKind::kSelect;
    do {
      SelectItem item;
      const size_t begin = Peek().begin;
      if (PeekSymbol("*")) {
        Take();
        Unsupport(st, "SELECT * needs a table, and binlog-sidecar has none");
        return;
      }
      if (!ParseExpr(&item.expr, st)) return;
      const size_t end = tokens_[pos_ > 0 ? pos_ - 1 : 0].end;
      item.column_name = std::string(sql_.substr(begin, end > begin ? end - begin : 0));
      const bool as = AcceptWord("AS");
      if (as || ((PeekName() || Peek().kind == Kind::kString) && !PeekSelectClause())) {
        if (!PeekName() && Peek().kind != Kind::kString) {
          Fail(st, "expected a column alias after AS");
          return;
        }
        item.column_name = Take().text;
      }
      st->select_items.push_back(std::move(item));
    } while (AcceptSymbol(","));
    if (AcceptWord("FROM")) {
      if (!AcceptWord("DUAL")) {
        const std::string table = Peek().text;
        Unsupport(st, fmt::format("binlog-sidecar has no tables: SELECT ... FROM {} is not "
                                  "served (only SELECT of variables and functions)",
                                  table.empty() ? std::string("<nothing>") : table));
        return;
      }
    }
    if (PeekSelectClause() && !PeekWord("LIMIT")) {
      Unsupport(st, fmt::format("SELECT ... {} is not served (only SELECT of variables and "
                                "functions)",
                                UpperCopy(Peek().text)));
      return;
    }
    if (AcceptWord("LIMIT")) {
      int64_t first = 0;
      if (!ParseInteger(&first, st)) return;
      int64_t second = 0;
      if (AcceptSymbol(",")) {  // LIMIT offset, count
        if (!ParseInteger(&second, st)) return;
        st->limit = first > 0 ? 0 : uint64_t(std::max<int64_t>(second, 0));
      } else {
        st->limit = uint64_t(std::max<int64_t>(first, 0));
        if (AcceptWord("OFFSET")) {
          if (!ParseInteger(&second, st)) return;
          if (second > 0) st->limit = 0;
        }
      }
    }
  }


  // SHOW [GLOBAL|SESSION] VARIABLES|STATUS [LIKE 'p' | WHERE Variable_name ...]
  void ParseShowVariables(Statement* st) {
    if (AcceptWord("LIKE")) {
      if (Peek().kind != Kind::kString) {
        Fail(st, "LIKE needs a quoted pattern");
        return;
      }
      st->like = Take().text;
      return;
    }
    if (!AcceptWord("WHERE")) return;
    do {
      if (!AcceptWord("VARIABLE_NAME")) {
        Unsupport(st, "SHOW VARIABLES WHERE filters only on Variable_name");
        return;
      }
      if (AcceptWord("LIKE")) {
        if (Peek().kind != Kind::kString) {
          Fail(st, "LIKE needs a quoted pattern");
          return;
        }
        st->like = Take().text;
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

  void ParseShow(Statement* st) {
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

  // [FOR CHANNEL ''] (only the default channel exists).
  void ParseForChannel(Statement* st) {
    if (!AcceptWord("FOR")) return;
    if (!AcceptWord("CHANNEL")) {
      Fail(st, "expected CHANNEL after FOR");
      return;
    }
    if (Peek().kind != Kind::kString && !PeekName()) {
      Fail(st, "expected a channel name");
      return;
    }
    const std::string channel = Take().text;
    if (!channel.empty()) {
      Unsupport(st, fmt::format("binlog-sidecar has one upstream, not channel '{}'", channel));
    }
  }

  void ParseKill(Statement* st) {
    st->kind = StatementKind::kKill;
    if (!AcceptWord("HARD")) AcceptWord("SOFT");
    if (AcceptWord("QUERY")) {
      st->kill_query_only = true;
      AcceptWord("ID");
    } else {
      AcceptWord("CONNECTION");
    }
    if (PeekWord("USER")) {
      Unsupport(st, "KILL USER is not served (KILL takes a connection id)");
      return;
    }
    int64_t id = 0;
    if (!ParseInteger(&id, st)) return;
    if (id < 0) {
      Fail(st, "a connection id is not negative");
      return;
    }
    st->kill_id = uint64_t(id);
  }

  void ParseStartStop(Statement* st) {
    const bool start = PeekWord("START");
    Take();
    st->verb = start ? "START" : "STOP";
    const bool all = AcceptWord("ALL");
    if (!(AcceptWord("SLAVE") || AcceptWord("REPLICA") ||
          (all && (AcceptWord("SLAVES") || AcceptWord("REPLICAS"))))) {
      Unsupport(st, fmt::format("{} {} is not served", st->verb,
                                AtEnd() ? std::string() : UpperCopy(Peek().text)));
      return;
    }
    st->verb += " SLAVE";
    st->kind = start ? StatementKind::kStartSlave : StatementKind::kStopSlave;
    if (Peek().kind == Kind::kString && Peek().text.empty()) Take();  // MariaDB's default
    bool io = false;
    bool sql = false;
    while (PeekWord("IO_THREAD") || PeekWord("SQL_THREAD")) {
      (PeekWord("IO_THREAD") ? io : sql) = true;
      Take();
      AcceptSymbol(",");
    }
    st->io_thread_only = io && !sql;
    st->sql_thread_only = sql && !io;
    if (PeekWord("UNTIL") || PeekWord("USER") || PeekWord("PASSWORD")) {
      Unsupport(st, fmt::format("{} {} is not served", st->verb, UpperCopy(Peek().text)));
      return;
    }
    ParseForChannel(st);
  }

  void ParseChange(Statement* st) {
    if (AcceptWord("MASTER")) {
      st->verb = "CHANGE MASTER";
      if (Peek().kind == Kind::kString) {  // MariaDB's connection name
        const std::string name = Take().text;
        if (!name.empty()) {
          Unsupport(st, fmt::format("binlog-sidecar has one upstream, not connection '{}'", name));
          return;
        }
      }
    } else if (AcceptWord("REPLICATION")) {
      st->verb = "CHANGE REPLICATION";
      if (!AcceptWord("SOURCE")) {
        Unsupport(st, fmt::format("CHANGE REPLICATION {} is not served",
                                  AtEnd() ? std::string() : UpperCopy(Peek().text)));
        return;
      }
      st->verb += " SOURCE";
    } else {
      Unsupport(st, fmt::format("CHANGE {} is not served",
                                AtEnd() ? std::string() : UpperCopy(Peek().text)));
      return;
    }
    if (!AcceptWord("TO")) {
      Fail(st, "expected TO");
      return;
    }
    st->kind = StatementKind::kChangeMaster;
    do {
      if (Peek().kind != Kind::kWord) {
        Fail(st, "expected an option name");
        return;
      }
      ChangeOption option;
      option.name = LowerCopy(Take().text);
      for (std::string_view prefix : {"master_", "source_"}) {
        if (option.name.starts_with(prefix)) {
          option.name.erase(0, prefix.size());
          break;
        }
      }
      if (!AcceptSymbol("=")) {
        Fail(st, fmt::format("expected '=' after {}", option.name));
        return;
      }
      if (AcceptSymbol("(")) {  // IGNORE_SERVER_IDS = (1, 2): a list, kept as its words
        option.value.kind = Expr::Kind::kWord;
        while (!AtEnd() && !PeekSymbol(")")) option.value.text += Take().text;
        if (!AcceptSymbol(")")) {
          Fail(st, "expected ')'");
          return;
        }
      } else if (!ParseExpr(&option.value, st)) {
        return;
      }
      st->change_options.push_back(std::move(option));
    } while (AcceptSymbol(","));
    ParseForChannel(st);
  }

  void ParsePurge(Statement* st) {
    if (!(AcceptWord("BINARY") || AcceptWord("MASTER")) || !AcceptWord("LOGS")) {
      Fail(st, "expected PURGE BINARY LOGS or PURGE MASTER LOGS");
      return;
    }
    st->verb = "PURGE BINARY LOGS";
    if (AcceptWord("TO")) {
      if (Peek().kind != Kind::kString) {
        Fail(st, "PURGE BINARY LOGS TO needs a quoted file name");
        return;
      }
      st->kind = StatementKind::kPurgeTo;
      st->purge_file = Take().text;
    } else if (AcceptWord("BEFORE")) {
      st->kind = StatementKind::kPurgeBefore;
      ParseExpr(&st->purge_before, st);
    } else {
      Fail(st, "expected TO 'file' or BEFORE 'datetime'");
    }
  }
};

}  // namespace

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
  return Parser(sql, std::move(lexed.tokens)).Run();
}

bool LikeMatches(std::string_view pattern, std::string_view text) {
  // Iterative wildcard matching with one backtrack point for the last '%'.
  size_t p = 0, t = 0;
  size_t star_p = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '%') {
      star_p = ++p;
      star_t = t;
      continue;
    }
    if (p < pattern.size()) {
      char want = pattern[p];
      size_t step = 1;
      bool any = want == '_';
      if (want == '\\' && p + 1 < pattern.size()) {
        want = pattern[p + 1];
        step = 2;
        any = false;
      }
      if (any || SqlCursor::Lower(want) == SqlCursor::Lower(text[t])) {
        p += step;
        ++t;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p;
    t = ++star_t;
  }
  while (p < pattern.size() && pattern[p] == '%') ++p;
  return p == pattern.size();
}

}  // namespace sidecar::downstream