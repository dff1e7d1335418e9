#pragma once
// PeerNode: the running parts of `goop2 peer` after the folder is prepared, built and wired in
// the readable top-down order of STYLE.md §9 (identity → transports → host → protocols → domain →
// viewer), and added to a Lifecycle in the order they start (spec/net.md §1.4): the libp2p host
// (serving /goop/content, /goop/site, /goop/avatar), background dials, the peer cache, gossipsub,
// the rendezvous clients, presence, mDNS, the viewer. This file knows every concrete part and
// holds no domain policy: that lives in the parts (goop/presence, goop/config, ...).
//
// Executor rule: the node io_context's single thread. Lifetime: construct, add_to() a Lifecycle,
// start it; the Lifecycle's stop must have run before the object is destroyed.

#include "app/lifecycle.hpp"
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
  // Builds and wires every part; nothing starts (no socket, no task). `dir`: the peer folder
  // (absolute); relative paths in `cfg` are resolved against it. `db` must outlive the node.
  PeerNode(boost::asio::any_io_executor ex, const config::Config& cfg, std::filesystem::path dir,
           identity::Identity id, storage::Db& db);
  ~PeerNode();

  // Adds every part to `lifecycle`, in start order. Call once.
  void add_to(Lifecycle& lifecycle);

  // What the banner shows; meaningful once the lifecycle started the parts.
  PeerNodeInfo info() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace goop::app
