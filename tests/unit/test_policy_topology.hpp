#pragma once
// Small builders for policy tests: topologies are written directly in C++ so these tests do not depend
// on the configuration loader.

#include <optional>
#include <tuple>
#include <utility>
#include <string>
#include <vector>

#include "flowsleuth/policy.hpp"
#include "flowsleuth/topology.hpp"

namespace policy_test {

using namespace flowsleuth;

inline ip_address ip(const char* text) { return *ip_address::parse(text); }
inline cidr net(const char* text) { return *cidr::parse(text); }

inline nacl_entry entry(std::optional<int> number, bool egress, bool allow, int protocol, const char* block,
                        std::optional<port_span> ports = std::nullopt, std::optional<icmp_match> icmp = std::nullopt) {
  nacl_entry e;
  e.rule_number = number;
  e.egress = egress;
  e.allow = allow;
  e.protocol = protocol;
  e.block = net(block);
  e.ports = ports;
  e.icmp = icmp;
  return e;
}

/// The two `*` rules AWS stores in every ACL, for one direction.
inline void add_default_rules(network_acl& acl, bool egress) {
  acl.entries.push_back(entry(std::nullopt, egress, false, any_protocol, "0.0.0.0/0"));
  acl.entries.push_back(entry(std::nullopt, egress, false, any_protocol, "::/0"));
}

inline sg_rule sg_allow(bool egress, int protocol, std::optional<port_span> ports, std::vector<const char*> cidrs,
                    std::vector<std::string> prefix_lists = {}, std::vector<std::string> groups = {}) {
  sg_rule r;
  r.egress = egress;
  r.protocol = protocol;
  r.ports = ports;
  for (const char* c : cidrs) r.cidrs.push_back(net(c));
  r.prefix_lists = std::move(prefix_lists);
  r.groups = std::move(groups);
  return r;
}

inline packet tcp(const char* src, const char* dst, std::uint16_t dst_port, std::uint16_t src_port = 40000) {
  packet p;
  p.src = ip(src);
  p.dst = ip(dst);
  p.protocol = 6;
  p.src_port = src_port;
  p.dst_port = dst_port;
  return p;
}

inline packet icmp(const char* src, const char* dst, std::uint8_t type, std::uint8_t code, std::uint8_t protocol = 1) {
  packet p;
  p.src = ip(src);
  p.dst = ip(dst);
  p.protocol = protocol;
  p.icmp_type = type;
  p.icmp_code = code;
  return p;
}

inline network_interface make_eni(const char* id, const char* subnet, std::vector<const char*> addresses,
                                  std::vector<std::string> groups) {
  network_interface e;
  e.id = id;
  e.subnet_id = subnet;
  e.vpc_id = "vpc-1";
  for (const char* a : addresses) e.private_addresses.push_back(ip(a));
  e.groups = std::move(groups);
  return e;
}

/// vpc-1 (10.0.0.0/16, 2600:1f14:aa::/56) with
///   subnet-a 10.0.1.0/24 + 2600:1f14:aa:1::/64 (acl-a): eni-web 10.0.1.5 (i-web "web-1", sg-web),
///            eni-web2 10.0.1.6 (sg-web, Name tag "web-2"), public 203.0.113.5 on eni-web
///   subnet-b 10.0.2.0/24 + 2600:1f14:aa:2::/64 (acl-b): eni-db 10.0.2.7 + 2600:1f14:aa:2::7 (sg-db)
///   subnet-c 10.0.3.0/24 (no explicit association: acl-default)
/// Every ACL and group starts open (allow all both ways) unless a test rewrites it.
inline topology sample_topology() {
  topology t;
  t.sources = {"vpcs", "subnets", "network-interfaces", "network-acls", "security-groups"};
  t.vpcs["vpc-1"].id = "vpc-1";
  t.vpcs["vpc-1"].cidrs = {net("10.0.0.0/16"), net("2600:1f14:aa::/56")};
  for (auto [id, blocks] : {std::pair{"subnet-a", std::vector{net("10.0.1.0/24"), net("2600:1f14:aa:1::/64")}},
                            std::pair{"subnet-b", std::vector{net("10.0.2.0/24"), net("2600:1f14:aa:2::/64")}},
                            std::pair{"subnet-c", std::vector{net("10.0.3.0/24")}}}) {
    auto& s = t.subnets[id];
    s.id = id;
    s.vpc_id = "vpc-1";
    s.cidrs = blocks;
  }
  for (auto [id, sub, is_default] : {std::tuple{"acl-a", "subnet-a", false}, std::tuple{"acl-b", "subnet-b", false},
                                     std::tuple{"acl-default", "", true}}) {
    network_acl acl;
    acl.id = id;
    acl.vpc_id = "vpc-1";
    acl.is_default = is_default;
    if (*sub) acl.subnets.push_back(sub);
    for (bool egress : {false, true}) {
      acl.entries.push_back(entry(100, egress, true, any_protocol, "0.0.0.0/0"));
      acl.entries.push_back(entry(101, egress, true, any_protocol, "::/0"));
      add_default_rules(acl, egress);
    }
    t.nacls[id] = acl;
  }
  for (const char* id : {"sg-web", "sg-db"}) {
    security_group g;
    g.id = id;
    g.vpc_id = "vpc-1";
    g.ingress.push_back(sg_allow(false, any_protocol, std::nullopt, {"0.0.0.0/0", "::/0"}));
    g.egress.push_back(sg_allow(true, any_protocol, std::nullopt, {"0.0.0.0/0", "::/0"}));
    t.security_groups[id] = g;
  }
  t.enis["eni-web"] = make_eni("eni-web", "subnet-a", {"10.0.1.5"}, {"sg-web"});
  t.enis["eni-web"].public_addresses.push_back(ip("203.0.113.5"));
  t.enis["eni-web"].instance_id = "i-web";
  t.enis["eni-web2"] = make_eni("eni-web2", "subnet-a", {"10.0.1.6"}, {"sg-web"});
  t.enis["eni-web2"].tags["Name"] = "web-2";
  t.enis["eni-db"] = make_eni("eni-db", "subnet-b", {"10.0.2.7", "2600:1f14:aa:2::7"}, {"sg-db"});
  t.instances["i-web"].id = "i-web";
  t.instances["i-web"].name = "web-1";
  t.instances["i-web"].enis = {"eni-web"};
  return t;
}

}  // namespace policy_test
