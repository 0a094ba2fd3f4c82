#include <fmt/format.h>

#include "flowsleuth/correlate.hpp"

namespace flowsleuth {
namespace {

bool in_v4(const ip_address& ip, std::uint32_t net, int bits) noexcept {
  const std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
  return (ip.v4_value() & mask) == (net & mask);
}

}  // namespace

std::string_view address_class(const ip_address& ip) noexcept {
  if (ip.is_v4()) {
    // AWS never logs instance metadata, the Amazon DNS link-local address or Time Sync (aws-flow-logs.md §5.3).
    for (std::uint32_t a : {0xa9fea9feu, 0xa9fea9fdu, 0xa9fea97bu}) {
      if (ip.v4_value() == a) return "not-captured";
    }
    if (in_v4(ip, 0x0a000000u, 8) || in_v4(ip, 0xac100000u, 12) || in_v4(ip, 0xc0a80000u, 16) ||
        in_v4(ip, 0x64400000u, 10) || in_v4(ip, 0xa9fe0000u, 16) || in_v4(ip, 0x7f000000u, 8)) {
      return "private";
    }
    return "public";
  }
  const auto& b = ip.bytes();
  // fd00:ec2::254 (metadata), ::253 (DNS), ::123 (Time Sync)
  static constexpr std::uint8_t ec2[14] = {0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  if (std::equal(ec2, ec2 + 14, b.begin()) && b[14] == 0x02 && (b[15] == 0x54 || b[15] == 0x53 || b[15] == 0x23)) {
    return "not-captured";
  }
  if ((b[0] & 0xfe) == 0xfc || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)) return "private";  // ULA, link-local
  return "public";
}

std::string protocol_name(std::uint8_t protocol) {
  switch (protocol) {
    case 6: return "tcp";
    case 17: return "udp";
    case 1: return "icmp";
    case 58: return "icmpv6";
    default: return fmt::format("{}", protocol);
  }
}

std::optional<std::uint8_t> parse_protocol(std::string_view p) noexcept {
  if (p == "tcp") return 6;
  if (p == "udp") return 17;
  if (p == "icmp") return 1;
  if (p == "icmpv6") return 58;
  if (p.empty() || p.size() > 3) return std::nullopt;
  unsigned n = 0;
  for (char c : p) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<unsigned>(c - '0');
  }
  if (n > 255) return std::nullopt;
  return static_cast<std::uint8_t>(n);
}

}  // namespace flowsleuth
