#pragma once
// Interleaved rounds, for figures that must hold on a shared, noisy machine. A benchmark
// measures each figure and its reference once per round, one after the other, for several
// rounds. A figure is reported as its median over the rounds with the range, and a ratio as
// the median of the per-round ratios: both sides of one round's ratio ran seconds apart, so
// load from other work moves them alike, and one unlucky round moves the median little.
//
//   goop::bench::Samples ours, ref;
//   for (int r = 0; r < rounds; ++r) { ours.add(measure()); ref.add(reference()); }
//   fmt::print("{} MB/s = {} x reference\n", ours.str(), ratios(ours, ref).str(2));
//
// Header-only (the benches are single files).
#include <fmt/core.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace goop::bench {

// The values of one figure, one per round.
class Samples {
 public:
  Samples() = default;
  Samples(std::initializer_list<double> v) : v_(v) {}
  void add(double v) { v_.push_back(v); }
  bool empty() const noexcept { return v_.empty(); }
  std::size_t size() const noexcept { return v_.size(); }
  const std::vector<double>& values() const noexcept { return v_; }

  // The middle value (the mean of the two middle ones for an even count); 0 if empty.
  double median() const {
    if (v_.empty()) return 0;
    std::vector<double> s = v_;
    std::sort(s.begin(), s.end());
    const std::size_t m = s.size() / 2;
    return s.size() % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
  }
  double min() const { return v_.empty() ? 0 : *std::min_element(v_.begin(), v_.end()); }
  double max() const { return v_.empty() ? 0 : *std::max_element(v_.begin(), v_.end()); }

  // "1069 [1001-1120]": median [min-max], with `decimals` decimals ("-" if empty; the median
  // alone for one round).
  std::string str(int decimals = 0) const {
    if (v_.empty()) return "-";
    auto f = [&](double x) { return fmt::format("{:.{}f}", x, decimals); };
    if (v_.size() == 1) return f(v_[0]);
    return fmt::format("{} [{}-{}]", f(median()), f(min()), f(max()));
  }

 private:
  std::vector<double> v_;
};

// a[i] / b[i] for every round both have (a round with b[i] == 0 is left out).
inline Samples ratios(const Samples& a, const Samples& b) {
  Samples r;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (b.values()[i] != 0) r.add(a.values()[i] / b.values()[i]);
  }
  return r;
}

// The round whose `key(round)` is the median (the lower middle one for an even count), to
// report that round's other figures (its latencies, say) together. `rounds` must not be empty.
template <class T, class Key>
const T& median_round(const std::vector<T>& rounds, Key key) {
  std::vector<const T*> p;
  for (const auto& r : rounds) p.push_back(&r);
  std::sort(p.begin(), p.end(), [&](const T* a, const T* b) { return key(*a) < key(*b); });
  return *p[(p.size() - 1) / 2];
}

// Rounds to run: `--rounds=N` among the arguments, else the GOOP_BENCH_ROUNDS environment
// variable, else `fallback`; at least 1.
inline int rounds_from(int argc, char** argv, int fallback = 3) {
  int n = fallback;
  if (const char* e = std::getenv("GOOP_BENCH_ROUNDS")) n = std::atoi(e);
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a.starts_with("--rounds=")) n = std::atoi(argv[i] + 9);
  }
  return std::max(1, n);
}

}  // namespace goop::bench
