// The settings routes on a real HttpServer with the viewer's guards.
#include "viewer/settings_api.hpp"

#include "testing/temp_dir.hpp"
#include "viewer/test_server.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace goop::viewer {
namespace {
namespace json = boost::json;
namespace fs = std::filesystem;

class SettingsApiTest : public testkit::ServerFixture {
 protected:
  void SetUp() override {
    config::Config c;
    c.profile.label = "ann";
    c.profile.verification_token = "tok-123";
    c.p2p.nacl_public_key = "cHVibGljcHVibGljcHVibGljcHVibGljcHVibGljMTI=";
    c.p2p.nacl_private_key = "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI=";
    ASSERT_TRUE(config::save(dir_ / "goop.json", c).has_value());
    service_ = std::make_unique<config::ConfigService>(dir_ / "goop.json", c);
    start_server();
    register_settings_api(*server_, SettingsApi{*service_, dir_});
  }
  std::string on_disk() const {
    std::ifstream in(dir_ / "goop.json");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  goop::testing::TempDir tmp_{"settings-api"};
  const fs::path dir_ = tmp_.path();
  std::unique_ptr<config::ConfigService> service_;
};

TEST_F(SettingsApiTest, GetNeedsTheTokenAndNeverSendsThePrivateKey) {
  EXPECT_EQ(call("GET", "/api/settings", "", "", /*as_page=*/false).status, 403);
  const auto r = call("GET", "/api/settings");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body.find("nacl_private_key"), std::string::npos);
  EXPECT_EQ(r.body.find("c2VjcmV0"), std::string::npos);
  const auto o = json::parse(r.body).as_object();
  const auto& cfg = o.at("config").as_object();
  for (const char* s : {"identity", "paths", "p2p", "presence", "profile", "viewer", "lua"}) {
    EXPECT_TRUE(cfg.contains(s)) << s;
  }
  EXPECT_EQ(cfg.at("profile").at("label"), "ann");
  EXPECT_EQ(cfg.at("presence").at("ttl_seconds"), 20);
  EXPECT_EQ(cfg.at("p2p").at("nacl_public_key"), "cHVibGljcHVibGljcHVibGljcHVibGljcHVibGljMTI=");
  const auto& restart = o.at("restart_fields").as_array();
  EXPECT_NE(std::find(restart.begin(), restart.end(), json::value("p2p.listen_port")),
            restart.end());
  EXPECT_EQ(std::find(restart.begin(), restart.end(), json::value("viewer.theme")), restart.end());
  EXPECT_EQ(o.at("config_path"), json::value((dir_ / "goop.json").string()));
  EXPECT_EQ(o.at("site_root"), json::value((dir_ / "site").string()));
}

TEST_F(SettingsApiTest, PostAppliesAndReportsWhatNeedsARestart) {
  const auto r = call(
      "POST", "/api/settings",
      R"({"changes": {"viewer.theme": "light", "p2p.listen_port": 4001, "profile.label": "Ann"}})");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto o = json::parse(r.body).as_object();
  EXPECT_EQ(o.at("ok"), true);
  EXPECT_EQ(o.at("restart_needed"), json::parse(R"(["p2p.listen_port"])"));
  EXPECT_EQ(o.at("config").at("viewer").at("theme"), "light");
  EXPECT_EQ(service_->current().profile.label, "Ann");
  auto reread = config::parse(on_disk());
  ASSERT_TRUE(reread.has_value());
  EXPECT_EQ(reread->viewer.theme, "light");
  EXPECT_EQ(reread->p2p.listen_port, 4001);
}

TEST_F(SettingsApiTest, RefusalsAre4xxWithTheFieldAndWriteNothing) {
  const std::string before = on_disk();
  struct Case {
    std::string body;
    int status;
    std::string field;
  };
  const Case cases[] = {
      {R"({"changes": {"presence.heartbeat_seconds": 20}})", 422, "presence.heartbeat_seconds"},
      {R"({"changes": {"presence.ttl_seconds": "30"}})", 400, "presence.ttl_seconds"},
      {R"({"changes": {"p2p.nacl_private_key": ""}})", 400, "p2p.nacl_private_key"},
      {R"({"changes": {"viewer.nope": 1}})", 400, "viewer.nope"},
      {R"({"theme": "light"})", 400, ""},
      {R"(not json)", 400, ""},
  };
  for (const auto& c : cases) {
    const auto r = call("POST", "/api/settings", c.body);
    EXPECT_EQ(r.status, c.status) << c.body << " -> " << r.body;
    const auto o = json::parse(r.body).as_object();
    EXPECT_EQ(o.at("field"), json::value(c.field)) << c.body;
    EXPECT_FALSE(o.at("error").as_string().empty());
  }
  EXPECT_EQ(on_disk(), before);
  EXPECT_EQ(service_->current().profile.label, "ann");
}

TEST_F(SettingsApiTest, PostNeedsTheViewersPage) {
  const auto r =
      call("POST", "/api/settings", R"({"changes": {"viewer.theme": "light"}})", "application/json",
           /*as_page=*/false);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(service_->current().viewer.theme, "dark");
}

TEST_F(SettingsApiTest, QuickGetAndPostHaveTheGoShapes) {
  EXPECT_EQ(call("GET", "/api/settings/quick/get", "", "", /*as_page=*/false).status, 403)
      << "it holds the verification token";
  auto r = call("GET", "/api/settings/quick/get", "", "", /*as_page=*/true);
  ASSERT_EQ(r.status, 200);
  auto o = json::parse(r.body).as_object();
  EXPECT_EQ(o.size(), 9u);
  EXPECT_EQ(o.at("label"), "ann");
  EXPECT_EQ(o.at("verification_token"), "tok-123");
  EXPECT_EQ(o.at("theme"), "dark");
  EXPECT_EQ(o.at("video_disabled"), false);

  r = call(
      "POST", "/api/settings/quick",
      R"({"label": "  Ann Quick  ", "theme": "sepia", "hide_unverified": true, "bridge_mode": true,
               "whatever": 1})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"status":"ok"})");
  EXPECT_EQ(service_->current().profile.label, "Ann Quick");
  EXPECT_EQ(service_->current().viewer.theme, "dark") << "an unknown theme is ignored";
  EXPECT_TRUE(service_->current().viewer.hide_unverified);
  EXPECT_TRUE(service_->current().p2p.bridge_mode);

  r = call("POST", "/api/settings/quick", R"({"theme": "light"})");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(service_->current().viewer.theme, "light");

  r = call("POST", "/api/settings/quick", R"({"video_disabled": "yes"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body).at("field"), "viewer.video_disabled");
  r = call("POST", "/api/settings/quick", R"({"email": "not an email"})");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(json::parse(r.body).at("field"), "profile.email");
}

}  // namespace
}  // namespace goop::viewer
