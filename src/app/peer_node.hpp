#pragma once
// PeerNode: the running parts of `goop2 peer` after the folder is prepared, started in the
// order of spec/net.md §1.4 and registered with the Lifecycle so they stop in reverse:
// libp2p host (+ /goop/content, /goop/site, /goop/avatar), gossipsub, presence, the rendezvous
// clients (presence.rendezvous_wan, and the local one with presence.rendezvous_host), mDNS, the
// peer cache, the viewer API.
//
// Executor rule: the node io_context's single thread. Lifetime: start() once; the Lifecycle's
// stop functions must have run before the object is destroyed.

#include "app/lifecycle.hpp"
#include "base/result.hpp"
#include "goop/config/config.hpp"
#include "goop/identity/identity.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace goop::storage {
class Db;
}

namespace goop::app {

struct PeerNodeInfo {
  std::vector<std::string> listen;      // full multiaddrs with /p2p
  std::string viewer_url;               // http://127.0.0.1:<port>
  std::size_t cached_peers = 0;         // peers remembered from data.db
  std::string mdns;                     // how mDNS runs, or why it does not
  std::vector<std::string> rendezvous;  // base URLs of the rendezvous we publish to
};

class PeerNode {
 public:
  // `dir`: the peer folder (absolute); relative paths in `cfg` are resolved against it.
  PeerNode(boost::asio::any_io_executor ex, const config::Config& cfg, std::filesystem::path dir,
           identity::Identity id, storage::Db& db);
  ~PeerNode();

  // Starts every part; errors name the part and the reason (e.g. the viewer port in use).
  Expected<PeerNodeInfo> start(Lifecycle& lifecycle);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace goop::app
