#include "viewer/ui_pages.hpp"

#include "goop/config/config.hpp"
#include "viewer/management_guard.hpp"
#include "viewer/ui_assets.hpp"

#include <gtest/gtest.h>

namespace goop::viewer {
namespace {

web::Request get(std::string path, std::string if_none_match = "") {
  web::Request r;
  r.method = "GET";
  r.path = std::move(path);
  r.target = r.path;
  if (!if_none_match.empty()) r.headers.emplace("If-None-Match", std::move(if_none_match));
  return r;
}

class UiPagesTest : public ::testing::Test {
 protected:
  UiPages pages_{"a1b2", 8123,
                 [this] {
                   return SelfRow{"12D3KooWSelf", label_, "me@example.com", "0123456789abcdef"};
                 },
                 [this] { return settings_; }};
  std::string label_ = "ann";
  UiSettings settings_;
  web::Response page(const std::string& path) { return render_page(pages_, "rid42", get(path)); }
};

TEST_F(UiPagesTest, RootAndSettingsRedirect) {
  auto r = page("/");
  EXPECT_EQ(r.status, 302);
  EXPECT_EQ(r.headers["Location"], "/peers");
  r = page("/settings");
  EXPECT_EQ(r.status, 302);
  EXPECT_EQ(r.headers["Location"], "/self#settings");
}

TEST_F(UiPagesTest, EveryPageHandsOverTheTokenUnderAStrictPolicy) {
  for (const char* path : {"/peers", "/self", "/logs", "/view", "/peer/12D3KooWAbc"}) {
    SCOPED_TRACE(path);
    auto r = page(path);
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.headers["Content-Type"], "text/html; charset=utf-8");
    EXPECT_EQ(r.headers["Cache-Control"], "no-store");
    EXPECT_EQ(r.headers["Set-Cookie"], token_cookie("a1b2", 8123));
    EXPECT_EQ(r.headers["Content-Security-Policy"], page_csp(8123));
    EXPECT_NE(r.body.find(R"(<meta name="goop-token" content="a1b2">)"), std::string::npos);
    EXPECT_NE(r.body.find(R"(data-self-id="12D3KooWSelf")"), std::string::npos);
    EXPECT_NE(r.body.find(R"(data-rid="rid42")"), std::string::npos);
    EXPECT_NE(r.body.find(R"(class="me-label">ann<)"), std::string::npos);
    // No inline script or style: the policy would block them.
    EXPECT_EQ(r.body.find("<script>"), std::string::npos);
    EXPECT_EQ(r.body.find("style="), std::string::npos);
    EXPECT_EQ(r.body.find("<style"), std::string::npos);
    EXPECT_EQ(r.body.find(" onclick"), std::string::npos);
  }
  const std::string csp = page_csp(8123);
  EXPECT_NE(csp.find("script-src 'self';"), std::string::npos);
  EXPECT_NE(csp.find("frame-src 'self' http://*.localhost:8123;"), std::string::npos);
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe"), std::string::npos);
}

TEST_F(UiPagesTest, ThemeNavAndFlagsFollowTheSettings) {
  EXPECT_NE(page("/peers").body.find(R"(<html lang="en" data-theme="dark")"), std::string::npos);
  settings_.theme = "light";
  EXPECT_NE(page("/peers").body.find(R"(data-theme="light")"), std::string::npos);
  settings_.theme = "\"><script>";
  EXPECT_NE(page("/peers").body.find(R"(data-theme="dark")"), std::string::npos)
      << "invalid -> dark";

  auto body = page("/logs").body;
  EXPECT_NE(body.find(R"(<a class="navitem active" href="/logs" aria-current="page">Logs</a>)"),
            std::string::npos);
  EXPECT_NE(body.find(R"(id="nav-view">View</a>)"), std::string::npos);
  EXPECT_NE(body.find(R"(data-open-sites-external="false")"), std::string::npos);

  settings_.open_sites_external = true;
  settings_.hide_unverified = true;
  body = page("/peers").body;
  EXPECT_NE(body.find(R"(id="nav-view" hidden>)"), std::string::npos);
  EXPECT_NE(body.find(R"(data-open-sites-external="true")"), std::string::npos);
  EXPECT_NE(body.find(R"(data-hide-unverified="true")"), std::string::npos);
  auto view = page("/view");
  EXPECT_EQ(view.status, 302) << "external mode has no /view";
  EXPECT_EQ(view.headers["Location"], "/peers");
}

TEST_F(UiPagesTest, SplashIsOneOfTheEmbeddedImages) {
  EXPECT_NE(page("/peers").body.find(R"(src="/assets/images/goop2-splash2.png")"),
            std::string::npos);
  settings_.splash = "goop2-splash3.png";
  EXPECT_NE(page("/peers").body.find(R"(src="/assets/images/goop2-splash3.png")"),
            std::string::npos);
  settings_.splash = "../../goop.json";
  EXPECT_NE(page("/peers").body.find(R"(src="/assets/images/goop2-splash2.png")"),
            std::string::npos);
}

TEST_F(UiPagesTest, HostileLabelsAreEscaped) {
  label_ = R"x(<img src=x onerror="alert(1)">)x";
  const auto body = page("/peers").body;
  EXPECT_EQ(body.find("<img src=x"), std::string::npos);
  EXPECT_NE(body.find("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"), std::string::npos);
}

TEST_F(UiPagesTest, PeerPagesNeedAPlausibleId) {
  EXPECT_EQ(page("/peer/").status, 404);
  EXPECT_EQ(page("/peer/abc%3Cx").status, 404);
  EXPECT_EQ(page("/peer/a/b").status, 404);
  EXPECT_EQ(page("/peer/0OIl").status, 404) << "not base58";
  EXPECT_EQ(page("/nope").status, 404);
  const auto r = page("/peer/12D3KooWAbc");
  EXPECT_NE(r.body.find(R"(class="peer-page" data-peer-id="12D3KooWAbc")"), std::string::npos);
  EXPECT_NE(r.body.find(R"(href="/p/12D3KooWAbc/")"), std::string::npos);
  EXPECT_TRUE(plausible_peer_id("12D3KooWAbc"));
  EXPECT_FALSE(plausible_peer_id(std::string(129, 'a')));
}

TEST_F(UiPagesTest, SettingsFromConfig) {
  config::Config c;
  c.viewer.theme = "light";
  c.viewer.splash = "";
  c.viewer.open_sites_external = true;
  const UiSettings s = ui_settings_from(c);
  EXPECT_EQ(s.theme, "light");
  EXPECT_EQ(s.splash, "goop2-splash2.png");
  EXPECT_TRUE(s.open_sites_external);
  EXPECT_FALSE(s.hide_unverified);
}

TEST(UiAssets, EveryPageScriptAndImageIsEmbedded) {
  for (const char* p : {"css/app.css", "js/goop.js", "js/pages/peers.js", "js/pages/peer.js",
                        "js/pages/self.js", "js/pages/logs.js", "js/pages/view.js",
                        "images/goop2-splash.png", "images/goop2-splash2.png",
                        "images/goop2-splash3.png", "images/goop2-32.png", "images/goop2-64.png"}) {
    SCOPED_TRACE(p);
    const EmbeddedAsset* a = find_asset(p);
    ASSERT_NE(a, nullptr);
    EXPECT_FALSE(a->data.empty());
    EXPECT_EQ(a->etag.size(), 18u);
  }
  EXPECT_EQ(find_asset("js/nope.js"), nullptr);
  EXPECT_EQ(asset_content_type("a/b.css"), "text/css; charset=utf-8");
  EXPECT_EQ(asset_content_type("a.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(asset_content_type("x.png"), "image/png");
  EXPECT_EQ(asset_content_type("x.bin"), "application/octet-stream");
  const auto png = find_asset("images/goop2-32.png");
  EXPECT_EQ(png->data.substr(1, 3), "PNG");
}

TEST(UiAssets, ServedWithStrongEtagAndRevalidation) {
  auto r = serve_asset(get("/assets/js/goop.js"));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["Content-Type"], "text/javascript; charset=utf-8");
  EXPECT_EQ(r.headers["Cache-Control"], "no-cache");
  const std::string etag = r.headers["ETag"];
  ASSERT_EQ(etag.size(), 18u);
  EXPECT_EQ(etag.front(), '"');
  EXPECT_EQ(r.body, find_asset("js/goop.js")->data);

  auto again = serve_asset(get("/assets/js/goop.js", etag));
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(again.headers["ETag"], etag);
  EXPECT_EQ(serve_asset(get("/assets/js/goop.js", "\"other\", " + etag)).status, 304);
  EXPECT_EQ(serve_asset(get("/assets/js/goop.js", "\"other\"")).status, 200);
  EXPECT_EQ(serve_asset(get("/assets/../goop.json")).status, 404);
  EXPECT_EQ(serve_asset(get("/assets/")).status, 404);
}

}  // namespace
}  // namespace goop::viewer
