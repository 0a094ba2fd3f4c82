// The enforcement chain of explain_path: step order, same-subnet bypass, stateful and untracked replies,
// the response leg over the ephemeral range, endpoints outside the configuration, and the text form.

#include <doctest/doctest.h>

#include "flowsleuth/enforcement.hpp"
#include "test_policy_topology.hpp"

using namespace policy_test;

namespace {

path_query tcp_query(const char* client, const char* server, std::uint16_t port) {
  path_query q;
  q.client = ip(client);
  q.server = ip(server);
  q.protocol = 6;
  q.server_port = port;
  return q;
}

// acl-b (the server's subnet) answers only to 32768-65535; replies to lower ports hit #200.
topology linux_only_replies() {
  auto t = sample_topology();
  auto& acl = t.nacls["acl-b"];
  acl.entries.clear();
  acl.entries.push_back(entry(100, false, true, 6, "10.0.1.0/24", port_span{5432, 5432}));
  acl.entries.push_back(entry(100, true, true, 6, "10.0.1.0/24", port_span{32768, 65535}));
  acl.entries.push_back(entry(200, true, false, 6, "0.0.0.0/0", port_span{0, 65535}));
  add_default_rules(acl, false);
  add_default_rules(acl, true);
  return t;
}

}  // namespace

TEST_CASE("chain: four checks per leg in packet order") {
  const auto t = sample_topology();
  const auto r = explain_path(t, tcp_query("10.0.1.5", "10.0.2.7", 5432));
  CHECK(r.outcome == check_outcome::allowed);
  CHECK(r.client.eni == "eni-web");
  CHECK(r.client.name == "web-1");
  CHECK(r.server.subnet == "subnet-b");
  CHECK(r.server.acl == "acl-b");
  REQUIRE(r.request.steps.size() == 4);
  REQUIRE(r.response.steps.size() == 4);
  struct expect {
    blocking_layer layer;
    bool egress;
    endpoint_role side;
  };
  const expect request[] = {{blocking_layer::security_group, true, endpoint_role::client},
                            {blocking_layer::network_acl, true, endpoint_role::client},
                            {blocking_layer::network_acl, false, endpoint_role::server},
                            {blocking_layer::security_group, false, endpoint_role::server}};
  const expect response[] = {{blocking_layer::security_group, true, endpoint_role::server},
                             {blocking_layer::network_acl, true, endpoint_role::server},
                             {blocking_layer::network_acl, false, endpoint_role::client},
                             {blocking_layer::security_group, false, endpoint_role::client}};
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(r.request.steps[i].layer == request[i].layer);
    CHECK(r.request.steps[i].egress == request[i].egress);
    CHECK(r.request.steps[i].side == request[i].side);
    CHECK(r.request.steps[i].outcome == check_outcome::allowed);
    CHECK(r.response.steps[i].layer == response[i].layer);
    CHECK(r.response.steps[i].egress == response[i].egress);
    CHECK(r.response.steps[i].side == response[i].side);
  }
  CHECK(r.request.steps[1].acl == "acl-a");
  CHECK(r.request.steps[1].rule == "acl-a egress #100 ALLOW all 0.0.0.0/0");
  CHECK(r.request.steps[3].groups == std::vector<std::string>{"sg-db"});
  CHECK(r.request.steps[0].rule == "sg-web egress ALLOW all 0.0.0.0/0 ::/0");
  CHECK_FALSE(r.request.first_blocking);
  CHECK(r.notes.back().find("routing") == 0);
}

TEST_CASE("chain: a security group denial names the first blocking step") {
  auto t = sample_topology();
  t.security_groups["sg-db"].ingress = {sg_allow(false, 6, port_span{5432, 5432}, {"10.0.9.0/24"})};
  const auto r = explain_path(t, tcp_query("10.0.1.5", "10.0.2.7", 5432));
  CHECK(r.outcome == check_outcome::denied);
  REQUIRE(r.request.first_blocking);
  CHECK(*r.request.first_blocking == 3);
  const auto& st = r.request.steps[3];
  CHECK(st.outcome == check_outcome::denied);
  CHECK(st.rule.empty());
  CHECK(st.reason == "no ingress rule of sg-db allows tcp/5432 from 10.0.1.5");
  // Stateful: the reply passes the server's group whatever its egress rules say.
  CHECK(r.response.steps[0].outcome == check_outcome::allowed);
  CHECK(r.response.steps[0].reason.find("stateful") == 0);
}

TEST_CASE("chain: network ACLs are not applied inside a subnet") {
  auto t = sample_topology();
  for (auto& e : t.nacls["acl-a"].entries) e.allow = false;  // would deny everything
  const auto r = explain_path(t, tcp_query("10.0.1.5", "10.0.1.6", 22));
  CHECK(r.same_subnet);
  CHECK(r.outcome == check_outcome::allowed);
  for (const auto* leg : {&r.request, &r.response}) {
    CHECK(leg->steps[1].outcome == check_outcome::not_applied);
    CHECK(leg->steps[2].outcome == check_outcome::not_applied);
    CHECK(leg->steps[1].reason == "both ends are in subnet-a: network ACLs do not filter traffic inside a subnet");
    CHECK(leg->steps[0].outcome == check_outcome::allowed);  // security groups still apply
  }
  // Different subnets: the same ACL now denies.
  const auto across = explain_path(t, tcp_query("10.0.1.5", "10.0.2.7", 22));
  CHECK(across.request.steps[1].outcome == check_outcome::denied);
  CHECK(across.request.steps[1].rule == "acl-a egress #100 DENY all 0.0.0.0/0");
}

TEST_CASE("chain: a response leg over the ephemeral range reports which client ports pass") {
  const auto t = linux_only_replies();
  const auto r = explain_path(t, tcp_query("10.0.1.5", "10.0.2.7", 5432));
  CHECK(r.request.outcome == check_outcome::allowed);
  CHECK(r.response.outcome == check_outcome::partial);
  CHECK(r.outcome == check_outcome::partial);
  REQUIRE(r.response.first_blocking);
  CHECK(*r.response.first_blocking == 1);
  const auto& st = r.response.steps[1];
  CHECK(st.outcome == check_outcome::partial);
  CHECK_FALSE(st.pkt.dst_port);
  REQUIRE(st.client_ports.size() == 2);
  CHECK(st.client_ports[0].ports == port_span{1024, 32767});
  CHECK(st.client_ports[0].outcome == check_outcome::denied);
  CHECK(st.client_ports[0].rule == "acl-b egress #200 DENY tcp ALL 0.0.0.0/0");
  CHECK(st.client_ports[1].ports == port_span{32768, 65535});
  CHECK(st.client_ports[1].outcome == check_outcome::allowed);
  CHECK(st.reason ==
        "client ports 1024-32767 denied by acl-b egress #200 DENY tcp ALL 0.0.0.0/0; "
        "32768-65535 allowed by acl-b egress #100 ALLOW tcp 32768-65535 10.0.1.0/24");
  CHECK(r.response.admitted_client_ports == std::vector<port_span>{{32768, 65535}});
  // Uniform steps keep one rule.
  CHECK(r.response.steps[2].outcome == check_outcome::allowed);
  CHECK(r.response.steps[2].client_ports.size() == 1);

  // A given client port: one packet.
  auto q = tcp_query("10.0.1.5", "10.0.2.7", 5432);
  q.client_port = 50000;  // Windows
  CHECK(explain_path(t, q).response.outcome == check_outcome::allowed);
  q.client_port = 1500;
  const auto low = explain_path(t, q);
  CHECK(low.response.outcome == check_outcome::denied);
  CHECK(low.response.steps[1].rule == "acl-b egress #200 DENY tcp ALL 0.0.0.0/0");
  // Narrower range asked: all of it passes.
  q.client_port.reset();
  q.ephemeral = ephemeral_linux;
  CHECK(explain_path(t, q).response.outcome == check_outcome::allowed);
}

TEST_CASE("chain: untracked flows need a rule for the reply") {
  auto t = sample_topology();
  auto& db = t.security_groups["sg-db"];
  db.ingress = {sg_allow(false, 6, port_span{80, 80}, {"0.0.0.0/0"})};
  db.egress = {sg_allow(true, any_protocol, std::nullopt, {"0.0.0.0/0"})};
  auto q = tcp_query("10.0.1.5", "10.0.2.7", 80);
  q.client_port = 40000;
  const auto r = explain_path(t, q);
  REQUIRE(r.server_tracking);
  CHECK_FALSE(r.server_tracking->tracked);
  REQUIRE(r.client_tracking);
  CHECK_FALSE(r.client_tracking->tracked);  // sg-web is open both ways
  const auto& st = r.response.steps[0];
  CHECK(st.outcome == check_outcome::allowed);
  CHECK(st.rule == "sg-db egress ALLOW all 0.0.0.0/0");
  CHECK(st.reason.find("untracked flow") == 0);
  bool noted = false;
  for (const auto& n : r.notes) noted = noted || n.find("server ENI eni-db: untracked: ") == 0;
  CHECK(noted);
}

TEST_CASE("chain: an endpoint outside the configuration has no checks on its side") {
  const auto t = sample_topology();
  const auto r = explain_path(t, tcp_query("192.0.2.50", "10.0.2.7", 443));
  CHECK(r.client.outside);
  CHECK(r.request.steps[0].outcome == check_outcome::not_applied);
  CHECK(r.request.steps[1].outcome == check_outcome::not_applied);
  CHECK(r.request.steps[0].reason == "192.0.2.50 is outside the configuration: no security group on this side");
  CHECK(r.response.steps[2].outcome == check_outcome::not_applied);
  CHECK(r.response.steps[3].outcome == check_outcome::not_applied);
  CHECK(r.request.steps[2].outcome == check_outcome::allowed);
  CHECK(r.outcome == check_outcome::allowed);
  CHECK(r.notes.front() ==
        "client 192.0.2.50 is outside the configuration (internet or another network): no checks on its side");
}

TEST_CASE("chain: an address in a known subnet without a known ENI still meets the subnet's ACL") {
  const auto t = sample_topology();
  const auto r = explain_path(t, tcp_query("10.0.3.99", "10.0.2.7", 443));
  CHECK_FALSE(r.client.outside);
  CHECK(r.client.subnet == "subnet-c");
  CHECK(r.request.steps[0].outcome == check_outcome::unknown);
  CHECK(r.request.steps[0].reason == "no ENI with address 10.0.3.99 in the configuration");
  CHECK(r.request.steps[1].acl == "acl-default");
  CHECK(r.request.steps[1].outcome == check_outcome::allowed);
  CHECK(r.request.outcome == check_outcome::unknown);
}

TEST_CASE("chain: ICMP echo replies are echo replies; other types have no response leg") {
  auto t = sample_topology();
  auto& acl = t.nacls["acl-b"];
  acl.entries.clear();
  acl.entries.push_back(entry(100, false, true, 1, "0.0.0.0/0", std::nullopt, icmp_match{8, -1}));
  acl.entries.push_back(entry(100, true, true, 1, "0.0.0.0/0", std::nullopt, icmp_match{3, 4}));
  add_default_rules(acl, false);
  add_default_rules(acl, true);
  path_query q;
  q.client = ip("10.0.1.5");
  q.server = ip("10.0.2.7");
  q.protocol = 1;
  q.icmp_type = 8;
  q.icmp_code = 0;
  const auto ping = explain_path(t, q);
  CHECK(ping.request.outcome == check_outcome::allowed);
  CHECK(ping.response.outcome == check_outcome::denied);
  CHECK(ping.response.steps[1].pkt.icmp_type == std::uint8_t{0});
  CHECK(ping.response.steps[1].rule == "acl-b egress * DENY all 0.0.0.0/0");
  CHECK(ping.response.steps[0].reason.find("ICMP is always tracked") != std::string::npos);

  const auto text = render_path_text(ping);
  INFO(text);
  CHECK(text.find("request 10.0.1.5 → 10.0.2.7 icmp type 8 code 0: allowed") != std::string::npos);
  CHECK(text.find("response 10.0.2.7 → 10.0.1.5 icmp type 0 code 0: denied") != std::string::npos);

  q.icmp_type = 3;
  q.icmp_code = 4;
  const auto unreachable = explain_path(t, q);
  CHECK_FALSE(unreachable.response.evaluated);
  CHECK(unreachable.outcome == check_outcome::denied);  // the request: #100 admits type 8 only
  CHECK(render_path_text(unreachable).find("response 10.0.2.7 → 10.0.1.5 icmp: no reply expected") != std::string::npos);
}

TEST_CASE("chain: IPv6 paths use the IPv6 entries") {
  auto t = sample_topology();
  t.enis["eni-web"].private_addresses.push_back(ip("2600:1f14:aa:1::5"));
  auto& acl = t.nacls["acl-b"];
  for (auto& e : acl.entries) {
    if (e.block && !e.block->is_v4()) e.allow = false;  // IPv6 denied, IPv4 still allowed
  }
  const auto v6 = explain_path(t, tcp_query("2600:1f14:aa:1::5", "2600:1f14:aa:2::7", 443));
  CHECK(v6.request.steps[2].outcome == check_outcome::denied);
  CHECK(v6.request.steps[2].rule == "acl-b ingress #101 DENY all ::/0");
  CHECK(explain_path(t, tcp_query("10.0.1.5", "10.0.2.7", 443)).outcome == check_outcome::allowed);
  CHECK_THROWS_AS(explain_path(t, tcp_query("10.0.1.5", "2600:1f14:aa:2::7", 443)), std::invalid_argument);
}

TEST_CASE("chain: the text form names each step and where the connection stops") {
  const auto t = linux_only_replies();
  auto r = explain_path(t, tcp_query("10.0.1.5", "10.0.2.7", 5432));
  suggest_fixes(t, r);
  const auto text = render_path_text(r);
  INFO(text);
  CHECK(text.find("client  10.0.1.5  eni-web (web-1)  subnet-a  acl-a") != std::string::npos);
  CHECK(text.find("request 10.0.1.5 → 10.0.2.7 tcp/5432: allowed") != std::string::npos);
  CHECK(text.find("response 10.0.2.7 → 10.0.1.5 tcp 5432 → client ports 1024-65535: partial") != std::string::npos);
  CHECK(text.find("replies pass only to client ports 32768-65535") != std::string::npos);
  CHECK(text.find("stopped at step 2: network ACL egress of subnet-b acl-b") != std::string::npos);
  CHECK(text.find("fix: add acl-b egress #190 ALLOW tcp 1024-65535 10.0.1.5/32") != std::string::npos);
  CHECK(text.find("note: routing (route tables, gateways, Block Public Access) is not evaluated") != std::string::npos);
}
