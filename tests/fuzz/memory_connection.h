// MemoryConnection: a protocol::Connection over an in-memory input, at most `max_read` bytes
// per ReadSome (to exercise partial reads); failing like a closed socket at the end of the
// input. Appends what is written to `*written`. For the protocol fuzz targets; not thread-safe.
#pragma once

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "protocol/connection.h"

namespace sidecar::fuzz {

class MemoryConnection : public protocol::Connection {
 public:
  MemoryConnection(Bytes input, size_t max_read, std::vector<uint8_t>* written)
      : input_(input), max_read_(max_read), written_(written) {}

  Result<size_t> ReadSome(uint8_t* buf, size_t max) override {
    if (input_.empty()) return Status::IOError("connection closed by " + peer_);
    const size_t n = std::min({max, max_read_, input_.size()});
    std::memcpy(buf, input_.data(), n);
    input_ = input_.subspan(n);
    return n;
  }
  Status WriteAll(Bytes data) override {
    written_->insert(written_->end(), data.begin(), data.end());
    return Status::Ok();
  }
  const std::string& peer() const override { return peer_; }

 private:
  Bytes input_;
  size_t max_read_;
  std::vector<uint8_t>* written_;
  std::string peer_ = "fuzz";
};

}  // namespace sidecar::fuzz
