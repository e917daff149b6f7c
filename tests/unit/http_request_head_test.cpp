// RequestHeadReader (http/request_head.h): a head read whole or byte by byte,
// the body's first bytes left over, and each refusal with its status: 414
// long request line, 431 long head or too many fields, 400 malformed lines
// and Content-Length, 505 other versions, 501 Transfer-Encoding.
#include <gtest/gtest.h>

#include <string>

#include "http/request_head.h"

namespace sidecar::http {
namespace {

using State = RequestHeadReader::State;

// Feeds `text` in pieces of `step` bytes; the state after the last piece fed.
State FeedAll(RequestHeadReader& reader, std::string_view text, size_t step, size_t* rest) {
  State state = State::kNeedMore;
  for (size_t at = 0; at < text.size() && state == State::kNeedMore; at += step) {
    state = reader.Feed(text.substr(at, step), rest);
  }
  return state;
}

TEST(RequestHeadReaderTest, ReadsAHeadWholeOrByteByByte) {
  const std::string head = "GET /health?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc";
  for (size_t step : {head.size(), size_t(1), size_t(7)}) {
    RequestHeadReader reader;
    size_t rest = 0;
    ASSERT_EQ(FeedAll(reader, head, step, &rest), State::kDone) << step;
    EXPECT_EQ(reader.head().method, "GET");
    EXPECT_EQ(reader.head().target, "/health?x=1");
    EXPECT_EQ(reader.head().content_length, 3);
    if (step == head.size()) {
      EXPECT_EQ(rest, 3u);  // "abc" follows the head
    }
  }
}

TEST(RequestHeadReaderTest, BareLineFeedsAndHttp10) {
  RequestHeadReader reader;
  size_t rest = 0;
  ASSERT_EQ(reader.Feed("HEAD /status HTTP/1.0\nX-A: b\n\n", &rest), State::kDone);
  EXPECT_EQ(reader.head().method, "HEAD");
  EXPECT_EQ(reader.head().content_length, -1);
  EXPECT_EQ(rest, 0u);
}

TEST(RequestHeadReaderTest, AnIncompleteHeadNeedsMore) {
  RequestHeadReader reader;
  size_t rest = 0;
  EXPECT_EQ(reader.Feed("GET /health HTTP/1.1\r\nX-Slow: a", &rest), State::kNeedMore);
  EXPECT_EQ(reader.Feed("aaa\r\n", &rest), State::kNeedMore);
}

int RefusalOf(std::string_view text) {
  RequestHeadReader reader;
  size_t rest = 0;
  const State state = FeedAll(reader, text, 1024, &rest);
  EXPECT_EQ(state, State::kRefused) << text.substr(0, 80);
  EXPECT_FALSE(reader.refusal().empty());
  return reader.refusal_status();
}

TEST(RequestHeadReaderTest, OversizedHeadsAre431AndLongRequestLines414) {
  EXPECT_EQ(RefusalOf("GET /health HTTP/1.1\r\nX-Big: " + std::string(20480, 'b') + "\r\n\r\n"),
            431);
  std::string fields;
  for (int i = 0; i < 200; ++i) fields += "X-F" + std::to_string(i) + ": v\r\n";
  EXPECT_EQ(RefusalOf("GET /health HTTP/1.1\r\n" + fields + "\r\n"), 431);
  EXPECT_EQ(RefusalOf("GET /" + std::string(5000, 'a') + " HTTP/1.1\r\n\r\n"), 414);
}

TEST(RequestHeadReaderTest, MalformedHeadsAre400) {
  EXPECT_EQ(RefusalOf("GET /health\r\n\r\n"), 400);
  EXPECT_EQ(RefusalOf("GET  /health HTTP/1.1\r\n\r\n"), 400);
  EXPECT_EQ(RefusalOf("G(T /health HTTP/1.1\r\n\r\n"), 400);
  EXPECT_EQ(RefusalOf("GET /health HTTP/1.1\r\nno colon\r\n\r\n"), 400);
  EXPECT_EQ(RefusalOf("GET /health HTTP/1.1\r\nX-A: b\r\n folded\r\n\r\n"), 400);
  EXPECT_EQ(RefusalOf("GET /health HTTP/1.1\r\nContent-Length: -1\r\n\r\n"), 400);
  EXPECT_EQ(RefusalOf("GET /health HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"),
            400);
  EXPECT_EQ(RefusalOf("GET /health HTTX/1.1\r\n\r\n"), 400);
  EXPECT_EQ(RefusalOf("\r\n\r\n"), 400);
}

TEST(RequestHeadReaderTest, OtherVersionsAre505AndTransferEncoding501) {
  EXPECT_EQ(RefusalOf("GET /health HTTP/2.0\r\n\r\n"), 505);
  EXPECT_EQ(RefusalOf("POST /health HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"), 501);
}

}  // namespace
}  // namespace sidecar::http
