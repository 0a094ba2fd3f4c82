#pragma once
/// A binary IPv4 or IPv6 address, parsed without allocation and printed in RFC 5952 form.

#include <array>
#include <bit>
#include <compare>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace flowsleuth {

class ip_address {
 public:
  enum class family : std::uint8_t { none = 0, v4 = 4, v6 = 6 };

  ip_address() = default;
  // Inline: the line parser builds one or two of these per record.
  static ip_address v4(std::uint32_t host_order) noexcept {
    ip_address a;
    a.fam_ = family::v4;
    a.bytes_[0] = static_cast<std::uint8_t>(host_order >> 24);
    a.bytes_[1] = static_cast<std::uint8_t>(host_order >> 16);
    a.bytes_[2] = static_cast<std::uint8_t>(host_order >> 8);
    a.bytes_[3] = static_cast<std::uint8_t>(host_order);
    return a;
  }

  /// Strict parse: dotted-quad IPv4 (no leading zeros beyond "0") or RFC 4291 IPv6 text
  /// (with `::` and an embedded dotted-quad tail). Returns nullopt on anything else.
  static std::optional<ip_address> parse(std::string_view text) noexcept;
  /// The same, writing into `out` (the parser's hot path: no optional to copy). False leaves `out` unspecified.
  static bool parse_into(std::string_view text, ip_address& out) noexcept;

  family fam() const noexcept { return fam_; }
  bool is_v4() const noexcept { return fam_ == family::v4; }
  bool is_v6() const noexcept { return fam_ == family::v6; }
  /// Host order; only meaningful for IPv4.
  std::uint32_t v4_value() const noexcept {
    return std::uint32_t{bytes_[0]} << 24 | std::uint32_t{bytes_[1]} << 16 | std::uint32_t{bytes_[2]} << 8 |
           bytes_[3];
  }
  const std::array<std::uint8_t, 16>& bytes() const noexcept { return bytes_; }

  /// RFC 5952 for IPv6 (lowercase, longest zero run compressed), dotted quad for IPv4.
  std::string to_string() const;
  /// Appends the text form to `out` (no allocation beyond out's growth).
  void append_to(std::string& out) const;

  // Two word compares instead of memcmp: the correlator compares addresses in every hash probe.
  friend bool operator==(const ip_address& x, const ip_address& y) noexcept {
    std::uint64_t a[2], b[2];
    std::memcpy(a, x.bytes_.data(), 16);
    std::memcpy(b, y.bytes_.data(), 16);
    return ((a[0] ^ b[0]) | (a[1] ^ b[1])) == 0 && x.fam_ == y.fam_;
  }
  // The order of the bytes, then the family (as the defaulted operator would give), from two big-endian
  // word compares: the defaulted one called memcmp, ~4 % of `diagnose` (its batch sort and the
  // correlator's canonical 5-tuple order).
  friend std::strong_ordering operator<=>(const ip_address& x, const ip_address& y) noexcept {
    for (std::size_t half = 0; half < 2; ++half) {
      const std::uint64_t a = x.big_endian_word(half), b = y.big_endian_word(half);
      if (a != b) return a <=> b;
    }
    return x.fam_ <=> y.fam_;
  }

 private:
  std::uint64_t big_endian_word(std::size_t half) const noexcept {
    std::uint64_t w;
    std::memcpy(&w, bytes_.data() + 8 * half, 8);
    if constexpr (std::endian::native == std::endian::little) w = __builtin_bswap64(w);
    return w;
  }

  std::array<std::uint8_t, 16> bytes_{};  // IPv4 in the first four bytes, network order
  family fam_ = family::none;
};

}  // namespace flowsleuth
