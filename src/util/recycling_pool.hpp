#pragma once
// Objects handed back for reuse instead of freed: a block sink keeps several megabytes of vectors,
// and freeing them after every block lets the allocator return the pages to the kernel, only to
// fault them in again for the next block (page faults cost ~9 µs each on the VMs measured here).
// Thread-safe: sinks are made on worker threads and retired on the merging one.

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace flowsleuth::detail {

template <class T>
class recycling_pool {
 public:
  /// Keeps at most `keep` spare objects (about the number of blocks in flight); more are freed.
  explicit recycling_pool(std::size_t keep) : keep_(keep) {}

  /// A spare object, or nullptr when there is none.
  std::unique_ptr<T> take() {
    std::lock_guard lock(mutex_);
    if (spare_.empty()) return nullptr;
    auto p = std::move(spare_.back());
    spare_.pop_back();
    return p;
  }

  /// `p` must already be emptied by its owner (capacity kept).
  void give_back(std::unique_ptr<T> p) {
    std::lock_guard lock(mutex_);
    if (spare_.size() < keep_) spare_.push_back(std::move(p));
  }

 private:
  std::mutex mutex_;
  std::vector<std::unique_ptr<T>> spare_;
  std::size_t keep_;
};

}  // namespace flowsleuth::detail
