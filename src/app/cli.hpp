#pragma once
// The goop2 command line. Settings never come from flags: only the command and the folder.
//
//   goop2 peer <dir>         run a peer from <dir> (created with defaults if missing)
//   goop2 rendezvous <dir>   run a rendezvous server from <dir>
//   goop2 version            print the version
//   goop2 help               print usage
//
// Exit codes: 0 success or clean shutdown; 1 a runtime failure (unreadable identity, a port in
// use, ...); 2 bad usage or an invalid goop.json.

namespace goop::app {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

int run_cli(int argc, char** argv);

}  // namespace goop::app
