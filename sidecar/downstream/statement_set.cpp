// SET (statement_reader.h): `SET [GLOBAL|SESSION|LOCAL] name = expr`, `SET @user = expr`,
// `SET @@[scope.]name = expr` (`:=` too), comma-separated; SET NAMES cs [COLLATE c];
// SET CHARACTER SET cs / SET CHARSET cs; SET [scope] TRANSACTION ... (kept as one kTransaction
// assignment, its characteristics skipped). Fills Statement::assignments, names lower-cased.
// Bad input: kSyntaxError naming what was expected. Not thread-safe: one reader per parse.
#include <fmt/format.h>

#include <string>
#include <utility>

#include "downstream/statement_reader.h"

namespace sidecar::downstream {

void StatementReader::ParseSet(Statement* st) {
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

bool StatementReader::ParseCharsetName(std::string* name, Statement* st) {
  if (PeekName() || Peek().kind == Kind::kString) {
    *name = LowerCopy(Take().text);
    return true;
  }
  Fail(st, "expected a character set name");
  return false;
}

}  // namespace sidecar::downstream
