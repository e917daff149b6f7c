#include "fake_primary.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <optional>

#include "protocol/connection.h"
#include "protocol/constants.h"
#include "protocol/generic_packets.h"
#include "protocol/result_set.h"
#include "protocol/server_handshake.h"

namespace sidecar::testing {
namespace {

constexpr uint8_t kSemiSyncIndicator = 0xEF;

uint64_t Le64(Bytes b) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = v << 8 | b[size_t(i)];
  return v;
}

}  // namespace

Status FakeDump::SendEvent(Bytes event, bool ask_ack) {
  packet_.assign({0x00});
  if (semi_sync_) {
    packet_.push_back(kSemiSyncIndicator);
    packet_.push_back(ask_ack ? 1 : 0);
  }
  packet_.insert(packet_.end(), event.begin(), event.end());
  if (Status s = codec_.WritePacket(packet_); !s.ok()) return s;
  if (!semi_sync_ || !ask_ack) return Status::Ok();
  auto acked = ReadAck();
  return acked.ok() ? Status::Ok() : acked.status();
}

Status FakeDump::SendEventAckLater(Bytes event) {
  packet_.assign({0x00, kSemiSyncIndicator, 1});
  packet_.insert(packet_.end(), event.begin(), event.end());
  if (Status s = codec_.WritePacket(packet_); !s.ok()) return s;
  codec_.set_sequence(1);  // the ids restart after an ACK request, as if the ACK was read
  return Status::Ok();
}

Result<uint64_t> FakeDump::ReadAck() {
  auto ack = codec_.ReadPacket();
  if (!ack.ok()) return ack.status();
  if (ack->size() < 9 || (*ack)[0] != kSemiSyncIndicator) {
    return Status::Corruption("the replica answered an ACK request with something else");
  }
  const uint64_t position = Le64(ack->subspan(1, 8));
  if (on_ack_) on_ack_(std::string(protocol::AsStringView(ack->subspan(9))), position);
  return position;
}

void FakeDump::Cork(bool on) {
  const int value = on ? 1 : 0;
  ::setsockopt(codec_.connection().fd(), IPPROTO_TCP, TCP_CORK, &value, sizeof value);
}

Status FakeDump::SendPayload(Bytes payload) { return codec_.WritePacket(payload); }

void FakeDump::AwaitClose() {
  while (codec_.ReadPacket().ok()) {
  }
}

FakePrimary::FakePrimary(FakePrimaryOptions options, DumpScript script)
    : options_(std::move(options)), script_(std::move(script)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      ::listen(listen_fd_, 8) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ADD_FAILURE() << "the fake primary cannot listen on 127.0.0.1";
    return;
  }
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { Serve(); });
}

FakePrimary::~FakePrimary() { Stop(); }

void FakePrimary::Stop() {
  stop_ = true;
  {
    std::lock_guard lock(mu_);
    if (live_fd_ >= 0) ::shutdown(live_fd_, SHUT_RDWR);
  }
  if (thread_.joinable()) thread_.join();
  if (listen_fd_ >= 0) ::close(listen_fd_);
  listen_fd_ = -1;
}

std::vector<Status> FakePrimary::script_results() const {
  std::lock_guard lock(mu_);
  return results_;
}

void FakePrimary::Serve() {
  for (int connection = 1; !stop_;) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    ServeConnection(fd, connection++);
  }
}

void FakePrimary::ServeConnection(int fd, int connection) {
  {
    std::lock_guard lock(mu_);
    if (stop_) {
      ::close(fd);
      return;
    }
    live_fd_ = fd;
  }
  auto conn = std::make_unique<protocol::SocketConnection>(fd, "fake-primary:replica");
  (void)conn->SetTimeouts(std::chrono::seconds(20), std::chrono::seconds(20));
  {
    protocol::PacketCodec codec(std::move(conn));
    protocol::ServerAuthConfig config;
    config.server_version = "5.5.5-10.11.19-MariaDB-fake-primary";
    config.password_of = [this](std::string_view user) -> std::optional<std::string> {
      if (user == options_.user) return options_.password;
      return std::nullopt;
    };
    auto accepted = protocol::AcceptClient(codec, config, uint32_t(connection));
    if (accepted.ok()) (void)Converse(codec, accepted->capabilities, connection);
    std::lock_guard lock(mu_);
    live_fd_ = -1;
  }
}

Status FakePrimary::Converse(protocol::PacketCodec& codec, uint64_t capabilities,
                             int connection) {
  using namespace protocol;
  std::string connect_state;
  for (;;) {
    codec.ResetSequence();
    auto p = codec.ReadPacket();
    if (!p.ok()) return p.status();
    if (p->empty() || (*p)[0] == kComQuit) return Status::Ok();
    const uint8_t command = (*p)[0];
    Status s;
    if (command == kComQuery) {
      const std::string_view sql = AsStringView(p->subspan(1));
      constexpr std::string_view kConnectState = "SET @slave_connect_state='";
      if (sql.starts_with(kConnectState) && sql.ends_with("'")) {
        connect_state = sql.substr(kConnectState.size(), sql.size() - kConnectState.size() - 1);
      }
      s = AnswerQuery(codec, capabilities, AsStringView(p->subspan(1)));
    } else if (command == kComRegisterSlave) {
      s = SendOk(codec, OkPacket{}, capabilities);
    } else if (command == kComBinlogDump && p->size() >= 11) {
      const Bytes body = p->subspan(1);
      const uint32_t position = body[0] | body[1] << 8 | body[2] << 16 | uint32_t(body[3]) << 24;
      FakeDump dump(codec, connection, std::string(protocol::AsStringView(body.subspan(10))), position,
                    options_.on_ack, options_.semi_sync);
      dump.set_connect_state(connect_state);
      codec.set_check_sequence(false);  // the ACKs come with id 0
      ++dumps_;
      Status result = script_(dump);
      std::lock_guard lock(mu_);
      results_.push_back(result);
      return result;
    } else {
      s = SendErr(codec, {1064, "42000", "the fake primary does not know this command"},
                  capabilities);
    }
    if (!s.ok()) return s;
  }
}

Status FakePrimary::AnswerQuery(protocol::PacketCodec& codec, uint64_t capabilities,
                                std::string_view sql) {
  using protocol::ResultSet;
  if (sql.starts_with("SET ")) return protocol::SendOk(codec, {}, capabilities);
  ResultSet rs;
  if (sql == "SHOW VARIABLES LIKE 'SERVER_ID'") {
    rs = ResultSet::WithColumns({"Variable_name", "Value"});
    rs.rows.push_back({"server_id", std::to_string(options_.server_id)});
  } else if (sql == "SHOW VARIABLES LIKE 'rpl_semi_sync_master_enabled'") {
    rs = ResultSet::WithColumns({"Variable_name", "Value"});
    rs.rows.push_back({"rpl_semi_sync_master_enabled", options_.semi_sync ? "ON" : "OFF"});
  } else if (sql == "SELECT @master_binlog_checksum") {
    rs = ResultSet::WithColumns({"@master_binlog_checksum"});
    rs.rows.push_back({"CRC32"});
  } else if (sql == "SHOW BINARY LOGS") {
    rs = ResultSet::WithColumns({"Log_name", "File_size"});
    for (const auto& name : options_.binary_logs) rs.rows.push_back({name, "0"});
  } else {
    return protocol::SendErr(
        codec, {1064, "42000", fmt::format("the fake primary does not answer '{}'", sql)},
        capabilities);
  }
  return protocol::WriteResultSet(codec, rs, capabilities);
}

}  // namespace sidecar::testing
