// SqlLexer: splits a statement's text into tokens for ParseStatement, as MySQL's lexer does for
// the small grammar the serve port accepts.
//
//   words       [A-Za-z0-9_$] and bytes >= 0x80; a run of digits (with '.', an exponent) is a
//               number instead
//   `ident`     a quoted identifier: a word, never a keyword (`` doubles a backtick)
//   'text'      strings in ' or ": backslash escapes (\n \t \0 \\ \' ...; \% and \_ keep their
//               backslash, for LIKE patterns, as in MySQL), doubled quotes
//   @name       a user variable (also @'name', @"name", @`name`)
//   @@name      a system variable, with an optional global. / session. / local. scope
//   symbols     ( ) , ; = . * + - < > ! and the two-character := != <> <= >=
//   comments    "-- " to the end of the line, "#" to the end of the line, /* ... */;
//               /*!NNNNN ... */ and /*M!NNNNN ... */ are read as code (the version ignored)
//
// Tokens keep their byte range in the text (for column names "as written" and error messages).
// Errors (an unterminated string, identifier or comment) name the offset. Never aborts; memory
// is linear in the input. Stateless; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sidecar::downstream {

struct SqlToken {
  enum class Kind { kWord, kQuotedIdentifier, kString, kNumber, kUserVariable, kSystemVariable,
                    kSymbol, kEnd };
  Kind kind = Kind::kEnd;
  // kWord, kQuotedIdentifier, kNumber: as written; kString: unescaped; variables: the name;
  // kSymbol: the symbol.
  std::string text;
  std::string scope;  // kSystemVariable: "global" | "session" | ""
  size_t begin = 0;   // byte range in the statement
  size_t end = 0;
};

struct SqlTokens {
  std::vector<SqlToken> tokens;  // always ends with one kEnd token
  std::string error;             // "" when the whole text was read
};

SqlTokens LexSql(std::string_view sql);

}  // namespace sidecar::downstream
