#pragma once
/// Evaluating security groups and network ACLs against one packet, the way AWS does:
/// NACL entries lowest number first, first match wins, `*` denies; security groups are the union of
/// every rule of every group on the ENI (allow-only), stateful for tracked flows.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "flowsleuth/topology.hpp"

namespace flowsleuth {

/// One packet as a policy sees it.
struct packet {
  ip_address src, dst;
  std::uint8_t protocol = 6;
  std::optional<std::uint16_t> src_port, dst_port;  ///< tcp/udp
  std::optional<std::uint8_t> icmp_type, icmp_code; ///< icmp/icmpv6
};

/// The NACL entry that decided a packet (first match), or the `*` default rule.
struct nacl_verdict {
  bool allowed = false;
  const network_acl* acl = nullptr;
  const nacl_entry* entry = nullptr;  ///< nullptr: the implicit `*` deny (no entry matched, not even a stored `*`)
  bool egress = false;
};
nacl_verdict evaluate_nacl(const network_acl& acl, const packet& p, bool egress);

/// Console form: `acl-… egress #100 DENY tcp 1024-65535 0.0.0.0/0`, `*` for the default rule.
std::string describe(const network_acl& acl, const nacl_entry* entry, bool egress);

struct sg_verdict {
  bool allowed = false;
  std::vector<std::string> groups;  ///< the groups on the ENI that were evaluated
  const security_group* matched_group = nullptr;  ///< first group whose rule allowed it
  const sg_rule* matched_rule = nullptr;
  /// Prefix lists or referenced groups whose membership was unknown and might have allowed it.
  std::vector<std::string> unresolved;
};
/// `egress` = the ENI sends the packet. The peer address is p.dst for egress, p.src for ingress.
/// Referenced groups match the private addresses of member ENIs only (never public addresses).
sg_verdict evaluate_security_groups(const topology& topo, const network_interface& eni, const packet& p, bool egress);

}  // namespace flowsleuth
