#pragma once
// goop.json: the peer's only source of settings (seeds/configuration.txt is the contract).
//
// Every field of the seed's reference is a member below, initialised to the seed's default, so a
// default-constructed Config is the default configuration. Loading overlays a file onto the
// defaults; keys the file lacks keep their defaults in memory; keys we do not know are kept in
// `extra` and written back unchanged when the file is saved.

#include "base/result.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace goop::config {

struct Identity {
  std::string key_file = "data/identity.key";
};

struct Paths {
  std::string site_root = "site";
  std::string site_source = "site/src";
  std::string site_stage = "site/stage";
};

struct P2p {
  std::int64_t listen_port = 0;
  std::string mdns_tag = "goop-mdns";
  bool bridge_mode = false;
  std::string nacl_public_key;
  std::string nacl_private_key;
};

struct Presence {
  std::string topic = "goop.presence.v1";
  std::int64_t ttl_seconds = 20;
  std::int64_t heartbeat_seconds = 5;
  bool rendezvous_host = false;
  std::int64_t rendezvous_port = 8787;
  std::string rendezvous_bind = "127.0.0.1";
  std::string rendezvous_wan;
  bool rendezvous_only = false;
  std::string admin_password;
  std::string external_url;
  std::string peer_db_path;
  std::int64_t relay_port = 0;
  std::int64_t relay_ws_port = 0;
  std::string relay_key_file = "data/relay.key";
  std::int64_t relay_cleanup_delay_sec = 3;
  std::int64_t relay_poll_deadline_sec = 10;
  std::int64_t relay_connect_timeout_sec = 5;
  std::int64_t relay_refresh_interval_sec = 90;
  std::int64_t relay_recovery_grace_sec = 5;
  bool use_services = false;
  std::string credits_url;
  std::string registration_url;
  std::string email_url;
  std::string templates_url;
  std::string bridge_url;
  std::string encryption_url;
  std::string templates_dir = "templates";
  std::string credits_admin_token;
  std::string registration_admin_token;
  std::string templates_admin_token;
  std::string bridge_admin_token;
  std::string encryption_admin_token;
};

struct Profile {
  std::string label = "hello";
  std::string email;
  std::string verification_token;
  std::string bridge_token;
};

struct Viewer {
  std::string http_addr = "127.0.0.1:8080";
  bool debug = false;
  std::string theme = "dark";
  std::string preferred_cam;
  std::string preferred_mic;
  bool video_disabled = false;
  bool hide_unverified = false;
  std::string active_template;
  bool open_sites_external = false;
  std::string splash = "goop2-splash2.png";
  std::int64_t peer_offline_grace_min = 15;
  std::string cluster_binary_path;
  std::string cluster_binary_mode;
};

struct Lua {
  bool enabled = false;
  std::string script_dir = "site/lua";
  std::int64_t timeout_seconds = 5;
  std::int64_t max_memory_mb = 10;
  std::int64_t rate_limit_per_peer = 30;
  std::int64_t rate_limit_global = 120;
  bool http_enabled = true;
  bool kv_enabled = true;
};

struct Config {
  Identity identity;
  Paths paths;
  P2p p2p;
  Presence presence;
  Profile profile;
  Viewer viewer;
  Lua lua;
  // Optional top-level "log_level" (e.g. "info,p2p.yamux=trace"); not written unless set.
  std::string log_level;
  // The file's JSON as read (serialized), so unknown keys survive a rewrite. Empty if the file
  // did not exist.
  std::string original_json;
};

// What went wrong with a goop.json, for the user: `field` is the dotted key
// ("presence.ttl_seconds") or empty for file-level problems; `message` is the full sentence.
struct ConfigError {
  std::string field;
  std::string message;
};

// Checks every rule of the seed plus the value ranges the settings imply. Returns the first
// failure, in the order of the seed's reference (so the message is stable), or nullopt.
std::optional<ConfigError> validate(const Config& c);

// Parses goop.json text: strips a UTF-8 BOM, matches keys case-insensitively (as the Go peer
// does), rejects wrong JSON types naming the field, then validates. Errors name the line and
// column for malformed JSON. Does not touch the filesystem.
Expected<Config> parse(std::string_view json_text);

// Like parse() without validate(): for reading a file that may be mid-edit.
Expected<Config> parse_partial(std::string_view json_text);

// Serializes `c` as 2-space indented JSON with every field; unknown keys from original_json are
// kept in place.
std::string to_json(const Config& c);

// Loads <dir>/goop.json. A missing file is created with the defaults (label = the folder's
// name) and mode 0600; `created` is set then. Errors name the file.
struct Loaded {
  Config config;
  bool created = false;
};
Expected<Loaded> load_or_create(const std::filesystem::path& dir);

// Validates, then writes atomically with mode 0600 (the file can hold keys and tokens). An
// invalid config is not written.
Expected<void> save(const std::filesystem::path& file, const Config& c);

// Resolves a configured path against the peer folder: absolute paths are used as they are.
std::filesystem::path resolve(const std::filesystem::path& dir, const std::string& configured);

// viewer.http_addr normalised: ":P" and "0.0.0.0:P" become "127.0.0.1:P" (the viewer only ever
// listens on loopback); empty stays empty (a free port is chosen).
std::string normalized_http_addr(const std::string& http_addr);

inline constexpr std::size_t kMaxConfigFileBytes = 1 << 20;
inline constexpr std::string_view kFileName = "goop.json";

}  // namespace goop::config
