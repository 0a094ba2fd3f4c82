// Security group evaluation: every rule of every group on the ENI, any match allows (groups hold no
// denies), plus the connection-tracking decision that says whether replies need a rule of their own.

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "flowsleuth/correlate.hpp"
#include "flowsleuth/policy.hpp"

namespace flowsleuth {
namespace {

enum class peer_match { yes, no, unknown };

void add_unique(std::vector<std::string>& out, const std::string& id) {
  if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
}

// Could this address belong to an ENI we were not told about? Addresses inside a known VPC, and private
// ranges (peered VPCs, other accounts), can; a public IPv4 address cannot be a referenced group's member
// because references match private addresses only.
bool could_be_unknown_eni(const topology& topo, const ip_address& ip) {
  if (address_class(ip) == "private") return true;
  for (const auto& [id, v] : topo.vpcs) {
    for (const auto& block : v.cidrs) {
      if (block.contains(ip)) return true;
    }
  }
  for (const auto& [id, s] : topo.subnets) {
    for (const auto& block : s.cidrs) {
      if (block.contains(ip)) return true;
    }
  }
  return false;
}

peer_match group_reference_matches(const topology& topo, const std::string& group_id, const ip_address& peer) {
  if (const auto* member = topo.eni_by_address(peer)) {
    const auto& g = member->groups;
    return std::find(g.begin(), g.end(), group_id) != g.end() ? peer_match::yes : peer_match::no;
  }
  if (eni_by_public_address(topo, peer)) return peer_match::no;
  return could_be_unknown_eni(topo, peer) ? peer_match::unknown : peer_match::no;
}

// Whether the rule's sources (or destinations) include the peer; the ids that could not be decided go to
// `unresolved`.
bool rule_peer_matches(const topology& topo, const sg_rule& rule, const ip_address& peer,
                       std::vector<std::string>& unresolved) {
  for (const auto& block : rule.cidrs) {
    if (block.contains(peer)) return true;
  }
  for (const auto& pl_id : rule.prefix_lists) {
    const auto it = topo.prefix_lists.find(pl_id);
    if (it == topo.prefix_lists.end() || !it->second.entries_known) {
      add_unique(unresolved, pl_id);
      continue;
    }
    for (const auto& block : it->second.entries) {
      if (block.contains(peer)) return true;
    }
    if (!it->second.complete) add_unique(unresolved, pl_id);
  }
  for (const auto& group_id : rule.groups) {
    switch (group_reference_matches(topo, group_id, peer)) {
      case peer_match::yes: return true;
      case peer_match::unknown: add_unique(unresolved, group_id); break;
      case peer_match::no: break;
    }
  }
  return false;
}

bool all_addresses(const cidr& block, bool ipv6) noexcept { return block.prefix == 0 && block.network.is_v6() == ipv6; }

bool has_all_addresses(const sg_rule& rule, bool ipv6) {
  return std::any_of(rule.cidrs.begin(), rule.cidrs.end(), [&](const cidr& c) { return all_addresses(c, ipv6); });
}

bool all_ports_for(const sg_rule& rule, std::uint8_t protocol) noexcept {
  if (rule.protocol == any_protocol) return true;
  if (rule.protocol != protocol) return false;
  return !rule.ports || (rule.ports->from == 0 && rule.ports->to == 65535);
}

// describe-network-interfaces spells types `nat_gateway`, the API reference `natGateway`: compare loosely.
std::string squeezed(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c != '_' && c != '-') out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

bool always_tracked_kind(const network_interface& eni) {
  static constexpr std::string_view kinds[] = {
      "natgateway",  "networkloadbalancer", "gatewayloadbalancer",      "gatewayloadbalancerendpoint",
      "vpcendpoint", "lambda",              "globalacceleratormanaged", "transitgateway"};
  const auto t = squeezed(eni.interface_type);
  return std::find(std::begin(kinds), std::end(kinds), t) != std::end(kinds);
}

}  // namespace

sg_verdict evaluate_security_groups(const topology& topo, const network_interface& eni, const packet& p, bool egress) {
  sg_verdict v;
  v.groups = eni.groups;
  const ip_address& peer = egress ? p.dst : p.src;
  std::vector<std::string> unresolved;
  for (const auto& group_id : eni.groups) {
    const auto it = topo.security_groups.find(group_id);
    if (it == topo.security_groups.end()) {
      add_unique(unresolved, group_id);
      continue;
    }
    // A rule lost while reading could only have added an allow: an incomplete group decides "allowed"
    // for certain, "not allowed" only tentatively.
    if (!it->second.complete) add_unique(unresolved, group_id);
    const auto& rules = egress ? it->second.egress : it->second.ingress;
    for (const auto& rule : rules) {
      if (!traffic_matches(rule.protocol, rule.ports, rule.icmp, p)) continue;
      if (rule_peer_matches(topo, rule, peer, unresolved)) {
        v.allowed = true;
        v.matched_group = &it->second;
        v.matched_rule = &rule;
        return v;
      }
    }
  }
  v.unresolved = std::move(unresolved);
  return v;
}

std::string describe(const security_group& group, const sg_rule& rule) {
  std::string peers;
  auto add = [&](const std::string& s) {
    if (!peers.empty()) peers += ' ';
    peers += s;
  };
  for (const auto& c : rule.cidrs) add(c.to_string());
  for (const auto& pl : rule.prefix_lists) add(pl);
  for (const auto& g : rule.groups) add(g);
  if (peers.empty()) peers = "(no peer)";
  return fmt::format("{} {} ALLOW {} {}", group.id, rule.egress ? "egress" : "ingress",
                     describe_traffic(rule.protocol, rule.ports, rule.icmp), peers);
}

tracking_verdict connection_tracking(const topology& topo, const network_interface& eni, const packet& request,
                                     bool egress) {
  tracking_verdict t;
  if (request.protocol != 6 && request.protocol != 17) {
    t.reason = request.protocol == 1 || request.protocol == 58
                   ? "ICMP is always tracked"
                   : "only TCP and UDP flows can be untracked";
    return t;
  }
  const ip_address& peer = egress ? request.dst : request.src;
  const auto* peer_eni = topo.eni_by_address(peer);
  if (always_tracked_kind(eni) || (peer_eni && always_tracked_kind(*peer_eni))) {
    const auto& kind = always_tracked_kind(eni) ? eni.interface_type : peer_eni->interface_type;
    t.reason = fmt::format("connections through a {} ENI are always tracked", kind);
    return t;
  }
  const bool ipv6 = request.dst.is_v6();
  const char* everyone = ipv6 ? "::/0" : "0.0.0.0/0";
  for (const auto& group_id : eni.groups) {
    const auto it = topo.security_groups.find(group_id);
    if (it == topo.security_groups.end()) continue;
    for (const auto& rule : egress ? it->second.egress : it->second.ingress) {
      if (has_all_addresses(rule, ipv6) && traffic_matches(rule.protocol, rule.ports, rule.icmp, request)) {
        t.admitting_group = &it->second;
        t.admitting_rule = &rule;
        break;
      }
    }
    if (t.admitting_rule) break;
  }
  if (!t.admitting_rule) {
    t.reason = fmt::format("no {} rule admitting the request is open to {}", egress ? "egress" : "ingress", everyone);
    return t;
  }
  for (const auto& group_id : eni.groups) {
    const auto it = topo.security_groups.find(group_id);
    if (it == topo.security_groups.end()) continue;
    for (const auto& rule : egress ? it->second.ingress : it->second.egress) {
      if (has_all_addresses(rule, ipv6) && all_ports_for(rule, request.protocol)) {
        t.reverse_group = &it->second;
        t.reverse_rule = &rule;
        t.tracked = false;
        t.reason = fmt::format("untracked: {} admits the request and {} allows every reply",
                               describe(*t.admitting_group, *t.admitting_rule),
                               describe(*t.reverse_group, *t.reverse_rule));
        return t;
      }
    }
  }
  t.admitting_group = nullptr;
  t.admitting_rule = nullptr;
  t.reason = fmt::format("no {} rule allows all ports to {}", egress ? "ingress" : "egress", everyone);
  return t;
}

}  // namespace flowsleuth
