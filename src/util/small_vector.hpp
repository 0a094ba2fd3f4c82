#pragma once
// A vector whose first N elements live inside it. The correlator's live connections nearly all have one
// or two views; kept in a separate allocation, their views were one more dependent cache miss for every
// record merged and every connection resolved. Only what the correlator uses; elements must be
// trivially copyable. Past N elements, all of them move to the heap (rare: gateway and transit paths).
// 16 bytes besides the elements (a 4-byte size and the heap part's pointer): three of these sit in each
// of the correlator's slots, and a std::vector there cost 32.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <vector>

namespace flowsleuth::detail {

template <class T, std::size_t N>
class small_vector {
  static_assert(std::is_trivially_copyable_v<T>);
  static_assert(N > 0 && N < UINT32_MAX);

 public:
  small_vector() = default;
  small_vector(const small_vector& o) { *this = o; }
  small_vector& operator=(const small_vector& o) {
    if (this == &o) return *this;
    clear();
    for (const T& v : o) push_back(v);
    return *this;
  }

  T* data() noexcept { return size_ > N ? heap_->data() : inline_; }
  const T* data() const noexcept { return size_ > N ? heap_->data() : inline_; }
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  T* begin() noexcept { return data(); }
  T* end() noexcept { return data() + size_; }
  const T* begin() const noexcept { return data(); }
  const T* end() const noexcept { return data() + size_; }
  T& operator[](std::size_t i) noexcept { return data()[i]; }
  const T& operator[](std::size_t i) const noexcept { return data()[i]; }
  T& back() noexcept { return data()[size_ - 1]; }

  void push_back(const T& v) {
    if (size_ < N) {
      inline_[size_++] = v;
      return;
    }
    if (size_ == N) {
      if (!heap_) heap_ = std::make_unique<std::vector<T>>();
      heap_->assign(inline_, inline_ + N);
    }
    heap_->push_back(v);
    ++size_;
  }
  /// Empty again; a heap part keeps its capacity for the next time.
  void clear() noexcept {
    size_ = 0;
    if (heap_) heap_->clear();
  }

 private:
  std::uint32_t size_ = 0;
  T inline_[N];
  std::unique_ptr<std::vector<T>> heap_;
};

}  // namespace flowsleuth::detail
