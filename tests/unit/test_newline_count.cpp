// The vectorised line count (AVX2 where the CPU has it, and the baseline path) against std::count, across lengths that end mid-vector and runs
// longer than its 255-round byte counters.
#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>

#include "ingest/newline_count.hpp"

TEST_CASE("count_newlines matches std::count") {
  std::mt19937 rng(7);
  for (int round = 0; round < 400; ++round) {
    const std::size_t len = round < 100 ? static_cast<std::size_t>(round) : rng() % 20000;
    const unsigned density = 1 + rng() % 4;  // from every byte a newline to one in a hundred
    std::string s(len, 'x');
    for (auto& c : s) {
      if (rng() % (density == 1 ? 1 : density * 25) == 0) c = '\n';
    }
    CAPTURE(len);
    const auto want = static_cast<std::uint64_t>(std::count(s.begin(), s.end(), '\n'));
    CHECK(flowsleuth::detail::count_newlines(s) == want);
    CHECK(flowsleuth::detail::count_newlines_baseline(s) == want);
  }
}
