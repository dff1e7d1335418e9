#pragma once
// The in-memory ByteStream pair now lives with the memory transport
// (p2p/transport/memory/memory_stream.hpp); this name stays for the unit tests that use it.

#include "p2p/transport/memory/memory_stream.hpp"

namespace goop::p2p::testing {

using MemoryStream = memory::MemoryStream;

}  // namespace goop::p2p::testing
