// The rendezvous pages over a real HttpServer on 127.0.0.1:0 (raw HTTP/1.1 requests).
#include "rendezvous/pages.hpp"

#include "rendezvous/admin_auth.hpp"
#include "rendezvous/connect_urls.hpp"
#include "testing/run_coro.hpp"
#include "web/http_server.hpp"
#include "web/testkit.hpp"

#include <boost/asio/io_context.hpp>
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <regex>
#include <string>

namespace goop::rendezvous {
namespace {
namespace asio = boost::asio;
using goop::testing::run_coro;

using web::testkit::fetch;
using web::testkit::Reply;

const std::string kEvilLabel = "<img src=x onerror=alert(1)>";

class PagesTest : public ::testing::Test {
 protected:
  void start(std::string password, std::string external_url = {}) {
    web::HttpServer::Options o;
    o.read_timeout = std::chrono::seconds(2);
    o.idle_timeout = std::chrono::seconds(2);
    o.write_timeout = std::chrono::seconds(2);
    server_ = std::make_unique<web::HttpServer>(io_.get_executor(), o);
    PagesContext ctx;
    ctx.admin_password = std::move(password);
    ctx.external_url = std::move(external_url);
    ctx.endpoint = [this] { return endpoint_; };
    ctx.peers_json = [] {
      return R"([{"peer_id":"12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA","content":"<img src=x onerror=alert(1)>","type":"online"}])";
    };
    ctx.logs_json = [] { return R"(["[12:00:00] hello"])"; };
    ctx.stats = [] { return RendezvousStats{3, 2, 1, 1234567, 89}; };
    register_pages(*server_, std::move(ctx));
    auto r = server_->listen();
    ASSERT_TRUE(r.has_value()) << r.error().message;
    port_ = server_->port();
    if (endpoint_.empty()) endpoint_ = fmt::format("http://127.0.0.1:{}", port_);
  }
  void TearDown() override {
    if (server_) run_coro(io_, server_->async_stop(std::chrono::seconds(2)));
  }
  Reply get(const std::string& path, const std::string& extra = {},
            const std::string& method = "GET") {
    return run_coro(
        io_, fetch(port_, fmt::format(
                              "{} {} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n{}\r\n",
                              method, path, port_, extra)));
  }
  Reply admin_get(const std::string& path, const std::string& password) {
    return get(path, "Authorization: " + basic_authorization("admin:" + password) + "\r\n");
  }

  asio::io_context io_;
  std::unique_ptr<web::HttpServer> server_;
  std::uint16_t port_ = 0;
  std::string endpoint_;
};

// No inline script, no inline style, no event-handler attribute: what the CSP would block.
void expect_csp_clean(const Reply& r) {
  EXPECT_EQ(r.header("Content-Security-Policy"),
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
  EXPECT_EQ(r.header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(r.header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_FALSE(std::regex_search(r.body, std::regex("<script(?![^>]*\\ssrc=)"))) << "inline script";
  EXPECT_FALSE(std::regex_search(r.body, std::regex("\\sstyle\\s*="))) << "inline style";
  EXPECT_FALSE(std::regex_search(r.body, std::regex("<style"))) << "style element";
  EXPECT_FALSE(std::regex_search(r.body, std::regex("\\son[a-z]+\\s*=")))
      << "event handler attribute";
}

TEST_F(PagesTest, LandingShowsTheEndpointAndAnAdminLinkOnlyWithAPassword) {
  start("pw");
  const Reply r = get("/");
  ASSERT_EQ(r.status, 200);
  expect_csp_clean(r);
  EXPECT_NE(r.body.find("<title>Goop² Rendezvous</title>"), std::string::npos);
  EXPECT_NE(r.body.find(fmt::format("data-copy=\"http://127.0.0.1:{}\"", port_)),
            std::string::npos);
  EXPECT_NE(r.body.find("href=\"/admin\""), std::string::npos);
  EXPECT_NE(r.body.find("href=\"/docs\""), std::string::npos);
  EXPECT_NE(r.body.find("rendezvous_wan"), std::string::npos);
}

TEST_F(PagesTest, LandingWithoutPasswordHasNoAdminLink) {
  start("");
  const Reply r = get("/");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body.find("/admin"), std::string::npos);
}

TEST_F(PagesTest, ExternalUrlIsTheConnectUrlAndIsEscaped) {
  start("", "https://rv.example/\"><script>alert(1)</script>");
  const Reply r = get("/");
  ASSERT_EQ(r.status, 200);
  expect_csp_clean(r);
  EXPECT_NE(r.body.find("data-copy=\"https://rv.example/&quot;&gt;&lt;script&gt;"),
            std::string::npos)
      << r.body;
  EXPECT_EQ(r.body.find(fmt::format("127.0.0.1:{}", port_)), std::string::npos);
}

TEST_F(PagesTest, DocsRedirectPagesPrevNextAndUnknownSlug) {
  start("");
  const Reply redirect = get("/docs");
  EXPECT_EQ(redirect.status, 302);
  EXPECT_EQ(redirect.header("Location"), "/docs/overview");
  EXPECT_EQ(get("/docs/").header("Location"), "/docs/overview");

  const Reply first = get("/docs/overview");
  ASSERT_EQ(first.status, 200);
  expect_csp_clean(first);
  EXPECT_NE(first.body.find("<title>Overview · Goop² Documentation</title>"), std::string::npos);
  EXPECT_NE(first.body.find(
                R"(<a href="/docs/overview" class="current" aria-current="page">Overview</a>)"),
            std::string::npos);
  EXPECT_EQ(first.body.find("rel=\"prev\""), std::string::npos);
  EXPECT_NE(first.body.find(R"(<a class="next" href="/docs/quickstart" rel="next">)"),
            std::string::npos);

  const Reply last = get("/docs/faq/");
  ASSERT_EQ(last.status, 200);
  EXPECT_NE(last.body.find(R"(<a class="prev" href="/docs/configuration" rel="prev">)"),
            std::string::npos);
  EXPECT_EQ(last.body.find("rel=\"next\""), std::string::npos);

  const Reply missing = get("/docs/%3Cscript%3E");
  EXPECT_EQ(missing.status, 404);
  expect_csp_clean(missing);
  EXPECT_NE(missing.body.find("<code>&lt;script&gt;</code>"), std::string::npos);
}

TEST_F(PagesTest, AdminNeedsTheRightCredentials) {
  start("s3cret");
  for (const char* path : {"/admin", "/peers.json", "/logs.json", "/stats.json"}) {
    const Reply none = get(path);
    EXPECT_EQ(none.status, 401) << path;
    EXPECT_EQ(none.body, "unauthorized\n") << path;
    EXPECT_EQ(none.header("WWW-Authenticate"), "Basic realm=\"Goop2 Admin\"") << path;
    EXPECT_EQ(admin_get(path, "wrong").status, 401) << path;
    EXPECT_EQ(admin_get(path, "s3cret").status, 200) << path;
  }
}

TEST_F(PagesTest, AdminDisabledWithoutPassword) {
  start("");
  for (const char* path : {"/admin", "/peers.json", "/logs.json", "/stats.json"}) {
    const Reply r = admin_get(path, "");
    EXPECT_EQ(r.status, 403) << path;
    EXPECT_EQ(r.body, "admin panel disabled\n") << path;
    EXPECT_EQ(r.header("Content-Type"), "text/plain; charset=utf-8") << path;
  }
}

TEST_F(PagesTest, AdminPageShowsTheStatsAndLoadsOnlyItsScript) {
  start("s3cret");
  const Reply r = admin_get("/admin", "s3cret");
  ASSERT_EQ(r.status, 200);
  expect_csp_clean(r);
  EXPECT_EQ(r.header("Cache-Control"), "no-store");
  EXPECT_NE(r.body.find(R"(id="stat-peers">3<)"), std::string::npos);
  EXPECT_NE(r.body.find(R"(id="stat-ws">2<)"), std::string::npos);
  EXPECT_NE(r.body.find(R"(id="stat-sse">1<)"), std::string::npos);
  EXPECT_NE(r.body.find(R"(id="stat-published">1234567<)"), std::string::npos);
  EXPECT_NE(r.body.find(R"(id="stat-refused">89<)"), std::string::npos);
  EXPECT_NE(r.body.find(R"(<script src="/assets/js/admin.js" defer>)"), std::string::npos);
  // Peer data never reaches the server-rendered page; the script adds it as text.
  EXPECT_EQ(r.body.find("onerror"), std::string::npos);
}

TEST_F(PagesTest, AdminJsonIsPassedThroughUncached) {
  start("s3cret");
  const Reply peers = admin_get("/peers.json", "s3cret");
  EXPECT_EQ(peers.header("Content-Type"), "application/json");
  EXPECT_EQ(peers.header("Cache-Control"), "no-store");
  EXPECT_NE(peers.body.find(kEvilLabel), std::string::npos);
  EXPECT_EQ(admin_get("/logs.json", "s3cret").body, R"(["[12:00:00] hello"])");
  EXPECT_EQ(admin_get("/stats.json", "s3cret").body,
            R"({"peers":3,"ws_clients":2,"sse_clients":1,"published":1234567,"refused":89})");
}

TEST_F(PagesTest, AssetsHaveTypesEtagsAnd304) {
  start("");
  const Reply css = get("/assets/css/rendezvous.css");
  ASSERT_EQ(css.status, 200);
  EXPECT_EQ(css.header("Content-Type"), "text/css; charset=utf-8");
  const std::string etag = css.header("ETag");
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(get("/assets/css/rendezvous.css", "If-None-Match: " + etag + "\r\n").status, 304);
  const Reply js = get("/assets/js/admin.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.header("Content-Type"), "text/javascript; charset=utf-8");
  // The dashboard's script never parses peer data as HTML.
  EXPECT_EQ(js.body.find("innerHTML"), std::string::npos);
  EXPECT_EQ(js.body.find("insertAdjacentHTML"), std::string::npos);
  EXPECT_EQ(get("/assets/nope.js").status, 404);
  const Reply icon = get("/favicon.ico");
  EXPECT_EQ(icon.status, 200);
  EXPECT_EQ(icon.header("Content-Type"), "image/svg+xml");
  EXPECT_EQ(get("/", {}, "HEAD").status, 200);
}

TEST(ConnectUrls, ExternalUrlWinsThenEndpointThenLanAddressesForWildcardBinds) {
  const std::vector<std::string> lan = {"192.168.1.5", "10.0.0.2"};
  EXPECT_EQ(connect_urls("https://rv.example", "http://0.0.0.0:8787", lan),
            std::vector<std::string>{"https://rv.example"});
  EXPECT_EQ(connect_urls("", "http://127.0.0.1:8787", lan),
            std::vector<std::string>{"http://127.0.0.1:8787"});
  EXPECT_EQ(connect_urls("", "http://0.0.0.0:8787", lan),
            (std::vector<std::string>{"http://192.168.1.5:8787", "http://10.0.0.2:8787"}));
  EXPECT_EQ(connect_urls("", "http://[::]:8787", {}),
            std::vector<std::string>{"http://127.0.0.1:8787"});
  EXPECT_EQ(connect_urls("", "http://[::1]:8787", lan),
            std::vector<std::string>{"http://[::1]:8787"});
  EXPECT_TRUE(connect_urls("", "", lan).empty());
  for (const auto& ip : local_ipv4_addresses()) EXPECT_FALSE(ip.starts_with("127.")) << ip;
}

}  // namespace
}  // namespace goop::rendezvous
