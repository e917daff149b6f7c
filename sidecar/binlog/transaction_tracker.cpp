#include "binlog/transaction_tracker.h"

#include <fmt/format.h>

#include "binlog/event_type.h"
#include "binlog/mariadb_events.h"
#include "binlog/mysql_gtid_event.h"
#include "binlog/query_event.h"

namespace sidecar::binlog {
namespace {

constexpr uint16_t kRowsStatementEndFlag = 0x0001;  // STMT_END_F

// Events that only prepare the statement that follows them.
bool IsStatementPrelude(EventType type) {
  switch (type) {
    case EventType::kIntvar:
    case EventType::kRand:
    case EventType::kUserVar:
    case EventType::kAnnotateRows:
    case EventType::kRowsQuery:
    case EventType::kBeginLoadQuery:
    case EventType::kAppendBlock:
    case EventType::kCreateFile:
    case EventType::kTableMap:
      return true;
    default:
      return false;
  }
}

// Statements complete their group; EXECUTE_LOAD_QUERY is LOAD DATA's.
bool IsStatement(EventType type) {
  return type == EventType::kQuery || type == EventType::kQueryCompressed ||
         type == EventType::kExecuteLoadQuery || type == EventType::kExecLoad ||
         type == EventType::kLoad || type == EventType::kNewLoad;
}

}  // namespace

std::string ToString(const TransactionGtid& gtid) {
  return std::visit([](const auto& g) { return g.ToString(); }, gtid);
}

void TransactionTracker::Reset() {
  state_ = State::kIdle;
  gtid_.reset();
}

TransactionTracker::Step TransactionTracker::Complete() {
  Step step;
  step.completed_transaction = true;
  step.gtid = std::move(gtid_);
  Reset();
  return step;
}

TransactionTracker::Step TransactionTracker::Stay() const {
  Step step;
  step.at_boundary = state_ == State::kIdle;
  return step;
}

Result<TransactionTracker::Step> TransactionTracker::Feed(const EventView& event,
                                                          const FormatDescription& fde) {
  const auto type = EventType(event.header.type);
  switch (type) {
    case EventType::kGtid:
    case EventType::kAnonymousGtid:
    case EventType::kGtidTagged:
    case EventType::kMariadbGtid:
      return OnGtid(event);
    case EventType::kQuery:
      return OnQuery(event, fde);
    case EventType::kXid:
    case EventType::kXaPrepare:
      if (state_ == State::kIdle) return Stay();  // a stray end: nothing was open
      return Complete();
    case EventType::kTransactionPayload:
      return Complete();
    default:
      break;
  }
  if (IsRowsEvent(event.header.type)) return OnRows(event, fde);
  if (IsStatement(type)) {
    if (state_ == State::kInTransaction) return Stay();
    return Complete();
  }
  if (IsStatementPrelude(type) && state_ == State::kIdle) {
    state_ = State::kStatement;
  }
  return Stay();
}

Result<TransactionTracker::Step> TransactionTracker::OnGtid(const EventView& event) {
  const bool abandoned = state_ != State::kIdle;
  Reset();
  const auto type = EventType(event.header.type);
  if (type == EventType::kMariadbGtid) {
    auto gtid = DecodeMariadbGtidEvent(event);
    if (!gtid.ok()) return gtid.status();
    gtid_ = gtid->gtid;
    state_ = gtid->standalone() ? State::kAfterGtid : State::kInTransaction;
  } else {
    if (type != EventType::kAnonymousGtid) {
      auto gtid = DecodeMysqlGtidEvent(event);
      if (!gtid.ok()) return gtid.status();
      gtid_ = gtid->gtid;
    }
    state_ = State::kAfterGtid;
  }
  Step step = Stay();
  step.abandoned_open_transaction = abandoned;
  return step;
}

Result<TransactionTracker::Step> TransactionTracker::OnQuery(const EventView& event,
                                                             const FormatDescription& fde) {
  auto query = DecodeQueryEvent(event, fde);
  if (!query.ok()) return query.status();
  switch (ClassifyQuery(query->statement)) {
    case QueryKind::kBegin:
    case QueryKind::kXaStart:
      if (state_ == State::kInTransaction) return Stay();
      state_ = State::kInTransaction;
      return Stay();
    case QueryKind::kCommit:
    case QueryKind::kRollback:
    case QueryKind::kXaPrepare:
      return Complete();
    case QueryKind::kXaEnd:
      return Stay();
    case QueryKind::kXaCommit:
    case QueryKind::kXaRollback:
    case QueryKind::kOther:
      break;
  }
  // Any other statement is a group of its own unless a transaction is open.
  if (state_ == State::kInTransaction) return Stay();
  return Complete();
}

Result<TransactionTracker::Step> TransactionTracker::OnRows(const EventView& event,
                                                            const FormatDescription& fde) {
  if (state_ == State::kInTransaction) return Stay();
  // Rows outside BEGIN: one statement's worth, ended by the STMT_END_F flag,
  // which follows the table id (6 bytes, or 4 in a 6-byte post-header).
  const size_t post_header_length = fde.PostHeaderLength(event.header.type);
  const size_t table_id_length = post_header_length == 6 ? 4 : 6;
  ByteReader r(event.Body());
  r.Skip(table_id_length);
  const uint16_t flags = r.U16();
  if (!r.ok()) {
    return Status::Corruption(fmt::format("{} event of {} bytes has no room for its flags",
                                          EventTypeName(event.header.type), event.bytes.size()));
  }
  if (flags & kRowsStatementEndFlag) return Complete();
  state_ = State::kStatement;
  return Stay();
}

}  // namespace sidecar::binlog
