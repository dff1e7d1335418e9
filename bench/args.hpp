#pragma once
// Command-line arguments of the benchmarks that are not google-benchmark binaries: a few
// positional whole numbers with defaults and bounds, and named switches. A bad argument (an
// unknown --flag, a value that is not a whole number in range, one positional too many) ends the
// program with exit code 2 and a message naming the argument, what is accepted and the usage
// line: never a wrapped-around or zero value taken as meant.

#include <fmt/core.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace goop::bench {

class Args {
 public:
  // `usage` is the synopsis after the program name ("[peers=50]"); `max_positional` how many
  // numbers it takes; `switches` the --flags it knows. Exits (code 2) on an unknown --flag or
  // too many positionals. --help prints the usage and exits 0.
  Args(int argc, char** argv, std::string usage, std::size_t max_positional,
       std::vector<std::string_view> switches = {})
      : program_(argc > 0 ? base_name(argv[0]) : "bench"), usage_(std::move(usage)) {
    for (int i = 1; i < argc; ++i) {
      const std::string_view a = argv[i];
      if (a == "--help" || a == "-h") {
        std::printf("usage: %s %s\n", program_.c_str(), usage_.c_str());
        std::exit(0);
      }
      if (a.starts_with("-") && !(a.size() > 1 && a[1] >= '0' && a[1] <= '9')) {  // -1: a number
        std::string_view matched;
        for (auto s : switches) {
          // "--name=" accepts any value after the "="; other switches match exactly.
          if (a == s || (s.ends_with('=') && a.starts_with(s))) matched = s;
        }
        if (matched.empty()) fail(fmt::format("unknown option \"{}\"", a));
        given_switches_.emplace_back(matched);
      } else {
        positional_.emplace_back(a);
      }
    }
    if (positional_.size() > max_positional) {
      fail(fmt::format("too many arguments ({} given, at most {})", positional_.size(),
                       max_positional));
    }
  }

  // The `index`-th positional argument (from 0), or `def` when it is absent. Exits (code 2) when
  // it is not a whole number between `min` and `max`.
  std::size_t count(std::size_t index, std::string_view name, std::size_t def, std::size_t min,
                    std::size_t max) const {
    if (index >= positional_.size()) return def;
    const std::string& text = positional_[index];
    std::size_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || v < min || v > max) {
      fail(
          fmt::format("{} must be a whole number from {} to {}, not \"{}\"", name, min, max, text));
    }
    return v;
  }

  bool has(std::string_view flag) const {
    for (const auto& s : given_switches_) {
      if (s == flag) return true;
    }
    return false;
  }

 private:
  static std::string base_name(std::string_view path) {
    const auto slash = path.rfind('/');
    return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
  }

  [[noreturn]] void fail(const std::string& what) const {
    std::fprintf(stderr, "%s: %s\nusage: %s %s\n", program_.c_str(), what.c_str(), program_.c_str(),
                 usage_.c_str());
    std::exit(2);
  }

  std::string program_;
  std::string usage_;
  std::vector<std::string> positional_;
  std::vector<std::string> given_switches_;
};

}  // namespace goop::bench
