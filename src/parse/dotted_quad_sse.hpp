#pragma once
// Dotted-quad IPv4 for a token of known length, classified 16 bytes at once: the same rule as
// ip_address::parse (7–15 characters, four octets of 1–3 digits, no leading zeros, at most 255),
// but the dots are found from one compare instead of a branch per character.

#if defined(__SSE2__)
#include <emmintrin.h>

#include <cstddef>
#include <cstdint>

namespace flowsleuth::detail {

inline bool quad_octet(const char* p, unsigned len, std::uint32_t& acc) noexcept {
  const auto d = [p](unsigned i) { return static_cast<std::uint32_t>(p[i] - '0'); };
  std::uint32_t v;
  switch (len) {
    case 1: v = d(0); break;
    case 2: v = d(0) * 10 + d(1); if (p[0] == '0') return false; break;
    case 3: v = d(0) * 100 + d(1) * 10 + d(2); if (p[0] == '0' || v > 255) return false; break;
    default: return false;
  }
  acc = acc << 8 | v;
  return true;
}

/// The address in host order. Reads 16 bytes from p whatever len is.
inline bool dotted_quad_known(const char* p, std::size_t len, std::uint32_t& host) noexcept {
  if (len < 7 || len > 15) return false;
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i d = _mm_sub_epi8(v, _mm_set1_epi8('0'));
  const unsigned in = (1u << len) - 1;
  unsigned dots = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('.')))) & in;
  const unsigned digits =
      static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d))) & in;
  if ((dots | digits) != in || __builtin_popcount(dots) != 3) return false;
  const unsigned a = static_cast<unsigned>(__builtin_ctz(dots));
  dots &= dots - 1;
  const unsigned b = static_cast<unsigned>(__builtin_ctz(dots));
  dots &= dots - 1;
  const unsigned c = static_cast<unsigned>(__builtin_ctz(dots));
  std::uint32_t acc = 0;
  if (!quad_octet(p, a, acc) || !quad_octet(p + a + 1, b - a - 1, acc) || !quad_octet(p + b + 1, c - b - 1, acc) ||
      !quad_octet(p + c + 1, static_cast<unsigned>(len) - c - 1, acc)) {
    return false;
  }
  host = acc;
  return true;
}

}  // namespace flowsleuth::detail
#endif
