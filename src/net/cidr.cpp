#include "flowsleuth/cidr.hpp"

#include <fmt/format.h>

namespace flowsleuth {

std::optional<cidr> cidr::parse(std::string_view text) {
  const auto slash = text.find('/');
  const auto ip = ip_address::parse(text.substr(0, slash));
  if (!ip) return std::nullopt;
  const int max = ip->is_v4() ? 32 : 128;
  int bits = max;
  if (slash != std::string_view::npos) {
    const auto digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) return std::nullopt;
    bits = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return std::nullopt;
      bits = bits * 10 + (c - '0');
    }
    if (bits > max) return std::nullopt;
  }
  return cidr{*ip, bits};
}

bool cidr::contains(const ip_address& ip) const noexcept {
  if (network.fam() != ip.fam()) return false;
  const auto& a = network.bytes();
  const auto& b = ip.bytes();
  int bits = prefix;
  for (std::size_t i = 0; bits > 0; ++i, bits -= 8) {
    const auto mask = static_cast<std::uint8_t>(bits >= 8 ? 0xff : 0xff << (8 - bits));
    if ((a[i] & mask) != (b[i] & mask)) return false;
  }
  return true;
}

bool cidr::covers(const cidr& inner) const noexcept {
  return inner.prefix >= prefix && contains(inner.network);
}

std::string cidr::to_string() const { return fmt::format("{}/{}", network.to_string(), prefix); }

}  // namespace flowsleuth
