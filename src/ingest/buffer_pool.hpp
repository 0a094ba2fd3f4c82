#pragma once
// Reusable block buffers. Fresh multi-megabyte allocations are page-faulted in on every use; a
// pool of a few buffers (one per block in flight) is touched once and then stays warm.

#include <sys/mman.h>

#include <cstddef>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <new>
#include <vector>

namespace flowsleuth::detail {

struct free_deleter {
  void operator()(char* p) const noexcept { std::free(p); }
};

struct text_buffer {
  std::unique_ptr<char[], free_deleter> data;
  std::size_t capacity = 0;
};

class buffer_pool {
  static constexpr std::size_t huge_page = std::size_t{2} << 20;

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
      // Whole 2 MB pages where the kernel offers them (THP "madvise"): first touching a block's
      // 4 KB pages faulted ~1,000 times a block, each fault costly on this VM.
      const bool huge = size >= huge_page;
      const std::size_t rounded = huge ? (size + huge_page - 1) / huge_page * huge_page : size;
      b->data.reset(static_cast<char*>(huge ? std::aligned_alloc(huge_page, rounded) : std::malloc(rounded)));
      if (!b->data) throw std::bad_alloc();
#if defined(MADV_HUGEPAGE)
      if (huge) ::madvise(b->data.get(), rounded, MADV_HUGEPAGE);
#endif
      b->capacity = rounded;
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
