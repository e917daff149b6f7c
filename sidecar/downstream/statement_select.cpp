// SELECT (statement_reader.h): `SELECT expr [[AS] alias], ... [FROM DUAL] [LIMIT n | LIMIT o, n |
// LIMIT n OFFSET o]` — the SELECTs of variables and functions connecting clients send. Fills
// Statement::select_items (column name: the alias, else the item as written) and limit (0 when an
// offset skips the single row). SELECT *, FROM a table and other clauses: kUnsupported naming
// them. Not thread-safe: one reader per parse.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "downstream/statement_reader.h"

namespace sidecar::downstream {
namespace {

// Words that end a SELECT item (so they are not taken for an alias).
constexpr std::array<std::string_view, 9> kSelectClauseWords = {
    "FROM", "LIMIT", "WHERE", "INTO", "GROUP", "ORDER", "HAVING", "UNION", "FOR"};

}  // namespace

bool StatementReader::PeekSelectClause() const {
  for (std::string_view word : kSelectClauseWords) {
    if (PeekWord(word)) return true;
  }
  return false;
}

void StatementReader::ParseSelect(Statement* st) {
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

}  // namespace sidecar::downstream
