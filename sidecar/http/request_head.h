// RequestHeadReader: reads an HTTP/1.x request head (request line and header
// fields) from bytes as they arrive, within fixed limits, and says either
// what was asked or which 4xx/5xx the request gets. No socket: the server
// (http_server.h) feeds it what it receives; unit-tested on its own.
//
// Limits and answers (the first one broken decides):
//   request line longer than kMaxRequestLine (before its CRLF)    414
//   head longer than kMaxHeadBytes, or more than kMaxHeaderFields  431
//   a malformed request line or header line, a bad Content-Length  400
//   a version other than HTTP/1.0 or HTTP/1.1                      505
//   any Transfer-Encoding (bodies are never needed here)           501
// A bare LF ends a line too (RFC 9112 §2.2); obsolete line folding is 400.
// The method and target are copied out of the head as they are (the router
// decides 404/405/501 from them).
//
// Thread-safety: none (one per connection, used by one thread).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sidecar::http {

inline constexpr size_t kMaxRequestLine = 4096;
inline constexpr size_t kMaxHeadBytes = 8192;
inline constexpr size_t kMaxHeaderFields = 64;

struct RequestHead {
  std::string method;
  std::string target;
  int64_t content_length = -1;  // -1: none
};

class RequestHeadReader {
 public:
  enum class State { kNeedMore, kDone, kRefused };

  // Takes the next bytes received. After kDone, `rest` says how many of
  // `data` follow the head (the body's first bytes); nothing more is taken.
  State Feed(std::string_view data, size_t* rest);

  State state() const { return state_; }
  // kDone: the request.
  const RequestHead& head() const { return head_; }
  // kRefused: the status to answer and why (one sentence for the body).
  int refusal_status() const { return refusal_status_; }
  const std::string& refusal() const { return refusal_; }

 private:
  State Refuse(int status, std::string why);
  State Parse();
  bool ParseRequestLine(std::string_view line);
  bool ParseField(std::string_view line);

  State state_ = State::kNeedMore;
  std::string buffer_;     // the head so far (at most kMaxHeadBytes)
  size_t line_start_ = 0;  // where the line being received starts in buffer_
  bool request_line_ended_ = false;
  RequestHead head_;
  int refusal_status_ = 0;
  std::string refusal_;
};

}  // namespace sidecar::http
