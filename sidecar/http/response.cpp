#include "http/response.h"

#include <fmt/format.h>

namespace sidecar::http {

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

HttpAnswer TextAnswer(int status, std::string_view message) {
  return {status, "text/plain; charset=utf-8", fmt::format("{}\n", message), false};
}

std::string SerializeResponse(const HttpAnswer& answer, bool head_request) {
  std::string out = fmt::format(
      "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\n"
      "Connection: close\r\nServer: binlog-sidecar\r\n{}\r\n",
      answer.status, ReasonPhrase(answer.status), answer.content_type, answer.body.size(),
      answer.allow_header ? "Allow: GET, HEAD\r\n" : "");
  if (!head_request) out += answer.body;
  return out;
}

}  // namespace sidecar::http
