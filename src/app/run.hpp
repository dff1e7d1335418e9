#pragma once
// Runs a peer or rendezvous folder until SIGINT/SIGTERM; returns the process exit code.

#include <string>

namespace goop::app {

enum class Mode { kPeer, kRendezvous };

int run_folder(const std::string& dir, Mode mode);

}  // namespace goop::app
