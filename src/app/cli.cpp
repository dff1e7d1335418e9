#include "app/cli.hpp"

#include "app/run.hpp"
#include "app/version.hpp"

#include <fmt/core.h>

#include <cstdio>
#include <string_view>

namespace goop::app {
namespace {

constexpr std::string_view kUsage =
    "Goop2, the ephemeral web: your site lives on your machine and is served to other peers\n"
    "while you are online.\n"
    "\n"
    "Usage:\n"
    "  goop2 peer <dir>         run a peer from <dir>; a new folder gets goop.json with defaults,\n"
    "                           an identity and a starter site\n"
    "  goop2 rendezvous <dir>   run a rendezvous server from <dir>\n"
    "  goop2 version            print the version\n"
    "  goop2 help               print this help\n"
    "\n"
    "All settings live in <dir>/goop.json. Stop a running peer with Ctrl+C (twice to force).\n";

int usage_error(std::string_view message) {
  fmt::print(stderr, "goop2: {}\n\n{}", message, kUsage);
  return kExitUsage;
}

}  // namespace

int run_cli(int argc, char** argv) {
  if (argc < 2) return usage_error("no command given");
  const std::string_view cmd = argv[1];
  if (cmd == "help" || cmd == "-h" || cmd == "--help" || cmd == "-help") {
    fmt::print("{}", kUsage);
    return kExitOk;
  }
  if (cmd == "version" || cmd == "-version" || cmd == "--version") {
    fmt::print("goop2 {}\n", kVersion);
    return kExitOk;
  }
  if (cmd == "peer" || cmd == "rendezvous") {
    if (argc < 3)
      return usage_error(fmt::format("'{}' needs a folder, e.g. goop2 {} peers/mysite", cmd, cmd));
    if (argc > 3) {
      return usage_error(
          fmt::format("too many arguments after '{} <dir>'; settings go in goop.json", cmd));
    }
    return run_folder(argv[2], cmd == "peer" ? Mode::kPeer : Mode::kRendezvous);
  }
  return usage_error(fmt::format("unknown command '{}'", cmd));
}

}  // namespace goop::app
