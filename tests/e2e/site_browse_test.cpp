// Browsing sites through a real goop2 peer's viewer (issue 5, spec/viewer.md §3): peer A's
// viewer serves peer B's site on B's own origin <B-label>.localhost:<A-port> (types, CSP, ETag,
// 304, edits seen at once), A's own site on A's label, refuses paths outside the site over a raw
// socket, keeps the viewer API out of reach of site origins, redirects /p/<id>/..., and shows a
// 502 "Peer unreachable" page naming B once B has stopped.

#include "../support/http_client.hpp"
#include "../support/peer_process.hpp"
#include "../support/remember_peer.hpp"
#include "base/ascii.hpp"
#include "base/clock.hpp"
#include "p2p/crypto/peer_id.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace goop::testing {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct RawReply {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string error;
};

// Sends `request` as is to 127.0.0.1:`port` and reads until the server closes (the request
// should say Connection: close), all within `timeout`.
RawReply raw_exchange(std::uint16_t port, const std::string& request,
                      std::chrono::milliseconds timeout = 20s) {
  RawReply r;
  const auto until = Clock::now() + timeout;
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    r.error = "connect failed";
    return r;
  }
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size())) {
    r.error = "send failed";
    return r;
  }
  std::string raw;
  char buf[8192];
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
    pollfd p{fd, POLLIN, 0};
    if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) != 1) {
      r.error = "no complete answer before the deadline";
      return r;
    }
    const auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    raw.append(buf, static_cast<std::size_t>(n));
  }
  const auto head_end = raw.find("\r\n\r\n");
  if (!raw.starts_with("HTTP/1.1 ") || head_end == std::string::npos) {
    r.error = "malformed answer: " + raw.substr(0, 200);
    return r;
  }
  r.status = std::stoi(raw.substr(9, 3));
  std::size_t pos = raw.find("\r\n") + 2;
  while (pos < head_end) {
    const auto eol = raw.find("\r\n", pos);
    const std::string line = raw.substr(pos, eol - pos);
    const auto colon = line.find(':');
    r.headers[ascii::lower(line.substr(0, colon))] = ascii::trim(line.substr(colon + 1));
    pos = eol + 2;
  }
  r.body = raw.substr(head_end + 4);
  return r;
}

RawReply get(std::uint16_t port, const std::string& host, const std::string& target,
             const std::string& extra = "") {
  return raw_exchange(port, "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n" + extra +
                                "Connection: close\r\n\r\n");
}

std::uint16_t port_of(const std::string& base) {
  return static_cast<std::uint16_t>(std::stoi(base.substr(base.rfind(':') + 1)));
}

std::string label_of(const std::string& peer_id) {
  return p2p::PeerId::parse(peer_id).value().to_cid_base36();
}

void write_file(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
}

std::string expected_csp(std::uint16_t port) {
  return "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; font-src "
         "'self' data:; "
         "media-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
         "frame-ancestors "
         "http://127.0.0.1:" +
         std::to_string(port) + " http://localhost:" + std::to_string(port);
}

const std::string kPng("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\1\0\0\0\1", 24);

TEST(SiteBrowse, ViewerServesEachPeersSiteOnItsOwnOrigin) {
  TempDir tmp;
  PeerSettings s;
  s.topic = unique_name("browse");
  s.mdns_tag = s.topic;
  s.heartbeat_seconds = 2;
  s.ttl_seconds = 5;
  s.label = "bob";
  PeerProcess bob((fs::path(tmp.path()) / "bob").string(), s);
  const fs::path bob_site = fs::path(bob.dir()) / "site";
  write_file(bob_site / "style.css", "body { color: teal; }");
  write_file(bob_site / "img" / "dot.png", kPng);
  write_file(bob_site / "lua" / "x.lua", "return 'BOB-SECRET-LUA'");
  write_file(bob_site / ".hidden", "BOB-SECRET-DOT");

  s.label = "ann";
  remember_peer(fs::path(tmp.path()) / "ann", bob);
  PeerProcess ann((fs::path(tmp.path()) / "ann").string(), s);
  ASSERT_TRUE(wait_for(
      PeerEvents({&ann}),
      [&] {
        const auto row = ann.row(bob.id());
        return row.is_object() && row.at("Reachable") == true;
      },
      20s))
      << ann.log();

  const std::uint16_t port = port_of(ann.viewer());
  const std::string bob_host = label_of(bob.id()) + ".localhost:" + std::to_string(port);
  const std::string ann_host = label_of(ann.id()) + ".localhost:" + std::to_string(port);
  const std::string viewer_host = "127.0.0.1:" + std::to_string(port);

  // Bob's index, stylesheet and image through Ann's viewer, with their types, CSP and ETag.
  auto index = get(port, bob_host, "/");
  ASSERT_EQ(index.status, 200) << index.error << index.body << ann.log();
  std::ifstream bob_index(bob_site / "index.html", std::ios::binary);
  EXPECT_EQ(index.body, std::string(std::istreambuf_iterator<char>(bob_index), {}));
  EXPECT_EQ(index.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_EQ(index.headers["content-security-policy"], expected_csp(port));
  EXPECT_EQ(index.headers["x-content-type-options"], "nosniff");
  EXPECT_EQ(index.headers["referrer-policy"], "no-referrer");
  const std::string etag = index.headers["etag"];
  EXPECT_FALSE(etag.empty());
  auto css = get(port, bob_host, "/style.css");
  EXPECT_EQ(css.status, 200);
  EXPECT_EQ(css.body, "body { color: teal; }");
  EXPECT_EQ(css.headers["content-type"], "text/css; charset=utf-8");
  auto png = get(port, bob_host, "/img/dot.png");
  EXPECT_EQ(png.status, 200);
  EXPECT_EQ(png.body, kPng);
  EXPECT_EQ(png.headers["content-type"], "image/png");
  auto cached = get(port, bob_host, "/", "If-None-Match: " + etag + "\r\n");
  EXPECT_EQ(cached.status, 304);
  EXPECT_TRUE(cached.body.empty());

  // An edit on Bob's disk shows on the next fetch.
  write_file(bob_site / "index.html", "<h1>bob edited</h1>");
  auto edited = get(port, bob_host, "/", "If-None-Match: " + etag + "\r\n");
  EXPECT_EQ(edited.status, 200);
  EXPECT_EQ(edited.body, "<h1>bob edited</h1>");

  // Ann's own site on Ann's own label, straight from her disk.
  write_file(fs::path(ann.dir()) / "site" / "index.html", "<h1>ann here</h1>");
  auto own = get(port, ann_host, "/");
  EXPECT_EQ(own.status, 200);
  EXPECT_EQ(own.body, "<h1>ann here</h1>");
  EXPECT_EQ(own.headers["content-security-policy"], expected_csp(port));

  // Paths outside the public site, sent raw: refused, never a file's contents.
  for (const std::string& host : {bob_host, ann_host}) {
    for (const char* target :
         {"/../goop.json", "/%2e%2e/goop.json", "/lua/x.lua", "/.hidden", "/..%2f..%2fgoop.json"}) {
      auto r = get(port, host, target);
      EXPECT_TRUE(r.status == 400 || r.status == 403 || r.status == 404)
          << host << target << " -> " << r.status;
      EXPECT_EQ(r.body.find("SECRET"), std::string::npos) << target;
      EXPECT_EQ(r.body.find("\"identity\""), std::string::npos) << target;
      EXPECT_EQ(r.body.find("\"presence\""), std::string::npos) << target;
    }
  }

  // The viewer API stays out of reach of site origins and foreign hosts.
  EXPECT_EQ(get(port, "evil.example", "/api/self").status, 403);
  EXPECT_EQ(get(port, bob_host, "/api/self").status, 404);
  const std::string token = viewer_token(ann.viewer());
  ASSERT_FALSE(token.empty());
  const std::string body = R"({"peer_id":")" + bob.id() + R"(","favorite":true})";
  const std::string cross_site =
      "Origin: http://" + bob_host + "\r\nCookie: goop_token=" + token +
      "\r\nX-Goop-Token: " + token +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\n";
  auto favorite = raw_exchange(port, "POST /api/peers/favorite HTTP/1.1\r\nHost: " + viewer_host +
                                         "\r\n" + cross_site + "Connection: close\r\n\r\n" + body);
  EXPECT_EQ(favorite.status, 403) << favorite.body;
  auto on_site = raw_exchange(port, "POST /api/peers/favorite HTTP/1.1\r\nHost: " + bob_host +
                                        "\r\n" + cross_site + "Connection: close\r\n\r\n" + body);
  EXPECT_TRUE(on_site.status == 404 || on_site.status == 405) << on_site.status;
  EXPECT_EQ(ann.row(bob.id()).at("Favorite"), false);

  // /p/<id>/... on the viewer origin leads to the site origin.
  auto redirect = get(port, viewer_host, "/p/" + bob.id() + "/x");
  EXPECT_EQ(redirect.status, 302);
  EXPECT_EQ(redirect.headers["location"], "http://" + bob_host + "/x");

  // Bob stops: a 502 page naming him, with a Retry, well within the fetch timeout.
  bob.process().signal(SIGTERM);
  EXPECT_EQ(bob.process().wait_exit(10s), 0);
  const auto start = Clock::now();
  auto gone = get(port, bob_host, "/");
  EXPECT_LT(Clock::now() - start, 12s);
  EXPECT_EQ(gone.status, 502) << gone.body;
  EXPECT_NE(gone.body.find("Peer unreachable"), std::string::npos);
  EXPECT_NE(gone.body.find("bob"), std::string::npos);
  EXPECT_NE(gone.body.find(">Retry<"), std::string::npos);
  EXPECT_EQ(gone.headers["content-security-policy"], expected_csp(port));
  auto page_css = get(port, bob_host, "/.goop/error.css");
  EXPECT_EQ(page_css.status, 200);
  EXPECT_EQ(page_css.headers["content-type"], "text/css; charset=utf-8");

  ann.process().signal(SIGTERM);
  EXPECT_EQ(ann.process().wait_exit(10s), 0) << ann.log();
}

}  // namespace
}  // namespace goop::testing
