#include "downstream/sql_lexer.h"

#include <fmt/format.h>

namespace sidecar::downstream {
namespace {

bool IsWordByte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '_' ||
         u == '$' || u >= 0x80;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }

std::string LowerCopy(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

char Unescape(char c) {
  switch (c) {
    case 'n':
      return '\n';
    case 't':
      return '\t';
    case 'r':
      return '\r';
    case '0':
      return '\0';
    case 'b':
      return '\b';
    case 'Z':
      return '\x1a';
    default:
      return c;  // \\ \' \" and any other character stand for themselves
  }
}

class Lexer {
 public:
  explicit Lexer(std::string_view sql) : sql_(sql) {}

  SqlTokens Run() {
    SqlTokens out;
    while (out.error.empty()) {
      SkipSpaceAndComments(&out.error);
      if (!out.error.empty() || pos_ >= sql_.size()) break;
      SqlToken token;
      token.begin = pos_;
      if (!Next(&token, &out.error)) break;
      token.end = pos_;
      out.tokens.push_back(std::move(token));
    }
    SqlToken end;
    end.begin = end.end = sql_.size();
    out.tokens.push_back(std::move(end));
    return out;
  }

 private:
  bool StartsWith(std::string_view s) const { return sql_.substr(pos_).starts_with(s); }

  void SkipSpaceAndComments(std::string* error) {
    while (pos_ < sql_.size()) {
      const char c = sql_[pos_];
      if (IsSpace(c)) {
        ++pos_;
      } else if (c == '#' || (StartsWith("--") && (pos_ + 2 == sql_.size() ||
                                                   IsSpace(sql_[pos_ + 2])))) {
        while (pos_ < sql_.size() && sql_[pos_] != '\n') ++pos_;
      } else if (StartsWith("/*!") || StartsWith("/*M!")) {
        pos_ += sql_[pos_ + 2] == 'M' ? 4 : 3;
        while (pos_ < sql_.size() && IsDigit(sql_[pos_])) ++pos_;
        ++open_code_comments_;
      } else if (StartsWith("/*")) {
        const size_t close = sql_.find("*/", pos_ + 2);
        if (close == std::string_view::npos) {
          *error = fmt::format("unterminated comment starting at offset {}", pos_);
          return;
        }
        pos_ = close + 2;
      } else if (open_code_comments_ > 0 && StartsWith("*/")) {
        pos_ += 2;
        --open_code_comments_;
      } else {
        return;
      }
    }
  }

  // Reads a quoted run starting at the quote at pos_; `escapes`: backslash escapes apply.
  bool Quoted(std::string* text, bool escapes, std::string* error) {
    const char quote = sql_[pos_];
    const size_t start = pos_++;
    while (pos_ < sql_.size()) {
      const char c = sql_[pos_++];
      if (c == quote) {
        if (pos_ < sql_.size() && sql_[pos_] == quote) {
          text->push_back(quote);
          ++pos_;
          continue;
        }
        return true;
      }
      if (escapes && c == '\\' && pos_ < sql_.size()) {
        const char escaped = sql_[pos_++];
        if (escaped == '%' || escaped == '_') text->push_back('\\');  // kept for LIKE, as MySQL does
        text->push_back(Unescape(escaped));
        continue;
      }
      text->push_back(c);
    }
    *error = fmt::format("unterminated {} starting at offset {}",
                         quote == '`' ? "quoted identifier" : "string", start);
    return false;
  }

  // A variable's name after '@' or '@@scope.': a word or a quoted name.
  bool VariableName(std::string* name, std::string* error) {
    if (pos_ < sql_.size() && (sql_[pos_] == '\'' || sql_[pos_] == '"' || sql_[pos_] == '`')) {
      std::string quoted;
      if (!Quoted(&quoted, sql_[pos_] != '`', error)) return false;
      *name = LowerCopy(quoted);
      return true;
    }
    const size_t start = pos_;
    while (pos_ < sql_.size() && (IsWordByte(sql_[pos_]) || sql_[pos_] == '.')) ++pos_;
    *name = LowerCopy(sql_.substr(start, pos_ - start));
    return true;
  }

  bool Next(SqlToken* token, std::string* error) {
    const char c = sql_[pos_];
    if (c == '\'' || c == '"') {
      token->kind = SqlToken::Kind::kString;
      return Quoted(&token->text, true, error);
    }
    if (c == '`') {
      token->kind = SqlToken::Kind::kQuotedIdentifier;
      return Quoted(&token->text, false, error);
    }
    if (StartsWith("@@")) {
      pos_ += 2;
      token->kind = SqlToken::Kind::kSystemVariable;
      for (std::string_view scope : {"global.", "session.", "local."}) {
        if (sql_.size() - pos_ > scope.size() &&
            LowerCopy(sql_.substr(pos_, scope.size())) == scope) {
          token->scope = scope == "global." ? "global" : "session";
          pos_ += scope.size();
          break;
        }
      }
      return VariableName(&token->text, error);
    }
    if (c == '@') {
      ++pos_;
      token->kind = SqlToken::Kind::kUserVariable;
      return VariableName(&token->text, error);
    }
    if (IsWordByte(c)) {
      const size_t start = pos_;
      bool number = IsDigit(c);
      while (pos_ < sql_.size()) {
        const char d = sql_[pos_];
        if (IsWordByte(d)) {
          if (!IsDigit(d)) number = number && (d == 'e' || d == 'E');
          ++pos_;
        } else if (number && d == '.') {
          ++pos_;
        } else if (number && (d == '+' || d == '-') && (Lower(sql_[pos_ - 1]) == 'e')) {
          ++pos_;
        } else {
          break;
        }
      }
      token->kind = number ? SqlToken::Kind::kNumber : SqlToken::Kind::kWord;
      token->text = std::string(sql_.substr(start, pos_ - start));
      return true;
    }
    token->kind = SqlToken::Kind::kSymbol;
    for (std::string_view two : {":=", "!=", "<>", "<=", ">="}) {
      if (StartsWith(two)) {
        token->text = std::string(two);
        pos_ += 2;
        return true;
      }
    }
    token->text = std::string(1, c);
    ++pos_;
    return true;
  }

  std::string_view sql_;
  size_t pos_ = 0;
  int open_code_comments_ = 0;  // /*! ... */ comments whose "*/" is still to come
};

}  // namespace

SqlTokens LexSql(std::string_view sql) { return Lexer(sql).Run(); }

}  // namespace sidecar::downstream
