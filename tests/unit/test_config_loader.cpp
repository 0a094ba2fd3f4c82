// Configuration loading: the public describe-* samples, the YAML topology against the same facts as
// describe-* JSON (fixtures/config/), prefix-list kinds and entry files, merging, and malformed input
// reported by file and path.

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "flowsleuth/config_loader.hpp"
#include "temp_files.hpp"
#include "test_paths.hpp"

using namespace flowsleuth;
using flowsleuth::test::temp_dir;

namespace {

const std::string batfish_dir = "data/public-samples/batfish-aws-config/";
const std::string pybatfish_dir = "data/public-samples/pybatfish-hybrid-cloud-config/";

bool has_source(const topology& t, const std::string& kind) {
  return std::find(t.sources.begin(), t.sources.end(), kind) != t.sources.end();
}

std::vector<std::string> fatal_problems(const config_load_result& r) {
  std::vector<std::string> out;
  for (const auto& p : r.problems) {
    if (p.fatal) out.push_back(p.to_string());
  }
  return out;
}

std::string all_problems(const config_load_result& r) {
  std::string out;
  for (const auto& p : r.problems) out += p.to_string() + (p.fatal ? " (fatal)\n" : "\n");
  return out;
}

std::string text(const std::vector<cidr>& blocks) {
  std::vector<std::string> parts;
  for (const auto& b : blocks) parts.push_back(b.to_string());
  return fmt::format("[{}]", fmt::join(parts, " "));
}

std::string text(const std::vector<ip_address>& ips) {
  std::vector<std::string> parts;
  for (const auto& ip : ips) parts.push_back(ip.to_string());
  return fmt::format("[{}]", fmt::join(parts, " "));
}

std::string text(const std::vector<std::string>& words) { return fmt::format("[{}]", fmt::join(words, " ")); }

std::string text(const std::map<std::string, std::string>& tags) {
  std::vector<std::string> parts;
  for (const auto& [k, v] : tags) parts.push_back(k + "=" + v);
  return text(parts);
}

std::string match_text(int protocol, const std::optional<port_span>& ports, const std::optional<icmp_match>& icmp) {
  std::string out = fmt::format("proto {}", protocol);
  // 0-65535 and "no range" admit the same packets.
  if (ports && !(ports->from == 0 && ports->to == 65535)) out += fmt::format(" ports {}-{}", ports->from, ports->to);
  if (icmp) out += fmt::format(" icmp {}/{}", icmp->type, icmp->code);
  return out;
}

/// Every fact of a topology except where it was read (`origin`), one line per object or rule, in a
/// fixed order: equal text means equal models, and a failure shows the difference.
std::string facts(const topology& t) {
  std::ostringstream out;
  for (const auto& [id, v] : t.vpcs) out << fmt::format("vpc {} owner {} {} {}\n", id, v.owner, text(v.cidrs), text(v.tags));
  for (const auto& [id, s] : t.subnets) {
    out << fmt::format("subnet {} vpc {} az {} owner {} {} {}\n", id, s.vpc_id, s.availability_zone, s.owner,
                       text(s.cidrs), text(s.tags));
  }
  for (const auto& [id, e] : t.enis) {
    out << fmt::format("eni {} subnet {} vpc {} owner {} private {} public {} prefixes {} groups {} instance {} type {} "
                       "requester-managed {} description '{}' {}\n",
                       id, e.subnet_id, e.vpc_id, e.owner, text(e.private_addresses), text(e.public_addresses),
                       text(e.prefixes), text(e.groups), e.instance_id, e.interface_type, e.requester_managed,
                       e.description, text(e.tags));
  }
  for (const auto& [id, i] : t.instances) out << fmt::format("instance {} name {} enis {}\n", id, i.name, text(i.enis));
  for (const auto& [id, g] : t.security_groups) {
    out << fmt::format("sg {} name {} vpc {} owner {} complete {} {}\n", id, g.name, g.vpc_id, g.owner, g.complete,
                       text(g.tags));
    std::vector<std::string> rules;
    for (const auto* list : {&g.ingress, &g.egress}) {
      for (const auto& r : *list) {
        rules.push_back(fmt::format("  {} {} cidrs {} lists {} groups {}", r.egress ? "egress" : "ingress",
                                    match_text(r.protocol, r.ports, r.icmp), text(r.cidrs), text(r.prefix_lists),
                                    text(r.groups)));
      }
    }
    std::sort(rules.begin(), rules.end());
    for (const auto& r : rules) out << r << "\n";
  }
  for (const auto& [id, a] : t.nacls) {
    out << fmt::format("acl {} vpc {} owner {} default {} subnets {} complete {} {}\n", id, a.vpc_id, a.owner,
                       a.is_default, text(a.subnets), a.complete, text(a.tags));
    std::vector<std::string> entries;
    for (const auto& e : a.entries) {
      entries.push_back(fmt::format("  {} {:>5} {} {} {}", e.egress ? "egress" : "ingress",
                                    e.rule_number ? std::to_string(*e.rule_number) : "*", e.allow ? "allow" : "deny",
                                    match_text(e.protocol, e.ports, e.icmp), e.block ? e.block->to_string() : "-"));
    }
    std::sort(entries.begin(), entries.end());
    for (const auto& e : entries) out << e << "\n";
  }
  for (const auto& [id, p] : t.prefix_lists) {
    out << fmt::format("prefix-list {} name {} owner {} family {} aws-service {} entries-known {} {}\n", id, p.name,
                       p.owner, p.address_family, p.aws_service, p.entries_known, text(p.entries));
  }
  for (const auto& [id, f] : t.flow_logs) {
    out << fmt::format("flow-log {} resource {} traffic {} interval {} destination {} format '{}'\n", id, f.resource_id,
                       f.traffic_type, f.max_aggregation_interval, f.destination, f.log_format);
  }
  return out.str();
}

const config_problem* find_problem(const config_load_result& r, const std::string& path) {
  for (const auto& p : r.problems) {
    if (p.path == path) return &p;
  }
  return nullptr;
}

}  // namespace

// --- public samples -------------------------------------------------------------------------------

TEST_CASE("config: every public describe-* sample loads without a fatal problem") {
  const auto r = load_config({test::shared_path(batfish_dir), test::shared_path(pybatfish_dir)});
  CAPTURE(all_problems(r));
  CHECK(r.files.size() == 24);
  CHECK(fatal_problems(r).empty());
  // What is reported, each for a reason: invalid rules in a Batfish test file, and kinds flowsleuth does not use.
  std::set<std::string> reported;
  for (const auto& p : r.problems) {
    reported.insert(std::filesystem::path(p.file).filename().string() + ":" + p.path);
  }
  CHECK(reported == std::set<std::string>{
                        "SecurityGroupTest.json:SecurityGroups[6].IpPermissions[0]",   // tcp -1..50
                        "SecurityGroupTest.json:SecurityGroups[7].IpPermissions[0]",   // tcp 30..-1
                        "SecurityGroupTest.json:SecurityGroups[11].IpPermissions[0]",  // icmp code without type
                        "InternetGateways.json:",
                        "NatGateways.json:",
                        "RouteTables.json:",
                    });
  for (const char* kind : {"security-groups", "network-acls", "network-interfaces", "subnets", "vpcs", "instances",
                           "prefix-lists"}) {
    CHECK_MESSAGE(has_source(r.topo, kind), kind);
  }
  const auto* skipped = find_problem(r, "SecurityGroups[11].IpPermissions[0]");
  REQUIRE(skipped);
  CHECK(skipped->message == "ICMP code 9 without a type: rule skipped");
  CHECK_FALSE(r.topo.security_groups.at("sg-0de0ddfa8a5a12348").complete);
  const auto* route = find_problem(r, "");
  REQUIRE(route);
  CHECK(route->message.starts_with("not a recognised describe-* output (top-level keys: "));
}

TEST_CASE("config: a NACL's entries, IPv4, IPv6 and ICMP, with the * default") {
  SUBCASE("ICMP type/code") {
    const auto path = test::shared_path(batfish_dir + "NetworkAclIcmpTest.json");
    const auto r = load_config({path});
    CHECK(r.problems.empty());
    const auto& acl = r.topo.nacls.at("acl-4db39c28");
    CHECK(acl.vpc_id == "vpc-f8fad69d");
    CHECK(acl.is_default);
    CHECK(acl.subnets == std::vector<std::string>{"subnet-1f315846"});
    REQUIRE(acl.entries.size() == 2);
    CHECK(acl.entries[0].rule_number == 100);
    CHECK(acl.entries[0].egress);
    CHECK(acl.entries[0].allow);
    CHECK(acl.entries[0].protocol == 1);
    CHECK(acl.entries[0].icmp == icmp_match{-1, -1});
    CHECK(acl.entries[1].icmp == icmp_match{0, 1});
    CHECK_FALSE(acl.entries[1].ports);
    CHECK(acl.entries[1].block == cidr::parse("0.0.0.0/0"));
    CHECK(acl.entries[1].origin == path + ":NetworkAcls[0].Entries[1]");
  }
  SUBCASE("IPv6") {
    const auto r = load_config({test::shared_path(batfish_dir + "NetworkAclV6Test.json")});
    CHECK(r.problems.empty());
    const auto& e = r.topo.nacls.at("acl-4db39c28").entries.at(0);
    CHECK(e.block == cidr::parse("::/0"));
    CHECK(e.protocol == any_protocol);
  }
  SUBCASE("ports and the * default") {
    const auto r = load_config({test::shared_path(batfish_dir + "NetworkAclTest.json"),
                                test::shared_path(batfish_dir + "test-public-private-subnet/NetworkAcls.json")});
    CHECK(r.problems.empty());
    const auto& deny = r.topo.nacls.at("acl-4db39c28").entries.at(1);
    CHECK_FALSE(deny.egress);
    CHECK_FALSE(deny.allow);
    CHECK(deny.protocol == 6);
    CHECK(deny.ports == port_span{3306, 3306});
    CHECK(deny.block == cidr::parse("162.243.144.192/32"));
    const auto& acl = r.topo.nacls.at("acl-0ae73e62fae564306");
    CHECK(acl.owner == "554773406868");
    REQUIRE(acl.entries.size() == 4);
    CHECK_FALSE(acl.entries[1].rule_number);  // 32767
    CHECK_FALSE(acl.entries[1].allow);
    CHECK(acl.subnets.size() == 2);
  }
}

TEST_CASE("config: security groups with referenced groups, prefix lists, ICMP and all-port rules") {
  const auto deser = load_config({test::shared_path(batfish_dir + "SecurityGroupTestDeser.json")});
  CHECK(deser.problems.empty());
  const auto& g = deser.topo.security_groups.at("sg-01a88a2ecd621d9ba");
  CHECK(g.name == "Single port ");
  CHECK(g.owner == "118292266645");
  CHECK(g.tags == std::map<std::string, std::string>{{"testKey", "testValue"}});
  REQUIRE(g.ingress.size() == 1);
  CHECK(g.ingress[0].protocol == 6);
  CHECK(g.ingress[0].ports == port_span{22, 22});
  CHECK(g.ingress[0].cidrs == std::vector<cidr>{*cidr::parse("1.2.3.4/32")});
  REQUIRE(g.egress.size() == 2);
  CHECK(g.egress[1].egress);
  CHECK(g.egress[1].protocol == any_protocol);
  CHECK_FALSE(g.egress[1].ports);
  CHECK(g.egress[1].cidrs.empty());
  CHECK(g.egress[1].prefix_lists == std::vector<std::string>{"pl-7ba54012"});

  const auto sample = load_config({test::shared_path(pybatfish_dir + "us-east-2/SecurityGroups.json")});
  CHECK(sample.problems.empty());
  const auto& def = sample.topo.security_groups.at("sg-00df459b6c23594b4");
  REQUIRE(def.ingress.size() == 1);
  CHECK(def.ingress[0].groups == std::vector<std::string>{"sg-00df459b6c23594b4"});
  const auto& wizard = sample.topo.security_groups.at("sg-0e37fc2ef01c89369");
  REQUIRE(wizard.ingress.size() == 2);
  CHECK(wizard.ingress[1].ports == port_span{3306, 3306});
  CHECK(wizard.ingress[1].origin ==
        test::shared_path(pybatfish_dir + "us-east-2/SecurityGroups.json") + ":SecurityGroups[3].IpPermissions[1]");

  const auto icmp = load_config({test::shared_path(batfish_dir + "SecurityGroupTest.json")});
  // The same id three times in the file: the last one stays, and it is the invalid one, with no rule left.
  CHECK(icmp.topo.security_groups.at("sg-0de0ddfa8a5a12348").name == "ICMP types invalid with code only");
  CHECK(icmp.topo.security_groups.at("sg-0de0ddfa8a5a12348").ingress.empty());
  const auto& full = icmp.topo.security_groups.at("sg-057ea5382cba4725d");
  CHECK(full.ingress.at(0).ports == port_span{0, 65535});
}

TEST_CASE("config: an ENI's addresses, groups and instance; instances' names") {
  const std::string dir = test::shared_path(batfish_dir + "test-public-private-subnet/");
  const auto r = load_config({dir + "NetworkInterfaces.json", dir + "Reservations.json", dir + "Subnets.json"});
  CHECK(r.problems.empty());
  const auto& e = r.topo.enis.at("eni-09da8cad43844dc1f");
  CHECK(text(e.private_addresses) == "[10.0.0.47]");
  CHECK(text(e.public_addresses) == "[13.58.55.60]");
  CHECK(e.subnet_id == "subnet-0cf7a93fbd779f3a3");
  CHECK(e.vpc_id == "vpc-0b966fdeb36d5e43f");
  CHECK(e.groups == std::vector<std::string>{"sg-0662342465612f419"});
  CHECK(e.instance_id == "i-094a9e5b545a4fde4");
  CHECK(e.interface_type == "interface");
  CHECK_FALSE(e.requester_managed);
  CHECK(e.origin == dir + "NetworkInterfaces.json:NetworkInterfaces[0]");
  const auto& i = r.topo.instances.at("i-094a9e5b545a4fde4");
  CHECK(i.enis == std::vector<std::string>{"eni-09da8cad43844dc1f"});
  CHECK(r.topo.subnets.at("subnet-0cf7a93fbd779f3a3").tags.at("Name") == "Public subnet");

  const auto tgw = load_config({test::shared_path(pybatfish_dir + "us-east-2/NetworkInterfaces.json")});
  const auto& t = tgw.topo.enis.at("eni-03ca2c3d64376a98b");
  CHECK(t.interface_type == "transit_gateway");
  CHECK(t.instance_id.empty());
  CHECK(t.groups.empty());

  const auto tagged = load_config({test::shared_path(batfish_dir + "NetworkInterfaceTest.json")});
  CHECK(tagged.topo.enis.at("eni-bd11cc9d").tags.at("Name") == "primary");
}

TEST_CASE("config: the broken VPC's secondary, IPv6, public and delegated addresses, primary first") {
  const auto r = load_config({test::source_path("fixtures/config/broken-vpc/describe-network-interfaces.json")});
  CHECK(r.problems.empty());
  // describe lists db-1's secondary address first; the primary still comes first.
  CHECK(text(r.topo.enis.at("eni-04b484e73cf575dca").private_addresses) == "[10.20.3.10 10.20.3.11]");
  const auto& web = r.topo.enis.at("eni-06f0fb23c6f5da2ce");
  CHECK(text(web.private_addresses) == "[10.20.1.10 2a05:d018:9a4:ee01::10]");
  CHECK(text(web.public_addresses) == "[203.0.113.10]");
  CHECK(text(r.topo.enis.at("eni-0d6ba2b0aee0ca923").prefixes) == "[10.20.4.32/28]");
  const auto& nat = r.topo.enis.at("eni-008f86bebb2737f6a");
  CHECK(nat.interface_type == "nat_gateway");
  CHECK(nat.requester_managed);
  CHECK(nat.groups.empty());
}

// --- prefix lists ---------------------------------------------------------------------------------

TEST_CASE("config: prefix-list kinds are told apart by their fields") {
  const std::string dir = test::source_path("fixtures/config/broken-vpc/");
  SUBCASE("describe-prefix-lists: AWS service ranges, with their CIDRs") {
    const auto r = load_config({test::shared_path(batfish_dir + "PrefixListTest.json")});
    CHECK(r.problems.empty());
    const auto& p = r.topo.prefix_lists.at("pl-00a54069");
    CHECK(p.aws_service);
    CHECK(p.entries_known);
    CHECK(p.name == "com.amazonaws.us-west-2.dynamodb");
    CHECK(text(p.entries) == "[52.94.28.0/23 52.94.10.0/24]");
    CHECK(r.topo.sources == std::vector<std::string>{"prefix-lists"});
  }
  SUBCASE("describe-managed-prefix-lists: names and owners, entries unknown") {
    const auto r = load_config({dir + "describe-managed-prefix-lists.json"});
    CHECK(r.problems.empty());
    const auto& p = r.topo.prefix_lists.at("pl-0c1e9b3f7a2d45e86");
    CHECK_FALSE(p.aws_service);
    CHECK_FALSE(p.entries_known);
    CHECK(p.name == "admins");
    CHECK(p.owner == "123456789012");
    CHECK(p.address_family == "IPv4");
    CHECK(r.topo.prefix_lists.at("pl-4fa04526").owner == "AWS");
    CHECK(r.topo.sources == std::vector<std::string>{"managed-prefix-lists"});
  }
  SUBCASE("entries from pl-….json complete a managed list, in either order") {
    for (const bool entries_first : {false, true}) {
      CAPTURE(entries_first);
      const std::string meta = dir + "describe-managed-prefix-lists.json";
      const std::string entries = dir + "pl-0c1e9b3f7a2d45e86.json";
      const auto r = load_config(entries_first ? std::vector<std::string>{entries, meta}
                                               : std::vector<std::string>{meta, entries});
      CHECK(r.problems.empty());
      const auto& p = r.topo.prefix_lists.at("pl-0c1e9b3f7a2d45e86");
      CHECK(p.name == "admins");
      CHECK(p.entries_known);
      CHECK(text(p.entries) == "[198.51.100.61/32 192.0.2.200/32]");
      CHECK(has_source(r.topo, "prefix-list-entries"));
    }
  }
}

TEST_CASE("config: get-managed-prefix-list-entries takes its id from the file name") {
  const std::string entries = R"({"Entries": [{"Cidr": "10.1.0.0/16", "Description": "hq"}, {"Cidr": "2001:db8::/32"}]})";
  const auto named = load_config_text("exports/pl-0123456789abcdef0.json", entries);
  CHECK(named.problems.empty());
  const auto& p = named.topo.prefix_lists.at("pl-0123456789abcdef0");
  CHECK(p.entries_known);
  CHECK(text(p.entries) == "[10.1.0.0/16 2001:db8::/32]");
  CHECK(p.origin == "exports/pl-0123456789abcdef0.json:Entries");

  const auto unnamed = load_config_text("entries.json", entries);
  REQUIRE(unnamed.problems.size() == 1);
  CHECK(unnamed.problems[0].fatal);
  CHECK(unnamed.problems[0].to_string() ==
        "entries.json:Entries: get-managed-prefix-list-entries output names no list: save it as pl-<id>.json");
  CHECK(unnamed.topo.prefix_lists.empty());
}

// --- the YAML topology ----------------------------------------------------------------------------

TEST_CASE("config: the YAML topology and the describe-* JSON of the broken VPC give the same model") {
  const auto json = load_config({test::source_path("fixtures/config/broken-vpc")});
  const auto yaml = load_config({test::source_path("fixtures/config/broken-vpc.yaml")});
  CAPTURE(all_problems(json));
  CAPTURE(all_problems(yaml));
  CHECK(json.problems.empty());
  CHECK(yaml.problems.empty());
  CHECK(json.files.size() == 10);
  CHECK(facts(yaml.topo) == facts(json.topo));

  auto kinds = [](std::vector<std::string> v) {
    std::erase(v, "topology-yaml");
    return std::set<std::string>(v.begin(), v.end());
  };
  CHECK(has_source(yaml.topo, "topology-yaml"));
  CHECK(kinds(yaml.topo.sources) == kinds(json.topo.sources));
  CHECK(json.topo.sources.size() == 10);

  // Spot checks that the comparison is about something.
  CHECK(json.topo.enis.size() == 10);
  CHECK(json.topo.nacls.size() == 5);
  CHECK(json.topo.security_groups.size() == 9);
  CHECK(json.topo.instances.at("i-0a7196b50ac2f8670").name == "app-win-1");
  CHECK(json.topo.flow_logs.at("fl-028b5b7a767c76fb0").max_aggregation_interval == 600);
  CHECK(json.topo.flow_logs.at("fl-0a1b2c3d4e5f60789").max_aggregation_interval == 60);
  const auto& web_acl = yaml.topo.nacls.at("acl-02a1b2c3d4e5f6071");
  CHECK(web_acl.entries.size() == 16);  // 12 written, 4 `*` added
  CHECK(web_acl.entries.front().origin.ends_with("broken-vpc.yaml:121:9"));
  CHECK(yaml.topo.enis.at("eni-0d440e50454f31af3").subnet_id == "subnet-0729fae923d5a4fd1");
}

TEST_CASE("config: YAML shorthand: derived subnet and VPC, ports lists, default egress and * entries") {
  const auto r = load_config_text("ticket.yaml", R"(account: "111122223333"
vpcs:
  vpc-1: {cidr: 10.0.0.0/16}
subnets:
  subnet-a: {cidr: 10.0.1.0/24}
enis:
  eni-a: {address: 10.0.1.5, groups: sg-a, name: web-1}
security_groups:
  sg-a:
    ingress:
      - {proto: tcp, ports: [80, 443], from: [0.0.0.0/0, pl-x, sg-b]}
      - {proto: icmp, type: 8, from: 10.0.0.0/8}
network_acls:
  acl-a:
    subnets: subnet-a
    entries:
      - {rule: 100, egress: true, action: deny, proto: udp, ports: 53, cidr: 0.0.0.0/0}
      - {rule: '*', action: deny, cidr: 0.0.0.0/0}
)");
  CAPTURE(all_problems(r));
  CHECK(r.problems.empty());
  const auto& e = r.topo.enis.at("eni-a");
  CHECK(e.subnet_id == "subnet-a");
  CHECK(e.vpc_id == "vpc-1");
  CHECK(e.owner == "111122223333");
  CHECK(e.tags.at("Name") == "web-1");
  CHECK(r.topo.instances.empty());
  const auto& g = r.topo.security_groups.at("sg-a");
  CHECK(g.vpc_id == "vpc-1");
  REQUIRE(g.ingress.size() == 3);
  CHECK(g.ingress[0].ports == port_span{80, 80});
  CHECK(g.ingress[1].ports == port_span{443, 443});
  CHECK(g.ingress[1].prefix_lists == std::vector<std::string>{"pl-x"});
  CHECK(g.ingress[1].groups == std::vector<std::string>{"sg-b"});
  CHECK(g.ingress[2].icmp == icmp_match{8, -1});
  CHECK(g.ingress[0].origin == "ticket.yaml:11:9");
  REQUIRE(g.egress.size() == 1);  // AWS's default; no IPv6 in this VPC
  CHECK(text(g.egress[0].cidrs) == "[0.0.0.0/0]");
  const auto& acl = r.topo.nacls.at("acl-a");
  CHECK(acl.vpc_id == "vpc-1");
  REQUIRE(acl.entries.size() == 3);  // the egress `*` is added, the ingress one was written
  CHECK(acl.entries[0].egress);
  CHECK(acl.entries[0].ports == port_span{53, 53});
  CHECK_FALSE(acl.entries[1].rule_number);
  CHECK_FALSE(acl.entries[1].egress);
  CHECK(acl.entries[2].egress);
  CHECK_FALSE(acl.entries[2].rule_number);
}

TEST_CASE("config: YAML mistakes are reported at file:line:column and the rest is kept") {
  const auto r = load_config_text("ticket.yaml", R"(vpcs:
  vpc-1: {cidr: 10.0.0.0/16, colour: blue}
security_groups:
  sg-a:
    ingress:
      - {proto: tcp, ports: 70000, from: 0.0.0.0/0}
      - {proto: tcp, ports: 22, from: [10.0.0.0/33, 10.0.0.0/8]}
      - {proto: gre, from: 0.0.0.0/0}
      - {proto: tcp, ports: 80, to: 0.0.0.0/0}
network_acls:
  acl-a:
    ingress:
      - {rule: 100, action: permit, cidr: 0.0.0.0/0}
      - {rule: 110, action: allow, proto: udp, ports: 53}
      - {rule: 120, action: allow, cidr: 0.0.0.0/0, egress: true}
      - {rule: 130, action: allow, proto: icmp, type: 3, code: 4, cidr: 0.0.0.0/0}
groups: {}
)");
  std::vector<std::string> got;
  for (const auto& p : r.problems) got.push_back(p.to_string());
  CHECK(got == std::vector<std::string>{
                   "ticket.yaml:17:1: topology: unknown key 'groups': ignored",
                   "ticket.yaml:2:30: vpc vpc-1: unknown key 'colour': ignored",
                   "ticket.yaml:6:29: ports: port range 70000-70000: a port is 0-65535: rule skipped",
                   "ticket.yaml:7:40: from: '10.0.0.0/33' is not a CIDR block (a peer is a CIDR, sg-… or pl-…): ignored",
                   "ticket.yaml:8:17: proto 'gre' is not all, -1, tcp, udp, icmp, icmpv6 or 0-255: rule skipped",
                   "ticket.yaml:9:33: ingress rule: unknown key 'to': ignored",
                   "ticket.yaml:9:9: ingress rules name their peers with 'from' (CIDRs, sg-…, pl-…): rule skipped",
                   "ticket.yaml:13:29: action: allow or deny: entry skipped",
                   "ticket.yaml:14:9: cidr: every entry needs one (0.0.0.0/0 or ::/0 for anywhere): entry skipped",
                   "ticket.yaml:15:61: egress: only in 'entries' (this list already says the direction): entry skipped",
               });
  CHECK(fatal_problems(r).empty());
  CHECK(r.topo.vpcs.count("vpc-1") == 1);
  const auto& g = r.topo.security_groups.at("sg-a");
  CHECK_FALSE(g.complete);
  REQUIRE(g.ingress.size() == 1);
  CHECK(text(g.ingress[0].cidrs) == "[10.0.0.0/8]");
  const auto& acl = r.topo.nacls.at("acl-a");
  CHECK_FALSE(acl.complete);
  CHECK(acl.entries.size() == 3);  // rule 130 and the two `*`
}

TEST_CASE("config: YAML syntax errors are fatal with the position; describe output as YAML is refused") {
  const auto bad = load_config_text("t.yaml", "vpcs:\n  vpc-1: {cidr: [10.0.0.0/16}\n");
  REQUIRE(bad.problems.size() == 1);
  CHECK(bad.problems[0].fatal);
  CHECK(bad.problems[0].path == "2:29");
  CHECK(bad.topo.vpcs.empty());

  const auto cli = load_config_text("sg.yaml", "SecurityGroups:\n- GroupId: sg-1\n");
  REQUIRE(cli.problems.size() == 1);
  CHECK(cli.problems[0].fatal);
  CHECK(cli.problems[0].message.find("--output json") != std::string::npos);
}

// --- malformed describe-* JSON --------------------------------------------------------------------

TEST_CASE("config: malformed describe-* JSON names the file and JSON path, and keeps the rest") {
  temp_dir dir;
  const std::string acl_file = dir.write("acls/describe-network-acls.json", R"({"NetworkAcls": [{
    "NetworkAclId": "acl-1", "VpcId": "vpc-1", "IsDefault": false,
    "Associations": [{"SubnetId": "subnet-1"}],
    "Entries": [
      {"RuleNumber": 100, "Egress": false, "RuleAction": "allow", "Protocol": "6", "CidrBlock": "10.0.0.0/8", "PortRange": {"From": 443, "To": 443}},
      {"RuleNumber": 110, "Egress": false, "RuleAction": "allow", "Protocol": "6", "CidrBlock": "10.0.0.0/8", "PortRange": {"From": 1024, "To": 80}},
      {"RuleNumber": "120", "Egress": false, "RuleAction": "allow", "Protocol": "-1", "CidrBlock": "10.0.0.0/8"},
      {"RuleNumber": 130, "Egress": false, "RuleAction": "allow", "Protocol": "6", "CidrBlock": "10.0.0.300/8"},
      {"RuleNumber": 140, "Egress": true, "RuleAction": "deny", "Protocol": "tcpx", "CidrBlock": "0.0.0.0/0"},
      {"RuleNumber": 150, "Egress": true, "RuleAction": "deny", "Protocol": "-1", "CidrBlock": "::/0"},
      {"RuleNumber": 160, "Egress": true, "RuleAction": "deny", "Protocol": "-1"},
      {"RuleNumber": 32767, "Egress": true, "RuleAction": "deny", "Protocol": "-1", "CidrBlock": "0.0.0.0/0"}
    ]}, {"VpcId": "vpc-1"}]})");
  const std::string sg_file = dir.write("sg.json", R"({"SecurityGroups": [{"GroupId": "sg-1",
    "IpPermissions": [
      {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}, {"CidrIp": "nope"}],
       "UserIdGroupPairs": [{"UserId": "123"}]},
      {"IpProtocol": "esp"},
      {"IpProtocol": "50", "FromPort": -1, "ToPort": -1, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}
    ],
    "IpPermissionsEgress": {"IpProtocol": "-1"}}]})");
  const std::string broken = dir.write("broken.json", R"({"Vpcs": [{"VpcId": "vpc-1",}]})");
  const std::string other = dir.write("other.json", R"({"Buckets": []})");
  const auto r = load_config({dir.path()});
  CHECK(r.files.size() == 4);

  std::vector<std::string> got;
  for (const auto& p : r.problems) got.push_back(p.to_string() + (p.fatal ? " [fatal]" : ""));
  CHECK(got == std::vector<std::string>{
                   acl_file + ":NetworkAcls[0].Entries[1].PortRange: port range 1024-80 ends before it starts: entry skipped",
                   acl_file + ":NetworkAcls[0].Entries[2].RuleNumber: expected an integer, found a string: entry skipped",
                   acl_file + ":NetworkAcls[0].Entries[3].CidrBlock: '10.0.0.300/8' is not a CIDR block: entry skipped",
                   acl_file + ":NetworkAcls[0].Entries[4].Protocol: unknown protocol 'tcpx' (-1 or 0-255): entry skipped",
                   acl_file + ":NetworkAcls[0].Entries[5].CidrBlock: '::/0' is IPv6 where an IPv4 block is expected: entry skipped",
                   acl_file + ":NetworkAcls[0].Entries[6]: neither CidrBlock nor Ipv6CidrBlock: entry skipped",
                   acl_file + ":NetworkAcls[1].NetworkAclId: missing: network ACL skipped",
                   broken + ": not valid JSON: " + "The JSON document has an improper structure: missing or superfluous commas, braces, missing keys, etc." + " [fatal]",
                   other + ": not a recognised describe-* output (top-level keys: Buckets)",
                   sg_file + ":SecurityGroups[0].IpPermissions[0].IpRanges[1].CidrIp: 'nope' is not a CIDR block: source ignored",
                   sg_file + ":SecurityGroups[0].IpPermissions[0].UserIdGroupPairs[0].GroupId: missing: source ignored",
                   sg_file + ":SecurityGroups[0].IpPermissions[1].IpProtocol: unknown protocol 'esp' (-1, tcp, udp, icmp, icmpv6 or 0-255): rule skipped",
                   sg_file + ":SecurityGroups[0].IpPermissionsEgress: expected an array, found an object: rules skipped",
               });

  const auto& acl = r.topo.nacls.at("acl-1");
  CHECK_FALSE(acl.complete);
  REQUIRE(acl.entries.size() == 2);
  CHECK(acl.entries[0].rule_number == 100);
  CHECK_FALSE(acl.entries[1].rule_number);
  const auto& g = r.topo.security_groups.at("sg-1");
  CHECK_FALSE(g.complete);
  REQUIRE(g.ingress.size() == 2);
  CHECK(text(g.ingress[0].cidrs) == "[10.0.0.0/8]");
  CHECK(g.ingress[1].protocol == 50);
  CHECK_FALSE(g.ingress[1].ports);
  CHECK(g.egress.empty());
  CHECK(r.topo.vpcs.empty());
}

TEST_CASE("config: unused describe kinds, paginated output and missing paths are reported") {
  const auto r = load_config_text("mixed.json", R"({"Subnets": [], "RouteTables": [], "NextToken": "abc"})");
  std::vector<std::string> got;
  for (const auto& p : r.problems) got.push_back(p.to_string());
  CHECK(got == std::vector<std::string>{
                   "mixed.json:NextToken: this is one page of a longer listing: objects on the other pages are "
                   "missing (run the command without --max-items, or join the pages)",
                   "mixed.json:RouteTables: not used yet (routing and gateways are out of scope): ignored",
               });
  CHECK(r.topo.sources == std::vector<std::string>{"subnets"});

  const auto missing = load_config({"/nonexistent/config"});
  REQUIRE(missing.problems.size() == 1);
  CHECK(missing.problems[0].fatal);
  CHECK(missing.problems[0].to_string() == "/nonexistent/config: no such file or directory");

  const auto utf16 = load_config_text("sg.json", std::string("\xff\xfe{\0", 4));
  REQUIRE(utf16.problems.size() == 1);
  CHECK(utf16.problems[0].fatal);

  for (const char* name : {"empty.json", "empty.yaml"}) {
    const auto empty = load_config_text(name, "");
    REQUIRE(empty.problems.size() == 1);
    CHECK(empty.problems[0].fatal);
  }
}

TEST_CASE("config: the same object in two files is kept once, the later file winning") {
  temp_dir dir;
  const auto a = dir.write("a.json", R"({"SecurityGroups": [{"GroupId": "sg-1", "GroupName": "old"}],
                                         "Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]})");
  const auto b = dir.write("b.json", R"({"SecurityGroups": [{"GroupId": "sg-1", "GroupName": "new"}]})");
  const auto forward = load_config({a, b});
  CHECK(forward.problems.empty());
  CHECK(forward.topo.security_groups.size() == 1);
  CHECK(forward.topo.security_groups.at("sg-1").name == "new");
  CHECK(forward.topo.security_groups.at("sg-1").origin == b + ":SecurityGroups[0]");
  CHECK(forward.topo.vpcs.count("vpc-1") == 1);
  CHECK(load_config({b, a}).topo.security_groups.at("sg-1").name == "old");
  // A directory and a file inside it: read once.
  CHECK(load_config({dir.path(), a}).files.size() == 2);
}
