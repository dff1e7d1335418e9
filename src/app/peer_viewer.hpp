#pragma once
// PeerViewer: the peer's viewer (ARCHITECTURE.md: the owner's browser front end) as one service:
// start() listens on viewer.http_addr and wires the pages, the SSE events, the peers, settings,
// avatar and logs APIs and the site proxy to the parts of the node they show; async_stop() closes
// the server and the log streams.
//
// Executor rule: the node executor. Lifetime: every part in PeerViewerParts must outlive it;
// await async_stop() before destroying it (if start() succeeded).

#include "app/lifecycle.hpp"
#include "base/result.hpp"
#include "goop/content/site_protocol.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <filesystem>
#include <memory>
#include <string>

namespace goop::config {
class ConfigService;
}
namespace goop::mq {
class LocalBus;
}
namespace goop::p2p {
class Host;
}
namespace goop::presence {
class PeerTable;
class PresenceService;
class PeerCacheSync;
}  // namespace goop::presence
namespace goop::viewer {
class LogsApi;
}
namespace goop::web {
class HttpServer;
}

namespace goop::app {

// What the viewer shows and acts on.
struct PeerViewerParts {
  config::ConfigService& settings;  // the live goop.json; the settings API changes it
  std::filesystem::path dir;        // the peer folder: avatar.png, cache/avatars/
  p2p::Host& host;
  presence::PeerTable& table;
  mq::LocalBus& bus;
  presence::PresenceService& presence;
  presence::PeerCacheSync& cache;  // favourites
  content::SiteOptions site;       // our site, served on our own origin as /goop/site serves it
};

class PeerViewer {
 public:
  PeerViewer(boost::asio::any_io_executor ex, PeerViewerParts parts);
  PeerViewer(const PeerViewer&) = delete;
  PeerViewer& operator=(const PeerViewer&) = delete;
  ~PeerViewer();

  // Listens on viewer.http_addr (empty: a free port on 127.0.0.1) and registers every route.
  // Errors: the address cannot be parsed, or listening failed (the message names the address
  // and what to change). Call once.
  Expected<void> start();
  // After start(): "http://<host>:<port>" with the real port.
  const std::string& url() const noexcept { return url_; }
  // Our avatar's hash ("" without one): what presence announces; changed by the avatar API.
  const std::string& avatar_hash() const noexcept { return avatar_hash_; }

  // Stops the server (see web::HttpServer::async_stop), then ends the log streams.
  boost::asio::awaitable<void> async_stop(Duration deadline);

 private:
  void register_routes(const std::string& token, std::vector<std::string> origins);

  boost::asio::any_io_executor ex_;
  PeerViewerParts p_;
  std::string avatar_hash_;
  std::unique_ptr<web::HttpServer> server_;
  std::unique_ptr<viewer::LogsApi> logs_;
  std::string url_;
};

}  // namespace goop::app
