#pragma once
// Exact line numbers with parallel blocks: every block counts its newlines first and publishes the
// count; a block's first line number is the sum over the blocks before it in the same file. Blocks
// are dequeued in order and counting never waits, so a wait here is short and cannot deadlock.

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <vector>

namespace flowsleuth::detail {

class line_ledger {
 public:
  void publish(std::size_t block, std::uint64_t lines) {
    {
      std::lock_guard lock(mutex_);
      if (counts_.size() <= block) counts_.resize(block + 1, unknown);
      counts_[block] = lines;
      while (ready_ < counts_.size() && counts_[ready_] != unknown) {
        prefix_.push_back(prefix_.back() + counts_[ready_]);
        ++ready_;
      }
    }
    cv_.notify_all();
  }
  /// Lines before `block` (so its first line is base + 1).
  std::uint64_t base(std::size_t block) {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return ready_ >= block; });
    return prefix_[block];
  }

 private:
  static constexpr std::uint64_t unknown = ~std::uint64_t{0};
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::uint64_t> counts_;
  std::vector<std::uint64_t> prefix_{0};
  std::size_t ready_ = 0;
};

}  // namespace flowsleuth::detail
