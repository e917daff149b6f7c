// Test support for the puller: FakePrimary, an in-process MariaDB primary on
// 127.0.0.1 (an ephemeral port), built from the protocol's server side.
//
// Each connection: the handshake (mysql_native_password, options.user /
// options.password), then the replica conversation's statements answered as
// a MariaDB 10.11 primary answers them (SHOW VARIABLES LIKE 'SERVER_ID' and
// 'rpl_semi_sync_master_enabled', SELECT @master_binlog_checksum = CRC32,
// every SET is OK, SHOW BINARY LOGS from options.binary_logs), OK to
// COM_REGISTER_SLAVE, and on COM_BINLOG_DUMP the test's DumpScript, which
// sends what the test wants: good events, damaged ones, an ERR, ids that
// jump. When the script returns, the connection is closed. Anything else is
// an ERR 1064.
//
// Semi-sync as MariaDB does it: an event sent with an ACK request is followed
// by reading the replica's ACK (0xEF, position, file), which is reported to
// options.on_ack, and the packet ids restart (the next packet is id 1).
//
// Connections are served one after another on the server's own thread.
// Thread-safety: the public methods may be called from any thread; the
// script and on_ack run on the server's thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/byte_reader.h"
#include "base/status.h"
#include "protocol/packet_codec.h"

namespace sidecar::testing {

// One dump as the script sees it: what the replica asked for, and the means
// to answer.
class FakeDump {
 public:
  FakeDump(protocol::PacketCodec& codec, int connection, std::string file, uint32_t position,
           const std::function<void(const std::string&, uint64_t)>& on_ack, bool semi_sync)
      : codec_(codec),
        connection_(connection),
        file_(std::move(file)),
        position_(position),
        on_ack_(on_ack),
        semi_sync_(semi_sync) {}

  int connection() const { return connection_; }  // 1 for the first
  const std::string& file() const { return file_; }
  uint32_t position() const { return position_; }
  // The GTID position the replica set (@slave_connect_state), "" if none.
  const std::string& connect_state() const { return connect_state_; }
  void set_connect_state(std::string state) { connect_state_ = std::move(state); }

  // 0x00 [0xEF ack] event; with `ask_ack` (semi-sync only), then waits for
  // the replica's ACK and reports it.
  Status SendEvent(Bytes event, bool ask_ack = false);
  // As a MariaDB primary's dump thread does under load: the event asks for
  // an ACK, but the next ones follow without waiting for it (ReadAck).
  Status SendEventAckLater(Bytes event);
  // Waits for the replica's next ACK and reports it; the position it names.
  Result<uint64_t> ReadAck();
  // While corked, what is sent is held back and leaves in full segments
  // (TCP_CORK): the replica receives a burst at once.
  void Cork(bool on);
  // Any payload (an ERR, garbage) with the next id.
  Status SendPayload(Bytes payload);
  // Bytes straight onto the socket, no framing (a lying packet header).
  Status SendRaw(Bytes bytes) { return codec_.connection().WriteAll(bytes); }
  // The next packet's id is `n` higher than it should be.
  void SkipIds(int n) { codec_.set_sequence(uint8_t(codec_.sequence() + n)); }
  // Blocks until the replica closes the connection (or the server stops).
  void AwaitClose();

 private:
  protocol::PacketCodec& codec_;
  const int connection_;
  const std::string file_;
  const uint32_t position_;
  const std::function<void(const std::string&, uint64_t)>& on_ack_;
  const bool semi_sync_;
  std::string connect_state_;
  std::vector<uint8_t> packet_;
};

using DumpScript = std::function<Status(FakeDump&)>;

struct FakePrimaryOptions {
  uint32_t server_id = 1;
  bool semi_sync = false;  // rpl_semi_sync_master_enabled
  std::string user = "repl";
  std::string password = "secret";
  std::vector<std::string> binary_logs = {"mysql-bin.000001"};
  // Called on the server's thread with each ACK's file and position.
  std::function<void(const std::string&, uint64_t)> on_ack;
};

class FakePrimary {
 public:
  FakePrimary(FakePrimaryOptions options, DumpScript script);
  FakePrimary(const FakePrimary&) = delete;
  FakePrimary& operator=(const FakePrimary&) = delete;
  ~FakePrimary();  // Stop()

  uint16_t port() const { return port_; }
  // Closes the listener and the live connection; joins.
  void Stop();
  // Dumps started so far.
  int dumps() const { return dumps_.load(); }
  // What the scripts returned, in order (OK or the error that ended them).
  std::vector<Status> script_results() const;

 private:
  void Serve();
  void ServeConnection(int fd, int connection);
  Status Converse(protocol::PacketCodec& codec, uint64_t capabilities, int connection);
  Status AnswerQuery(protocol::PacketCodec& codec, uint64_t capabilities, std::string_view sql);

  const FakePrimaryOptions options_;
  const DumpScript script_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> dumps_{0};
  mutable std::mutex mu_;
  int live_fd_ = -1;             // GUARDED_BY(mu_)
  std::vector<Status> results_;  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace sidecar::testing
