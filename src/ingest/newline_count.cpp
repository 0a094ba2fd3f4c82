// Newlines are counted a vector at a time in byte counters summed every 255 rounds (memchr per line,
// the first version, was ~7 % of `inspect`; 16-byte SSE2 rounds ~5 %). Where the CPU has AVX2 the
// rounds are 32 bytes, chosen once at run time so the build stays baseline x86-64.

#include "ingest/newline_count.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define FLOWSLEUTH_NEWLINES_AVX2 1
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace flowsleuth::detail {
namespace {

std::uint64_t count_tail(const char* p, std::size_t left) noexcept {
  std::uint64_t n = 0;
  for (; left > 0; ++p, --left) n += *p == '\n';
  return n;
}

#if defined(__SSE2__)
std::uint64_t count_sse2(const char* p, std::size_t left) noexcept {
  std::uint64_t n = 0;
  const __m128i nl = _mm_set1_epi8('\n');
  while (left >= 16) {
    __m128i counts = _mm_setzero_si128();  // one counter per byte lane; a match adds 1 (subtracting -1)
    for (int round = 0; round < 255 && left >= 16; ++round, p += 16, left -= 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      counts = _mm_sub_epi8(counts, _mm_cmpeq_epi8(v, nl));
    }
    const __m128i sums = _mm_sad_epu8(counts, _mm_setzero_si128());
    n += static_cast<std::uint64_t>(_mm_cvtsi128_si64(sums)) +
         static_cast<std::uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums)));
  }
  return n + count_tail(p, left);
}
#endif

#if defined(FLOWSLEUTH_NEWLINES_AVX2)
__attribute__((target("avx2"))) std::uint64_t count_avx2(const char* p, std::size_t left) noexcept {
  std::uint64_t n = 0;
  const __m256i nl = _mm256_set1_epi8('\n');
  while (left >= 32) {
    __m256i counts = _mm256_setzero_si256();
    for (int round = 0; round < 255 && left >= 32; ++round, p += 32, left -= 32) {
      const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
      counts = _mm256_sub_epi8(counts, _mm256_cmpeq_epi8(v, nl));
    }
    const __m256i sums = _mm256_sad_epu8(counts, _mm256_setzero_si256());
    n += static_cast<std::uint64_t>(_mm256_extract_epi64(sums, 0)) +
         static_cast<std::uint64_t>(_mm256_extract_epi64(sums, 1)) +
         static_cast<std::uint64_t>(_mm256_extract_epi64(sums, 2)) +
         static_cast<std::uint64_t>(_mm256_extract_epi64(sums, 3));
  }
  // Clean upper halves before any SSE code runs: GCC 12 emitted no vzeroupper before this call, and
  // the dirty state made every later legacy-SSE instruction in the parser slow (inspect took twice as long).
  _mm256_zeroupper();
  return n + count_sse2(p, left);
}
#endif

}  // namespace

std::uint64_t count_newlines(std::string_view s) noexcept {
#if defined(FLOWSLEUTH_NEWLINES_AVX2)
  static const bool avx2 = __builtin_cpu_supports("avx2");
  if (avx2) return count_avx2(s.data(), s.size());
#endif
  return count_newlines_baseline(s);
}

std::uint64_t count_newlines_baseline(std::string_view s) noexcept {
#if defined(__SSE2__)
  return count_sse2(s.data(), s.size());
#else
  return count_tail(s.data(), s.size());
#endif
}

}  // namespace flowsleuth::detail
