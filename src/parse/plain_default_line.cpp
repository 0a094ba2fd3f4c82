// line_parser's shortcut for the version-2 default layout, which nearly every S3 delivery uses.
// The general parser splits the line into a token array, then types each token through a switch on
// the column plan; here the 14 known fields are typed in order as each one's end is found, and the
// line's end falls out of the last field, so the engine needs no search for the newline either.
// It only accepts; whatever it does not recognise as plainly well-formed goes back to parse(),
// which stays the one place that decides errors.

#include "flowsleuth/line_parser.hpp"

#include <cstring>

#include "parse/dotted_quad_sse.hpp"
#include "util/codegen.hpp"
#include "parse/number_text.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace flowsleuth {
namespace {

#if defined(__SSE2__)
// Field ends from a mask of the bytes that cannot be inside a field (0x20 and below) over 64
// bytes, computed again further along when a field runs past its end.
class field_ends {
 public:
  explicit field_ends(const char* line) noexcept : line_(line) { load(line); }

  /// Length of the field starting at p; 0 when p is no field start or the field runs too far.
  FLOWSLEUTH_FORCE_INLINE std::size_t length_at(const char* p) noexcept {
    const auto off = static_cast<std::size_t>(p - base_);
    if (off < 64) {
      if (const std::uint64_t rest = bits_ >> off) return static_cast<std::size_t>(__builtin_ctzll(rest));
    }
    if (static_cast<std::size_t>(p - line_) > last_window) return 0;
    load(p);
    return bits_ ? static_cast<std::size_t>(__builtin_ctzll(bits_)) : 0;
  }

  // Windows start at most here, so a field's end, and the 16 bytes a quad or number reads from a
  // field's start, stay within line_parser::plain_span.
  static constexpr std::size_t last_window = line_parser::plain_span - 64 - 32;

 private:
  void load(const char* p) noexcept {
    const __m128i lim = _mm_set1_epi8(0x20);
    std::uint64_t m = 0;
    for (int i = 0; i < 4; ++i) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
      const auto low = static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(v, lim), v)));
      m |= std::uint64_t{low} << (16 * i);
    }
    base_ = p;
    bits_ = m;
  }

  const char* line_;
  const char* base_ = nullptr;
  std::uint64_t bits_ = 0;
};
#endif

// Six bytes against a literal as two word compares (memcmp here was a libc call per record).
FLOWSLEUTH_FORCE_INLINE bool same6(const char* p, const char* lit) noexcept {
  std::uint32_t a, b;
  std::uint16_t c, d;
  std::memcpy(&a, p, 4);
  std::memcpy(&b, lit, 4);
  std::memcpy(&c, p + 4, 2);
  std::memcpy(&d, lit + 4, 2);
  return a == b && c == d;
}

}  // namespace

FLOWSLEUTH_X86_V3_CLONE
const char* line_parser::parse_plain_default(std::string_view rest, flow_record& rec) noexcept {
#if defined(__SSE2__)
  if (!default_order_ || rest.size() < plain_span) return nullptr;
  const char* p = rest.data();
  field_ends ends(p);
  std::uint64_t present = 0;
  const char* f = nullptr;
  std::size_t len = 0;

  // Moves to the next field, which must end in `after`; records its text.
  auto next = [&](std::size_t i, char after) FLOWSLEUTH_INLINE_LAMBDA {
    len = ends.length_at(p);
    if (len == 0 || p[len] != after) return false;
    f = p;
    p += len + 1;
    rec.text[i] = std::string_view(f, len);
    return true;
  };
  auto absent = [&]() FLOWSLEUTH_INLINE_LAMBDA { return len == 1 && *f == '-'; };
  auto number = [&](std::size_t i, std::uint64_t limit, auto& member) FLOWSLEUTH_INLINE_LAMBDA {
    if (!next(i, ' ')) return false;
    if (absent()) return true;
    if (!detail::parse_unsigned_known(f, len, limit, member)) return false;
    present |= std::uint64_t{1} << i;
    return true;
  };
  auto text = [&](std::size_t i) FLOWSLEUTH_INLINE_LAMBDA {
    if (!next(i, ' ')) return false;
    if (!absent()) present |= std::uint64_t{1} << i;
    return true;
  };
  auto address = [&](std::size_t i, ip_address& member) FLOWSLEUTH_INLINE_LAMBDA {
    if (!next(i, ' ')) return false;
    if (absent()) return true;
    std::uint32_t host;
    if (detail::dotted_quad_known(f, len, host)) {
      member = ip_address::v4(host);
    } else if (!ip_address::parse_into(std::string_view(f, len), member)) {
      return false;
    }
    present |= std::uint64_t{1} << i;
    return true;
  };

  rec.action = action_t::none;
  rec.log_status = log_status_t::none;
  rec.flow_direction = direction_t::none;
  constexpr auto time_limit = static_cast<std::uint64_t>(INT64_MAX);
  if (!number(0, 255, rec.version) || !text(1) || !text(2) || !address(3, rec.srcaddr) ||
      !address(4, rec.dstaddr) || !number(5, 65535, rec.srcport) || !number(6, 65535, rec.dstport) ||
      !number(7, 255, rec.protocol) || !number(8, UINT64_MAX, rec.packets) || !number(9, UINT64_MAX, rec.bytes) ||
      !number(10, time_limit, rec.start) || !number(11, time_limit, rec.end) || !next(12, ' ')) {
    return nullptr;
  }
  if (!absent()) {
    if (len != 6) return nullptr;
    if (same6(f, "ACCEPT")) {
      rec.action = action_t::accept;
    } else if (same6(f, "REJECT")) {
      rec.action = action_t::reject;
    } else {
      return nullptr;
    }
    present |= std::uint64_t{1} << 12;
  }
  if (!next(13, '\n')) return nullptr;
  if (!absent()) {
    if (len == 2 && f[0] == 'O' && f[1] == 'K') {
      rec.log_status = log_status_t::ok;
    } else if (len == 6 && same6(f, "NODATA")) {
      rec.log_status = log_status_t::nodata;
    } else if (len == 8 && same6(f, "SKIPDA") && f[6] == 'T' && f[7] == 'A') {
      rec.log_status = log_status_t::skipdata;
    } else {
      return nullptr;
    }
    present |= std::uint64_t{1} << 13;
  }
  rec.present = std::bitset<field_count>(present);
  rec.source_layout = layout_;
  rec.extras = std::span<const std::string_view>(extras_.data(), extras_.size());
  return p - 1;
#else
  (void)rest;
  (void)rec;
  return nullptr;
#endif
}

}  // namespace flowsleuth
