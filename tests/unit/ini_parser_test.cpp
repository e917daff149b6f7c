// The INI syntax: sections, keys, values, comments, quotes, and its errors.
#include "app/ini_parser.h"

#include <gtest/gtest.h>

namespace sidecar::app {
namespace {

TEST(IniParserTest, SectionsKeysValuesAndLineNumbers) {
  const IniDocument doc = ParseIni(
      "# a comment\n"
      "; another comment\n"
      "\n"
      "[upstream]\n"
      "  host   =   10.0.0.5  \n"
      "port=3306\n"
      "[storage]\n"
      "data_dir = /var/lib/x\n");
  ASSERT_TRUE(doc.errors.empty());
  ASSERT_EQ(doc.sections.size(), 2u);
  EXPECT_EQ(doc.sections[0].name, "upstream");
  EXPECT_EQ(doc.sections[0].line, 4);
  ASSERT_EQ(doc.entries.size(), 3u);
  EXPECT_EQ(doc.entries[0].section, "upstream");
  EXPECT_EQ(doc.entries[0].key, "host");
  EXPECT_EQ(doc.entries[0].value, "10.0.0.5");
  EXPECT_EQ(doc.entries[0].line, 5);
  EXPECT_EQ(doc.entries[1].value, "3306");
  EXPECT_EQ(doc.entries[2].section, "storage");
  EXPECT_EQ(doc.entries[2].line, 8);
}

TEST(IniParserTest, KeysAreCaseInsensitiveWithDashAndUnderscoreEquivalent) {
  const IniDocument doc = ParseIni("[UpStream]\nServer-ID = 4001\nSSL_CA = /ca\n");
  ASSERT_TRUE(doc.errors.empty());
  EXPECT_EQ(doc.entries[0].section, "upstream");
  EXPECT_EQ(doc.entries[0].key, "server_id");
  EXPECT_EQ(doc.entries[1].key, "ssl_ca");
}

TEST(IniParserTest, TrailingCommentsNeedWhitespaceBeforeTheHash) {
  const IniDocument doc = ParseIni(
      "[s]\n"
      "a = 1s   # one second\n"
      "b = x#y\n"
      "c = v ; not a comment\n"
      "[t] # header comment\n"
      "d = 2\t# tab before\n");
  ASSERT_TRUE(doc.errors.empty());
  EXPECT_EQ(doc.entries[0].value, "1s");
  EXPECT_EQ(doc.entries[1].value, "x#y");
  EXPECT_EQ(doc.entries[2].value, "v ; not a comment");
  EXPECT_EQ(doc.entries[3].section, "t");
  EXPECT_EQ(doc.entries[3].value, "2");
}

TEST(IniParserTest, QuotedValuesAreLiteral) {
  const IniDocument doc = ParseIni(
      "[s]\n"
      "a = \"  pass # word ; \"  # comment\n"
      "b = 'say \"hi\"'\n"
      "c = \"\"\n"
      "d =\n");
  ASSERT_TRUE(doc.errors.empty());
  EXPECT_EQ(doc.entries[0].value, "  pass # word ; ");
  EXPECT_EQ(doc.entries[1].value, "say \"hi\"");
  EXPECT_EQ(doc.entries[2].value, "");
  EXPECT_EQ(doc.entries[3].value, "");
}

TEST(IniParserTest, QuoteErrors) {
  const IniDocument doc = ParseIni("[s]\na = \"open\nb = 'x' trailing\n");
  ASSERT_EQ(doc.errors.size(), 2u);
  EXPECT_EQ(doc.errors[0].line, 2);
  EXPECT_EQ(doc.errors[0].section, "s");
  EXPECT_EQ(doc.errors[0].key, "a");
  EXPECT_NE(doc.errors[0].message.find("no closing \""), std::string::npos);
  EXPECT_EQ(doc.errors[1].line, 3);
  EXPECT_EQ(doc.errors[1].key, "b");
  EXPECT_NE(doc.errors[1].message.find("follows the closing quote"), std::string::npos);
  EXPECT_TRUE(doc.entries.empty());
}

TEST(IniParserTest, DuplicateKeyIsAnErrorNamingBothLines) {
  const IniDocument doc = ParseIni("[s]\nport = 1\n[t]\nport = 2\n[s]\nPORT = 3\n");
  ASSERT_EQ(doc.errors.size(), 1u);
  EXPECT_EQ(doc.errors[0].line, 6);
  EXPECT_EQ(doc.errors[0].section, "s");
  EXPECT_EQ(doc.errors[0].key, "port");
  EXPECT_NE(doc.errors[0].message.find("set twice, first at line 2"), std::string::npos);
  ASSERT_EQ(doc.entries.size(), 2u);  // the first one stays
  EXPECT_EQ(doc.entries[0].value, "1");
  EXPECT_EQ(doc.sections.size(), 2u);  // [s] once, at its first line
  EXPECT_EQ(doc.sections[0].line, 1);
}

TEST(IniParserTest, SyntaxErrorsAreAllReportedWithLines) {
  const IniDocument doc = ParseIni(
      "orphan = 1\n"
      "[bad section]\n"
      "x = 1\n"
      "[s\n"
      "[ok]\n"
      "just words\n"
      " = value\n"
      "good = yes\n");
  ASSERT_EQ(doc.errors.size(), 6u);
  EXPECT_EQ(doc.errors[0].line, 1);
  EXPECT_EQ(doc.errors[0].key, "orphan");
  EXPECT_NE(doc.errors[0].message.find("before any [section]"), std::string::npos);
  EXPECT_EQ(doc.errors[1].line, 2);
  EXPECT_NE(doc.errors[1].message.find("section name"), std::string::npos);
  // Keys under a bad header belong to no section: they are errors too.
  EXPECT_EQ(doc.errors[2].line, 3);
  EXPECT_EQ(doc.errors[3].line, 4);
  EXPECT_NE(doc.errors[3].message.find("malformed section header"), std::string::npos);
  EXPECT_EQ(doc.errors[4].line, 6);
  EXPECT_EQ(doc.errors[4].section, "ok");
  EXPECT_EQ(doc.errors[5].line, 7);
  ASSERT_EQ(doc.entries.size(), 1u);
  EXPECT_EQ(doc.entries[0].key, "good");
}

TEST(IniParserTest, EmptyKeyIsAnError) {
  const IniDocument doc = ParseIni("[s]\n = value\n");
  ASSERT_EQ(doc.errors.size(), 1u);
  EXPECT_EQ(doc.errors[0].line, 2);
  EXPECT_NE(doc.errors[0].message.find("key name is empty"), std::string::npos);
}

TEST(IniParserTest, ErrorsNeverQuoteTheLine) {
  // A password pasted on a line of its own, or in an unterminated quote.
  const IniDocument doc = ParseIni("[s]\nHunter2-Secret\npassword = \"Hunter2-Secret\n");
  ASSERT_EQ(doc.errors.size(), 2u);
  for (const IniError& e : doc.errors) {
    EXPECT_EQ(e.message.find("Hunter2"), std::string::npos) << e.message;
  }
}

TEST(IniParserTest, CrLfLineEndingsAndByteOrderMark) {
  const IniDocument doc = ParseIni("\xEF\xBB\xBF[s]\r\na = 1\r\nb = \"q\"\r\n");
  ASSERT_TRUE(doc.errors.empty());
  EXPECT_EQ(doc.sections[0].name, "s");
  EXPECT_EQ(doc.entries[0].value, "1");
  EXPECT_EQ(doc.entries[1].value, "q");
  EXPECT_EQ(doc.entries[1].line, 3);
}

TEST(IniParserTest, EmptyInputIsAnEmptyDocument) {
  const IniDocument doc = ParseIni("");
  EXPECT_TRUE(doc.errors.empty());
  EXPECT_TRUE(doc.entries.empty());
}

TEST(IniParserTest, QuoteIniValueReadsBack) {
  // "p\r#": a '#' after any whitespace, not only a space or tab, starts a comment (found by
  // the config fuzzer: tests/fuzz/regressions/config/carriage-return-before-hash).
  for (const std::string value :
       {"plain", "", " lead", "trail ", "a # b", "\"q", "'q", "x;y", "p\r#", "a\v#b", "#x"}) {
    const IniDocument doc = ParseIni("[s]\nk = " + QuoteIniValue(value) + "\n");
    ASSERT_TRUE(doc.errors.empty()) << value;
    EXPECT_EQ(doc.entries[0].value, value);
  }
  EXPECT_EQ(QuoteIniValue("plain"), "plain");
  EXPECT_EQ(QuoteIniValue("a # b"), "\"a # b\"");
}

}  // namespace
}  // namespace sidecar::app
