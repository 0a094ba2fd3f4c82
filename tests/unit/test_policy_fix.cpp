// The smallest fix: where a NACL allow goes, what it opens, and the AWS CLI commands.

#include <doctest/doctest.h>

#include "flowsleuth/enforcement.hpp"
#include "test_policy_topology.hpp"

using namespace policy_test;

namespace {

network_acl acl_with(std::vector<nacl_entry> entries) {
  network_acl acl;
  acl.id = "acl-0abc";
  acl.entries = std::move(entries);
  add_default_rules(acl, false);
  add_default_rules(acl, true);
  return acl;
}

}  // namespace

TEST_CASE("fix: a NACL allow goes just before the deny, at a round number") {
  const auto acl = acl_with({entry(50, false, true, 6, "0.0.0.0/0", port_span{22, 22}),
                             entry(100, false, false, 6, "0.0.0.0/0", port_span{0, 65535})});
  const auto p = tcp("10.0.1.5", "10.0.2.7", 5432);
  const auto v = evaluate_nacl(acl, p, false);
  const auto f = propose_nacl_fix(acl, v, p);
  REQUIRE(f);
  CHECK(f->rule_number == 90);
  CHECK(f->target == "acl-0abc");
  CHECK(f->summary == "acl-0abc ingress #90 ALLOW tcp 5432 10.0.1.5/32");
  CHECK(f->command ==
        "aws ec2 create-network-acl-entry --network-acl-id acl-0abc --ingress --rule-number 90 --protocol tcp "
        "--port-range From=5432,To=5432 --cidr-block 10.0.1.5/32 --rule-action allow");
  CHECK(f->warnings.empty());
  // The fix works: with it, the packet passes.
  auto fixed = acl;
  fixed.entries.push_back(entry(*f->rule_number, false, true, 6, "10.0.1.5/32", f->ports));
  CHECK(evaluate_nacl(fixed, p, false).allowed);
  CHECK_FALSE(propose_nacl_fix(fixed, evaluate_nacl(fixed, p, false), p));
}

TEST_CASE("fix: rule numbers when the gap before the deny is narrow or absent") {
  const auto p = tcp("10.0.1.5", "10.0.2.7", 5432);
  auto number_for = [&](std::vector<nacl_entry> entries) {
    const auto acl = acl_with(std::move(entries));
    return propose_nacl_fix(acl, evaluate_nacl(acl, p, false), p);
  };
  CHECK(number_for({entry(92, false, true, 17, "0.0.0.0/0"), entry(100, false, false, 6, "0.0.0.0/0")})->rule_number == 95);
  CHECK(number_for({entry(97, false, true, 17, "0.0.0.0/0"), entry(100, false, false, 6, "0.0.0.0/0")})->rule_number == 99);
  const auto tight = number_for({entry(98, false, true, 17, "0.0.0.0/0"), entry(99, false, true, 17, "10.0.0.0/8"),
                                 entry(100, false, false, 6, "0.0.0.0/0")});
  CHECK(tight->rule_number == 97);
  REQUIRE(tight->warnings.size() == 1);
  CHECK(tight->warnings[0] == "no free number right before #100: the new entry also precedes #98, #99");
  CHECK(number_for({entry(1, false, false, 6, "0.0.0.0/0")})->rule_number == std::nullopt);
  // The `*` rule denied: after the last numbered entry.
  CHECK(number_for({entry(100, false, true, 17, "0.0.0.0/0"), entry(120, false, true, 6, "10.9.0.0/16")})->rule_number == 130);
  CHECK(number_for({})->rule_number == 100);
}

TEST_CASE("fix: return traffic opens the ephemeral range, narrowed on request; IPv6 blocks") {
  const auto acl = acl_with({entry(100, true, false, 6, "0.0.0.0/0", port_span{1024, 65535})});
  const auto reply = tcp("10.0.2.7", "10.0.1.5", 40000, 5432);
  const auto v = evaluate_nacl(acl, reply, true);
  fix_options o;
  o.return_traffic = true;
  auto f = propose_nacl_fix(acl, v, reply, o);
  REQUIRE(f);
  CHECK(f->command ==
        "aws ec2 create-network-acl-entry --network-acl-id acl-0abc --egress --rule-number 90 --protocol tcp "
        "--port-range From=1024,To=65535 --cidr-block 10.0.1.5/32 --rule-action allow");
  o.return_ports = ephemeral_linux;
  f = propose_nacl_fix(acl, v, reply, o);
  CHECK(f->ports == port_span{32768, 60999});
  CHECK(f->warnings.empty());  // 40000 is a Linux port
  o.return_ports = ephemeral_windows;
  f = propose_nacl_fix(acl, v, reply, o);
  CHECK(f->warnings == std::vector<std::string>{"the observed client port 40000 is outside 49152-65535"});
  o.peer_block = net("10.0.1.0/24");
  f = propose_nacl_fix(acl, v, reply, o);
  CHECK(f->summary == "acl-0abc egress #90 ALLOW tcp 49152-65535 10.0.1.0/24");

  const auto v6 = tcp("2600:1f14:aa:2::7", "2001:db8::9", 443);
  const auto f6 = propose_nacl_fix(acl, evaluate_nacl(acl, v6, true), v6);
  REQUIRE(f6);
  CHECK(f6->rule_number == 110);  // the `*` rule denied it: IPv4 #100 does not apply to IPv6
  CHECK(f6->command ==
        "aws ec2 create-network-acl-entry --network-acl-id acl-0abc --egress --rule-number 110 --protocol tcp "
        "--port-range From=443,To=443 --ipv6-cidr-block 2001:db8::9/128 --rule-action allow");

  const auto ping = icmp("10.0.2.7", "10.0.1.5", 0, 0);
  const auto fi = propose_nacl_fix(acl, evaluate_nacl(acl, ping, true), ping);
  CHECK(fi->command ==
        "aws ec2 create-network-acl-entry --network-acl-id acl-0abc --egress --rule-number 110 --protocol icmp "
        "--icmp-type-code Type=0,Code=-1 --cidr-block 10.0.1.5/32 --rule-action allow");
}

TEST_CASE("fix: security group rules reference the peer's group, else its address") {
  auto t = sample_topology();
  t.security_groups["sg-db"].ingress.clear();
  t.enis["eni-db"].groups.push_back("sg-db-extra");
  const auto p = tcp("10.0.1.5", "10.0.2.7", 5432);
  auto f = propose_sg_fix(t, t.enis["eni-db"], p, false);
  REQUIRE(f);
  CHECK(f->target == "sg-db");
  CHECK(f->peer_group == "sg-web");
  CHECK(f->summary == "sg-db ingress ALLOW tcp 5432 sg-web");
  CHECK(f->command ==
        "aws ec2 authorize-security-group-ingress --group-id sg-db --ip-permissions "
        "'IpProtocol=tcp,FromPort=5432,ToPort=5432,UserIdGroupPairs=[{GroupId=sg-web}]'");

  fix_options by_address;
  by_address.prefer_peer_group = false;
  f = propose_sg_fix(t, t.enis["eni-db"], p, false, by_address);
  CHECK(f->command ==
        "aws ec2 authorize-security-group-ingress --group-id sg-db --ip-permissions "
        "'IpProtocol=tcp,FromPort=5432,ToPort=5432,IpRanges=[{CidrIp=10.0.1.5/32}]'");

  // The narrowest of the peer's groups: sg-solo has one member, sg-web two.
  security_group solo;
  solo.id = "sg-solo";
  solo.vpc_id = "vpc-1";
  t.security_groups["sg-solo"] = solo;
  t.enis["eni-web"].groups.push_back("sg-solo");
  CHECK(propose_sg_fix(t, t.enis["eni-db"], p, false)->peer_group == "sg-solo");

  // Internet peer, IPv6, egress.
  const auto out = tcp("2600:1f14:aa:2::7", "2001:db8::9", 443);
  f = propose_sg_fix(t, t.enis["eni-db"], out, true);
  CHECK(f->command ==
        "aws ec2 authorize-security-group-egress --group-id sg-db --ip-permissions "
        "'IpProtocol=tcp,FromPort=443,ToPort=443,Ipv6Ranges=[{CidrIpv6=2001:db8::9/128}]'");

  const auto ping = icmp("192.0.2.1", "10.0.2.7", 8, 0);
  CHECK(propose_sg_fix(t, t.enis["eni-db"], ping, false)->command ==
        "aws ec2 authorize-security-group-ingress --group-id sg-db --ip-permissions "
        "'IpProtocol=icmp,FromPort=8,ToPort=-1,IpRanges=[{CidrIp=192.0.2.1/32}]'");

  t.enis["eni-db"].groups.clear();
  CHECK_FALSE(propose_sg_fix(t, t.enis["eni-db"], p, false));
}

TEST_CASE("fix: from explain_path steps") {
  auto t = sample_topology();
  t.security_groups["sg-db"].ingress.clear();
  path_query q;
  q.client = ip("192.0.2.50");
  q.server = ip("10.0.2.7");
  q.server_port = 443;
  auto r = explain_path(t, q);
  REQUIRE(r.request.first_blocking);
  suggest_fixes(t, r);
  REQUIRE(r.fixes.size() == 1);
  CHECK(r.fixes[0].layer == blocking_layer::security_group);
  CHECK(r.fixes[0].summary == "sg-db ingress ALLOW tcp 443 192.0.2.50/32");
  CHECK_FALSE(propose_fix(t, r.request.steps[0]));  // not blocking
}

TEST_CASE("fix: ephemeral range names") {
  CHECK(parse_ephemeral_range("all") == ephemeral_any);
  CHECK(parse_ephemeral_range("linux") == port_span{32768, 60999});
  CHECK(parse_ephemeral_range("windows") == port_span{49152, 65535});
  CHECK(parse_ephemeral_range("1025-5000") == port_span{1025, 5000});
  for (const char* bad : {"", "mac", "5000-1025", "1-", "-5", "1-70000", "a-b"}) {
    CHECK_MESSAGE(!parse_ephemeral_range(bad), bad);
  }
}
