// The topology lookups the diagnosis and the enforcement chain rely on.

#include <doctest/doctest.h>

#include "flowsleuth/enforcement.hpp"
#include "test_policy_topology.hpp"

using namespace policy_test;

TEST_CASE("topology: ENIs by id, by private address and by delegated prefix") {
  auto t = sample_topology();
  t.enis["eni-pfx"] = make_eni("eni-pfx", "subnet-c", {"10.0.3.4"}, {});
  t.enis["eni-pfx"].prefixes.push_back(net("10.0.3.16/28"));
  CHECK(t.eni_by_id("eni-db")->id == "eni-db");
  CHECK(t.eni_by_id("eni-nope") == nullptr);
  CHECK(t.eni_by_address(ip("10.0.2.7"))->id == "eni-db");
  CHECK(t.eni_by_address(ip("2600:1f14:aa:2::7"))->id == "eni-db");
  CHECK(t.eni_by_address(ip("10.0.3.20"))->id == "eni-pfx");
  CHECK(t.eni_by_address(ip("10.0.3.40")) == nullptr);
  CHECK(t.eni_by_address(ip("203.0.113.5")) == nullptr);  // public addresses are not ENI addresses here
  CHECK(eni_by_public_address(t, ip("203.0.113.5"))->id == "eni-web");
}

TEST_CASE("topology: the most specific subnet holds an address") {
  auto t = sample_topology();
  auto& wide = t.subnets["subnet-wide"];
  wide.id = "subnet-wide";
  wide.vpc_id = "vpc-1";
  wide.cidrs = {net("10.0.0.0/20")};
  CHECK(t.subnet_by_address(ip("10.0.2.99"))->id == "subnet-b");
  CHECK(t.subnet_by_address(ip("10.0.9.1"))->id == "subnet-wide");
  CHECK(t.subnet_by_address(ip("2600:1f14:aa:1::99"))->id == "subnet-a");
  CHECK(t.subnet_by_address(ip("192.0.2.1")) == nullptr);
  CHECK(t.subnet_by_id("subnet-c")->id == "subnet-c");
}

TEST_CASE("topology: a subnet's ACL is its explicit association, else the VPC default") {
  auto t = sample_topology();
  CHECK(t.nacl_for_subnet("subnet-a")->id == "acl-a");
  CHECK(t.nacl_for_subnet("subnet-c")->id == "acl-default");
  CHECK(t.nacl_for_subnet("subnet-unknown") == nullptr);
  // Not described, but an ENI names it and its VPC: the default ACL of that VPC.
  t.enis["eni-x"] = make_eni("eni-x", "subnet-x", {"10.0.9.9"}, {});
  CHECK(t.nacl_for_subnet("subnet-x")->id == "acl-default");
}

TEST_CASE("topology: display names come from the instance, else the ENI's Name tag") {
  auto t = sample_topology();
  CHECK(t.display_name("eni-web") == "web-1");
  CHECK(t.display_name("eni-web2") == "web-2");
  CHECK(t.display_name("eni-db").empty());
  CHECK(t.display_name("eni-nope").empty());
  CHECK(t.has("subnets"));
  CHECK_FALSE(t.has("instances"));
}

TEST_CASE("topology graph: vertices and edges of the enforcement points") {
  auto t = sample_topology();
  t.enis["eni-db"].groups.push_back("sg-undescribed");
  const topology_graph g(t);
  // 1 vpc + 3 subnets + 3 acls + 3 groups (one undescribed) + 3 ENIs
  CHECK(g.vertex_count() == 13);
  // eni→subnet 3, subnet→vpc 3, subnet→acl 3, eni→sg 4
  CHECK(g.edge_count() == 13);
  CHECK(g.subnet_of("eni-db") == "subnet-b");
  CHECK(g.vpc_of("subnet-b") == "vpc-1");
  CHECK(g.nacl_of("subnet-c") == "acl-default");
  CHECK(g.groups_of("eni-db") == std::vector<std::string>{"sg-db", "sg-undescribed"});
  CHECK(g.members_of("sg-web") == std::vector<std::string>{"eni-web", "eni-web2"});
  CHECK(g.contains("sg-undescribed"));
  CHECK_FALSE(g.described("sg-undescribed"));
  CHECK(g.described("sg-db"));
  CHECK(g.eni_at(ip("10.0.1.6"))->id == "eni-web2");
  CHECK(g.eni_at(ip("10.0.1.99")) == nullptr);
}
