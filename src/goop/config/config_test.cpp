#include "goop/config/config.hpp"

#include "base/file_io.hpp"
#include "goop/config/fields.hpp"
#include "testing/temp_dir.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <sys/stat.h>

namespace goop::config {
namespace {

std::string source_dir() { return GOOP_SOURCE_DIR; }

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Field-by-field equality through the one field list.
void expect_same_fields(const Config& a, const Config& b) {
  std::vector<std::string> av, bv;
  auto collect = [](std::vector<std::string>& out) {
    return [&out](std::string_view s, std::string_view k, const auto& v) {
      std::ostringstream os;
      os << s << "." << k << "=" << v;
      out.push_back(os.str());
    };
  };
  visit_fields(a, collect(av));
  visit_fields(b, collect(bv));
  EXPECT_EQ(av, bv);
}

TEST(ConfigDefaults, MatchTheSeedsFullReferenceExactly) {
  // tests/fixtures/seed_full_reference.json is the JSON block of seeds/configuration.txt.
  const std::string fixture = slurp(source_dir() + "/tests/fixtures/seed_full_reference.json");
  ASSERT_FALSE(fixture.empty());
  auto parsed = parse_partial(fixture);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  expect_same_fields(*parsed, Config{});
  // And every field of the reference is one we know (none silently ignored).
  int known = 0;
  const Config defaults;
  visit_fields(defaults, [&](auto, auto, const auto&) { ++known; });
  const std::regex key("\"[a-z0-9_]+\":");
  const auto in_reference = std::distance(std::sregex_iterator(fixture.begin(), fixture.end(), key),
                                          std::sregex_iterator());
  EXPECT_EQ(known + 7 /* section keys */, in_reference);
}

TEST(ConfigDefaults, FixtureIsStillTheSeedsReference) {
  const std::string seed = slurp(source_dir() + "/../shared/seeds/configuration.txt");
  if (seed.empty()) GTEST_SKIP() << "../shared/seeds is not beside this checkout";
  const auto a = seed.find("Full reference");
  const auto b = seed.find("Section details");
  ASSERT_NE(a, std::string::npos);
  auto from_seed = parse_partial(seed.substr(seed.find('{', a), b - seed.find('{', a)));
  ASSERT_TRUE(from_seed.has_value()) << from_seed.error().message;
  expect_same_fields(*from_seed, Config{});
}

TEST(ConfigDefaults, AreValid) { EXPECT_FALSE(validate(Config{}).has_value()); }

TEST(ConfigParse, EmptyObjectAndPartialFileGetDefaults) {
  auto c = parse(R"({"profile": {"label": "My Site"}, "viewer": {"http_addr": "127.0.0.1:9000"}})");
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->profile.label, "My Site");
  EXPECT_EQ(c->viewer.http_addr, "127.0.0.1:9000");
  EXPECT_EQ(c->presence.ttl_seconds, 20);
  EXPECT_EQ(c->lua.http_enabled, true);
  EXPECT_EQ(c->presence.templates_dir, "templates");
  ASSERT_TRUE(parse("{}").has_value());
}

TEST(ConfigParse, StripsBomAndMatchesKeysCaseInsensitively) {
  auto c = parse("\xEF\xBB\xBF{\"Profile\": {\"Label\": \"x\"}, \"P2P\": {\"LISTEN_PORT\": 4001}}");
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->profile.label, "x");
  EXPECT_EQ(c->p2p.listen_port, 4001);
}

TEST(ConfigParse, NullKeepsDefault) {
  auto c = parse(R"({"profile": {"label": null}, "lua": null})");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->profile.label, "hello");
}

struct BadJson {
  std::string text;
  std::string expect;  // substring of the message
};

void PrintTo(const BadJson& b, std::ostream* os) { *os << b.text.substr(0, 40); }

class ConfigParseErrors : public ::testing::TestWithParam<BadJson> {};

TEST_P(ConfigParseErrors, NameTheProblem) {
  auto c = parse(GetParam().text);
  ASSERT_TRUE(c.has_error());
  EXPECT_NE(c.error().message.find(GetParam().expect), std::string::npos)
      << "message was: " << c.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    All, ConfigParseErrors,
    ::testing::Values(
        BadJson{"{\n  \"p2p\": {\n    \"listen_port\": 1,,\n  }\n}", "line 3, column 22"},
        BadJson{"{\"profile\": {\"label\": \"x\"}", "line 1, column 27"},
        BadJson{"", "line 1, column 1"}, BadJson{"[1, 2]", "must hold a JSON object"},
        BadJson{R"({"p2p": {"listen_port": "4001"}})",
                "p2p.listen_port must be a whole number, not the string \"4001\""},
        BadJson{R"({"p2p": {"listen_port": 40.5}})", "p2p.listen_port must be a whole number"},
        BadJson{R"({"lua": {"enabled": "yes"}})", "lua.enabled must be true or false"},
        BadJson{R"({"profile": {"label": 7}})", "profile.label must be a string, not the number 7"},
        BadJson{R"({"presence": []})", "\"presence\" must be an object"},
        BadJson{R"({"log_level": 3})", "log_level must be a string"}));

// One validation case: a JSON document and either "" (accepted) or the expected message.
struct Rule {
  std::string name;
  std::string json;
  std::string message;  // exact first-failure message; empty = valid
};

void PrintTo(const Rule& r, std::ostream* os) { *os << r.name; }

class ConfigRules : public ::testing::TestWithParam<Rule> {};

TEST_P(ConfigRules, AcceptOrRejectAtBoundary) {
  const Rule& r = GetParam();
  auto partial = parse_partial(r.json);
  ASSERT_TRUE(partial.has_value()) << partial.error().message;
  auto bad = validate(*partial);
  if (r.message.empty()) {
    EXPECT_FALSE(bad.has_value()) << bad->message;
  } else {
    ASSERT_TRUE(bad.has_value()) << "expected: " << r.message;
    EXPECT_EQ(bad->message, r.message);
    EXPECT_NE(bad->message.find(bad->field), std::string::npos) << "message must name the field";
  }
  // parse() (load) enforces the same rules.
  EXPECT_EQ(parse(r.json).has_value(), r.message.empty());
}

std::string name_of(const ::testing::TestParamInfo<Rule>& i) { return i.param.name; }

INSTANTIATE_TEST_SUITE_P(
    Seed, ConfigRules,
    ::testing::Values(
        Rule{"KeyFileRequired", R"({"identity": {"key_file": " "}})",
             "identity.key_file must not be empty"},
        Rule{"SiteRootRequired", R"({"paths": {"site_root": ""}})",
             "paths.site_root must not be empty"},
        Rule{"SourceStageDiffer",
             R"({"paths": {"site_source": "site/x", "site_stage": "site/x/"}})",
             "paths.site_source (\"site/x\") and paths.site_stage (\"site/x/\") must be different "
             "paths"},
        Rule{"SourceStageDifferClean",
             R"({"paths": {"site_source": "site/./a", "site_stage": "site/a"}})",
             "paths.site_source (\"site/./a\") and paths.site_stage (\"site/a\") must be different "
             "paths"},
        Rule{"SourceStageDifferentOk", R"({"paths": {"site_source": "a", "site_stage": "b"}})", ""},
        Rule{"ListenPortZero", R"({"p2p": {"listen_port": 0}})", ""},
        Rule{"ListenPortMax", R"({"p2p": {"listen_port": 65535}})", ""},
        Rule{"ListenPortTooBig", R"({"p2p": {"listen_port": 65536}})",
             "p2p.listen_port (65536) must be 0 (any free port) or between 1 and 65535"},
        Rule{"ListenPortNegative", R"({"p2p": {"listen_port": -1}})",
             "p2p.listen_port (-1) must be 0 (any free port) or between 1 and 65535"},
        Rule{"MdnsTagRequired", R"({"p2p": {"mdns_tag": ""}})", "p2p.mdns_tag must not be empty"},
        Rule{"MdnsTagCharset", R"({"p2p": {"mdns_tag": "my tag"}})",
             "p2p.mdns_tag (\"my tag\") must be 1 to 63 letters, digits, '-' or '_' (it becomes a "
             "DNS-SD service name)"},
        Rule{"NaclKeyBad", R"({"p2p": {"nacl_public_key": "abc"}})",
             "p2p.nacl_public_key must be 32 bytes in base64, or empty to generate a new key pair"},
        Rule{"NaclKeyOk",
             R"({"p2p": {"nacl_public_key": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}})", ""},
        Rule{"TopicRequired", R"({"presence": {"topic": ""}})", "presence.topic must not be empty"},
        Rule{"TtlPositive", R"({"presence": {"ttl_seconds": 0}})",
             "presence.ttl_seconds (0) must be greater than 0"},
        Rule{"HeartbeatPositive", R"({"presence": {"heartbeat_seconds": 0}})",
             "presence.heartbeat_seconds (0) must be greater than 0"},
        Rule{"HeartbeatEqualsTtl", R"({"presence": {"heartbeat_seconds": 20, "ttl_seconds": 20}})",
             "presence.heartbeat_seconds (20) must be less than presence.ttl_seconds (20)"},
        Rule{"HeartbeatJustBelowTtl",
             R"({"presence": {"heartbeat_seconds": 19, "ttl_seconds": 20}})", ""},
        Rule{"RendezvousOnlyNeedsHost", R"({"presence": {"rendezvous_only": true}})",
             "presence.rendezvous_only (true) requires presence.rendezvous_host to be true"},
        Rule{"RendezvousOnlyWithHost",
             R"({"presence": {"rendezvous_only": true, "rendezvous_host": true}})", ""},
        Rule{"RendezvousPortWhenHosting",
             R"({"presence": {"rendezvous_host": true, "rendezvous_port": 0}})",
             "presence.rendezvous_port (0) must be between 1 and 65535 when "
             "presence.rendezvous_host is true"},
        Rule{"RendezvousPortIgnoredWhenNotHosting", R"({"presence": {"rendezvous_port": 0}})", ""},
        Rule{"RendezvousBindIp",
             R"({"presence": {"rendezvous_host": true, "rendezvous_bind": "example.com"}})",
             "presence.rendezvous_bind (\"example.com\") must be an IP address such as 127.0.0.1 "
             "or 0.0.0.0"},
        Rule{"RendezvousBindAny",
             R"({"presence": {"rendezvous_host": true, "rendezvous_bind": "0.0.0.0"}})", ""},
        Rule{"RendezvousBindV6",
             R"({"presence": {"rendezvous_host": true, "rendezvous_bind": "::1"}})", ""},
        Rule{"WanOk", R"({"presence": {"rendezvous_wan": "https://goop2.com"}})", ""},
        Rule{"WanLoopbackOk", R"({"presence": {"rendezvous_wan": "http://127.0.0.1:8787/"}})", ""},
        Rule{"WanScheme", R"({"presence": {"rendezvous_wan": "ftp://goop2.com"}})",
             "presence.rendezvous_wan (\"ftp://goop2.com\") must start with http:// or https://"},
        Rule{"WanNotUrl", R"({"presence": {"rendezvous_wan": "goop2.com"}})",
             "presence.rendezvous_wan (\"goop2.com\") is not a valid URL"},
        Rule{"WanUnspecified", R"({"presence": {"rendezvous_wan": "http://0.0.0.0:8787"}})",
             "presence.rendezvous_wan (\"http://0.0.0.0:8787\") must not use the unspecified "
             "address 0.0.0.0"},
        Rule{"WanUnspecifiedV6", R"({"presence": {"rendezvous_wan": "http://[::]:8787"}})",
             "presence.rendezvous_wan (\"http://[::]:8787\") must not use the unspecified address "
             "::"},
        Rule{"WanBadPort", R"({"presence": {"rendezvous_wan": "http://goop2.com:70000"}})",
             "presence.rendezvous_wan (\"http://goop2.com:70000\") has an invalid port \"70000\" "
             "(must be 1..65535)"},
        Rule{"RelayPortNeedsHost", R"({"presence": {"relay_port": 4001}})",
             "presence.relay_port (4001) requires presence.rendezvous_host to be true"},
        Rule{"RelayPortMin", R"({"presence": {"relay_port": 1, "rendezvous_host": true}})", ""},
        Rule{"RelayPortMax", R"({"presence": {"relay_port": 65535, "rendezvous_host": true}})", ""},
        Rule{"RelayPortTooBig", R"({"presence": {"relay_port": 65536, "rendezvous_host": true}})",
             "presence.relay_port (65536) must be 0 (no relay) or between 1 and 65535"},
        Rule{"RelayPortNegative", R"({"presence": {"relay_port": -5}})",
             "presence.relay_port (-5) must be 0 (no relay) or between 1 and 65535"},
        Rule{
            "RelayWsPortRange", R"({"presence": {"relay_ws_port": 70000}})",
            "presence.relay_ws_port (70000) must be 0 (no WebSocket relay) or between 1 and 65535"},
        Rule{
            "RelayTimingNegative",
            R"({"presence": {"relay_port": 4001, "rendezvous_host": true, "relay_poll_deadline_sec": -1}})",
            "presence.relay_poll_deadline_sec (-1) must be 0 or more when presence.relay_port is "
            "set"},
        Rule{
            "RelayTimingZeroOk",
            R"({"presence": {"relay_port": 4001, "rendezvous_host": true, "relay_recovery_grace_sec": 0}})",
            ""},
        Rule{"RelayTimingIgnoredWithoutRelay", R"({"presence": {"relay_cleanup_delay_sec": -1}})",
             ""},
        Rule{"ServiceUrl", R"({"presence": {"credits_url": "localhost:8800"}})",
             "presence.credits_url (\"localhost:8800\") must start with http:// or https://"},
        Rule{"ServiceUrlOk", R"({"presence": {"credits_url": "http://localhost:8800"}})", ""},
        Rule{"LabelControlChars", R"({"profile": {"label": "a\u0007b"}})",
             "profile.label (\"a\\u0007b\") must be at most 100 characters with no control "
             "characters"},
        Rule{"EmailShape", R"({"profile": {"email": "not-an-email"}})",
             "profile.email (\"not-an-email\") must be an email address such as name@example.com, "
             "or empty"},
        Rule{"HttpAddrShape", R"({"viewer": {"http_addr": "localhost"}})",
             "viewer.http_addr (\"localhost\") must be host:port such as 127.0.0.1:8080, or empty "
             "for a free port"},
        Rule{"HttpAddrEmptyOk", R"({"viewer": {"http_addr": ""}})", ""},
        Rule{"HttpAddrPortOnlyOk", R"({"viewer": {"http_addr": ":8080"}})", ""},
        Rule{"HttpAddrBracketedIpv6Ok", R"({"viewer": {"http_addr": "[::1]:8080"}})", ""},
        Rule{"HttpAddrUnbracketedIpv6", R"({"viewer": {"http_addr": "::1:8080"}})",
             "viewer.http_addr (\"::1:8080\") must be host:port such as 127.0.0.1:8080, or empty "
             "for a free port"},
        Rule{"Theme", R"({"viewer": {"theme": "blue"}})",
             "viewer.theme (\"blue\") must be \"dark\" or \"light\""},
        Rule{"ThemeLight", R"({"viewer": {"theme": "light"}})", ""},
        Rule{"GraceMin", R"({"viewer": {"peer_offline_grace_min": 0}})",
             "viewer.peer_offline_grace_min (0) must be between 1 and 60"},
        Rule{"GraceOne", R"({"viewer": {"peer_offline_grace_min": 1}})", ""},
        Rule{"GraceSixty", R"({"viewer": {"peer_offline_grace_min": 60}})", ""},
        Rule{"GraceMax", R"({"viewer": {"peer_offline_grace_min": 61}})",
             "viewer.peer_offline_grace_min (61) must be between 1 and 60"},
        Rule{"ClusterMode", R"({"viewer": {"cluster_binary_mode": "forever"}})",
             "viewer.cluster_binary_mode (\"forever\") must be \"oneshot\", \"daemon\" or empty"},
        Rule{"LuaTimeoutIgnoredWhenDisabled", R"({"lua": {"timeout_seconds": 0}})", ""},
        Rule{"LuaTimeoutMin", R"({"lua": {"enabled": true, "timeout_seconds": 0}})",
             "lua.timeout_seconds (0) must be between 1 and 60"},
        Rule{"LuaTimeoutOne", R"({"lua": {"enabled": true, "timeout_seconds": 1}})", ""},
        Rule{"LuaTimeoutSixty", R"({"lua": {"enabled": true, "timeout_seconds": 60}})", ""},
        Rule{"LuaTimeoutMax", R"({"lua": {"enabled": true, "timeout_seconds": 61}})",
             "lua.timeout_seconds (61) must be between 1 and 60"},
        Rule{"LuaMemoryMin", R"({"lua": {"enabled": true, "max_memory_mb": 0}})",
             "lua.max_memory_mb (0) must be between 1 and 1024"},
        Rule{"LuaMemoryMaxOk", R"({"lua": {"enabled": true, "max_memory_mb": 1024}})", ""},
        Rule{"LuaMemoryMax", R"({"lua": {"enabled": true, "max_memory_mb": 1025}})",
             "lua.max_memory_mb (1025) must be between 1 and 1024"},
        Rule{"LuaScriptDir", R"({"lua": {"enabled": true, "script_dir": ""}})",
             "lua.script_dir must not be empty when lua.enabled is true"},
        Rule{"LuaRatePeer", R"({"lua": {"enabled": true, "rate_limit_per_peer": 0}})",
             "lua.rate_limit_per_peer (0) must be greater than 0"},
        Rule{"LuaRateGlobal", R"({"lua": {"enabled": true, "rate_limit_global": -1}})",
             "lua.rate_limit_global (-1) must be greater than 0"}),
    name_of);

TEST(ConfigRoundTrip, KeepsUnknownKeysAndOrder) {
  const std::string text = R"({
  "my_notes": {"a": [1, 2, {"b": null}]},
  "profile": {"label": "Zed", "favourite_colour": "green"},
  "p2p": {"listen_port": 4001}
})";
  auto c = parse(text);
  ASSERT_TRUE(c.has_value());
  c->profile.label = "Zoe";
  const std::string out = to_json(*c);
  auto back = parse(out);
  ASSERT_TRUE(back.has_value()) << out;
  EXPECT_EQ(back->profile.label, "Zoe");
  EXPECT_EQ(back->p2p.listen_port, 4001);
  EXPECT_NE(out.find("\"favourite_colour\": \"green\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"my_notes\""), std::string::npos);
  EXPECT_NE(out.find("\"b\": null"), std::string::npos);
  EXPECT_LT(out.find("\"my_notes\""), out.find("\"profile\""));  // file order kept
  // Every field is written, 2-space indented.
  EXPECT_NE(out.find("\n  \"lua\": {\n    \"enabled\": false,"), std::string::npos) << out;
  // Writing again changes nothing.
  EXPECT_EQ(to_json(*back), out);
}

TEST(ConfigRoundTrip, RewritesSectionKeysInCanonicalCase) {
  auto c = parse(R"({"Profile": {"Label": "x", "extra": 1}})");
  ASSERT_TRUE(c.has_value());
  const std::string out = to_json(*c);
  EXPECT_NE(out.find("\"profile\": {\n    \"label\": \"x\",\n    \"extra\": 1"), std::string::npos)
      << out;
  EXPECT_EQ(out.find("\"Profile\""), std::string::npos);
}

class ConfigFileTest : public ::testing::Test {
 protected:
  goop::testing::TempDir tmp_{"config"};
  const std::filesystem::path dir_ = tmp_ / "mysite";  // not made yet
};

TEST_F(ConfigFileTest, MissingFileIsCreatedWithDefaultsAndMode0600) {
  auto l = load_or_create(dir_);
  ASSERT_TRUE(l.has_value()) << l.error().message;
  EXPECT_TRUE(l->created);
  EXPECT_EQ(l->config.profile.label, "mysite");
  struct stat st {};
  ASSERT_EQ(::stat((dir_ / "goop.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto again = load_or_create(dir_);
  ASSERT_TRUE(again.has_value());
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->config.profile.label, "mysite");
}

TEST_F(ConfigFileTest, InvalidFileNamesFileAndRuleAndIsLeftAlone) {
  std::filesystem::create_directories(dir_);
  const std::string bad = R"({"presence": {"heartbeat_seconds": 30}})";
  ASSERT_TRUE(write_file_atomic(dir_ / "goop.json", bad, 0644).has_value());
  auto l = load_or_create(dir_);
  ASSERT_TRUE(l.has_error());
  EXPECT_NE(
      l.error().message.find(
          "goop.json: presence.heartbeat_seconds (30) must be less than presence.ttl_seconds (20)"),
      std::string::npos)
      << l.error().message;
  EXPECT_EQ(*read_file(dir_ / "goop.json", 1000), bad);
}

TEST_F(ConfigFileTest, SaveRefusesInvalidConfigAndKeepsFile) {
  auto l = load_or_create(dir_);
  ASSERT_TRUE(l.has_value());
  const std::string before = *read_file(dir_ / "goop.json", 100000);
  Config c = l->config;
  c.presence.heartbeat_seconds = 25;
  auto r = save(dir_ / "goop.json", c);
  ASSERT_TRUE(r.has_error());
  EXPECT_NE(r.error().message.find("was not saved"), std::string::npos);
  EXPECT_EQ(*read_file(dir_ / "goop.json", 100000), before);
}

TEST_F(ConfigFileTest, PathThatIsAFileIsRefused) {
  std::filesystem::create_directories(dir_.parent_path());
  ASSERT_TRUE(write_file_atomic(dir_, "x", 0600).has_value());
  auto l = load_or_create(dir_);
  ASSERT_TRUE(l.has_error());
  EXPECT_NE(l.error().message.find("is not a directory"), std::string::npos);
}

TEST(ConfigPaths, ResolveAndNormalise) {
  EXPECT_EQ(resolve("/p", "data/identity.key"), "/p/data/identity.key");
  EXPECT_EQ(resolve("/p", "/etc/key"), "/etc/key");
  EXPECT_EQ(normalized_http_addr(":8080"), "127.0.0.1:8080");
  EXPECT_EQ(normalized_http_addr("0.0.0.0:8080"), "127.0.0.1:8080");
  EXPECT_EQ(normalized_http_addr("localhost:1"), "localhost:1");
  EXPECT_EQ(normalized_http_addr(""), "");
  EXPECT_EQ(normalized_http_addr("[::1]:8080"), "[::1]:8080");
  EXPECT_EQ(normalized_http_addr(":0"), "127.0.0.1:0");
}

}  // namespace
}  // namespace goop::config
