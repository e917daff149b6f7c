// Connection: the byte transport under the packet codec — a connected socket, a TLS session
// over one, or (in tests) an in-memory pipe.
//
// Contract: ReadSome returns at least one byte or an error (IOError naming the peer: closed,
// timed out, or the errno); WriteAll writes everything or fails. Errors are final: after one,
// the connection is unusable. Not thread-safe: one reader and one writer at a time, and the
// same thread for both unless the implementation says otherwise (SocketConnection allows one
// reading thread and one writing thread at once, which semi-sync ACKs need).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/byte_reader.h"
#include "base/status.h"

namespace sidecar::protocol {

class Connection {
 public:
  virtual ~Connection() = default;

  // Reads 1..max bytes into buf; returns how many.
  virtual Result<size_t> ReadSome(uint8_t* buf, size_t max) = 0;
  virtual Status WriteAll(Bytes data) = 0;
  // "host:port" or the socket path, for messages.
  virtual const std::string& peer() const = 0;
  // The socket descriptor, or -1 when there is none (in-memory pipes).
  virtual int fd() const { return -1; }

  // Reads exactly n bytes (fails if the peer closes first).
  Status ReadExact(uint8_t* buf, size_t n);
};

// A connected stream socket (TCP or Unix), owned: closed by the destructor.
class SocketConnection : public Connection {
 public:
  SocketConnection(int fd, std::string peer);
  ~SocketConnection() override;
  SocketConnection(const SocketConnection&) = delete;
  SocketConnection& operator=(const SocketConnection&) = delete;

  Result<size_t> ReadSome(uint8_t* buf, size_t max) override;
  Status WriteAll(Bytes data) override;
  const std::string& peer() const override { return peer_; }
  int fd() const override { return fd_; }

  // A read (write) that waits longer than this fails with "timed out"; zero: wait forever.
  // Applies to TLS on top too (kernel socket timeouts).
  Status SetTimeouts(std::chrono::milliseconds read, std::chrono::milliseconds write);
  // Ends both directions (unblocks a reader in another thread); the fd stays open.
  void Shutdown();

 private:
  int fd_;
  std::string peer_;
  std::chrono::milliseconds read_timeout_{0};
  std::chrono::milliseconds write_timeout_{0};
};

// Connects to host:port over TCP (every address the name resolves to, in order), waiting at
// most `timeout` in total. Errors name host:port: "connection to 10.0.0.5:3306 refused",
// "... timed out after 5000 ms", "cannot resolve host 'x'".
Result<std::unique_ptr<SocketConnection>> ConnectTcp(const std::string& host, uint16_t port,
                                                     std::chrono::milliseconds timeout);
// Connects to a Unix socket path.
Result<std::unique_ptr<SocketConnection>> ConnectUnix(const std::string& path,
                                                      std::chrono::milliseconds timeout);

}  // namespace sidecar::protocol
