// The smallest rule change that admits a denied packet, and the AWS CLI command that makes it.

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <limits>
#include <set>

#include "flowsleuth/correlate.hpp"
#include "flowsleuth/enforcement.hpp"

namespace flowsleuth {
namespace {

constexpr int max_rule_number = 32766;

bool has_ports(int protocol) noexcept { return protocol == 6 || protocol == 17; }
bool is_icmp(int protocol) noexcept { return protocol == 1 || protocol == 58; }

cidr host_block(const ip_address& ip) { return cidr{ip, ip.is_v4() ? 32 : 128}; }

// Where an allow goes so it precedes the deny without shadowing anything else: between the deny and the
// entry before it, at a round number when there is one (90 before 100, else 95, else 99). With no gap there,
// the highest free number below the deny, and a warning naming the entries the new one now precedes.
std::optional<int> free_number_before(const std::set<int>& used, int deny, std::vector<std::string>& warnings,
                                      const network_acl& acl, bool egress) {
  int prev = 0;
  for (int n : used) {
    if (n < deny) prev = std::max(prev, n);
  }
  for (int step : {10, 5, 1}) {
    const int candidate = (deny - 1) / step * step;
    if (candidate > prev && candidate >= 1) return candidate;
  }
  for (int n = deny - 1; n >= 1; --n) {
    if (used.count(n)) continue;
    std::vector<std::string> shadowed;
    for (const auto& e : acl.entries) {
      if (e.egress == egress && e.rule_number && *e.rule_number > n && *e.rule_number < deny) {
        shadowed.push_back(fmt::format("#{}", *e.rule_number));
      }
    }
    warnings.push_back(fmt::format("no free number right before #{}: the new entry also precedes {}", deny,
                                   fmt::join(shadowed, ", ")));
    return n;
  }
  warnings.push_back(fmt::format("every rule number before #{} is taken: renumber the entries first", deny));
  return std::nullopt;
}

// After the last numbered entry when the `*` rule denied: the next multiple of 10 (100 in an empty ACL).
std::optional<int> free_number_at_end(const std::set<int>& used) {
  if (used.empty()) return 100;
  const int next = (*used.rbegin() / 10 + 1) * 10;
  if (next <= max_rule_number) return next;
  for (int n = max_rule_number; n >= 1; --n) {
    if (!used.count(n)) return n;
  }
  return std::nullopt;
}

std::string cli_protocol(int protocol, bool security_group) {
  if (protocol == any_protocol) return "-1";
  if (protocol == 6) return "tcp";
  if (protocol == 17) return "udp";
  if (protocol == 1) return "icmp";
  if (protocol == 58 && security_group) return "icmpv6";
  return fmt::format("{}", protocol);
}

// The protocol/port part of the fix: the packet's own destination port, or the client range for a reply.
void set_traffic(policy_fix& f, const packet& p, const fix_options& o) {
  f.protocol = p.protocol;
  if (has_ports(p.protocol)) {
    if (o.return_traffic) {
      f.ports = o.return_ports;
      if (p.dst_port && !o.return_ports.contains(*p.dst_port)) {
        f.warnings.push_back(fmt::format("the observed client port {} is outside {}-{}", *p.dst_port,
                                         o.return_ports.from, o.return_ports.to));
      }
    } else if (p.dst_port) {
      f.ports = port_span{*p.dst_port, *p.dst_port};
    }
  } else if (is_icmp(p.protocol)) {
    f.icmp = icmp_match{p.icmp_type ? int{*p.icmp_type} : -1, -1};
  }
}

std::string_view direction_word(bool egress) { return egress ? "egress" : "ingress"; }

}  // namespace

std::optional<port_span> parse_ephemeral_range(std::string_view text) noexcept {
  if (text == "all" || text == "any") return ephemeral_any;
  if (text == "linux") return ephemeral_linux;
  if (text == "windows") return ephemeral_windows;
  const auto dash = text.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto number = [](std::string_view s) -> std::optional<std::uint16_t> {
    std::uint16_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
    return v;
  };
  const auto from = number(text.substr(0, dash));
  const auto to = number(text.substr(dash + 1));
  if (!from || !to || *from > *to) return std::nullopt;
  return port_span{*from, *to};
}

std::optional<policy_fix> propose_nacl_fix(const network_acl& acl, const nacl_verdict& v, const packet& p,
                                           const fix_options& o) {
  if (v.allowed) return std::nullopt;
  policy_fix f;
  f.layer = blocking_layer::network_acl;
  f.target = acl.id;
  f.egress = v.egress;
  set_traffic(f, p, o);
  f.peer_block = o.peer_block ? *o.peer_block : host_block(v.egress ? p.dst : p.src);
  std::set<int> used;
  for (const auto& e : acl.entries) {
    if (e.egress == v.egress && e.rule_number) used.insert(*e.rule_number);
  }
  const bool explicit_deny = v.entry && v.entry->rule_number;
  f.rule_number = explicit_deny ? free_number_before(used, *v.entry->rule_number, f.warnings, acl, v.egress)
                                : free_number_at_end(used);

  nacl_entry entry;
  entry.rule_number = f.rule_number;
  entry.egress = f.egress;
  entry.allow = true;
  entry.protocol = f.protocol;
  entry.block = f.peer_block;
  entry.ports = f.ports;
  entry.icmp = f.icmp;
  f.summary = describe(acl, &entry, f.egress);

  std::string command = fmt::format("aws ec2 create-network-acl-entry --network-acl-id {} --{} --rule-number {}",
                                    acl.id, direction_word(f.egress),
                                    f.rule_number ? fmt::format("{}", *f.rule_number) : std::string("<free number>"));
  command += fmt::format(" --protocol {}", cli_protocol(f.protocol, false));
  if (f.ports) command += fmt::format(" --port-range From={},To={}", f.ports->from, f.ports->to);
  if (f.icmp) command += fmt::format(" --icmp-type-code Type={},Code={}", f.icmp->type, f.icmp->code);
  command += fmt::format(" {} {} --rule-action allow", f.peer_block->is_v4() ? "--cidr-block" : "--ipv6-cidr-block",
                         f.peer_block->to_string());
  f.command = std::move(command);
  return f;
}

std::optional<policy_fix> propose_sg_fix(const topology& topo, const network_interface& eni, const packet& p,
                                         bool egress, const fix_options& o) {
  if (eni.groups.empty()) return std::nullopt;
  policy_fix f;
  f.layer = blocking_layer::security_group;
  f.target = eni.groups.front();
  f.egress = egress;
  set_traffic(f, p, o);
  const ip_address& peer = egress ? p.dst : p.src;
  const auto* target = [&]() -> const security_group* {
    const auto it = topo.security_groups.find(f.target);
    return it == topo.security_groups.end() ? nullptr : &it->second;
  }();
  const auto* peer_eni = o.peer_block ? nullptr : topo.eni_by_address(peer);
  if (peer_eni && o.prefer_peer_group && !peer_eni->groups.empty()) {
    // The peer's group with the fewest members admits the fewest others; a reference only works within
    // the group's VPC (peering aside), so a group of another VPC falls back to the address.
    std::size_t fewest = std::numeric_limits<std::size_t>::max();
    for (const auto& gid : peer_eni->groups) {
      const auto it = topo.security_groups.find(gid);
      if (target && it != topo.security_groups.end() && !target->vpc_id.empty() && !it->second.vpc_id.empty() &&
          it->second.vpc_id != target->vpc_id) {
        continue;
      }
      const auto members = static_cast<std::size_t>(std::count_if(topo.enis.begin(), topo.enis.end(), [&](const auto& kv) {
        return std::find(kv.second.groups.begin(), kv.second.groups.end(), gid) != kv.second.groups.end();
      }));
      if (members < fewest) {
        fewest = members;
        f.peer_group = gid;
      }
    }
  }
  if (f.peer_group.empty()) f.peer_block = o.peer_block ? *o.peer_block : host_block(peer);

  sg_rule rule;
  rule.egress = egress;
  rule.protocol = f.protocol;
  rule.ports = f.ports;
  rule.icmp = f.icmp;
  if (f.peer_block) rule.cidrs.push_back(*f.peer_block);
  if (!f.peer_group.empty()) rule.groups.push_back(f.peer_group);
  security_group named;
  named.id = f.target;
  f.summary = describe(named, rule);

  std::string permission = fmt::format("IpProtocol={}", cli_protocol(f.protocol, true));
  if (f.ports) permission += fmt::format(",FromPort={},ToPort={}", f.ports->from, f.ports->to);
  if (f.icmp) permission += fmt::format(",FromPort={},ToPort={}", f.icmp->type, f.icmp->code);
  if (!f.peer_group.empty()) {
    permission += fmt::format(",UserIdGroupPairs=[{{GroupId={}}}]", f.peer_group);
  } else if (f.peer_block->is_v4()) {
    permission += fmt::format(",IpRanges=[{{CidrIp={}}}]", f.peer_block->to_string());
  } else {
    permission += fmt::format(",Ipv6Ranges=[{{CidrIpv6={}}}]", f.peer_block->to_string());
  }
  // Quoted: `[{…}]` is a glob pattern to the shell.
  f.command = fmt::format("aws ec2 authorize-security-group-{} --group-id {} --ip-permissions '{}'",
                          direction_word(egress), f.target, permission);
  if (!target) f.warnings.push_back(fmt::format("{} is not in the configuration", f.target));
  return f;
}

std::optional<policy_fix> propose_fix(const topology& topo, const enforcement_step& step, const fix_options& options) {
  if (step.outcome != check_outcome::denied && step.outcome != check_outcome::partial) return std::nullopt;
  fix_options o = options;
  o.return_traffic = step.leg == traffic_leg::response;
  packet p = step.pkt;
  if (step.layer == blocking_layer::network_acl) {
    const auto it = topo.nacls.find(step.acl);
    if (it == topo.nacls.end()) return std::nullopt;
    if (!p.dst_port && o.return_traffic && has_ports(p.protocol)) {
      // A range was evaluated: the fix goes before the entry that denied the first blocked part.
      for (const auto& part : step.client_ports) {
        if (part.outcome == check_outcome::denied) {
          p.dst_port = part.ports.from;
          break;
        }
      }
    }
    const auto v = evaluate_nacl(it->second, p, step.egress);
    return propose_nacl_fix(it->second, v, p, o);
  }
  const auto* eni = topo.eni_by_id(step.eni);
  if (!eni) return std::nullopt;
  return propose_sg_fix(topo, *eni, p, step.egress, o);
}

void suggest_fixes(const topology& topo, path_result& result, const fix_options& options) {
  result.fixes.clear();
  for (const auto* leg : {&result.request, &result.response}) {
    if (!leg->evaluated || !leg->first_blocking) continue;
    if (auto f = propose_fix(topo, leg->steps[*leg->first_blocking], options)) result.fixes.push_back(std::move(*f));
  }
}

}  // namespace flowsleuth
