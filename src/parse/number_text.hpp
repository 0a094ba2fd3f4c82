#pragma once
// Unsigned decimal fields. parse_unsigned is the rule every path applies (digits only, leading
// zeros allowed, at most the type's limit); the SWAR form gives the same answers for a token
// whose length is already known, without a loop whose exit mispredicts on every field.

#include <cstdint>
#include <cstring>
#include <string_view>

#include "util/codegen.hpp"

namespace flowsleuth::detail {

// Digits-only unsigned parse with overflow check; false on empty, sign, or any non-digit.
template <class T>
bool parse_unsigned(std::string_view s, std::uint64_t limit, T& out) noexcept {
  if (s.empty() || s.size() > 20) return false;
  std::uint64_t v = 0;
  if (s.size() <= 19) {
    // 19 digits cannot overflow 64 bits: check the limit once at the end (the hot path).
    for (char c : s) {
      const auto d = static_cast<unsigned>(c - '0');
      if (d > 9) return false;
      v = v * 10 + d;
    }
    if (v > limit) return false;
  } else {
    for (char c : s) {
      const auto d = static_cast<unsigned>(c - '0');
      if (d > 9) return false;
      if (v > (limit - d) / 10) return false;
      v = v * 10 + d;
    }
  }
  out = static_cast<T>(v);
  return true;
}

// The 1–8 digits at p (little-endian loads). Reads 8 bytes from p whatever len is.
FLOWSLEUTH_FORCE_INLINE bool swar_digits_upto8(const char* p, std::size_t len, std::uint64_t& out) noexcept {
  constexpr std::uint64_t zeros = 0x3030303030303030ULL;
  constexpr std::uint64_t high = 0xf0f0f0f0f0f0f0f0ULL;
  std::uint64_t x;
  std::memcpy(&x, p, 8);
  // Push the bytes after the token out of the top and pad the bottom (the most significant
  // places) with '0', so every length becomes an 8-digit number.
  const unsigned pad = static_cast<unsigned>(8 * (8 - len));
  x = x << pad | (zeros & ((std::uint64_t{1} << pad) - 1));
  // A byte is a digit when its high nibble is 3 both before and after adding 6.
  if (((x & high) | ((x + 0x0606060606060606ULL) & high) >> 4) != 0x3333333333333333ULL) return false;
  x -= zeros;
  x = (x * 10 + (x >> 8)) & 0x00ff00ff00ff00ffULL;       // pairs
  x = (x * 100 + (x >> 16)) & 0x0000ffff0000ffffULL;     // groups of four
  out = (x * 10000 + (x >> 32)) & 0xffffffffULL;         // all eight
  return true;
}

// parse_unsigned's answer for a token of known length at p; may read 8 bytes past the token.
template <class T>
FLOWSLEUTH_FORCE_INLINE bool parse_unsigned_known(const char* p, std::size_t len, std::uint64_t limit, T& out) noexcept {
  std::uint64_t v;
  if (len == 0) return false;
  if (len <= 8) {
    if (!swar_digits_upto8(p, len, v)) return false;
  } else if (len <= 16) {
    std::uint64_t lo;
    if (!swar_digits_upto8(p, len - 8, v) || !swar_digits_upto8(p + len - 8, 8, lo)) return false;
    v = v * 100000000 + lo;
  } else {
    return parse_unsigned(std::string_view(p, len), limit, out);
  }
  if (v > limit) return false;
  out = static_cast<T>(v);
  return true;
}

}  // namespace flowsleuth::detail
