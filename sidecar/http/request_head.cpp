#include "http/request_head.h"

#include <fmt/format.h>

#include <cctype>
#include <utility>

#include "base/ascii.h"

namespace sidecar::http {
namespace {

// RFC 9110 §5.6.2 token characters.
bool IsTokenChar(char c) {
  if (std::isalnum(static_cast<unsigned char>(c))) return true;
  constexpr std::string_view kSpecials = "!#$%&'*+-.^_`|~";
  return kSpecials.find(c) != std::string_view::npos;
}

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

bool IsVisible(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;
  }
  return true;
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The line ending at `end` (the '\n'), without its CR.
std::string_view LineBefore(std::string_view buffer, size_t start, size_t end) {
  std::string_view line = buffer.substr(start, end - start);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

}  // namespace

RequestHeadReader::State RequestHeadReader::Refuse(int status, std::string why) {
  state_ = State::kRefused;
  refusal_status_ = status;
  refusal_ = std::move(why);
  return state_;
}

RequestHeadReader::State RequestHeadReader::Feed(std::string_view data, size_t* rest) {
  *rest = 0;
  if (state_ != State::kNeedMore) {
    *rest = data.size();
    return state_;
  }
  for (size_t i = 0; i < data.size(); ++i) {
    if (buffer_.size() >= kMaxHeadBytes) {
      return Refuse(431, fmt::format("the request head is longer than {} bytes", kMaxHeadBytes));
    }
    const char c = data[i];
    buffer_.push_back(c);
    if (c != '\n') {
      if (!request_line_ended_ && buffer_.size() > kMaxRequestLine) {
        return Refuse(414,
                      fmt::format("the request line is longer than {} bytes", kMaxRequestLine));
      }
      continue;
    }
    // A line ended; an empty one (not the request line) ends the head.
    const bool empty = LineBefore(buffer_, line_start_, buffer_.size() - 1).empty();
    line_start_ = buffer_.size();
    if (request_line_ended_ && empty) {
      *rest = data.size() - i - 1;
      return Parse();
    }
    request_line_ended_ = true;
  }
  return state_;
}

RequestHeadReader::State RequestHeadReader::Parse() {
  std::string_view all(buffer_);
  size_t start = 0;
  size_t fields = 0;
  bool first = true;
  while (start < all.size()) {
    const size_t end = all.find('\n', start);
    const std::string_view line = LineBefore(all, start, end);
    start = end + 1;
    if (first) {
      first = false;
      if (!ParseRequestLine(line)) return state_;
      continue;
    }
    if (line.empty()) break;
    if (++fields > kMaxHeaderFields) {
      return Refuse(431,
                    fmt::format("the request has more than {} header fields", kMaxHeaderFields));
    }
    if (!ParseField(line)) return state_;
  }
  state_ = State::kDone;
  return state_;
}

bool RequestHeadReader::ParseRequestLine(std::string_view line) {
  const size_t sp1 = line.find(' ');
  const size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
    Refuse(400, "malformed request line (expected: METHOD TARGET HTTP/1.1)");
    return false;
  }
  const std::string_view method = line.substr(0, sp1);
  const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  if (!IsToken(method)) {
    Refuse(400, "malformed request method");
    return false;
  }
  if (target.empty() || !IsVisible(target)) {
    Refuse(400, "malformed request target");
    return false;
  }
  if (version != "HTTP/1.1" && version != "HTTP/1.0") {
    const bool http = version.size() == 8 && version.substr(0, 5) == "HTTP/" &&
                      std::isdigit(static_cast<unsigned char>(version[5])) && version[6] == '.' &&
                      std::isdigit(static_cast<unsigned char>(version[7]));
    if (http) {
      Refuse(505, "this server speaks HTTP/1.0 and HTTP/1.1 only");
    } else {
      Refuse(400, "malformed HTTP version in the request line");
    }
    return false;
  }
  head_.method = std::string(method);
  head_.target = std::string(target);
  return true;
}

bool RequestHeadReader::ParseField(std::string_view line) {
  if (line.front() == ' ' || line.front() == '\t') {
    Refuse(400, "obsolete header line folding is not accepted");
    return false;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos || !IsToken(line.substr(0, colon))) {
    Refuse(400, "malformed header field");
    return false;
  }
  const std::string_view name = line.substr(0, colon);
  const std::string_view value = TrimSpaces(line.substr(colon + 1));
  if (EqualsIgnoringCase(name, "Transfer-Encoding")) {
    Refuse(501, "Transfer-Encoding is not supported (this server takes no request body)");
    return false;
  }
  if (EqualsIgnoringCase(name, "Content-Length")) {
    if (value.empty() || value.size() > 18) {
      Refuse(400, "malformed Content-Length");
      return false;
    }
    int64_t length = 0;
    for (char c : value) {
      if (!std::isdigit(static_cast<unsigned char>(c))) {
        Refuse(400, "malformed Content-Length");
        return false;
      }
      length = length * 10 + (c - '0');
    }
    if (head_.content_length >= 0 && head_.content_length != length) {
      Refuse(400, "conflicting Content-Length fields");
      return false;
    }
    head_.content_length = length;
  }
  return true;
}

}  // namespace sidecar::http
