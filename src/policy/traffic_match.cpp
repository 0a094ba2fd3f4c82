// The protocol/port/ICMP half of a rule, shared by network ACL entries and security group rules: AWS
// gives both the same meaning (destination port, ICMP type/code with -1 = any).

#include <fmt/format.h>

#include "flowsleuth/correlate.hpp"
#include "flowsleuth/policy.hpp"

namespace flowsleuth {
namespace {

bool has_ports(int protocol) noexcept { return protocol == 6 || protocol == 17; }
bool is_icmp(int protocol) noexcept { return protocol == 1 || protocol == 58; }

}  // namespace

bool traffic_matches(int protocol, const std::optional<port_span>& ports, const std::optional<icmp_match>& icmp,
                     const packet& p) noexcept {
  if (protocol == any_protocol) return true;
  if (protocol != p.protocol) return false;
  if (has_ports(protocol)) {
    if (!ports || (ports->from == 0 && ports->to == 65535)) return true;
    return p.dst_port && ports->contains(*p.dst_port);
  }
  if (is_icmp(protocol) && icmp) {
    if (icmp->type != -1 && (!p.icmp_type || *p.icmp_type != icmp->type)) return false;
    if (icmp->code != -1 && (!p.icmp_code || *p.icmp_code != icmp->code)) return false;
  }
  return true;
}

std::string describe_traffic(int protocol, const std::optional<port_span>& ports,
                             const std::optional<icmp_match>& icmp) {
  if (protocol == any_protocol) return "all";
  const std::string name = (protocol >= 0 && protocol <= 255) ? protocol_name(static_cast<std::uint8_t>(protocol))
                                                              : fmt::format("{}", protocol);
  if (has_ports(protocol)) {
    if (!ports || (ports->from == 0 && ports->to == 65535)) return name + " ALL";
    if (ports->from == ports->to) return fmt::format("{} {}", name, ports->from);
    return fmt::format("{} {}-{}", name, ports->from, ports->to);
  }
  if (is_icmp(protocol)) {
    if (!icmp || icmp->type == -1) return name + " ALL";
    if (icmp->code == -1) return fmt::format("{} type {}", name, icmp->type);
    return fmt::format("{} type {} code {}", name, icmp->type, icmp->code);
  }
  return name;
}

}  // namespace flowsleuth
