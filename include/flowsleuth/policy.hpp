#pragma once
/// Evaluating security groups and network ACLs against one packet, the way AWS does:
/// NACL entries lowest number first, first match wins, `*` denies; security groups are the union of
/// every rule of every group on the ENI (allow-only), stateful for tracked flows.
///
/// Every function here is pure: it reads the topology and returns plain values. Verdicts hold pointers
/// into the topology they were computed from, so they live no longer than it. docs/policy-evaluation.md
/// states each matching rule and the assumptions where AWS documentation is silent.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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

/// True when the protocol/port/ICMP part of a rule admits the packet (addresses aside): protocol -1 matches
/// everything; tcp/udp ranges match the DESTINATION port (a packet without one matches only all-port rules);
/// icmp (1) and icmpv6 (58) match type and code, -1 meaning any; other protocols match by number.
bool traffic_matches(int protocol, const std::optional<port_span>& ports, const std::optional<icmp_match>& icmp,
                     const packet& p) noexcept;

/// The NACL entry that decided a packet (first match), or the `*` default rule.
struct nacl_verdict {
  bool allowed = false;
  const network_acl* acl = nullptr;
  const nacl_entry* entry = nullptr;  ///< nullptr: the implicit `*` deny (no entry matched, not even a stored `*`)
  bool egress = false;
  bool ipv6 = false;  ///< the packet's family, so the implicit `*` rule prints `::/0` for IPv6 packets
};
/// Entries of the requested direction, by rule number (the stored `*` entries last), first match wins.
/// The block is matched against the packet's source for ingress and its destination for egress; an IPv4
/// block never matches an IPv6 packet and vice versa. An entry without a block matches nothing.
nacl_verdict evaluate_nacl(const network_acl& acl, const packet& p, bool egress);

/// Console form: `acl-… egress #100 DENY tcp 1024-65535 0.0.0.0/0`, `*` for the default rule.
/// A null entry is the implicit IPv4 `*` rule; use the nacl_verdict overload to get `::/0` for IPv6.
std::string describe(const network_acl& acl, const nacl_entry* entry, bool egress);
std::string describe(const nacl_verdict& v);
/// `tcp 1024-65535`, `all`, `icmp type 3 code 4`, `udp ALL`, `50`: the protocol and port part of a rule.
std::string describe_traffic(int protocol, const std::optional<port_span>& ports, const std::optional<icmp_match>& icmp);

struct sg_verdict {
  bool allowed = false;
  std::vector<std::string> groups;  ///< the groups on the ENI that were evaluated
  const security_group* matched_group = nullptr;  ///< first group whose rule allowed it
  const sg_rule* matched_rule = nullptr;
  /// Prefix lists or referenced groups whose membership was unknown and might have allowed it, and groups
  /// on the ENI that are missing from the configuration. Filled only when nothing allowed the packet.
  std::vector<std::string> unresolved;
};
/// `egress` = the ENI sends the packet. The peer address is p.dst for egress, p.src for ingress.
/// Referenced groups match the private addresses of member ENIs only (never public addresses).
sg_verdict evaluate_security_groups(const topology& topo, const network_interface& eni, const packet& p, bool egress);

/// Console-like form of one rule: `sg-0abc ingress ALLOW tcp 5432 10.0.1.0/24 pl-0ab sg-0cd`.
std::string describe(const security_group& group, const sg_rule& rule);

/// Whether security groups track a connection (aws-flow-logs.md §5.2). Tracked replies pass whatever the
/// rules say; untracked replies pass only when a rule admits them.
struct tracking_verdict {
  bool tracked = true;
  std::string reason;  ///< one line: why tracked or why not
  const security_group* admitting_group = nullptr;  ///< untracked: the all-addresses rule admitting the request
  const sg_rule* admitting_rule = nullptr;
  const security_group* reverse_group = nullptr;    ///< untracked: the all-addresses, all-ports rule the other way
  const sg_rule* reverse_rule = nullptr;
};
/// `request` is the packet that opens the connection as this ENI sees it; `egress` = this ENI sent it
/// (the client side), else it received it (the server side). A TCP/UDP flow is untracked when a rule
/// admitting the request allows all addresses of its family (0.0.0.0/0 or ::/0) and the opposite
/// direction has a rule for all addresses of that family on all ports (protocol all, or the same
/// protocol with ports 0-65535) — unless the ENI or its peer is of a kind AWS always tracks (NAT gateway,
/// load balancers, interface endpoints, Lambda, Global Accelerator, transit gateway). Other protocols,
/// ICMP included, are always tracked.
tracking_verdict connection_tracking(const topology& topo, const network_interface& eni, const packet& request,
                                     bool egress);

/// The ENI whose public address (Association.PublicIp) this is; nullptr when none.
const network_interface* eni_by_public_address(const topology& topo, const ip_address& ip) noexcept;

}  // namespace flowsleuth
