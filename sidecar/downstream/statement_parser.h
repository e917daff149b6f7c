// ParseStatement: classifies one COM_QUERY text into a typed Statement — the statements replica
// I/O threads, binlog tools and admin clients send to the serve port. The one SQL parser of the
// server side: the responder never compares whole statement strings.
//
// Tolerant where MySQL is: keywords in any case, any whitespace, `-- `/`#`/`/* */` comments
// (`/*!NNNNN ... */` version comments are read as code, as MySQL does), an optional trailing
// ';', 'single'/"double" quoted strings with backslash escapes and doubled quotes, `backticked`
// identifiers, `:=` for `=` in SET. What it does not know it classifies rather than rejects:
//   kUnsupported  well-formed enough to name ("INSERT", "SHOW DATABASES", "SELECT ... FROM"),
//                 but not something the sidecar serves;
//   kSyntaxError  not a statement it can read; `error` says where ("near '...'").
// Either way `error` is a sentence naming the statement, for the ERR packet.
//
// Expressions are the few that connecting clients use: string and number literals, NULL,
// TRUE/FALSE, @@[global.|session.|local.]system_variable, @user_variable, function calls
// (UNIX_TIMESTAMP(), VERSION(), binlog_gtid_pos('f', 4), ...), a bare word (SET x = ON) and
// NOW() - INTERVAL n unit (PURGE ... BEFORE). Names are lower-cased; string values are kept
// as written (unescaped).
//
// Never aborts and never throws on any input (fuzzed: tests/fuzz/statement_parser_fuzzer.cpp);
// the nesting of parentheses is capped. Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sidecar::downstream {

struct Expr {
  enum class Kind {
    kString,          // text: the unescaped value
    kNumber,          // text: as written ("-1", "1000000000", "1.5")
    kNull,
    kBool,            // text: "1" | "0"
    kWord,            // text: a bare identifier used as a value (SET autocommit = ON)
    kSystemVariable,  // text: lower-case name; scope: "global" | "session" | "" (unspecified)
    kUserVariable,    // text: lower-case name, without '@'
    kFunction,        // text: lower-case name; args
    kInterval,        // NOW() - INTERVAL n unit: args[0] the base, text the unit (lower-case),
                      // number the count
  };
  Kind kind = Kind::kNull;
  std::string text;
  std::string scope;
  std::vector<Expr> args;
  int64_t number = 0;
};

// One `target = value` of a SET statement.
struct Assignment {
  enum class Target {
    kUserVariable,    // SET @name = value
    kSystemVariable,  // SET [GLOBAL|SESSION] name = value, SET @@[scope.]name = value
    kNames,           // SET NAMES cs [COLLATE c]: name = cs
    kCharacterSet,    // SET CHARACTER SET cs / SET CHARSET cs: name = cs
    kTransaction,     // SET [scope] TRANSACTION ...: nothing more is kept
  };
  Target target = Target::kUserVariable;
  std::string name;   // lower-case
  std::string scope;  // system variables: "global" | "session" ("" when not given)
  Expr value;
};

struct SelectItem {
  Expr expr;
  std::string column_name;  // the alias, else the item's text as written (MySQL's column name)
};

// CHANGE MASTER TO / CHANGE REPLICATION SOURCE TO: one `option = value`; the name lower-case
// without its MASTER_ / SOURCE_ prefix (master_host -> "host", source_auto_position ->
// "auto_position", master_use_gtid -> "use_gtid").
struct ChangeOption {
  std::string name;
  Expr value;
};

enum class StatementKind {
  kEmpty,             // only whitespace, comments and ';'
  kSet,               // assignments
  kSelect,            // select_items, limit
  kShowVariables,     // scope, like | where_names
  kShowStatus,        // SHOW [GLOBAL|SESSION] STATUS: scope, like
  kShowMasterStatus,  // SHOW MASTER STATUS, SHOW BINARY LOG STATUS
  kShowBinaryLogs,    // SHOW BINARY LOGS, SHOW MASTER LOGS
  kShowSlaveStatus,   // SHOW SLAVE STATUS, SHOW REPLICA STATUS, SHOW ALL SLAVES STATUS
  kShowSlaveHosts,    // SHOW SLAVE HOSTS, SHOW REPLICAS
  kShowWarnings,      // SHOW WARNINGS, SHOW ERRORS
  kKill,              // kill_id, kill_query_only
  kStartSlave,        // io_thread_only / sql_thread_only
  kStopSlave,
  kChangeMaster,      // change_options
  kPurgeTo,           // purge_file
  kPurgeBefore,       // purge_before
  kUnsupported,       // error
  kSyntaxError,       // error
};

struct Statement {
  StatementKind kind = StatementKind::kEmpty;
  // The statement's name as the client wrote it, upper-cased, e.g. "SHOW DATABASES", "INSERT".
  std::string verb;
  std::string error;  // kUnsupported, kSyntaxError

  std::vector<Assignment> assignments;
  std::vector<SelectItem> select_items;
  std::optional<uint64_t> limit;
  std::string scope;                     // SHOW GLOBAL|SESSION VARIABLES|STATUS: "global" | "session" | ""
  std::optional<std::string> like;       // LIKE 'pattern', or WHERE Variable_name LIKE 'pattern'
  std::vector<std::string> where_names;  // WHERE Variable_name = 'x' | IN ('x', 'y') (as written)
  uint64_t kill_id = 0;
  bool kill_query_only = false;  // KILL QUERY (a connection's only long query is its dump)
  bool io_thread_only = false;   // START|STOP SLAVE IO_THREAD
  bool sql_thread_only = false;  // START|STOP SLAVE SQL_THREAD
  std::vector<ChangeOption> change_options;
  std::string purge_file;
  Expr purge_before;
};

Statement ParseStatement(std::string_view sql);

// LIKE pattern matching as MySQL does for SHOW ... LIKE: '%' any run, '_' one character,
// '\' escapes the next one; ASCII case-insensitive.
bool LikeMatches(std::string_view pattern, std::string_view text);

}  // namespace sidecar::downstream
