// The bytes of an HTTP/1.1 answer, and the answers the server gives before a
// request reaches the router (408, 414, 431, ...). Every answer closes the
// connection ("Connection: close"), carries Content-Length and
// "Cache-Control: no-store"; a HEAD answer has GET's headers and no body.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "http/router.h"

namespace sidecar::http {

// "Not Found" for 404; "Unknown" for a status this server never sends.
std::string_view ReasonPhrase(int status);

// A text/plain answer whose body is `message` and a newline.
HttpAnswer TextAnswer(int status, std::string_view message);

// Status line, headers, and the body unless `head_request`.
std::string SerializeResponse(const HttpAnswer& answer, bool head_request);

}  // namespace sidecar::http
