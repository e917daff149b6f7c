// HttpServer over real loopback sockets: answers (GET, HEAD), refusals before
// the router (431, 414, 501, 413), and slow clients: more of them than there
// are workers, each trickling its head, never keep /health from answering,
// and each gets 408 once its request_timeout passes, however steadily it
// trickles.
#include "http/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "status_snapshot_fixture.h"

namespace sidecar::http {
namespace {

using namespace std::chrono_literals;

// A blocking loopback client; every receive gives up after 10 s.
class Client {
 public:
  explicit Client(uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval timeout{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~Client() { ::close(fd_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return connected_; }
  bool Send(std::string_view bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == ssize_t(bytes.size());
  }
  // Everything until the server closes (or 10 s of silence).
  std::string ReadAll() {
    std::string all;
    char buffer[4096];
    for (;;) {
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) return all;
      all.append(buffer, size_t(n));
    }
  }
  // Whether the server has answered or closed yet (without waiting).
  bool AnythingYet() {
    char byte;
    return ::recv(fd_, &byte, 1, MSG_PEEK | MSG_DONTWAIT) >= 0;
  }

 private:
  int fd_;
  bool connected_ = false;
};

std::string StatusLine(const std::string& answer) { return answer.substr(0, answer.find("\r\n")); }

class HttpServerTest : public ::testing::Test {
 protected:
  void StartServer(std::chrono::milliseconds request_timeout = 10s) {
    HttpServerOptions options;
    options.port = 0;
    options.threads = 2;
    options.request_timeout = request_timeout;
    auto server = HttpServer::Start(options, [] { return app::HealthySnapshot(); });
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
  }

  std::string Ask(std::string_view request) {
    Client client(server_->port());
    EXPECT_TRUE(client.connected());
    client.Send(request);
    return client.ReadAll();
  }

  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, AnswersGetAndHead) {
  StartServer();
  const std::string get = Ask("GET /health HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(StatusLine(get), "HTTP/1.1 200 OK");
  EXPECT_NE(get.find("Connection: close\r\n"), std::string::npos);
  EXPECT_NE(get.find("\"status\":\"ok\""), std::string::npos) << get;
  const std::string head = Ask("HEAD /health HTTP/1.0\r\n\r\n");
  EXPECT_EQ(StatusLine(head), "HTTP/1.1 200 OK");
  EXPECT_EQ(head.substr(head.size() - 4), "\r\n\r\n");  // no body
  EXPECT_EQ(StatusLine(Ask("GET /nope HTTP/1.1\r\n\r\n")), "HTTP/1.1 404 Not Found");
  const std::string post = Ask("POST /status HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi");
  EXPECT_EQ(StatusLine(post), "HTTP/1.1 405 Method Not Allowed");
  EXPECT_NE(post.find("Allow: GET, HEAD\r\n"), std::string::npos);
}

TEST_F(HttpServerTest, RefusesBadHeadsWithTheirStatus) {
  StartServer();
  EXPECT_EQ(
      StatusLine(Ask("GET /health HTTP/1.1\r\nX-Big: " + std::string(20480, 'b') + "\r\n\r\n")),
      "HTTP/1.1 431 Request Header Fields Too Large");
  EXPECT_EQ(StatusLine(Ask("GET /" + std::string(5000, 'a') + " HTTP/1.1\r\n\r\n")),
            "HTTP/1.1 414 URI Too Long");
  EXPECT_EQ(StatusLine(Ask("BREW /health HTTP/1.1\r\n\r\n")), "HTTP/1.1 501 Not Implemented");
  EXPECT_EQ(StatusLine(Ask("GET /health HTTP/1.1\r\nContent-Length: 4096\r\n\r\n" +
                           std::string(4096, 'x'))),
            "HTTP/1.1 413 Content Too Large");
  EXPECT_EQ(StatusLine(Ask("garbage\r\n\r\n")), "HTTP/1.1 400 Bad Request");
}

TEST_F(HttpServerTest, SlowClientsNeverHoldTheWorkersAndGet408AtTheDeadline) {
  StartServer(1500ms);
  // Twice as many slow clients as workers, each with half a head.
  std::vector<std::unique_ptr<Client>> slow;
  for (int i = 0; i < 4; ++i) {
    slow.push_back(std::make_unique<Client>(server_->port()));
    ASSERT_TRUE(slow.back()->Send("GET /health HTTP/1.1\r\nX-Slow: "));
  }
  // One more trickles a byte every 100 ms: steady progress does not extend its deadline.
  auto trickler = std::make_unique<Client>(server_->port());
  ASSERT_TRUE(trickler->Send("GET /health HTTP/1.1\r\nX-Slow: "));
  std::thread trickle([&] {
    for (int i = 0; i < 40 && trickler->Send("a"); ++i) std::this_thread::sleep_for(100ms);
  });

  // /health answers meanwhile, while every slow client is still connected and unanswered.
  EXPECT_EQ(StatusLine(Ask("GET /health HTTP/1.1\r\n\r\n")), "HTTP/1.1 200 OK");
  for (auto& client : slow) EXPECT_FALSE(client->AnythingYet());

  for (auto& client : slow) {
    EXPECT_EQ(StatusLine(client->ReadAll()), "HTTP/1.1 408 Request Timeout");
  }
  EXPECT_EQ(StatusLine(trickler->ReadAll()), "HTTP/1.1 408 Request Timeout");
  trickle.join();
  EXPECT_EQ(StatusLine(Ask("GET /health HTTP/1.1\r\n\r\n")), "HTTP/1.1 200 OK");
}

TEST_F(HttpServerTest, StopsWithClientsConnected) {
  StartServer();
  Client idle(server_->port());
  ASSERT_TRUE(idle.connected());
  ASSERT_TRUE(idle.Send("GET /health HTTP/1.1\r\n"));
  server_->Stop();
  EXPECT_EQ(idle.ReadAll(), "");
}

}  // namespace
}  // namespace sidecar::http
