#pragma once
// A fast non-cryptographic hash for short identifiers (ENI ids, tokens). std::hash on strings
// showed up at ~12% of `inspect` on 10M records; ids are 8–30 bytes, so word-at-a-time mixing wins.

#include <cstdint>
#include <cstring>
#include <string_view>

#include "flowsleuth/ip_address.hpp"

namespace flowsleuth::detail {

inline std::uint64_t mix64(std::uint64_t x) noexcept {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

inline std::uint64_t fast_hash(std::string_view s) noexcept {
  std::uint64_t h = 0x9e3779b97f4a7c15ULL ^ s.size();
  const char* p = s.data();
  std::size_t n = s.size();
  while (n >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * 0x100000001b3ULL;
    h ^= h >> 29;
    p += 8;
    n -= 8;
  }
  std::uint64_t w = 0;
  std::memcpy(&w, p, n);
  h = (h ^ w) * 0x100000001b3ULL;
  return mix64(h);
}

/// Folds an address (all 16 bytes; IPv4 sits in the first four, the rest zero) into a running hash.
inline std::uint64_t mix_address(std::uint64_t h, const ip_address& ip) noexcept {
  std::uint64_t w0, w1;
  std::memcpy(&w0, ip.bytes().data(), 8);
  std::memcpy(&w1, ip.bytes().data() + 8, 8);
  return mix64(h ^ w0) ^ w1;
}

struct fast_string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return fast_hash(s); }
};

}  // namespace flowsleuth::detail
