#pragma once
// Reports of big inputs list tens or hundreds of thousands of entries, each formatted on its own:
// with threads, the reporters (text, JSON) format each stretch of them in two halves at once and
// write the halves in order, so the output is the same for any number of threads.

#include <algorithm>
#include <cstddef>
#include <future>
#include <utility>

namespace flowsleuth::detail {

/// Walks entries [0, n) in stretches of `stretch` (all at once without `split`). A stretch of more
/// than a few entries goes to `halves(lo, mid, hi)`, which formats [lo, mid) and [mid, hi) at once
/// (in_parallel does that); a small one to `whole(lo, hi)`. `after` runs after each stretch (to
/// hand the text written so far to the stream).
template <class Halves, class Whole, class After>
void in_stretches(std::size_t n, bool split, std::size_t stretch, Halves&& halves, Whole&& whole, After&& after) {
  if (!split) stretch = std::max<std::size_t>(n, 1);
  for (std::size_t lo = 0; lo < n; lo += stretch) {
    const std::size_t hi = std::min(n, lo + stretch);
    if (split && hi - lo > 64) {
      halves(lo, lo + (hi - lo) / 2, hi);
    } else {
      whole(lo, hi);
    }
    after();
  }
}

/// Runs `first` here and `second` on another thread, and returns when both are done.
template <class First, class Second>
void in_parallel(First&& first, Second&& second) {
  auto later = std::async(std::launch::async, std::forward<Second>(second));
  first();
  later.get();
}

}  // namespace flowsleuth::detail
