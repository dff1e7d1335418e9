#include "peer_process.hpp"

#include "http_client.hpp"

#include <boost/json.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <unistd.h>

namespace goop::testing {
namespace json = boost::json;
using namespace std::chrono_literals;

std::string peer_config_json(const PeerSettings& s) {
  json::object cfg{
      {"profile", json::object{{"label", s.label}}},
      {"viewer", json::object{{"http_addr", "127.0.0.1:0"}}},
      {"p2p", json::object{{"mdns_tag", s.mdns_tag}}},
      {"presence", json::object{{"topic", s.topic},
                                {"heartbeat_seconds", s.heartbeat_seconds},
                                {"ttl_seconds", s.ttl_seconds},
                                {"rendezvous_wan", s.rendezvous_wan}}},
  };
  return json::serialize(cfg);
}

std::string unique_name(const std::string& prefix) {
  static std::atomic<int> counter{0};
  return prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

namespace {
std::string line_value(const std::string& out, const std::string& key, std::size_t from = 0) {
  const auto at = out.find("\n  " + key, from);
  if (at == std::string::npos) return {};
  auto start = out.find_first_not_of(' ', at + 3 + key.size());
  return out.substr(start, out.find('\n', start) - start);
}
}  // namespace

PeerProcess::PeerProcess(std::string dir, const PeerSettings& settings, bool keep_config)
    : dir_(std::move(dir)) {
  std::filesystem::create_directories(dir_);
  if (!keep_config)
    std::ofstream(std::filesystem::path(dir_) / "goop.json") << peer_config_json(settings);
  // The peer's log goes to <dir>/goop2.log, not to a pipe nobody drains while the test waits
  // elsewhere (a full pipe would block the peer); log() reads it.
  std::vector<std::string> argv{"/bin/sh", "-c", "dir=$1; shift; exec \"$@\" 2>>\"$dir/goop2.log\"",
                                "sh", dir_};
  argv.insert(argv.end(), settings.wrap.begin(), settings.wrap.end());
  argv.insert(argv.end(), {goop2_binary(), "peer", dir_});
  proc_ = std::make_unique<Process>(std::move(argv));
  if (!proc_->wait_stdout_contains("Press Ctrl+C to stop.", 20s)) {
    throw std::runtime_error("goop2 peer in " + dir_ + " did not start:\n" + proc_->out() + log());
  }
  const std::string& out = proc_->out();
  id_ = line_value(out, "peer ID").substr(0, 52);
  viewer_ = line_value(out, "viewer");
  for (auto at = out.find("\n  listen"); at != std::string::npos;
       at = out.find("\n  listen", at + 1)) {
    listen_.push_back(line_value(out, "listen", at));
  }
}

std::string PeerProcess::log() const {
  std::ifstream f(std::filesystem::path(dir_) / "goop2.log");
  return std::string((std::istreambuf_iterator<char>(f)), {});
}

json::array PeerProcess::peers() const {
  const HttpReply r = http_get(viewer_, "/api/peers");
  if (r.status != 200) return {};
  boost::system::error_code ec;
  auto v = json::parse(r.body, ec);
  return (!ec && v.is_array()) ? v.as_array() : json::array{};
}

json::value PeerProcess::row(const std::string& peer_id) const {
  for (const auto& r : peers()) {
    if (r.as_object().at("ID").as_string() == peer_id) return r;
  }
  return nullptr;
}

PeerEvents::PeerEvents(const std::vector<const PeerProcess*>& peers) {
  for (const auto* p : peers) {
    streams_.push_back(std::make_unique<HttpStream>(p->viewer(), "/api/mq/events"));
  }
}

PeerEvents::PeerEvents(PeerEvents&&) noexcept = default;
PeerEvents::~PeerEvents() = default;

bool PeerEvents::next_event(std::chrono::steady_clock::time_point deadline) {
  std::vector<HttpStream*> watch;
  for (auto& s : streams_) watch.push_back(s.get());
  return HttpStream::wait_any(watch, deadline);
}

}  // namespace goop::testing
