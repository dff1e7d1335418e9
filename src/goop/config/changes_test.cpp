#include "goop/config/changes.hpp"

#include "base/file_io.hpp"
#include "goop/config/fields.hpp"
#include "goop/config/service.hpp"
#include "testing/temp_dir.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <sys/stat.h>

namespace goop::config {
namespace {
namespace fs = std::filesystem;

using Kind = ChangeError::Kind;

// The error apply_changes gives for `changes` on the defaults (fails the test if none).
ChangeError refusal(std::string_view changes, const Config& base = Config{}) {
  auto out = apply_changes(base, changes);
  EXPECT_FALSE(out.applied.has_value()) << changes;
  return out.error.value_or(ChangeError{Kind::kIo, "(none)", "(accepted)"});
}

TEST(ApplyChanges, SetsFieldsOfEveryTypeAndListsWhatChanged) {
  auto out = apply_changes(Config{}, R"({"viewer.theme": "light", "presence.ttl_seconds": 30,
                                         "viewer.hide_unverified": true, "profile.label": "hello"})");
  ASSERT_TRUE(out.applied.has_value()) << out.error->message;
  EXPECT_EQ(out.applied->config.viewer.theme, "light");
  EXPECT_EQ(out.applied->config.presence.ttl_seconds, 30);
  EXPECT_TRUE(out.applied->config.viewer.hide_unverified);
  // profile.label was already "hello": not a change. Field order, not request order.
  EXPECT_EQ(out.applied->changed, (std::vector<std::string>{"presence.ttl_seconds", "viewer.theme",
                                                            "viewer.hide_unverified"}));
  EXPECT_EQ(needing_restart(out.applied->changed),
            (std::vector<std::string>{"presence.ttl_seconds"}));
}

TEST(ApplyChanges, EverySeedRuleIsRefusedNamingItsField) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"paths.site_stage": "site/src"})", "paths.site_stage"},
      {R"({"presence.heartbeat_seconds": 20})", "presence.heartbeat_seconds"},
      {R"({"presence.ttl_seconds": 5})", "presence.heartbeat_seconds"},
      {R"({"p2p.listen_port": 70000})", "p2p.listen_port"},
      {R"({"p2p.listen_port": -1})", "p2p.listen_port"},
      {R"({"presence.rendezvous_host": true, "presence.relay_port": 70000})",
       "presence.relay_port"},
      {R"({"presence.rendezvous_only": true})", "presence.rendezvous_only"},
      {R"({"presence.relay_port": 4001})", "presence.relay_port"},
      {R"({"presence.rendezvous_host": true, "presence.relay_port": 4001,
           "presence.relay_poll_deadline_sec": -1})",
       "presence.relay_poll_deadline_sec"},
      {R"({"lua.enabled": true, "lua.timeout_seconds": 0})", "lua.timeout_seconds"},
      {R"({"lua.enabled": true, "lua.max_memory_mb": 2000})", "lua.max_memory_mb"},
      {R"({"viewer.theme": "purple"})", "viewer.theme"},
      {R"({"viewer.peer_offline_grace_min": 61})", "viewer.peer_offline_grace_min"},
  };
  for (const auto& [changes, field] : cases) {
    const ChangeError e = refusal(changes);
    EXPECT_EQ(e.kind, Kind::kInvalid) << changes;
    EXPECT_EQ(e.field, field) << changes;
    EXPECT_NE(e.message.find(field), std::string::npos) << e.message;
  }
  EXPECT_NE(refusal(R"({"presence.heartbeat_seconds": 20})")
                .message.find("less than presence.ttl_seconds (20)"),
            std::string::npos);
}

TEST(ApplyChanges, WrongJsonTypesNameTheFieldAndTheExpectedType) {
  ChangeError e = refusal(R"({"presence.ttl_seconds": "30"})");
  EXPECT_EQ(e.kind, Kind::kBadRequest);
  EXPECT_EQ(e.field, "presence.ttl_seconds");
  EXPECT_EQ(e.message, "presence.ttl_seconds must be a whole number, not the string \"30\"");
  e = refusal(R"({"viewer.debug": "yes"})");
  EXPECT_EQ(e.field, "viewer.debug");
  EXPECT_NE(e.message.find("must be true or false"), std::string::npos);
  e = refusal(R"({"profile.label": null})");
  EXPECT_EQ(e.field, "profile.label");
  EXPECT_EQ(e.message, "profile.label must be a string, not null");
  e = refusal(R"({"p2p.listen_port": 1.5})");
  EXPECT_EQ(e.field, "p2p.listen_port");
}

TEST(ApplyChanges, ReadOnlyKeysAreRefusedWithTheReason) {
  for (const char* key : {"p2p.nacl_private_key", "p2p.nacl_public_key", "identity.key_file"}) {
    const ChangeError e = refusal(fmt::format(R"({{"{}": "x"}})", key));
    EXPECT_EQ(e.kind, Kind::kBadRequest);
    EXPECT_EQ(e.field, key);
    EXPECT_NE(e.message.find("cannot be changed from the viewer"), std::string::npos) << e.message;
    EXPECT_TRUE(is_read_only(key));
  }
  EXPECT_NE(refusal(R"({"identity.key_file": "other.key"})").message.find("new peer ID"),
            std::string::npos);
}

TEST(ApplyChanges, UnknownKeysAndNonObjectsAreRefused) {
  ChangeError e = refusal(R"({"viewer.colour": "red"})");
  EXPECT_EQ(e.kind, Kind::kBadRequest);
  EXPECT_EQ(e.field, "viewer.colour");
  EXPECT_NE(e.message.find("unknown setting \"viewer.colour\""), std::string::npos);
  EXPECT_EQ(refusal(R"({"theme": "light"})").field, "theme");
  EXPECT_EQ(refusal(R"({"viewer": {"theme": "light"}})").field, "viewer");
  e = refusal(R"(["viewer.theme"])");
  EXPECT_EQ(e.field, "");
  EXPECT_NE(e.message.find("JSON object"), std::string::npos);
  EXPECT_NE(refusal("{").message.find("not valid JSON"), std::string::npos);
}

TEST(RestartFields, LiveAndRestartFieldsPartitionEveryField) {
  const auto restart = restart_fields();
  int total = 0, live = 0;
  const Config defaults;
  visit_fields(defaults, [&](std::string_view s, std::string_view k, const auto&) {
    ++total;
    if (is_live(fmt::format("{}.{}", s, k))) ++live;
  });
  EXPECT_EQ(live, 13);
  EXPECT_EQ(static_cast<int>(restart.size()) + live + 3 /* read-only */, total);
  EXPECT_EQ(std::find(restart.begin(), restart.end(), "p2p.nacl_private_key"), restart.end());
  EXPECT_NE(std::find(restart.begin(), restart.end(), "p2p.listen_port"), restart.end());
  EXPECT_EQ(std::find(restart.begin(), restart.end(), "viewer.theme"), restart.end());
  EXPECT_TRUE(is_live("profile.label"));
  EXPECT_FALSE(is_live("presence.ttl_seconds"));
}

TEST(PublicJson, HasEverySectionButNeverThePrivateKey) {
  Config c;
  c.p2p.nacl_private_key = "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI=";
  c.p2p.nacl_public_key = "cHVibGljcHVibGljcHVibGljcHVibGljcHVibGljMTI=";
  const std::string j = to_public_json(c);
  EXPECT_EQ(j.find("nacl_private_key"), std::string::npos);
  EXPECT_EQ(j.find(c.p2p.nacl_private_key), std::string::npos);
  EXPECT_NE(j.find(c.p2p.nacl_public_key), std::string::npos);
  for (auto s : kSections) EXPECT_NE(j.find(fmt::format("\"{}\":{{", s)), std::string::npos) << s;
  EXPECT_NE(j.find(R"("ttl_seconds":20)"), std::string::npos);
}

class ConfigServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Config initial;
    initial.profile.label = "ann";
    ASSERT_TRUE(save(file_, initial).has_value());
    auto text = read_file(file_, kMaxConfigFileBytes);
    ASSERT_TRUE(text.has_value());
    auto parsed = parse(*text);
    ASSERT_TRUE(parsed.has_value());
    service_ = std::make_unique<ConfigService>(file_, *parsed);
  }
  std::string on_disk() const {
    std::ifstream in(file_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  goop::testing::TempDir tmp_{"config-service"};
  const fs::path dir_ = tmp_.path();
  const fs::path file_ = dir_ / "goop.json";
  std::unique_ptr<ConfigService> service_;
};

TEST_F(ConfigServiceTest, AppliesSavesWithMode0600AndTellsListeners) {
  std::vector<std::string> heard;
  std::string label_seen;
  service_->on_change([&](const Config& now, const std::vector<std::string>& changed) {
    heard = changed;
    label_seen = now.profile.label;
  });
  const Config& live = service_->current();
  auto out = service_->update(R"({"profile.label": "Ann B", "p2p.listen_port": 4001})");
  ASSERT_TRUE(out.updated.has_value()) << out.error->message;
  EXPECT_EQ(out.updated->changed, (std::vector<std::string>{"p2p.listen_port", "profile.label"}));
  EXPECT_EQ(out.updated->restart_needed, (std::vector<std::string>{"p2p.listen_port"}));
  EXPECT_EQ(heard, out.updated->changed);
  EXPECT_EQ(label_seen, "Ann B");
  EXPECT_EQ(live.profile.label, "Ann B") << "current() is a live view";
  auto reread = parse(on_disk());
  ASSERT_TRUE(reread.has_value());
  EXPECT_EQ(reread->profile.label, "Ann B");
  EXPECT_EQ(reread->p2p.listen_port, 4001);
  struct stat st {};
  ASSERT_EQ(stat(file_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(ConfigServiceTest, NothingIsWrittenOrChangedWhenAnUpdateFails) {
  int calls = 0;
  service_->on_change([&](const Config&, const std::vector<std::string>&) { ++calls; });
  const std::string before = on_disk();
  for (const char* bad : {R"({"profile.label": "x", "presence.heartbeat_seconds": 30})",
                          R"({"profile.label": "x", "nope.nope": 1})",
                          R"({"profile.label": "x", "p2p.nacl_private_key": ""})",
                          R"({"profile.label": "x", "presence.ttl_seconds": true})"}) {
    auto out = service_->update(bad);
    EXPECT_TRUE(out.error.has_value()) << bad;
    EXPECT_EQ(on_disk(), before) << bad;
    EXPECT_EQ(service_->current().profile.label, "ann") << bad;
  }
  EXPECT_EQ(calls, 0);
}

TEST_F(ConfigServiceTest, AnUnwritableFileIsAnIoErrorAndMemoryStaysAsItWas) {
  // Its folder is a regular file: no write can succeed (not even as root).
  std::ofstream(dir_ / "blocker") << "x";
  ConfigService broken(dir_ / "blocker" / "goop.json", service_->current());
  int calls = 0;
  broken.on_change([&](const Config&, const std::vector<std::string>&) { ++calls; });
  auto out = broken.update(R"({"profile.label": "x"})");
  ASSERT_TRUE(out.error.has_value());
  EXPECT_EQ(out.error->kind, Kind::kIo);
  EXPECT_EQ(out.error->field, "");
  EXPECT_NE(out.error->message.find("were not saved"), std::string::npos) << out.error->message;
  EXPECT_EQ(broken.current().profile.label, "ann");
  EXPECT_EQ(calls, 0);
}

TEST_F(ConfigServiceTest, AnUpdateThatChangesNothingWritesNothing) {
  fs::remove(file_);
  auto out = service_->update(R"({"profile.label": "ann"})");
  ASSERT_TRUE(out.updated.has_value());
  EXPECT_TRUE(out.updated->changed.empty());
  EXPECT_FALSE(fs::exists(file_));
}

}  // namespace
}  // namespace goop::config
