#pragma once
// Layouts discovered while reading (header lines can appear in any block) get a stable index so
// blocks can say which layout they started and ended with.

#include <deque>
#include <mutex>

#include "flowsleuth/layout.hpp"

namespace flowsleuth::detail {

class layout_registry {
 public:
  std::uint32_t intern(const layout& l) {
    std::lock_guard lock(mutex_);
    for (std::uint32_t i = 0; i < layouts_.size(); ++i) {
      if (layouts_[i].origin() == l.origin() && layouts_[i] == l) return i;
    }
    layouts_.push_back(l);
    return static_cast<std::uint32_t>(layouts_.size() - 1);
  }
  // Entries never move (deque), so references stay valid while others are added.
  const layout& at(std::uint32_t i) {
    std::lock_guard lock(mutex_);
    return layouts_[i];
  }

 private:
  std::mutex mutex_;
  std::deque<layout> layouts_;
};

}  // namespace flowsleuth::detail
