#include "upstream/gtid_resume.h"

#include <fmt/format.h>

#include "binlog/control_events.h"
#include "binlog/event_type.h"
#include "binlog/mariadb_events.h"
#include "binlog/mysql_gtid_event.h"
#include "protocol/wire_buffer.h"

namespace sidecar::upstream {

using binlog::EventType;

Result<GtidResume> GtidResume::Create(store::ResumePoint at, binlog::Flavor flavor,
                                      bool file_closed, bool renumbered) {
  GtidResume resume(std::move(at), file_closed, renumbered);
  if (flavor == binlog::Flavor::kMariadb) {
    auto state = binlog::MariadbGtidState::Parse(resume.at_.gtid_state);
    if (!state.ok()) return state.status();
    binlog::MariadbGtidPosition position = state->ToPosition();
    resume.dump_gtids_ = position.ToString();
    resume.seen_ = std::move(position);
  } else {
    auto set = binlog::MysqlGtidSet::Parse(resume.at_.gtid_state);
    if (!set.ok()) return set.status();
    resume.dump_gtids_ = set->ToString();
    resume.seen_ = std::move(set).value();
  }
  return resume;
}

binlog::EventView GtidResume::RestartEvent() {
  const uint32_t size = uint32_t(binlog::kEventHeaderSize + 8 + at_.file.size());
  restart_.clear();
  protocol::PutU32(restart_, 0);  // timestamp
  protocol::PutU8(restart_, uint8_t(EventType::kRotate));
  protocol::PutU32(restart_, 0);  // server_id
  protocol::PutU32(restart_, size);
  protocol::PutU32(restart_, 0);  // next_position
  protocol::PutU16(restart_, binlog::kFlagArtificial);
  protocol::PutU64(restart_, at_.position);
  protocol::PutString(restart_, at_.file);
  binlog::EventHeader header;
  header.type = uint8_t(EventType::kRotate);
  header.event_size = size;
  header.flags = binlog::kFlagArtificial;
  return binlog::EventView{header, restart_, false};
}

Result<GtidResume::Verdict> GtidResume::Take(const binlog::EventView& event) {
  const auto type = EventType(event.header.type);
  if (type == EventType::kHeartbeat || type == EventType::kHeartbeatV2) return Verdict::kDrop;
  const bool artificial_rotate =
      type == EventType::kRotate && (event.header.flags & binlog::kFlagArtificial);
  switch (state_) {
    case State::kAwaitRotate: {
      if (!artificial_rotate) {
        return Status::Corruption(
            fmt::format("the GTID dump began with a {} event, not the ROTATE naming its file",
                        binlog::EventTypeName(event.header.type)));
      }
      if (renumbered_) {
        state_ = State::kCheckGtid;
        return Verdict::kDrop;
      }
      auto rotate = binlog::DecodeRotateEvent(event);
      if (!rotate.ok()) return rotate.status();
      if (rotate->next_file != at_.file) return OnOtherFile(rotate->next_file);
      state_ = State::kSkipping;
      return Verdict::kDrop;
    }
    case State::kSkipping: {
      if (artificial_rotate) {
        auto rotate = binlog::DecodeRotateEvent(event);
        if (!rotate.ok()) return rotate.status();
        return OnOtherFile(rotate->next_file);
      }
      const uint64_t end = event.header.next_position;
      if (end == 0 || end <= at_.position) return Verdict::kDrop;
      const uint64_t start = end - event.header.event_size;
      if (start != at_.position) {
        return Status::Corruption(fmt::format(
            "the GTID dump resumes {} with an event at {}, but the store ends at {}: the "
            "primary's file differs from the stored one",
            at_.file, start, at_.position));
      }
      state_ = State::kCheckGtid;
      return CheckGtid(event);
    }
    case State::kCheckGtid:
      return CheckGtid(event);
    case State::kDone:
      break;
  }
  return Verdict::kAppend;
}

Result<GtidResume::Verdict> GtidResume::OnOtherFile(std::string_view file) {
  if (!file_closed_) {
    return Status::InvalidArgument(fmt::format(
        "the GTID dump starts in {}, but the store's {} is not complete (it ends at {} without "
        "its ROTATE); resuming by file and position instead",
        file, at_.file, at_.position));
  }
  state_ = State::kCheckGtid;
  return Verdict::kAppend;
}

Result<GtidResume::Verdict> GtidResume::CheckGtid(const binlog::EventView& event) {
  const auto type = EventType(event.header.type);
  binlog::NextCheck check = binlog::NextCheck::kNext;
  std::string gtid;
  if (type == EventType::kMariadbGtid) {
    auto decoded = binlog::DecodeMariadbGtidEvent(event);
    if (!decoded.ok()) return decoded.status();
    const auto* position = std::get_if<binlog::MariadbGtidPosition>(&seen_);
    if (position) check = position->CheckNext(decoded->gtid);
    gtid = decoded->gtid.ToString();
  } else if (type == EventType::kGtid || type == EventType::kGtidTagged) {
    auto decoded = binlog::DecodeMysqlGtidEvent(event);
    if (!decoded.ok()) return decoded.status();
    const auto* set = std::get_if<binlog::MysqlGtidSet>(&seen_);
    if (set) check = set->CheckNext(decoded->gtid);
    gtid = decoded->gtid.ToString();
  } else if (type != EventType::kAnonymousGtid) {
    return Verdict::kAppend;  // FDE, GTID_LIST, ... before the first transaction
  }
  if (check != binlog::NextCheck::kNext) {
    return Status::Corruption(fmt::format(
        "the GTID dump resumed after {} with GTID {}, which is a {}: not the next transaction; "
        "not stored",
        at_.gtid_state.empty() ? std::string("an empty GTID state") : at_.gtid_state, gtid,
        binlog::NextCheckName(check)));
  }
  state_ = State::kDone;
  return Verdict::kAppend;
}

}  // namespace sidecar::upstream
