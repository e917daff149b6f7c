// StatementReader: the recursive-descent reader behind ParseStatement (statement_parser.h), shared
// by the files that read one statement family each:
//   statement_parser.cpp       ParseStatement, Run (the verb dispatch, unsupported verbs, the
//                              end-of-statement check)
//   statement_set.cpp          SET (variables, NAMES, CHARACTER SET, TRANSACTION)
//   statement_select.cpp       SELECT of expressions [FROM DUAL] [LIMIT]
//   statement_show.cpp         SHOW (VARIABLES, STATUS, MASTER/SLAVE/REPLICA, WARNINGS, ...)
//   statement_replication.cpp  KILL, START|STOP SLAVE, CHANGE MASTER, PURGE, FOR CHANNEL
// Internal to the statement parser: callers include statement_parser.h only.
//
// Each Parse* method starts after the statement's verb has been accepted and fills `st`; on bad
// input it records kSyntaxError/kUnsupported in `st` (SqlCursor's Fail/Unsupport) and returns —
// never aborts, never throws. Not thread-safe: one reader per parse.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "downstream/sql_cursor.h"
#include "downstream/sql_lexer.h"
#include "downstream/statement_parser.h"

namespace sidecar::downstream {

class StatementReader : private SqlCursor {
 public:
  // REQUIRES: `tokens` ends with one kEnd token (LexSql's do).
  StatementReader(std::string_view sql, std::vector<SqlToken> tokens)
      : SqlCursor(sql, std::move(tokens)) {}

  // Reads the one statement of the query (or none: kEmpty).
  Statement Run();

 private:
  // statement_set.cpp
  void ParseSet(Statement* st);
  bool ParseCharsetName(std::string* name, Statement* st);

  // statement_select.cpp
  void ParseSelect(Statement* st);
  bool PeekSelectClause() const;

  // statement_show.cpp
  void ParseShow(Statement* st);
  void ParseShowVariables(Statement* st);
  void ParseLikePattern(Statement* st);

  // statement_replication.cpp
  void ParseKill(Statement* st);
  void ParseStartStop(Statement* st);
  void ParseChange(Statement* st);
  void ParsePurge(Statement* st);
  void ParseForChannel(Statement* st);
};

}  // namespace sidecar::downstream
