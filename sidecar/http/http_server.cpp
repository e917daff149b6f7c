#include "http/http_server.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "http/request_head.h"
#include "http/response.h"

namespace sidecar::http {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kListenBacklog = 64;
constexpr size_t kReadChunk = 4096;

// A complete request, for a worker.
struct Job {
  uint64_t connection = 0;
  RequestHead head;
};

// A worker's answer, for the I/O thread.
struct Done {
  uint64_t connection = 0;
  std::string bytes;
};

// One client, owned by the I/O thread.
struct Connection {
  enum class Phase {
    kReading,   // the head, then the body (deadline: the whole request)
    kRouting,   // a worker builds the answer (not polled)
    kWriting,   // the answer (deadline: io_timeout)
    kDraining,  // answer sent and write side shut: drop what arrives (deadline: io_timeout)
  };
  int fd = -1;
  Phase phase = Phase::kReading;
  Clock::time_point deadline;
  RequestHeadReader reader;
  int64_t body_left = 0;
  std::string out;
  size_t sent = 0;
};

void CloseFd(int fd) {
  if (fd >= 0) ::close(fd);
}

}  // namespace

struct HttpServer::Shared {
  HttpServerOptions options;
  SnapshotSource snapshot;
  int listen_fd = -1;
  int wake_fd = -1;  // eventfd: a worker finished, or Stop

  std::mutex mu;
  std::condition_variable work_cv;
  bool stop = false;      // GUARDED_BY(mu)
  std::deque<Job> jobs;   // GUARDED_BY(mu)
  std::deque<Done> done;  // GUARDED_BY(mu)

  std::thread io;
  std::vector<std::thread> workers;

  // The I/O thread's own.
  std::unordered_map<uint64_t, Connection> connections;
  uint64_t next_id = 1;

  ~Shared() {
    for (auto& [id, c] : connections) CloseFd(c.fd);
    CloseFd(listen_fd);
    CloseFd(wake_fd);
  }

  void Wake() const {
    const uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(wake_fd, &one, sizeof one);
  }

  void Work() {
    std::unique_lock lock(mu);
    for (;;) {
      work_cv.wait(lock, [this] { return stop || !jobs.empty(); });
      if (stop) return;
      Job job = std::move(jobs.front());
      jobs.pop_front();
      lock.unlock();
      const HttpAnswer answer = Route(job.head.method, job.head.target, job.head.content_length,
                                      snapshot, options.health);
      Done finished{job.connection, SerializeResponse(answer, job.head.method == "HEAD")};
      lock.lock();
      done.push_back(std::move(finished));
      Wake();
    }
  }

  // The connection sends `bytes` next.
  void Answer(Connection& c, std::string bytes, Clock::time_point now) {
    c.phase = Connection::Phase::kWriting;
    c.out = std::move(bytes);
    c.sent = 0;
    c.deadline = now + options.io_timeout;
  }

  void Refuse(Connection& c, int status, std::string_view why, Clock::time_point now) {
    Answer(c, SerializeResponse(TextAnswer(status, why), false), now);
  }

  void Submit(uint64_t id, Connection& c) {
    c.phase = Connection::Phase::kRouting;
    std::lock_guard lock(mu);
    jobs.push_back(Job{id, c.reader.head()});
    work_cv.notify_one();
  }

  void Accept(Clock::time_point now) {
    while (connections.size() < size_t(options.max_connections)) {
      const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;  // EAGAIN, or a client gone before the accept
      Connection& c = connections[next_id++];
      c.fd = fd;
      c.deadline = now + options.request_timeout;
    }
  }

  // The request head is complete: refuse a large body at once, else read it.
  void HeadDone(uint64_t id, Connection& c, size_t body_bytes_here, Clock::time_point now) {
    const int64_t length = c.reader.head().content_length;
    if (length > kMaxRequestBody) {
      Refuse(c, 413, "request body too large", now);
      return;
    }
    c.body_left = std::max<int64_t>(0, length - int64_t(body_bytes_here));
    if (c.body_left == 0) Submit(id, c);
  }

  // Reads what arrived; false when the connection is to be closed.
  bool OnReadable(uint64_t id, Connection& c, Clock::time_point now) {
    char buffer[kReadChunk];
    const ssize_t n = ::recv(c.fd, buffer, sizeof buffer, 0);
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    if (n == 0) return false;  // the client is gone (or done, when draining)
    if (c.phase != Connection::Phase::kReading) return true;  // draining
    if (c.reader.state() == RequestHeadReader::State::kDone) {
      c.body_left -= std::min<int64_t>(c.body_left, n);
      if (c.body_left == 0) Submit(id, c);
      return true;
    }
    size_t rest = 0;
    switch (c.reader.Feed(std::string_view(buffer, size_t(n)), &rest)) {
      case RequestHeadReader::State::kNeedMore:
        break;
      case RequestHeadReader::State::kDone:
        HeadDone(id, c, rest, now);
        break;
      case RequestHeadReader::State::kRefused:
        Refuse(c, c.reader.refusal_status(), c.reader.refusal(), now);
        break;
    }
    return true;
  }

  // Sends what it can; false when the connection is to be closed.
  bool OnWritable(Connection& c, Clock::time_point now) {
    const ssize_t n = ::send(c.fd, c.out.data() + c.sent, c.out.size() - c.sent, MSG_NOSIGNAL);
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    c.sent += size_t(n);
    if (c.sent < c.out.size()) return true;
    ::shutdown(c.fd, SHUT_WR);
    c.phase = Connection::Phase::kDraining;
    c.out.clear();
    c.deadline = now + options.io_timeout;
    return true;
  }

  // Past its deadline: a request still arriving gets 408; anything else is closed.
  bool OnDeadline(Connection& c, Clock::time_point now) {
    if (c.phase != Connection::Phase::kReading) return false;
    Refuse(c, 408,
           fmt::format("the request did not arrive within {} ms", options.request_timeout.count()),
           now);
    return true;
  }

  void TakeAnswers(Clock::time_point now) {
    uint64_t count = 0;
    [[maybe_unused]] ssize_t n = ::read(wake_fd, &count, sizeof count);
    std::deque<Done> finished;
    {
      std::lock_guard lock(mu);
      finished.swap(done);
    }
    for (Done& d : finished) {
      auto it = connections.find(d.connection);
      if (it != connections.end()) Answer(it->second, std::move(d.bytes), now);
    }
  }

  void Close(uint64_t id) {
    auto it = connections.find(id);
    if (it == connections.end()) return;
    CloseFd(it->second.fd);
    connections.erase(it);
  }

  void Loop() {
    std::vector<pollfd> fds;
    std::vector<uint64_t> ids;  // ids[i] for fds[i + 2]
    for (;;) {
      {
        std::lock_guard lock(mu);
        if (stop) break;
      }
      fds.clear();
      ids.clear();
      fds.push_back({wake_fd, POLLIN, 0});
      const bool room = connections.size() < size_t(options.max_connections);
      fds.push_back({room ? listen_fd : -1, POLLIN, 0});
      Clock::time_point next = Clock::now() + std::chrono::seconds(1);
      for (const auto& [id, c] : connections) {
        if (c.phase == Connection::Phase::kRouting) continue;
        const short events = c.phase == Connection::Phase::kWriting ? POLLOUT : POLLIN;
        fds.push_back({c.fd, events, 0});
        ids.push_back(id);
        next = std::min(next, c.deadline);
      }
      const auto wait = std::chrono::ceil<std::chrono::milliseconds>(next - Clock::now());
      const int ready = ::poll(fds.data(), fds.size(), int(std::max<int64_t>(0, wait.count())));
      if (ready < 0 && errno != EINTR) break;
      const Clock::time_point now = Clock::now();
      if (fds[0].revents != 0) TakeAnswers(now);
      if (fds[1].revents != 0) Accept(now);
      for (size_t i = 0; i < ids.size(); ++i) {
        const short revents = fds[i + 2].revents;
        if (revents == 0) continue;
        auto it = connections.find(ids[i]);
        if (it == connections.end()) continue;
        Connection& c = it->second;
        bool keep = true;
        if (c.phase == Connection::Phase::kWriting) {
          keep = (revents & (POLLERR | POLLHUP)) == 0 && OnWritable(c, now);
        } else {
          keep = OnReadable(ids[i], c, now);
        }
        if (!keep) Close(ids[i]);
      }
      std::vector<uint64_t> expired;
      for (auto& [id, c] : connections) {
        if (c.phase != Connection::Phase::kRouting && c.deadline <= now && !OnDeadline(c, now)) {
          expired.push_back(id);
        }
      }
      for (uint64_t id : expired) Close(id);
    }
    // Stopping (or poll failed): no client waits on a server that is gone.
    for (auto& [id, c] : connections) CloseFd(c.fd);
    connections.clear();
    CloseFd(listen_fd);
    listen_fd = -1;
  }
};

Result<std::unique_ptr<HttpServer>> HttpServer::Start(HttpServerOptions options,
                                                      SnapshotSource snapshot) {
  const std::string where = fmt::format("{}:{}", options.bind, options.port);
  const auto fail = [&](std::string_view what, int err) {
    return Status::IOError(
        fmt::format("cannot listen for HTTP on {}: {}: {}", where, what, std::strerror(err)));
  };
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* addresses = nullptr;
  const std::string port_text = std::to_string(options.port);
  if (int rc = ::getaddrinfo(options.bind.c_str(), port_text.c_str(), &hints, &addresses);
      rc != 0) {
    return Status::IOError(
        fmt::format("cannot listen for HTTP on {}: {}", where, ::gai_strerror(rc)));
  }
  auto shared = std::make_unique<Shared>();
  int err = 0;
  for (addrinfo* a = addresses; a != nullptr && shared->listen_fd < 0; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      err = errno;
      continue;
    }
    const int on = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) != 0 || ::listen(fd, kListenBacklog) != 0) {
      err = errno;
      ::close(fd);
      continue;
    }
    shared->listen_fd = fd;
  }
  ::freeaddrinfo(addresses);
  if (shared->listen_fd < 0) return fail("bind", err);
  sockaddr_storage bound{};
  socklen_t length = sizeof bound;
  if (::getsockname(shared->listen_fd, reinterpret_cast<sockaddr*>(&bound), &length) != 0) {
    return fail("getsockname", errno);
  }
  const uint16_t port =
      ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                        : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  shared->wake_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (shared->wake_fd < 0) return fail("eventfd", errno);
  shared->options = std::move(options);
  shared->snapshot = std::move(snapshot);
  Shared* s = shared.get();
  for (int i = 0; i < std::max(1, s->options.threads); ++i) {
    s->workers.emplace_back([s] { s->Work(); });
  }
  s->io = std::thread([s] { s->Loop(); });
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(shared), port));
}

HttpServer::HttpServer(std::unique_ptr<Shared> shared, uint16_t port)
    : shared_(std::move(shared)), port_(port) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Stop() {
  if (stopped_) return;
  stopped_ = true;
  {
    std::lock_guard lock(shared_->mu);
    shared_->stop = true;
  }
  shared_->work_cv.notify_all();
  shared_->Wake();
  if (shared_->io.joinable()) shared_->io.join();
  for (std::thread& worker : shared_->workers) worker.join();
}

}  // namespace sidecar::http
