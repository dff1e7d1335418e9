#pragma once
// Text that came from the network, made safe to show: a test for control characters, and an
// escaper for error messages and log lines. One copy for every decoder of remote text.

#include <cstddef>
#include <string>
#include <string_view>

namespace goop {

// Whether `s` holds a C0 control character or DEL.
bool has_control_chars(std::string_view s);

// `s` with control characters, non-ASCII bytes, '"' and '\\' escaped (\n, \r, \t, \xNN, \", \\),
// so remote text can go into an error message or a log line safely. At most `max_chars` input
// characters are kept; a longer `s` ends in "...".
std::string escape_remote_text(std::string_view s, std::size_t max_chars = std::string_view::npos);

}  // namespace goop
