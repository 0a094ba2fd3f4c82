// Property tests: random network ACLs and security group rule sets, evaluated by the implementation and
// by a deliberately naive reference written here (bit-by-bit prefixes, a scan over every rule number,
// any-rule-matches over all groups). Fixed seeds, so failures reproduce.

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <set>

#include "flowsleuth/enforcement.hpp"
#include "test_policy_topology.hpp"

using namespace policy_test;

namespace {

// A small deterministic generator (splitmix64): the standard distributions differ between libraries.
struct dice {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
  bool chance(int percent) { return below(100) < static_cast<std::size_t>(percent); }
  template <class T, std::size_t N>
  const T& pick(const std::array<T, N>& items) { return items[below(N)]; }
};

// --- the reference -------------------------------------------------------------------------------

bool bit(const ip_address& a, int i) { return ((a.bytes()[static_cast<std::size_t>(i / 8)] >> (7 - i % 8)) & 1) != 0; }

bool in_block_ref(const cidr& block, const ip_address& a) {
  if (block.network.is_v4() != a.is_v4()) return false;
  for (int i = 0; i < block.prefix; ++i) {
    if (bit(block.network, i) != bit(a, i)) return false;
  }
  return true;
}

bool traffic_ref(int protocol, const std::optional<port_span>& ports, const std::optional<icmp_match>& icmp,
                 const packet& p) {
  if (protocol < 0) return true;
  if (static_cast<int>(p.protocol) != protocol) return false;
  switch (protocol) {
    case 6:
    case 17: {
      const int lo = ports ? ports->from : 0, hi = ports ? ports->to : 65535;
      return lo <= *p.dst_port && *p.dst_port <= hi;
    }
    case 1:
    case 58: {
      const int type = icmp ? icmp->type : -1, code = icmp ? icmp->code : -1;
      return (type == -1 || type == *p.icmp_type) && (code == -1 || code == *p.icmp_code);
    }
    default: return true;
  }
}

bool nacl_entry_ref(const nacl_entry& e, const packet& p, bool egress) {
  return e.egress == egress && in_block_ref(*e.block, egress ? p.dst : p.src) &&
         traffic_ref(e.protocol, e.ports, e.icmp, p);
}

// The decision and the deciding entry: every number from 1 upwards, then the stored `*` rules.
std::pair<bool, const nacl_entry*> nacl_ref(const network_acl& acl, const packet& p, bool egress) {
  for (int n = 1; n <= 32766; ++n) {
    for (const auto& e : acl.entries) {
      if (e.rule_number == n && nacl_entry_ref(e, p, egress)) return {e.allow, &e};
    }
  }
  for (const auto& e : acl.entries) {
    if (!e.rule_number && nacl_entry_ref(e, p, egress)) return {e.allow, &e};
  }
  return {false, nullptr};
}

bool member_ref(const topology& t, const std::string& group, const ip_address& peer) {
  for (const auto& [id, eni] : t.enis) {
    if (std::count(eni.groups.begin(), eni.groups.end(), group) == 0) continue;
    for (const auto& a : eni.private_addresses) {
      if (a == peer) return true;
    }
  }
  return false;
}

std::pair<bool, std::set<std::string>> sg_ref(const topology& t, const network_interface& eni, const packet& p,
                                              bool egress) {
  const ip_address& peer = egress ? p.dst : p.src;
  std::set<std::string> unknown;
  bool allowed = false;
  for (const auto& gid : eni.groups) {
    if (!t.security_groups.count(gid)) {
      unknown.insert(gid);
      continue;
    }
    for (const auto& r : egress ? t.security_groups.at(gid).egress : t.security_groups.at(gid).ingress) {
      if (!traffic_ref(r.protocol, r.ports, r.icmp, p)) continue;
      for (const auto& c : r.cidrs) allowed = allowed || in_block_ref(c, peer);
      for (const auto& pl : r.prefix_lists) {
        const auto it = t.prefix_lists.find(pl);
        if (it == t.prefix_lists.end() || !it->second.entries_known) {
          unknown.insert(pl);
        } else {
          for (const auto& c : it->second.entries) allowed = allowed || in_block_ref(c, peer);
        }
      }
      for (const auto& g : r.groups) allowed = allowed || member_ref(t, g, peer);
    }
  }
  if (allowed) unknown.clear();
  return {allowed, unknown};
}

// --- random inputs --------------------------------------------------------------------------------

const std::array<const char*, 10> blocks{"0.0.0.0/0", "10.0.0.0/8",      "10.0.1.0/24", "10.0.1.5/32",
                                         "10.0.2.0/25", "192.0.2.0/24", "::/0",        "2001:db8::/32",
                                         "2001:db8::5/128", "10.0.0.0/16"};
const std::array<const char*, 6> v4_hosts{"10.0.1.5", "10.0.2.7", "10.0.2.200", "192.0.2.9", "8.8.8.8", "10.0.1.6"};
const std::array<const char*, 3> v6_hosts{"2001:db8::5", "2001:db8::6", "2600:1f14:aa:2::7"};
const std::array<int, 6> protocols{-1, 6, 17, 1, 58, 50};
const std::array<std::uint16_t, 11> port_marks{0, 22, 80, 443, 1023, 1024, 5432, 32767, 32768, 60999, 65535};
const std::array<int, 4> icmp_types{-1, 0, 3, 8};
const std::array<int, 3> icmp_codes{-1, 0, 4};

std::optional<port_span> random_ports(dice& d) {
  if (d.chance(20)) return std::nullopt;
  auto a = d.pick(port_marks), b = d.pick(port_marks);
  if (d.chance(30)) b = a;
  return port_span{std::min(a, b), std::max(a, b)};
}

void random_traffic(dice& d, int& protocol, std::optional<port_span>& ports, std::optional<icmp_match>& icmp) {
  protocol = d.pick(protocols);
  if (protocol == 6 || protocol == 17) ports = random_ports(d);
  if ((protocol == 1 || protocol == 58) && d.chance(80)) icmp = icmp_match{d.pick(icmp_types), d.pick(icmp_codes)};
}

network_acl random_acl(dice& d) {
  network_acl acl;
  acl.id = "acl-random";
  for (bool egress : {false, true}) {
    std::set<int> numbers;
    const std::size_t count = d.below(10);
    while (numbers.size() < count) numbers.insert(d.chance(80) ? static_cast<int>(1 + d.below(200)) : static_cast<int>(1 + d.below(32766)));
    for (int n : numbers) {
      nacl_entry e;
      e.rule_number = n;
      e.egress = egress;
      e.allow = d.chance(60);
      e.block = net(d.pick(blocks));
      random_traffic(d, e.protocol, e.ports, e.icmp);
      acl.entries.push_back(e);
    }
    if (d.chance(70)) add_default_rules(acl, egress);
  }
  // Stored order must not matter.
  for (std::size_t i = acl.entries.size(); i > 1; --i) std::swap(acl.entries[i - 1], acl.entries[d.below(i)]);
  return acl;
}

packet random_packet(dice& d) {
  packet p;
  const bool v6 = d.chance(25);
  p.src = ip(v6 ? d.pick(v6_hosts) : d.pick(v4_hosts));
  p.dst = ip(v6 ? d.pick(v6_hosts) : d.pick(v4_hosts));
  const std::array<std::uint8_t, 5> kinds{6, 17, 1, 58, 50};
  p.protocol = d.pick(kinds);
  if (p.protocol == 6 || p.protocol == 17) {
    p.src_port = static_cast<std::uint16_t>(d.below(65536));
    p.dst_port = d.chance(60) ? d.pick(port_marks) : static_cast<std::uint16_t>(d.below(65536));
  } else if (p.protocol == 1 || p.protocol == 58) {
    p.icmp_type = static_cast<std::uint8_t>(d.chance(80) ? std::max(0, d.pick(icmp_types)) : static_cast<int>(d.below(256)));
    p.icmp_code = static_cast<std::uint8_t>(std::max(0, d.pick(icmp_codes)));
  }
  return p;
}

std::string show(const packet& p) {
  return fmt::format("{} {} -> {} dport {} icmp {}/{}", p.protocol, p.src.to_string(), p.dst.to_string(),
                     p.dst_port ? int{*p.dst_port} : -1, p.icmp_type ? int{*p.icmp_type} : -1,
                     p.icmp_code ? int{*p.icmp_code} : -1);
}

}  // namespace

TEST_CASE("property: NACL evaluation agrees with a rule-number scan") {
  dice d{20261117};
  int allowed = 0, denied = 0;
  for (int round = 0; round < 400; ++round) {
    const auto acl = random_acl(d);
    for (int k = 0; k < 10; ++k) {
      const auto p = random_packet(d);
      const bool egress = d.chance(50);
      const auto got = evaluate_nacl(acl, p, egress);
      const auto [want_allowed, want_entry] = nacl_ref(acl, p, egress);
      INFO("round ", round, ": ", show(p), egress ? " egress" : " ingress", " decided by ", describe(got));
      REQUIRE(got.allowed == want_allowed);
      REQUIRE(got.entry == want_entry);
      (got.allowed ? allowed : denied) += 1;
    }
  }
  // Both outcomes must be well represented, or the property says little.
  CHECK(allowed > 500);
  CHECK(denied > 500);
}

TEST_CASE("property: security group evaluation agrees with any-rule-matches") {
  dice d{4242};
  int allowed = 0, unresolved = 0;
  const std::array<const char*, 4> group_ids{"sg-a", "sg-b", "sg-c", "sg-gone"};
  const std::array<const char*, 3> lists{"pl-known", "pl-unknown", "pl-missing"};
  for (int round = 0; round < 400; ++round) {
    topology t;
    t.prefix_lists["pl-known"].id = "pl-known";
    t.prefix_lists["pl-known"].entries_known = true;
    t.prefix_lists["pl-known"].entries = {net("192.0.2.0/25"), net("2001:db8::/64")};
    t.prefix_lists["pl-unknown"].id = "pl-unknown";
    for (const char* gid : {"sg-a", "sg-b", "sg-c"}) {
      auto& g = t.security_groups[gid];
      g.id = gid;
      for (bool egress : {false, true}) {
        const std::size_t count = d.below(4);
        for (std::size_t i = 0; i < count; ++i) {
          sg_rule r;
          r.egress = egress;
          random_traffic(d, r.protocol, r.ports, r.icmp);
          for (std::size_t j = d.below(3); j > 0; --j) r.cidrs.push_back(net(d.pick(blocks)));
          if (d.chance(25)) r.prefix_lists.push_back(d.pick(lists));
          if (d.chance(30)) r.groups.push_back(d.pick(group_ids));
          (egress ? g.egress : g.ingress).push_back(r);
        }
      }
    }
    // Peers are either ENIs we know or public addresses, so a group reference is always decidable.
    t.enis["eni-self"] = make_eni("eni-self", "subnet-b", {"10.0.2.7", "2600:1f14:aa:2::7"}, {});
    t.enis["eni-p1"] = make_eni("eni-p1", "subnet-a", {"10.0.1.5", "2001:db8::5"}, {});
    t.enis["eni-p2"] = make_eni("eni-p2", "subnet-a", {"10.0.1.6", "2001:db8::6"}, {});
    t.enis["eni-p3"] = make_eni("eni-p3", "subnet-b", {"10.0.2.200"}, {});
    for (auto& [id, eni] : t.enis) {
      for (const char* gid : group_ids) {
        if (d.chance(35)) eni.groups.push_back(gid);
      }
    }
    for (int k = 0; k < 10; ++k) {
      const auto p = random_packet(d);
      const bool egress = d.chance(50);
      const auto& eni = t.enis[d.chance(50) ? "eni-self" : "eni-p3"];
      const auto got = evaluate_security_groups(t, eni, p, egress);
      const auto [want_allowed, want_unresolved] = sg_ref(t, eni, p, egress);
      INFO("round ", round, ": ", show(p), egress ? " egress" : " ingress");
      REQUIRE(got.allowed == want_allowed);
      REQUIRE(std::set<std::string>(got.unresolved.begin(), got.unresolved.end()) == want_unresolved);
      if (got.allowed) {
        REQUIRE(got.matched_rule);
        const ip_address& peer = egress ? p.dst : p.src;
        // The rule it names really admits the packet on its own.
        CHECK(traffic_ref(got.matched_rule->protocol, got.matched_rule->ports, got.matched_rule->icmp, p));
        bool names_peer = false;
        for (const auto& c : got.matched_rule->cidrs) names_peer = names_peer || in_block_ref(c, peer);
        for (const auto& g : got.matched_rule->groups) names_peer = names_peer || member_ref(t, g, peer);
        for (const auto& pl : got.matched_rule->prefix_lists) names_peer = names_peer || pl == "pl-known";
        CHECK(names_peer);
      }
      allowed += got.allowed ? 1 : 0;
      unresolved += got.unresolved.empty() ? 0 : 1;
    }
  }
  CHECK(allowed > 300);
  CHECK(unresolved > 100);
}

TEST_CASE("property: the response leg's client ports are exactly the ports both ACLs admit") {
  dice d{777};
  for (int round = 0; round < 150; ++round) {
    auto t = sample_topology();
    for (const char* id : {"acl-a", "acl-b"}) {
      auto& acl = t.nacls[id];
      acl.entries.clear();
      for (bool egress : {false, true}) {
        std::set<int> numbers;
        const std::size_t count = 1 + d.below(6);
        while (numbers.size() < count) numbers.insert(static_cast<int>(1 + d.below(300)));
        for (int n : numbers) {
          nacl_entry e = entry(n, egress, d.chance(60), d.chance(80) ? 6 : any_protocol,
                               d.chance(70) ? "0.0.0.0/0" : d.pick(blocks));
          if (e.protocol == 6) e.ports = random_ports(d);
          acl.entries.push_back(e);
        }
      }
      add_default_rules(acl, false);
      add_default_rules(acl, true);
    }
    path_query q;
    q.client = ip("10.0.1.5");
    q.server = ip("10.0.2.7");
    q.server_port = 443;
    if (d.chance(30)) q.ephemeral = ephemeral_linux;
    const auto r = explain_path(t, q);
    auto admitted = [&](std::uint16_t port) {
      for (const auto& s : r.response.admitted_client_ports) {
        if (s.contains(port)) return true;
      }
      return false;
    };
    std::vector<std::uint32_t> ports{q.ephemeral.from, q.ephemeral.to};
    for (const auto* acl : {&t.nacls["acl-a"], &t.nacls["acl-b"]}) {
      for (const auto& e : acl->entries) {
        if (!e.ports) continue;
        for (std::uint32_t b : {std::uint32_t{e.ports->from}, std::uint32_t{e.ports->to}}) {
          for (std::uint32_t x : {b - 1, b, b + 1}) {
            if (x >= q.ephemeral.from && x <= q.ephemeral.to) ports.push_back(x);
          }
        }
      }
    }
    for (int k = 0; k < 40; ++k) ports.push_back(q.ephemeral.from + static_cast<std::uint32_t>(d.below(q.ephemeral.to - q.ephemeral.from + 1u)));
    for (std::uint32_t x : ports) {
      const auto port = static_cast<std::uint16_t>(x);
      const auto reply = tcp("10.0.2.7", "10.0.1.5", port, 443);
      const bool want = nacl_ref(t.nacls["acl-b"], reply, true).first && nacl_ref(t.nacls["acl-a"], reply, false).first;
      INFO("round ", round, " client port ", port);
      REQUIRE(admitted(port) == want);
    }
    // Admitted spans are disjoint, ordered and never adjacent (merged).
    const auto& spans = r.response.admitted_client_ports;
    for (std::size_t i = 1; i < spans.size(); ++i) REQUIRE(spans[i - 1].to + 1 < spans[i].from);
  }
}
