// Network ACL evaluation: entries of one direction in rule-number order, first match wins, then `*`.

#include <fmt/format.h>

#include <algorithm>

#include "flowsleuth/policy.hpp"

namespace flowsleuth {
namespace {

// AWS stores the `*` rule as 32767; entries without a number sort there, after every numbered entry.
constexpr int default_rule_number = 32767;

int order_of(const nacl_entry& e) noexcept { return e.rule_number.value_or(default_rule_number); }

std::string entry_text(const network_acl& acl, const nacl_entry* entry, bool egress, bool ipv6) {
  const char* dir = egress ? "egress" : "ingress";
  if (!entry) return fmt::format("{} {} * DENY all {}", acl.id, dir, ipv6 ? "::/0" : "0.0.0.0/0");
  const std::string number = entry->rule_number ? fmt::format("#{}", *entry->rule_number) : "*";
  return fmt::format("{} {} {} {} {} {}", acl.id, dir, number, entry->allow ? "ALLOW" : "DENY",
                     describe_traffic(entry->protocol, entry->ports, entry->icmp),
                     entry->block ? entry->block->to_string() : "(no CIDR)");
}

}  // namespace

nacl_verdict evaluate_nacl(const network_acl& acl, const packet& p, bool egress) {
  std::vector<const nacl_entry*> ordered;
  for (const auto& e : acl.entries) {
    if (e.egress == egress) ordered.push_back(&e);
  }
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const nacl_entry* a, const nacl_entry* b) { return order_of(*a) < order_of(*b); });
  const ip_address& peer = egress ? p.dst : p.src;
  nacl_verdict v{false, &acl, nullptr, egress, p.dst.is_v6()};
  for (const auto* e : ordered) {
    if (e->block && e->block->contains(peer) && traffic_matches(e->protocol, e->ports, e->icmp, p)) {
      v.allowed = e->allow;
      v.entry = e;
      return v;
    }
  }
  return v;
}

std::string describe(const network_acl& acl, const nacl_entry* entry, bool egress) {
  return entry_text(acl, entry, egress, false);
}

std::string describe(const nacl_verdict& v) {
  if (!v.acl) return {};
  return entry_text(*v.acl, v.entry, v.egress, v.ipv6);
}

}  // namespace flowsleuth
