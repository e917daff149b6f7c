#include "http/http_server.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>
#include <fmt/format.h>

namespace sidecar::http {
namespace {

using Poco::Net::HTTPRequestHandler;
using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

class Handler : public HTTPRequestHandler {
 public:
  Handler(const SnapshotSource& snapshot, const HealthOptions& health)
      : snapshot_(snapshot), health_(health) {}

  void handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) override {
    const int64_t body_length =
        request.hasContentLength() ? int64_t(request.getContentLength64()) : -1;
    const HttpAnswer answer =
        Route(request.getMethod(), request.getURI(), body_length, snapshot_, health_);
    response.setStatus(HTTPResponse::HTTPStatus(answer.status));
    response.setContentType(answer.content_type);
    response.set("Cache-Control", "no-store");
    if (answer.allow_header) response.set("Allow", "GET, HEAD");
    response.setKeepAlive(false);
    response.setContentLength64(int64_t(answer.body.size()));
    if (request.getMethod() == "HEAD") {
      response.send();
    } else {
      response.sendBuffer(answer.body.data(), answer.body.size());
    }
  }

 private:
  const SnapshotSource& snapshot_;
  const HealthOptions& health_;
};

class HandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  HandlerFactory(SnapshotSource snapshot, HealthOptions health)
      : snapshot_(std::move(snapshot)), health_(health) {}

  HTTPRequestHandler* createRequestHandler(const HTTPServerRequest&) override {
    return new Handler(snapshot_, health_);
  }

 private:
  const SnapshotSource snapshot_;
  const HealthOptions health_;
};

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::Start(HttpServerOptions options,
                                                      SnapshotSource snapshot) {
  const std::string where = fmt::format("{}:{}", options.bind, options.port);
  try {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress(options.bind, options.port),
                                   /*backlog=*/64);
    const uint16_t port = socket.address().port();
    Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams();
    params->setMaxThreads(options.threads);
    params->setMaxQueued(options.max_queued);
    params->setKeepAlive(false);
    params->setTimeout(Poco::Timespan(options.io_timeout.count() * 1000));
    params->setServerName("binlog-sidecar");
    params->setThreadIdleTime(Poco::Timespan(60, 0));
    auto pool = std::make_unique<Poco::ThreadPool>(1, options.threads);
    auto server = std::make_unique<Poco::Net::HTTPServer>(
        new HandlerFactory(std::move(snapshot), options.health), *pool, socket, params);
    server->start();
    return std::unique_ptr<HttpServer>(new HttpServer(std::move(pool), std::move(server), port));
  } catch (const Poco::Exception& e) {
    return Status::IOError(fmt::format("cannot listen for HTTP on {}: {}", where, e.displayText()));
  }
}

HttpServer::HttpServer(std::unique_ptr<Poco::ThreadPool> pool,
                       std::unique_ptr<Poco::Net::HTTPServer> server, uint16_t port)
    : pool_(std::move(pool)), server_(std::move(server)), port_(port) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Stop() {
  if (stopped_) return;
  stopped_ = true;
  server_->stopAll(/*abortCurrent=*/false);
  pool_->joinAll();
}

}  // namespace sidecar::http
