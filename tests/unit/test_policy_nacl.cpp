// Network ACL evaluation, one rule of AWS's semantics per case, and the console form of entries.

#include <doctest/doctest.h>

#include "test_policy_topology.hpp"

using namespace policy_test;

namespace {

network_acl acl_with(std::vector<nacl_entry> entries, const char* id = "acl-0abc") {
  network_acl acl;
  acl.id = id;
  acl.entries = std::move(entries);
  add_default_rules(acl, false);
  add_default_rules(acl, true);
  return acl;
}

}  // namespace

TEST_CASE("nacl: the lowest matching rule number wins, whatever the stored order") {
  const auto acl = acl_with({entry(200, false, true, 6, "0.0.0.0/0", port_span{443, 443}),
                             entry(100, false, false, 6, "198.51.100.0/24", port_span{443, 443}),
                             entry(150, false, true, any_protocol, "198.51.100.7/32")});
  const auto blocked = evaluate_nacl(acl, tcp("198.51.100.7", "10.0.1.5", 443), false);
  CHECK_FALSE(blocked.allowed);
  REQUIRE(blocked.entry);
  CHECK(*blocked.entry->rule_number == 100);
  CHECK(blocked.acl == &acl);

  const auto allowed = evaluate_nacl(acl, tcp("192.0.2.1", "10.0.1.5", 443), false);
  CHECK(allowed.allowed);
  CHECK(*allowed.entry->rule_number == 200);

  const auto by_150 = evaluate_nacl(acl, tcp("198.51.100.7", "10.0.1.5", 22), false);
  CHECK(by_150.allowed);
  CHECK(*by_150.entry->rule_number == 150);
}

TEST_CASE("nacl: nothing matching falls to the default deny") {
  const auto acl = acl_with({entry(100, false, true, 6, "0.0.0.0/0", port_span{443, 443})});
  const auto v = evaluate_nacl(acl, tcp("192.0.2.1", "10.0.1.5", 80), false);
  CHECK_FALSE(v.allowed);
  REQUIRE(v.entry);  // the stored `*`
  CHECK_FALSE(v.entry->rule_number);
  CHECK(describe(v) == "acl-0abc ingress * DENY all 0.0.0.0/0");

  network_acl bare;  // no stored `*` entries at all: the implicit rule still denies
  bare.id = "acl-bare";
  const auto implicit = evaluate_nacl(bare, tcp("192.0.2.1", "10.0.1.5", 80), true);
  CHECK_FALSE(implicit.allowed);
  CHECK(implicit.entry == nullptr);
  CHECK(describe(implicit) == "acl-bare egress * DENY all 0.0.0.0/0");
}

TEST_CASE("nacl: only entries of the requested direction count") {
  const auto acl = acl_with({entry(100, true, true, any_protocol, "0.0.0.0/0")});
  CHECK(evaluate_nacl(acl, tcp("10.0.1.5", "192.0.2.1", 443), true).allowed);
  CHECK_FALSE(evaluate_nacl(acl, tcp("192.0.2.1", "10.0.1.5", 443), false).allowed);
}

TEST_CASE("nacl: ingress matches the source, egress the destination") {
  const auto acl = acl_with({entry(100, false, true, any_protocol, "192.0.2.0/24"),
                             entry(100, true, true, any_protocol, "192.0.2.0/24")});
  CHECK(evaluate_nacl(acl, tcp("192.0.2.9", "10.0.1.5", 22), false).allowed);
  CHECK_FALSE(evaluate_nacl(acl, tcp("10.0.1.5", "192.0.2.9", 22), false).allowed);
  CHECK(evaluate_nacl(acl, tcp("10.0.1.5", "192.0.2.9", 22), true).allowed);
  CHECK_FALSE(evaluate_nacl(acl, tcp("192.0.2.9", "10.0.1.5", 22), true).allowed);
}

TEST_CASE("nacl: IPv4 entries never match IPv6 packets and vice versa") {
  const auto acl = acl_with({entry(100, false, true, any_protocol, "0.0.0.0/0")});
  const auto v6 = evaluate_nacl(acl, tcp("2001:db8::1", "2600:1f14:aa:1::5", 443), false);
  CHECK_FALSE(v6.allowed);
  REQUIRE(v6.entry);
  CHECK(describe(v6) == "acl-0abc ingress * DENY all ::/0");

  const auto with_v6 = acl_with({entry(100, false, true, any_protocol, "0.0.0.0/0"),
                                 entry(101, false, true, 6, "2001:db8::/32", port_span{443, 443})});
  const auto ok = evaluate_nacl(with_v6, tcp("2001:db8::1", "2600:1f14:aa:1::5", 443), false);
  CHECK(ok.allowed);
  CHECK(*ok.entry->rule_number == 101);

  network_acl bare;
  bare.id = "acl-bare";
  CHECK(describe(evaluate_nacl(bare, tcp("2001:db8::1", "2600:1f14:aa:1::5", 443), false)) ==
        "acl-bare ingress * DENY all ::/0");
}

TEST_CASE("nacl: protocol -1 matches every protocol, numbers match only themselves") {
  const auto acl = acl_with({entry(100, false, true, any_protocol, "0.0.0.0/0")});
  packet esp;
  esp.src = ip("192.0.2.1");
  esp.dst = ip("10.0.1.5");
  esp.protocol = 50;
  CHECK(evaluate_nacl(acl, esp, false).allowed);
  CHECK(evaluate_nacl(acl, icmp("192.0.2.1", "10.0.1.5", 8, 0), false).allowed);

  const auto only_esp = acl_with({entry(100, false, true, 50, "0.0.0.0/0")});
  CHECK(evaluate_nacl(only_esp, esp, false).allowed);
  CHECK_FALSE(evaluate_nacl(only_esp, tcp("192.0.2.1", "10.0.1.5", 50), false).allowed);
}

TEST_CASE("nacl: tcp/udp port ranges match the destination port only") {
  const auto acl = acl_with({entry(100, false, true, 6, "0.0.0.0/0", port_span{1024, 65535})});
  CHECK(evaluate_nacl(acl, tcp("192.0.2.1", "10.0.1.5", 40000, 443), false).allowed);
  CHECK_FALSE(evaluate_nacl(acl, tcp("192.0.2.1", "10.0.1.5", 443, 40000), false).allowed);
  CHECK(evaluate_nacl(acl, tcp("192.0.2.1", "10.0.1.5", 1024), false).allowed);
  CHECK(evaluate_nacl(acl, tcp("192.0.2.1", "10.0.1.5", 65535), false).allowed);
  CHECK_FALSE(evaluate_nacl(acl, tcp("192.0.2.1", "10.0.1.5", 1023), false).allowed);
  auto udp = tcp("192.0.2.1", "10.0.1.5", 40000);
  udp.protocol = 17;
  CHECK_FALSE(evaluate_nacl(acl, udp, false).allowed);  // a tcp entry is not a udp entry
}

TEST_CASE("nacl: ICMP type and code, -1 meaning any") {
  const auto acl = acl_with({entry(100, false, true, 1, "0.0.0.0/0", std::nullopt, icmp_match{3, 4}),
                             entry(110, false, true, 1, "0.0.0.0/0", std::nullopt, icmp_match{8, -1}),
                             entry(120, false, true, 58, "::/0", std::nullopt, icmp_match{-1, -1})});
  CHECK(evaluate_nacl(acl, icmp("192.0.2.1", "10.0.1.5", 3, 4), false).allowed);
  CHECK_FALSE(evaluate_nacl(acl, icmp("192.0.2.1", "10.0.1.5", 3, 1), false).allowed);
  CHECK(evaluate_nacl(acl, icmp("192.0.2.1", "10.0.1.5", 8, 0), false).allowed);
  CHECK(evaluate_nacl(acl, icmp("192.0.2.1", "10.0.1.5", 8, 7), false).allowed);
  CHECK_FALSE(evaluate_nacl(acl, icmp("192.0.2.1", "10.0.1.5", 0, 0), false).allowed);
  // ICMPv6 is protocol 58: the IPv4 ICMP entries above do not apply, the ICMPv6 one does.
  CHECK(evaluate_nacl(acl, icmp("2001:db8::1", "2600:1f14:aa:1::5", 128, 0, 58), false).allowed);
  CHECK_FALSE(evaluate_nacl(acl, icmp("2001:db8::1", "2600:1f14:aa:1::5", 128, 0, 1), false).allowed);
}

TEST_CASE("nacl: describe() prints entries like the console") {
  network_acl acl;
  acl.id = "acl-0abc";
  const auto e1 = entry(100, true, false, 6, "0.0.0.0/0", port_span{1024, 65535});
  CHECK(describe(acl, &e1, true) == "acl-0abc egress #100 DENY tcp 1024-65535 0.0.0.0/0");
  const auto e2 = entry(110, false, true, 17, "10.0.0.0/16", port_span{53, 53});
  CHECK(describe(acl, &e2, false) == "acl-0abc ingress #110 ALLOW udp 53 10.0.0.0/16");
  const auto e3 = entry(120, false, true, 6, "10.0.0.0/16");
  CHECK(describe(acl, &e3, false) == "acl-0abc ingress #120 ALLOW tcp ALL 10.0.0.0/16");
  const auto e4 = entry(130, false, true, 1, "0.0.0.0/0", std::nullopt, icmp_match{3, 4});
  CHECK(describe(acl, &e4, false) == "acl-0abc ingress #130 ALLOW icmp type 3 code 4 0.0.0.0/0");
  const auto e5 = entry(140, false, true, 58, "::/0", std::nullopt, icmp_match{-1, -1});
  CHECK(describe(acl, &e5, false) == "acl-0abc ingress #140 ALLOW icmpv6 ALL ::/0");
  const auto e6 = entry(150, false, false, 50, "192.0.2.0/24");
  CHECK(describe(acl, &e6, false) == "acl-0abc ingress #150 DENY 50 192.0.2.0/24");
  const auto e7 = entry(std::nullopt, false, false, any_protocol, "0.0.0.0/0");
  CHECK(describe(acl, &e7, false) == "acl-0abc ingress * DENY all 0.0.0.0/0");
  CHECK(describe(acl, nullptr, true) == "acl-0abc egress * DENY all 0.0.0.0/0");
  const auto e8 = entry(160, false, true, 6, "0.0.0.0/0", port_span{0, 65535});
  CHECK(describe(acl, &e8, false) == "acl-0abc ingress #160 ALLOW tcp ALL 0.0.0.0/0");
}
