// SqlCursor: the token cursor ParseStatement's parser stands on — look-ahead and acceptance of
// words (case-insensitive) and symbols, the first syntax error kept with where it happened
// ("near '...'"), and the expressions the serve port accepts (statement_parser.h's Expr):
// literals, variables, function calls, NOW() +/- INTERVAL n unit, nesting capped at kMaxNesting.
//
// Never reads past the tokens (they end with kEnd, which Take() never moves past). Not
// thread-safe: one per parse.
#pragma once

#include <fmt/format.h>

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "downstream/sql_lexer.h"
#include "downstream/statement_parser.h"

namespace sidecar::downstream {

class SqlCursor {
 public:
  // REQUIRES: `tokens` ends with one kEnd token (LexSql's do).
  SqlCursor(std::string_view sql, std::vector<SqlToken> tokens)
      : sql_(sql), tokens_(std::move(tokens)) {}

  static char Upper(char c) { return (c >= 'a' && c <= 'z') ? char(c - 'a' + 'A') : c; }
  static char Lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }
  static std::string UpperCopy(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = Upper(c);
    return out;
  }
  static std::string LowerCopy(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = Lower(c);
    return out;
  }
  static bool EqualsNoCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (Lower(a[i]) != Lower(b[i])) return false;
    }
    return true;
  }

 protected:
  using Kind = SqlToken::Kind;
  static constexpr int kMaxNesting = 32;
  static constexpr size_t kNearLength = 60;

  const SqlToken& Peek(size_t ahead = 0) const {
    const size_t i = pos_ + ahead;
    return i < tokens_.size() ? tokens_[i] : tokens_.back();
  }
  bool AtEnd() const { return Peek().kind == Kind::kEnd; }
  const SqlToken& Take() {
    const SqlToken& t = Peek();
    if (pos_ < tokens_.size() - 1) ++pos_;
    return t;
  }
  bool PeekWord(std::string_view word, size_t ahead = 0) const {
    return Peek(ahead).kind == Kind::kWord && EqualsNoCase(Peek(ahead).text, word);
  }
  bool AcceptWord(std::string_view word) {
    if (!PeekWord(word)) return false;
    Take();
    return true;
  }
  bool PeekSymbol(std::string_view symbol) const {
    return Peek().kind == Kind::kSymbol && Peek().text == symbol;
  }
  bool AcceptSymbol(std::string_view symbol) {
    if (!PeekSymbol(symbol)) return false;
    Take();
    return true;
  }
  void SkipSemicolons() {
    while (AcceptSymbol(";")) {
    }
  }
  // A name: a word or a `quoted identifier`.
  bool PeekName() const {
    return Peek().kind == Kind::kWord || Peek().kind == Kind::kQuotedIdentifier;
  }

  void Fail(Statement* st, std::string_view what) {
    if (st->kind == StatementKind::kSyntaxError) return;  // keep the first error
    st->kind = StatementKind::kSyntaxError;
    const size_t at = Peek().begin;
    std::string near(sql_.substr(at, kNearLength));
    st->error = fmt::format("You have an error in your SQL syntax near '{}': {}", near, what);
  }

  // ---- expressions ----

  bool ParseExpr(Expr* out, Statement* st, int depth = 0) {
    if (depth > kMaxNesting) {
      Fail(st, "expression nested too deeply");
      return false;
    }
    if (!ParsePrimary(out, st, depth)) return false;
    // NOW() - INTERVAL n unit (PURGE BINARY LOGS BEFORE).
    if ((PeekSymbol("-") || PeekSymbol("+")) && PeekWord("INTERVAL", 1)) {
      const bool minus = Take().text == "-";
      Take();
      int64_t count = 0;
      if (!ParseInteger(&count, st)) return false;
      if (Peek().kind != Kind::kWord) {
        Fail(st, "INTERVAL needs a unit (SECOND, MINUTE, HOUR, DAY, WEEK)");
        return false;
      }
      Expr interval;
      interval.kind = Expr::Kind::kInterval;
      interval.text = LowerCopy(Take().text);
      interval.number = minus ? -count : count;
      interval.args.push_back(std::move(*out));
      *out = std::move(interval);
    }
    return true;
  }

  bool ParseInteger(int64_t* out, Statement* st) {
    const bool negative = AcceptSymbol("-");
    const SqlToken& t = Peek();
    uint64_t value = 0;
    const auto [end, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), value);
    if (t.kind != Kind::kNumber || ec != std::errc() || end != t.text.data() + t.text.size() ||
        value > uint64_t(INT64_MAX)) {
      Fail(st, "expected an integer");
      return false;
    }
    Take();
    *out = negative ? -int64_t(value) : int64_t(value);
    return true;
  }

  bool ParsePrimary(Expr* out, Statement* st, int depth) {
    const SqlToken& t = Peek();
    switch (t.kind) {
      case Kind::kString:
        out->kind = Expr::Kind::kString;
        while (Peek().kind == Kind::kString) out->text += Take().text;  // 'a' 'b' is 'ab'
        return true;
      case Kind::kNumber:
        out->kind = Expr::Kind::kNumber;
        out->text = Take().text;
        return true;
      case Kind::kSystemVariable:
        out->kind = Expr::Kind::kSystemVariable;
        out->scope = t.scope;
        out->text = Take().text;
        return true;
      case Kind::kUserVariable:
        out->kind = Expr::Kind::kUserVariable;
        out->text = Take().text;
        return true;
      case Kind::kQuotedIdentifier:
        out->kind = Expr::Kind::kWord;
        out->text = Take().text;
        return true;
      case Kind::kSymbol:
        if (t.text == "-" || t.text == "+") {
          const bool minus = Take().text == "-";
          if (Peek().kind != Kind::kNumber) {
            Fail(st, "a sign must precede a number");
            return false;
          }
          out->kind = Expr::Kind::kNumber;
          out->text = (minus ? "-" : "") + Take().text;
          return true;
        }
        if (t.text == "(") {
          Take();
          if (!ParseExpr(out, st, depth + 1)) return false;
          if (!AcceptSymbol(")")) {
            Fail(st, "expected ')'");
            return false;
          }
          return true;
        }
        Fail(st, "expected a value");
        return false;
      case Kind::kWord:
        return ParseWordExpr(out, st, depth);
      case Kind::kEnd:
        Fail(st, "the statement ends where a value was expected");
        return false;
    }
    return false;
  }

  bool ParseWordExpr(Expr* out, Statement* st, int depth) {
    const std::string word = LowerCopy(Take().text);
    if (AcceptSymbol("(")) {
      out->kind = Expr::Kind::kFunction;
      out->text = word;
      if (AcceptSymbol(")")) return true;
      do {
        Expr arg;
        if (!ParseExpr(&arg, st, depth + 1)) return false;
        out->args.push_back(std::move(arg));
      } while (AcceptSymbol(","));
      if (!AcceptSymbol(")")) {
        Fail(st, fmt::format("expected ')' to close {}(", word));
        return false;
      }
      return true;
    }
    if (word == "null") {
      out->kind = Expr::Kind::kNull;
    } else if (word == "true" || word == "false") {
      out->kind = Expr::Kind::kBool;
      out->text = word == "true" ? "1" : "0";
    } else if (word == "current_timestamp" || word == "current_user" || word == "current_date" ||
               word == "localtime" || word == "localtimestamp") {
      out->kind = Expr::Kind::kFunction;
      out->text = word;
    } else {
      out->kind = Expr::Kind::kWord;
      out->text = word;
    }
    return true;
  }

  void Unsupport(Statement* st, std::string message) {
    st->kind = StatementKind::kUnsupported;
    st->error = std::move(message);
  }

  std::string_view sql_;
  std::vector<SqlToken> tokens_;  // ends with kEnd
  size_t pos_ = 0;
};

}  // namespace sidecar::downstream
