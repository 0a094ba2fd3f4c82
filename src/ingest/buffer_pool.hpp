#pragma once
// Reusable block buffers. Fresh multi-megabyte allocations are page-faulted in on every use; a
// pool of a few buffers (one per block in flight) is touched once and then stays warm.

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace flowsleuth::detail {

struct text_buffer {
  std::unique_ptr<char[]> data;
  std::size_t capacity = 0;
};

class buffer_pool {
 public:
  /// A buffer of at least `size` bytes, returned to the pool when the last owner lets go.
  std::shared_ptr<text_buffer> acquire(std::size_t size) {
    std::unique_ptr<text_buffer> b;
    {
      std::lock_guard lock(mutex_);
      if (!free_.empty()) {
        b = std::move(free_.back());
        free_.pop_back();
      }
    }
    if (!b) b = std::make_unique<text_buffer>();
    if (b->capacity < size) {
      b->data = std::make_unique_for_overwrite<char[]>(size);
      b->capacity = size;
    }
    return std::shared_ptr<text_buffer>(b.release(), [this](text_buffer* p) {
      std::lock_guard lock(mutex_);
      free_.emplace_back(p);
    });
  }

 private:
  std::mutex mutex_;
  std::vector<std::unique_ptr<text_buffer>> free_;
};

}  // namespace flowsleuth::detail
