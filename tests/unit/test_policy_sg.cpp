// Security group evaluation (union of rules, CIDRs, prefix lists, referenced groups) and connection tracking.

#include <doctest/doctest.h>

#include "test_policy_topology.hpp"

using namespace policy_test;

namespace {

// sample_topology() with sg-db rewritten: no rules, the test adds what it needs.
topology closed_db() {
  auto t = sample_topology();
  auto& db = t.security_groups["sg-db"];
  db.ingress.clear();
  db.egress.clear();
  return t;
}

}  // namespace

TEST_CASE("sg: no rule, no entry; any rule of any group on the ENI allows") {
  auto t = closed_db();
  const auto p = tcp("10.0.1.5", "10.0.2.7", 5432);
  auto v = evaluate_security_groups(t, t.enis["eni-db"], p, false);
  CHECK_FALSE(v.allowed);
  CHECK(v.groups == std::vector<std::string>{"sg-db"});
  CHECK(v.unresolved.empty());

  security_group extra;
  extra.id = "sg-extra";
  extra.ingress.push_back(sg_allow(false, 6, port_span{5432, 5432}, {"10.0.1.0/24"}));
  t.security_groups["sg-extra"] = extra;
  t.enis["eni-db"].groups.push_back("sg-extra");
  v = evaluate_security_groups(t, t.enis["eni-db"], p, false);
  CHECK(v.allowed);
  REQUIRE(v.matched_group);
  CHECK(v.matched_group->id == "sg-extra");
  CHECK(describe(*v.matched_group, *v.matched_rule) == "sg-extra ingress ALLOW tcp 5432 10.0.1.0/24");
  CHECK_FALSE(evaluate_security_groups(t, t.enis["eni-db"], tcp("10.0.1.5", "10.0.2.7", 5433), false).allowed);
  CHECK_FALSE(evaluate_security_groups(t, t.enis["eni-db"], tcp("10.0.3.5", "10.0.2.7", 5432), false).allowed);
}

TEST_CASE("sg: ingress matches the source, egress the destination; IPv6 ranges only IPv6") {
  auto t = closed_db();
  auto& db = t.security_groups["sg-db"];
  db.ingress.push_back(sg_allow(false, 6, port_span{443, 443}, {"2001:db8::/32"}));
  db.egress.push_back(sg_allow(true, 17, port_span{53, 53}, {"10.0.0.2/32"}));
  const auto& eni = t.enis["eni-db"];
  CHECK(evaluate_security_groups(t, eni, tcp("2001:db8::9", "2600:1f14:aa:2::7", 443), false).allowed);
  CHECK_FALSE(evaluate_security_groups(t, eni, tcp("192.0.2.9", "10.0.2.7", 443), false).allowed);
  auto dns = tcp("10.0.2.7", "10.0.0.2", 53);
  dns.protocol = 17;
  CHECK(evaluate_security_groups(t, eni, dns, true).allowed);
  CHECK_FALSE(evaluate_security_groups(t, eni, dns, false).allowed);  // ingress looks at the source
}

TEST_CASE("sg: ICMP type/code and protocol -1") {
  auto t = closed_db();
  auto& db = t.security_groups["sg-db"];
  db.ingress.push_back(sg_allow(false, 1, std::nullopt, {"0.0.0.0/0"}));
  db.ingress.back().icmp = icmp_match{8, -1};
  const auto& eni = t.enis["eni-db"];
  CHECK(evaluate_security_groups(t, eni, icmp("192.0.2.1", "10.0.2.7", 8, 0), false).allowed);
  CHECK_FALSE(evaluate_security_groups(t, eni, icmp("192.0.2.1", "10.0.2.7", 13, 0), false).allowed);
  CHECK(describe(db, db.ingress.back()) == "sg-db ingress ALLOW icmp type 8 0.0.0.0/0");
  db.ingress.push_back(sg_allow(false, any_protocol, std::nullopt, {"192.0.2.0/24"}));
  CHECK(evaluate_security_groups(t, eni, icmp("192.0.2.1", "10.0.2.7", 13, 0), false).allowed);
  CHECK(evaluate_security_groups(t, eni, tcp("192.0.2.1", "10.0.2.7", 1), false).allowed);
}

TEST_CASE("sg: prefix lists match their entries; unknown entries are unresolved, never guessed") {
  auto t = closed_db();
  auto& known = t.prefix_lists["pl-known"];
  known.id = "pl-known";
  known.entries_known = true;
  known.entries = {net("198.51.100.0/24")};
  t.prefix_lists["pl-names-only"].id = "pl-names-only";  // describe-managed-prefix-lists only
  auto& db = t.security_groups["sg-db"];
  db.ingress.push_back(sg_allow(false, 6, port_span{22, 22}, {}, {"pl-known", "pl-names-only", "pl-missing"}));
  const auto& eni = t.enis["eni-db"];

  const auto office = evaluate_security_groups(t, eni, tcp("198.51.100.20", "10.0.2.7", 22), false);
  CHECK(office.allowed);
  CHECK(office.unresolved.empty());

  const auto other = evaluate_security_groups(t, eni, tcp("192.0.2.20", "10.0.2.7", 22), false);
  CHECK_FALSE(other.allowed);
  CHECK(other.unresolved == std::vector<std::string>{"pl-names-only", "pl-missing"});

  // A list read only in part may hold the address in the part that was lost.
  known.complete = false;
  CHECK(evaluate_security_groups(t, eni, tcp("198.51.100.20", "10.0.2.7", 22), false).allowed);
  CHECK(evaluate_security_groups(t, eni, tcp("192.0.2.20", "10.0.2.7", 22), false).unresolved ==
        std::vector<std::string>{"pl-known", "pl-names-only", "pl-missing"});

  // A rule whose traffic part does not match leaves nothing unresolved.
  CHECK(evaluate_security_groups(t, eni, tcp("192.0.2.20", "10.0.2.7", 23), false).unresolved.empty());
}

TEST_CASE("sg: referenced groups match private addresses of member ENIs, never public ones") {
  auto t = closed_db();
  t.security_groups["sg-db"].ingress.push_back(sg_allow(false, 6, port_span{5432, 5432}, {}, {}, {"sg-web"}));
  const auto& eni = t.enis["eni-db"];
  CHECK(evaluate_security_groups(t, eni, tcp("10.0.1.5", "10.0.2.7", 5432), false).allowed);   // eni-web
  CHECK(evaluate_security_groups(t, eni, tcp("10.0.1.6", "10.0.2.7", 5432), false).allowed);   // eni-web2

  const auto via_public = evaluate_security_groups(t, eni, tcp("203.0.113.5", "10.0.2.7", 5432), false);
  CHECK_FALSE(via_public.allowed);  // eni-web's public address
  CHECK(via_public.unresolved.empty());

  const auto internet = evaluate_security_groups(t, eni, tcp("192.0.2.1", "10.0.2.7", 5432), false);
  CHECK_FALSE(internet.allowed);
  CHECK(internet.unresolved.empty());

  const auto not_member = evaluate_security_groups(t, eni, tcp("10.0.2.7", "10.0.2.7", 5432), false);
  CHECK_FALSE(not_member.allowed);  // eni-db carries sg-db, not sg-web
  CHECK(not_member.unresolved.empty());

  // An address in the VPC held by no ENI we know: it might be a member.
  const auto unknown = evaluate_security_groups(t, eni, tcp("10.0.3.77", "10.0.2.7", 5432), false);
  CHECK_FALSE(unknown.allowed);
  CHECK(unknown.unresolved == std::vector<std::string>{"sg-web"});
}

TEST_CASE("sg: a group missing from the configuration, or read in part, is unresolved") {
  auto t = closed_db();
  t.enis["eni-db"].groups.push_back("sg-elsewhere");
  const auto v = evaluate_security_groups(t, t.enis["eni-db"], tcp("10.0.1.5", "10.0.2.7", 5432), false);
  CHECK_FALSE(v.allowed);
  CHECK(v.unresolved == std::vector<std::string>{"sg-elsewhere"});
  t.security_groups["sg-db"].complete = false;
  CHECK(evaluate_security_groups(t, t.enis["eni-db"], tcp("10.0.1.5", "10.0.2.7", 5432), false).unresolved ==
        std::vector<std::string>{"sg-db", "sg-elsewhere"});
}

TEST_CASE("tracking: the AWS example (inbound TCP 80 from 0.0.0.0/0 with all outbound) is untracked") {
  auto t = closed_db();
  auto& db = t.security_groups["sg-db"];
  db.ingress.push_back(sg_allow(false, 6, port_span{22, 22}, {"203.0.113.1/32"}));
  db.ingress.push_back(sg_allow(false, 6, port_span{80, 80}, {"0.0.0.0/0", "::/0"}));
  db.egress.push_back(sg_allow(true, any_protocol, std::nullopt, {"0.0.0.0/0", "::/0"}));
  const auto& eni = t.enis["eni-db"];

  const auto ssh = connection_tracking(t, eni, tcp("203.0.113.1", "10.0.2.7", 22), false);
  CHECK(ssh.tracked);
  const auto web = connection_tracking(t, eni, tcp("192.0.2.1", "10.0.2.7", 80), false);
  CHECK_FALSE(web.tracked);
  REQUIRE(web.admitting_rule);
  REQUIRE(web.reverse_rule);
  CHECK(web.reverse_rule == &db.egress[0]);
  CHECK(web.reason.find("untracked") == 0);

  // ICMP is always tracked, whatever the rules.
  db.ingress.push_back(sg_allow(false, 1, std::nullopt, {"0.0.0.0/0"}));
  CHECK(connection_tracking(t, eni, icmp("192.0.2.1", "10.0.2.7", 8, 0), false).tracked);

  // The all-outbound rule gone (replaced by a narrower one): tracked again.
  db.egress = {sg_allow(true, 6, port_span{443, 443}, {"0.0.0.0/0"})};
  CHECK(connection_tracking(t, eni, tcp("192.0.2.1", "10.0.2.7", 80), false).tracked);
}

TEST_CASE("tracking: per address family, same-protocol all-port reverse rules, always-tracked peers") {
  auto t = closed_db();
  auto& db = t.security_groups["sg-db"];
  db.ingress.push_back(sg_allow(false, 6, port_span{80, 80}, {"0.0.0.0/0", "::/0"}));
  db.egress.push_back(sg_allow(true, 6, port_span{0, 65535}, {"0.0.0.0/0"}));  // IPv4 only
  const auto& eni = t.enis["eni-db"];
  CHECK_FALSE(connection_tracking(t, eni, tcp("192.0.2.1", "10.0.2.7", 80), false).tracked);
  CHECK(connection_tracking(t, eni, tcp("2001:db8::1", "2600:1f14:aa:2::7", 80), false).tracked);

  // A udp-only reverse rule does not untrack tcp.
  db.egress = {sg_allow(true, 17, std::nullopt, {"0.0.0.0/0"})};
  CHECK(connection_tracking(t, eni, tcp("192.0.2.1", "10.0.2.7", 80), false).tracked);

  // Connections through a NAT gateway or a load balancer are always tracked.
  db.egress = {sg_allow(true, any_protocol, std::nullopt, {"0.0.0.0/0"})};
  t.enis["eni-nlb"] = make_eni("eni-nlb", "subnet-c", {"10.0.3.10"}, {});
  t.enis["eni-nlb"].interface_type = "network_load_balancer";
  const auto via_nlb = connection_tracking(t, eni, tcp("10.0.3.10", "10.0.2.7", 80), false);
  CHECK(via_nlb.tracked);
  CHECK(via_nlb.reason.find("network_load_balancer") != std::string::npos);
  CHECK_FALSE(connection_tracking(t, eni, tcp("10.0.3.11", "10.0.2.7", 80), false).tracked);

  // The client side: egress-initiated, the reverse rule is an ingress rule.
  auto& web = t.security_groups["sg-web"];
  web.egress = {sg_allow(true, any_protocol, std::nullopt, {"0.0.0.0/0"})};
  web.ingress = {sg_allow(false, any_protocol, std::nullopt, {"10.0.0.0/8"})};
  CHECK(connection_tracking(t, t.enis["eni-web"], tcp("10.0.1.5", "10.0.2.7", 80), true).tracked);
  web.ingress = {sg_allow(false, any_protocol, std::nullopt, {"0.0.0.0/0"})};
  CHECK_FALSE(connection_tracking(t, t.enis["eni-web"], tcp("10.0.1.5", "10.0.2.7", 80), true).tracked);
}
