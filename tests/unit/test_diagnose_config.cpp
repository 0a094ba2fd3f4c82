// diagnose with --config: on the demo logs and the demo VPC's configuration, every broken flow gets the
// exact NACL entry or the security groups lacking an allow, and the fix; expectations are data
// (fixtures/config/expected-rules.yaml), checked for describe-* JSON and the topology YAML alike.

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <string>
#include <vector>

#include "diagnose_runner.hpp"
#include "flowsleuth/config_loader.hpp"
#include "temp_files.hpp"

using namespace flowsleuth;

namespace {

const flow_finding* find_flow(const diagnosis& d, const YAML::Node& e) {
  const auto client = ip_address::parse(e["client"].as<std::string>());
  const auto server = ip_address::parse(e["server"].as<std::string>());
  const std::string proto = e["protocol"] ? e["protocol"].as<std::string>() : "tcp";
  for (const auto& f : d.flows) {
    if (f.client.ip != *client || f.server.ip != *server || protocol_name(f.protocol) != proto) continue;
    if (e["port"] && f.server.port != e["port"].as<std::uint16_t>()) continue;
    return &f;
  }
  return nullptr;
}

void check_expectations(const diagnosis& d, const YAML::Node& expected) {
  for (const auto& e : expected["flows"]) {
    CAPTURE(e["ticket"].as<std::string>());
    const flow_finding* f = find_flow(d, e);
    REQUIRE(f != nullptr);
    REQUIRE(f->blocking);
    REQUIRE(f->config);
    CHECK(to_string(f->config->status) == "confirmed");
    CHECK(to_string(f->blocking->layer) == e["layer"].as<std::string>());
    REQUIRE(f->blocking->direction);
    CHECK(to_string(*f->blocking->direction) == e["direction"].as<std::string>());
    CHECK(f->blocking->confidence == confidence_level::certain);
    std::vector<std::string> candidates;
    for (auto c : f->blocking->candidates) candidates.emplace_back(to_string(c));
    const auto want_candidates = e["candidates"] ? e["candidates"].as<std::vector<std::string>>()
                                                 : std::vector<std::string>{e["layer"].as<std::string>()};
    CHECK(candidates == want_candidates);

    const YAML::Node r = e["rule"];
    REQUIRE(f->config->rule);
    const blocking_rule_ref& got = *f->config->rule;
    CHECK(got.egress == r["egress"].as<bool>());
    if (r["kind"].as<std::string>() == "nacl-entry") {
      CHECK(got.kind == blocking_rule_ref::kind_t::nacl_entry);
      CHECK(got.acl == r["acl"].as<std::string>());
      CHECK(got.rule_number.value_or(32767) == r["rule_number"].as<int>());
    } else {
      CHECK(got.kind == blocking_rule_ref::kind_t::sg_missing_allow);
      CHECK(got.groups == r["groups"].as<std::vector<std::string>>());
      CHECK(got.eni == r["eni"].as<std::string>());
    }
    if (e["text"]) CHECK(got.text == e["text"].as<std::string>());
    if (e["fix"]) {
      REQUIRE(f->config->fix);
      CHECK(f->config->fix->summary == e["fix"].as<std::string>());
      CHECK(f->config->fix->command.rfind("aws ec2 ", 0) == 0);
    }
  }
  const YAML::Node drift = expected["drift"];
  REQUIRE(d.drift.size() == drift.size());
  for (std::size_t i = 0; i < drift.size(); ++i) {
    CHECK(to_string(d.drift[i].kind) == drift[i]["kind"].as<std::string>());
    CHECK(d.drift[i].client.ip.to_string() == drift[i]["client"].as<std::string>());
    CHECK(d.drift[i].server.ip.to_string() == drift[i]["server"].as<std::string>());
    CHECK(d.drift[i].server.port == drift[i]["port"].as<std::uint16_t>());
    CHECK_FALSE(d.drift[i].evidence.empty());
  }
}

}  // namespace

TEST_CASE("diagnose --config names the exact rule for every demo ticket (describe-* JSON and topology YAML)") {
  const YAML::Node expected = YAML::LoadFile(test::source_path("fixtures/config/expected-rules.yaml"));
  const std::vector<std::string> logs{test::source_path("fixtures/demo/AWSLogs"), test::source_path("fixtures/demo/cloudwatch")};
  for (const char* config : {"fixtures/config/broken-vpc", "fixtures/config/broken-vpc.yaml"}) {
    CAPTURE(config);
    const config_load_result loaded = load_config({test::source_path(config)});
    CHECK(loaded.problems.empty());
    const config_checker checker(loaded.topo);
    check_expectations(test::run_diagnosis_with_config(logs, checker), expected);
  }
}

TEST_CASE("diagnose --config: without the network ACLs the culprit stays open and the report says what is missing") {
  const config_load_result loaded = load_config({test::source_path("fixtures/config/broken-vpc")});
  topology partial = loaded.topo;
  partial.nacls.clear();
  const config_checker checker(partial);
  const diagnosis d = test::run_diagnosis_with_config(
      {test::source_path("fixtures/demo/AWSLogs"), test::source_path("fixtures/demo/cloudwatch")}, checker);
  const YAML::Node app_win = YAML::Load("{client: 10.20.2.21, server: 10.20.3.10, port: 5432}");
  const flow_finding* f = find_flow(d, app_win);
  REQUIRE(f != nullptr);
  REQUIRE(f->config);
  CHECK(f->config->status == config_status::incomplete);
  CHECK_FALSE(f->config->missing.empty());
  CHECK_FALSE(f->config->rule);
  REQUIRE(f->blocking);
  CHECK(f->blocking->layer == blocking_layer::network_acl);  // the logs alone still say so, certain
}

TEST_CASE("diagnose --config: configuration that allows what the logs REJECTed is drift, not a verdict") {
  config_load_result loaded = load_config({test::source_path("fixtures/config/broken-vpc")});
  // Open the app subnet's ACL inbound to everything: the logged REJECTs of ticket 3 now contradict it.
  auto& acl = loaded.topo.nacls.at("acl-03b2c3d4e5f607182");
  nacl_entry open;
  open.rule_number = 1;
  open.allow = true;
  open.block = cidr::parse("0.0.0.0/0");
  acl.entries.push_back(open);
  const config_checker checker(loaded.topo);
  const diagnosis d = test::run_diagnosis_with_config(
      {test::source_path("fixtures/demo/AWSLogs"), test::source_path("fixtures/demo/cloudwatch")}, checker);
  const flow_finding* f = find_flow(d, YAML::Load("{client: 10.20.2.21, server: 10.20.3.10, port: 5432}"));
  REQUIRE(f != nullptr);
  REQUIRE(f->config);
  CHECK(f->config->status == config_status::contradicted);
  CHECK(f->config->config_says.find("#1") != std::string::npos);
  const bool drifted = std::any_of(d.drift.begin(), d.drift.end(), [](const drift_finding& x) {
    return x.kind == drift_finding::kind_t::allows_rejected && x.client.ip.to_string() == "10.20.2.21";
  });
  CHECK(drifted);
}

TEST_CASE("diagnose --config: listening ports from security groups tell client from server when tcp-flags cannot") {
  // Version-2 records (no tcp-flags) between two high ports: neither is a service port, both are in the
  // Linux ephemeral range, so without configuration only first-seen time decides. The reply is logged
  // first here (capture windows of two ENIs are not aligned), which first-seen gets wrong.
  test::temp_dir dir;
  const auto logs = dir.write(
      "v2.log",
      "2 123456789012 eni-0aaaaaaaaaaaaaaa1 10.0.2.7 10.0.1.5 45000 40000 6 4 400 1700000000 1700000050 ACCEPT OK\n"
      "2 123456789012 eni-0bbbbbbbbbbbbbbb2 10.0.1.5 10.0.2.7 40000 45000 6 5 500 1700000010 1700000050 ACCEPT OK\n"
      "2 123456789012 eni-0aaaaaaaaaaaaaaa1 - - - - - - - 1700000700 1700000760 - NODATA\n"
      "2 123456789012 eni-0bbbbbbbbbbbbbbb2 - - - - - - - 1700000700 1700000760 - NODATA\n");
  const std::string topology = R"(
vpcs:
  vpc-1: {cidr: 10.0.0.0/16}
subnets:
  subnet-1: {cidr: 10.0.1.0/24}
  subnet-2: {cidr: 10.0.2.0/24}
enis:
  eni-0bbbbbbbbbbbbbbb2: {name: app, address: 10.0.1.5, groups: sg-app}
  eni-0aaaaaaaaaaaaaaa1: {name: cache, address: 10.0.2.7, groups: sg-cache}
security_groups:
  sg-app: {ingress: []}
  sg-cache: {ingress: [{proto: tcp, ports: 45000, from: [sg-app]}]}
)";
  const config_load_result loaded = load_config_text("topology.yaml", topology);
  REQUIRE(loaded.problems.empty());
  const config_checker checker(loaded.topo);
  const diagnosis without = test::run_diagnosis({logs});
  REQUIRE(without.flows.size() == 1);
  CHECK(without.flows[0].client.ip.to_string() == "10.0.2.7");  // first-seen picks the wrong end
  CHECK(without.flows[0].decided_by == std::vector<std::string>{"first-seen"});

  correlate_options o;
  o.enis = checker.enis();
  correlator corr(o);
  ingest_options io;
  (void)ingest(collect_inputs({logs}, {}), io, corr);
  const auto conns = corr.finish();
  REQUIRE(conns.size() == 1);
  CHECK(conns[0].client.ip.to_string() == "10.0.1.5");
  CHECK(conns[0].server.port == 45000);
  CHECK(conns[0].decided_by == std::vector<std::string>{"config"});
}

TEST_CASE("diagnose --config: describe-flow-logs says the unobserved server's ENI has no flow log (ticket 10)") {
  const std::vector<std::string> logs{test::source_path("fixtures/demo/AWSLogs"), test::source_path("fixtures/demo/cloudwatch")};
  const YAML::Node search = YAML::Load("{client: 10.20.2.11, server: 10.20.5.10, port: 9200}");
  config_load_result loaded = load_config({test::source_path("fixtures/config/broken-vpc")});
  {
    const config_checker checker(loaded.topo);
    const diagnosis d = test::run_diagnosis_with_config(logs, checker);
    const flow_finding* f = find_flow(d, search);
    REQUIRE(f != nullptr);
    CHECK(f->outcome == verdict::unobserved_peer);
    CHECK(f->rule_id == "unobserved-peer-no-flow-log");
    CHECK(f->server.name == "search-1");
  }
  // Without describe-flow-logs nothing says whether that ENI is logged: the general rule answers.
  loaded.topo.flow_logs.clear();
  const config_checker checker(loaded.topo);
  const diagnosis d = test::run_diagnosis_with_config(logs, checker);
  const flow_finding* f = find_flow(d, search);
  REQUIRE(f != nullptr);
  CHECK(f->rule_id == "unobserved-peer");
}

TEST_CASE("diagnose --config: a flow log's aggregation interval widens the last capture window of its ENI") {
  // A SYN accepted at the server and nothing back: no-response — unless the answer may still be in the
  // ENI's next capture window. The ENI's data ends 345 s after the SYN's record: outside a 60-s window,
  // inside a 600-s one (MaxAggregationInterval 600).
  test::temp_dir dir;
  const auto logs = dir.write(
      "server.log",
      "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action "
      "log-status tcp-flags flow-direction\n"
      "5 123456789012 eni-0bbbbbbbbbbbbbbb2 10.0.1.5 10.0.2.7 41000 5432 6 2 120 1700000000 1700000055 ACCEPT OK 2 ingress\n"
      "5 123456789012 eni-0bbbbbbbbbbbbbbb2 - - - - - - - 1700000340 1700000400 - NODATA - -\n");
  auto topology = [](int interval) {
    return fmt::format(R"(
vpcs:
  vpc-1: {{cidr: 10.0.0.0/16}}
subnets:
  subnet-2: {{cidr: 10.0.2.0/24}}
enis:
  eni-0bbbbbbbbbbbbbbb2: {{name: db, address: 10.0.2.7, groups: sg-db}}
security_groups:
  sg-db: {{ingress: [{{proto: tcp, ports: 5432, from: 10.0.0.0/16}}]}}
flow_logs:
  fl-1: {{resource: subnet-2, traffic: ALL, interval: {}, destination: "arn:aws:s3:::logs"}}
)",
                       interval);
  };
  for (const int interval : {60, 600}) {
    CAPTURE(interval);
    const config_load_result loaded = load_config_text("topology.yaml", topology(interval));
    REQUIRE(loaded.problems.empty());
    const config_checker checker(loaded.topo);
    const diagnosis d = test::run_diagnosis_with_config({logs}, checker);
    REQUIRE(d.flows.size() == 1);
    CHECK(d.flows[0].outcome == (interval == 60 ? verdict::no_response : verdict::inconclusive));
  }
}
