#pragma once
// A cache hint that the compiler keeps. GCC 12 at -O2 silently drops __builtin_prefetch when the
// address is computed from a container's size (as every `&entries_[h & mask()]` of our hash tables
// is): the object code of the correlator's and the flow store's look-aheads held no prefetch at all.
// An asm statement cannot be dropped. A hint only: reading the line does not fault on a bad address.

#include <cstddef>
#include <cstdint>

namespace flowsleuth::detail {

inline void prefetch(const void* p) noexcept {
#if defined(__x86_64__) || defined(__i386__)
  asm volatile("prefetcht0 %0" : : "m"(*static_cast<const char*>(p)));
#else
  __builtin_prefetch(p);
#endif
}

/// Every cache line of [p, p + bytes).
inline void prefetch_range(const void* p, std::size_t bytes) noexcept {
  const auto start = reinterpret_cast<std::uintptr_t>(p);
  for (std::uintptr_t line = start & ~std::uintptr_t{63}; line < start + bytes; line += 64) {
    prefetch(reinterpret_cast<const void*>(line));
  }
}

}  // namespace flowsleuth::detail
