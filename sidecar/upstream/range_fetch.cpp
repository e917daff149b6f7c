#include "upstream/range_fetch.h"

#include <fmt/format.h>

#include "binlog/event_type.h"
#include "protocol/constants.h"
#include "upstream/binlog_stream.h"
#include "upstream/replication_commands.h"

namespace sidecar::upstream {
namespace {

// Events a dump sends that are not bytes of the file at the dump's position.
bool IsOutsideTheFile(const binlog::EventView& event) {
  const auto type = binlog::EventType(event.header.type);
  return type == binlog::EventType::kHeartbeat || type == binlog::EventType::kHeartbeatV2 ||
         (event.header.flags & binlog::kFlagArtificial) != 0 || event.header.next_position == 0;
}

}  // namespace

Result<std::vector<uint8_t>> FetchFileRange(const protocol::ClientOptions& client,
                                            const ConversationOptions& conversation,
                                            const std::string& file, uint64_t from, uint64_t to) {
  if (from < 4 || from >= to || to > UINT32_MAX) {
    return Status::InvalidArgument(
        fmt::format("cannot fetch {} [{}, {}): not a range a dump can start", file, from, to));
  }
  auto session = protocol::ClientSession::Connect(client);
  if (!session.ok()) return session.status();
  ConversationOptions options = conversation;
  options.semi_sync = false;
  auto primary = SetUpReplicaSession(**session, options);
  if (!primary.ok()) return primary.status();

  protocol::Buffer dump;
  const uint16_t flags = kDumpNonBlock | (primary->flavor == binlog::Flavor::kMariadb
                                              ? kDumpSendAnnotateRows
                                              : uint16_t(0));
  BuildBinlogDump(dump, /*server_id=*/0, file, uint32_t(from), flags);
  if (Status s = (*session)->SendCommand(dump[0], Bytes(dump).subspan(1)); !s.ok()) return s;
  (*session)->codec().set_check_sequence(false);

  const std::string peer = (*session)->peer();
  BinlogStream stream(peer, (*session)->capabilities(), primary->checksum, false);
  std::vector<uint8_t> bytes;
  bytes.reserve(to - from);
  uint64_t position = from;
  while (position < to) {
    auto payload = (*session)->ReadPacket();
    if (!payload.ok()) return payload.status();
    if (Status s = stream.CheckSequence((*session)->codec().sequence(), payload->size()); !s.ok()) {
      return s;
    }
    auto packet = stream.Decode(*payload);
    if (!packet.ok()) return packet.status();
    if (packet->kind == StreamPacket::Kind::kEnd) {
      return Status::NotFound(fmt::format("{} sent {} only up to {}, not up to {}", peer, file,
                                          position, to));
    }
    const binlog::EventView& event = packet->event;
    if (IsOutsideTheFile(event)) {
      // The dump's first event, an artificial ROTATE, names the file it reads.
      if (binlog::EventType(event.header.type) == binlog::EventType::kRotate &&
          stream.file() != file) {
        return Status::NotFound(
            fmt::format("{} answered a dump of {} with file {}", peer, file, stream.file()));
      }
      continue;
    }
    const uint64_t end = position + event.bytes.size();
    if (event.header.next_position != end || end > to) {
      return Status::Corruption(fmt::format(
          "{} sent an event of {} bytes ending at {} where {} continues at {} (up to {})", peer,
          event.bytes.size(), event.header.next_position, file, position, to));
    }
    bytes.insert(bytes.end(), event.bytes.begin(), event.bytes.end());
    position = end;
  }
  (*session)->Quit();
  return bytes;
}

}  // namespace sidecar::upstream
