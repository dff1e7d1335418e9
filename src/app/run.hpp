#pragma once
// Runs a peer or rendezvous folder until SIGINT/SIGTERM; returns the process exit code. The
// process around a FolderNode (folder_node.hpp): signals, the banner on stdout, the exit code.

#include "app/folder_node.hpp"

#include <string>

namespace goop::app {

int run_folder(const std::string& dir, Mode mode);

}  // namespace goop::app
