// The site proxy on a real HttpServer over TCP on 127.0.0.1, with two in-process libp2p Hosts on
// the memory transport: A (ours, serving its site from disk) and B (a remote peer serving
// /goop/site/1.0.0).
#include "viewer/site_proxy.hpp"

#include "goop/content/site_protocol.hpp"
#include "p2p/host/host.hpp"
#include "p2p/transport/memory/memory_transport.hpp"
#include "testing/run_coro.hpp"
#include "viewer/site_origin.hpp"
#include "viewer/site_page.hpp"
#include "viewer/test_server.hpp"
#include "web/http_server.hpp"

#include <boost/asio/io_context.hpp>
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace goop::viewer {
namespace {
namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using goop::testing::run_coro;

using testkit::fetch;
using testkit::Reply;

void write_file(const fs::path& p, std::string_view text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
}

const std::string kPng("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);

class SiteProxyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / fmt::format("goop-site-proxy-{}-{}", ::getpid(), counter_++);
    fs::create_directories(dir_);
    write_file(dir_ / "secret.txt", "TOP-SECRET");
    for (const auto& root : {a_root(), b_root()}) {
      write_file(root / "index.html", "<h1>index of " + root.filename().string() + "</h1>");
      write_file(root / "style.css", "h1 { color: red; }");
      write_file(root / "img.png", kPng);
      write_file(root / "docs" / "index.html", "<p>docs</p>");
      write_file(root / "lua" / "x.lua", "return 'SECRET-LUA'");
      write_file(root / ".hidden", "SECRET-DOT");
      write_file(root / "big.bin", std::string(200 * 1024, 'b'));
      fs::create_symlink(dir_ / "secret.txt", root / "escape.txt");
    }
    p2p::HostConfig hc;
    hc.listen = {"/memory/0"};
    a_ = std::make_unique<p2p::Host>(
        io_.get_executor(), p2p::Ed25519PrivateKey::generate(), hc,
        p2p::transports(p2p::memory::make_transport(io_.get_executor(), net_)));
    b_ = std::make_unique<p2p::Host>(
        io_.get_executor(), p2p::Ed25519PrivateKey::generate(), hc,
        p2p::transports(p2p::memory::make_transport(io_.get_executor(), net_)));
    ASSERT_TRUE(a_->start().has_value());
    ASSERT_TRUE(b_->start().has_value());
    content::SiteOptions so;
    so.root = b_root();
    (void)content::serve_site(*b_, so);
    ASSERT_TRUE(run_coro(io_, a_->connect(b_->id(), b_->listen_addrs())).has_value());

    server_ = std::make_unique<web::HttpServer>(io_.get_executor(), web::HttpServer::Options{});
    ASSERT_TRUE(server_->listen().has_value());
    port_ = server_->port();
    server_->add_guard(web::host_allow_list_guard(web::loopback_hosts(port_)));
    write_file(a_root() / "scripts" / "s.lua", "return 'SECRET-SCRIPT'");
    SiteProxyOptions o(a_->id());
    o.site_root = a_root();
    o.forbidden_prefixes = {"scripts"};  // lua.script_dir inside the site
    o.port = port_;
    for (const auto& h : web::loopback_hosts(port_)) o.viewer_origins.push_back("http://" + h);
    o.peer_name = [this](const p2p::PeerId& p) {
      return p == b_->id() ? std::string("bob") : std::string();
    };
    o.first_byte_timeout = 3s;
    o.hold_limit = 64 * 1024;
    register_site_proxy(*server_, *a_, o);
  }

  void TearDown() override {
    run_coro(io_, server_->async_stop(2s));
    run_coro(io_, a_->async_stop(2s));
    run_coro(io_, b_->async_stop(2s));
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  fs::path a_root() const { return dir_ / "a-site"; }
  fs::path b_root() const { return dir_ / "b-site"; }
  std::string host_of(const p2p::PeerId& p) const {
    return site_label(p) + fmt::format(".localhost:{}", port_);
  }

  Reply get(const std::string& host, const std::string& target, const std::string& extra = "") {
    return run_coro(
        io_,
        fetch(port_, fmt::format("GET {} HTTP/1.1\r\nHost: {}\r\n{}Connection: close\r\n\r\n",
                                 target, host, extra)),
        20s);
  }

  std::string csp() const {
    return fmt::format(
        "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; font-src "
        "'self' data:; "
        "media-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
        "frame-ancestors "
        "http://127.0.0.1:{0} http://localhost:{0}",
        port_);
  }

  static inline int counter_ = 0;
  fs::path dir_;
  asio::io_context io_;
  p2p::memory::MemoryNetwork net_;
  std::unique_ptr<p2p::Host> a_, b_;
  std::unique_ptr<web::HttpServer> server_;
  std::uint16_t port_ = 0;
};

TEST_F(SiteProxyTest, OwnSiteFromDiskWithHeadersEtagsAndEdits) {
  const std::string host = host_of(a_->id());
  auto index = get(host, "/?x=1");
  ASSERT_EQ(index.status, 200) << index.body;
  EXPECT_EQ(index.body, "<h1>index of a-site</h1>");
  EXPECT_EQ(index.headers["Content-Type"], "text/html; charset=utf-8");
  EXPECT_EQ(index.headers["Content-Security-Policy"], csp());
  EXPECT_EQ(index.headers["X-Content-Type-Options"], "nosniff");
  EXPECT_EQ(index.headers["Referrer-Policy"], "no-referrer");
  EXPECT_EQ(index.headers["Cache-Control"], "no-cache");
  const std::string etag = index.headers["ETag"];
  ASSERT_EQ(etag.size(), 34u) << etag;
  EXPECT_EQ(get(host, "/index.html").headers["ETag"], etag);

  auto again = get(host, "/", "If-None-Match: " + etag + "\r\n");
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(again.headers["ETag"], etag);

  write_file(a_root() / "index.html", "<h1>edited</h1>");
  auto edited = get(host, "/", "If-None-Match: " + etag + "\r\n");
  EXPECT_EQ(edited.status, 200);
  EXPECT_EQ(edited.body, "<h1>edited</h1>");
  EXPECT_NE(edited.headers["ETag"], etag);

  EXPECT_EQ(get(host, "/style.css").headers["Content-Type"], "text/css; charset=utf-8");
  auto png = get(host, "/img.png");
  EXPECT_EQ(png.headers["Content-Type"], "image/png");
  EXPECT_EQ(png.body, kPng);
  EXPECT_EQ(get(host, "/docs/").body, "<p>docs</p>");
  EXPECT_EQ(get(host, "/scripts/s.lua").status, 403);
  EXPECT_EQ(get(host, "/Scripts/s.lua").status, 403);
  fs::create_symlink("scripts/s.lua", a_root() / "sneaky.lua");  // a symlink into it
  EXPECT_EQ(get(host, "/sneaky.lua").status, 403);
  fs::create_symlink("docs/index.html", a_root() / "alias.html");  // inside the site: fine
  EXPECT_EQ(get(host, "/alias.html").body, "<p>docs</p>");

  // Larger than hold_limit: streamed from disk, with a validator that still answers 304.
  auto big = get(host, "/big.bin");
  EXPECT_EQ(big.status, 200);
  EXPECT_EQ(big.body.size(), 200u * 1024);
  EXPECT_FALSE(big.headers["ETag"].empty());
  EXPECT_EQ(get(host, "/big.bin", "If-None-Match: " + big.headers["ETag"] + "\r\n").status, 304);
}

TEST_F(SiteProxyTest, PathsOutsideThePublicSiteAreRefused) {
  for (const auto& peer : {a_->id(), b_->id()}) {
    const std::string host = host_of(peer);
    for (const char* target : {"/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/%2e%2e/secret.txt",
                               "/lua/x.lua", "/LUA/x.lua", "/.hidden", "/docs/..%2f..%2fsecret.txt",
                               "/a%5c..%5csecret.txt", "/escape.txt", "/x%00.html"}) {
      auto r = get(host, target);
      EXPECT_TRUE(r.status == 400 || r.status == 403) << target << " -> " << r.status;
      EXPECT_EQ(r.body.find("SECRET"), std::string::npos) << target;
      EXPECT_EQ(r.headers["Content-Type"], "text/html; charset=utf-8") << target;
      EXPECT_EQ(r.headers["Content-Security-Policy"], csp()) << target;
    }
    auto missing = get(host, "/nope.html");
    EXPECT_EQ(missing.status, 404);
    EXPECT_NE(missing.body.find("Not found"), std::string::npos);
    EXPECT_NE(missing.body.find(kSitePageCssPath), std::string::npos);
  }
}

TEST_F(SiteProxyTest, SiteOriginReachesNoViewerApi) {
  const std::string host = host_of(b_->id());
  auto api = get(host, "/api/self");
  EXPECT_EQ(api.status, 404);
  EXPECT_EQ(api.headers["Content-Type"], "application/json");
  auto post =
      run_coro(io_, fetch(port_, fmt::format("POST /api/peers/favorite HTTP/1.1\r\nHost: {}\r\n"
                                             "Content-Length: 2\r\nConnection: close\r\n\r\n{{}}",
                                             host)));
  EXPECT_EQ(post.status, 405);
  auto css = get(host, std::string(kSitePageCssPath));
  EXPECT_EQ(css.status, 200);
  EXPECT_EQ(css.headers["Content-Type"], "text/css; charset=utf-8");
  EXPECT_NE(css.body.find("prefers-color-scheme: dark"), std::string::npos);
  auto other_port = get(site_label(b_->id()) + ".localhost:1", "/");
  EXPECT_EQ(other_port.status, 403);  // not a site host of this viewer: the host guard refuses it
  auto bad_label = get(fmt::format("kabc.localhost:{}", port_), "/");
  EXPECT_EQ(bad_label.status, 404);
  EXPECT_NE(bad_label.body.find("No such peer"), std::string::npos);
}

TEST_F(SiteProxyTest, RemoteSiteThroughP2p) {
  const std::string host = host_of(b_->id());
  auto index = get(host, "/");
  ASSERT_EQ(index.status, 200) << index.body;
  EXPECT_EQ(index.body, "<h1>index of b-site</h1>");
  EXPECT_EQ(index.headers["Content-Type"], "text/html; charset=utf-8");
  EXPECT_EQ(index.headers["Content-Security-Policy"], csp());
  const std::string etag = index.headers["ETag"];
  EXPECT_EQ(etag.size(), 34u);
  EXPECT_EQ(get(host, "/", "If-None-Match: " + etag + "\r\n").status, 304);
  write_file(b_root() / "index.html", "<h1>b edited</h1>");
  auto edited = get(host, "/", "If-None-Match: " + etag + "\r\n");
  EXPECT_EQ(edited.status, 200);
  EXPECT_EQ(edited.body, "<h1>b edited</h1>");
  EXPECT_EQ(get(host, "/style.css").headers["Content-Type"], "text/css; charset=utf-8");
  EXPECT_EQ(get(host, "/img.png").body, kPng);
  auto big = get(host, "/big.bin");  // over hold_limit: streamed through
  EXPECT_EQ(big.status, 200);
  EXPECT_EQ(big.body, std::string(200 * 1024, 'b'));
  EXPECT_TRUE(big.headers.find("ETag") == big.headers.end());
  auto head = run_coro(
      io_,
      fetch(port_,
            fmt::format("HEAD /big.bin HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", host)));
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.headers["Content-Length"], std::to_string(200 * 1024));
}

TEST_F(SiteProxyTest, UnreachablePeerIsA502PageNamingIt) {
  const auto stranger =
      p2p::PeerId::from_public_key(p2p::Ed25519PrivateKey::generate().public_key());
  const auto start = std::chrono::steady_clock::now();
  auto r = get(host_of(stranger), "/");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
  EXPECT_EQ(r.status, 502);
  EXPECT_EQ(r.headers["Content-Type"], "text/html; charset=utf-8");
  EXPECT_EQ(r.headers["Content-Security-Policy"], csp());
  EXPECT_NE(r.body.find("Peer unreachable"), std::string::npos);
  EXPECT_NE(r.body.find(web::html_escape(stranger.short_string())), std::string::npos);
  EXPECT_NE(r.body.find("href=\"\">Retry"), std::string::npos);
  EXPECT_NE(r.body.find("Diagnostic info"), std::string::npos);
  EXPECT_NE(r.body.find("No address of this peer is known here"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("<script"), std::string::npos);
  EXPECT_EQ(r.body.find("style="), std::string::npos);

  // A known peer that went away: its label names it.
  run_coro(io_, b_->async_stop(2s));
  auto gone = get(host_of(b_->id()), "/");
  EXPECT_EQ(gone.status, 502);
  EXPECT_NE(gone.body.find("bob"), std::string::npos);
}

TEST_F(SiteProxyTest, ViewerOriginRedirectsToTheSiteOrigin) {
  const std::string viewer = fmt::format("127.0.0.1:{}", port_);
  const std::string origin = site_origin(b_->id(), port_);
  auto r = get(viewer, "/p/" + b_->id().to_base58() + "/docs/a.html?q=1");
  EXPECT_EQ(r.status, 302);
  EXPECT_EQ(r.headers["Location"], origin + "/docs/a.html?q=1");
  EXPECT_EQ(get(viewer, "/p/" + b_->id().to_base58()).headers["Location"], origin + "/");
  EXPECT_EQ(get(viewer, "/p/" + b_->id().to_base58() + "/").headers["Location"], origin + "/");
  EXPECT_EQ(get(viewer, "/p/" + site_label(b_->id()) + "?a=b").headers["Location"],
            origin + "/?a=b");
  EXPECT_EQ(get(viewer, "/p/not-a-peer/x").status, 404);
  EXPECT_EQ(get(viewer, "/p/").status, 404);
  EXPECT_EQ(get("evil.example", "/p/" + b_->id().to_base58()).status, 403);
}

}  // namespace
}  // namespace goop::viewer
