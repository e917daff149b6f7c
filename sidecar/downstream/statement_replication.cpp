// Replication control (statement_reader.h): KILL [HARD|SOFT] [QUERY [ID] | CONNECTION] id;
// START|STOP [ALL] SLAVE|REPLICA[S] [''] [IO_THREAD|SQL_THREAD, ...] [FOR CHANNEL ''];
// CHANGE MASTER [''] TO / CHANGE REPLICATION SOURCE TO option = value, ... (names lower-cased,
// MASTER_/SOURCE_ prefix dropped); PURGE BINARY|MASTER LOGS TO 'file' | BEFORE expr; and the
// [FOR CHANNEL ''] suffix (one upstream: a named channel or connection is kUnsupported). Not
// thread-safe: one reader per parse.
#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "downstream/statement_reader.h"

namespace sidecar::downstream {

// [FOR CHANNEL ''] (only the default channel exists).
void StatementReader::ParseForChannel(Statement* st) {
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

void StatementReader::ParseKill(Statement* st) {
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

void StatementReader::ParseStartStop(Statement* st) {
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

void StatementReader::ParseChange(Statement* st) {
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

void StatementReader::ParsePurge(Statement* st) {
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

}  // namespace sidecar::downstream
