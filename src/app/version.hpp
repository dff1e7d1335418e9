#pragma once

namespace goop::app {
#ifdef GOOP_VERSION
inline constexpr const char* kVersion = GOOP_VERSION;
#else
inline constexpr const char* kVersion = "dev";
#endif
// The agent version other peers see in identify.
inline constexpr const char* kAgentPrefix = "goop2/";
}  // namespace goop::app
