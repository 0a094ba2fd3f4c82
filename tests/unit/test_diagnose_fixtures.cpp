// Fixture-driven diagnosis tests: full verdicts for the documented AWS examples and one fixture per
// rule (fixtures/diagnose/expected.yaml), the demo's tickets (fixtures/demo/expected-flows.yaml), and
// the shipped rule pack's own examples.

#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <optional>
#include <set>

#include "diagnose_runner.hpp"
#include "temp_files.hpp"
#include "flowsleuth/config_loader.hpp"

using namespace flowsleuth;

namespace {

std::string text_or_null(const std::optional<std::string_view>& s) { return s ? std::string(*s) : "null"; }

std::string port_text(const endpoint& e) { return e.port ? std::to_string(*e.port) : "null"; }

// Compares the fields `want` names with the flow.
void check_flow(const flow_finding& f, const YAML::Node& want) {
  const auto b = f.blocking;
  for (const auto& kv : want) {
    const auto key = kv.first.as<std::string>();
    CAPTURE(key);
    // A misspelt key would otherwise check nothing and pass.
    static const std::set<std::string> known{"ticket", "client",     "server", "port",       "protocol",
                                             "verdict", "rule",      "connections", "mixed", "layer",
                                             "direction", "leg",     "confidence", "candidates", "at",
                                             "eni",     "by_verdict", "why"};
    CHECK_MESSAGE(known.count(key) == 1, "unknown key in the expectations: ", key);
    if (key == "ticket" || key == "client" || key == "server") continue;
    if (key == "port") CHECK(port_text(f.server) == kv.second.as<std::string>());
    if (key == "protocol") CHECK(protocol_name(f.protocol) == kv.second.as<std::string>());
    if (key == "verdict") CHECK(std::string(to_string(f.outcome)) == kv.second.as<std::string>());
    if (key == "rule") CHECK(f.rule_id == kv.second.as<std::string>());
    if (key == "connections") CHECK(f.connections == kv.second.as<std::uint64_t>());
    if (key == "mixed") CHECK(std::string(to_string(f.mixed)) == kv.second.as<std::string>());
    if (key == "layer") {
      CHECK(text_or_null(b ? std::optional(to_string(b->layer)) : std::nullopt) == kv.second.as<std::string>());
    }
    if (key == "direction") {
      REQUIRE(b);
      CHECK(text_or_null(b->direction ? std::optional(to_string(*b->direction)) : std::nullopt) ==
            kv.second.as<std::string>());
    }
    if (key == "leg") {
      REQUIRE(b);
      CHECK(std::string(to_string(b->leg)) == kv.second.as<std::string>());
    }
    if (key == "confidence") {
      REQUIRE(b);
      CHECK(std::string(to_string(b->confidence)) == kv.second.as<std::string>());
    }
    if (key == "candidates") {
      REQUIRE(b);
      std::vector<std::string> got;
      for (auto c : b->candidates) got.emplace_back(to_string(c));
      CHECK(got == kv.second.as<std::vector<std::string>>());
    }
    if (key == "at") {
      REQUIRE(b);
      CHECK(text_or_null(b->at ? std::optional(to_string(*b->at)) : std::nullopt) == kv.second.as<std::string>());
    }
    if (key == "eni") CHECK(f.blocking_eni == kv.second.as<std::string>());
    if (key == "by_verdict") {
      for (const auto& v : kv.second) {
        const auto want_v = parse_verdict(v.first.as<std::string>());
        REQUIRE(want_v);
        const auto it = f.by_verdict.find(*want_v);
        CHECK((it == f.by_verdict.end() ? 0 : it->second) == v.second.as<std::uint64_t>());
      }
    }
  }
}

}  // namespace

TEST_CASE("documented AWS examples and per-rule fixtures get exactly their expected verdicts") {
  const YAML::Node cases = YAML::LoadFile(test::source_path("fixtures/diagnose/expected.yaml"));
  REQUIRE(cases.size() >= 20);
  for (const auto& c : cases) {
    const auto file = c["file"].as<std::string>();
    CAPTURE(file);
    const diagnosis d = test::run_diagnosis({test::source_path("fixtures/diagnose/" + file)});
    const YAML::Node flows = c["flows"];
    REQUIRE(d.flows.size() == flows.size());
    for (std::size_t i = 0; i < flows.size(); ++i) {
      CHECK(d.flows[i].client.ip.to_string() == flows[i]["client"].as<std::string>());
      CHECK(d.flows[i].server.ip.to_string() == flows[i]["server"].as<std::string>());
      check_flow(d.flows[i], flows[i]);
    }
  }
}

TEST_CASE("every log in fixtures/diagnose has its expected verdicts, and every expectation its log") {
  // A fixture nobody lists is checked by nothing but its rule's examples, which test only the winner.
  std::set<std::string> listed;
  for (const auto& c : YAML::LoadFile(test::source_path("fixtures/diagnose/expected.yaml"))) {
    const auto file = c["file"].as<std::string>();
    CHECK_MESSAGE(listed.insert(file).second, "listed twice: ", file);
  }
  std::set<std::string> on_disk;
  for (const auto& e : std::filesystem::directory_iterator(test::source_path("fixtures/diagnose"))) {
    if (e.path().extension() == ".log") on_disk.insert(e.path().filename().string());
  }
  for (const auto& f : on_disk) CHECK_MESSAGE(listed.count(f) == 1, "not in expected.yaml: ", f);
  for (const auto& f : listed) CHECK_MESSAGE(on_disk.count(f) == 1, "no such fixture: ", f);
}

TEST_CASE("the demo's tickets are diagnosed as its README says") {
  const diagnosis d = test::run_diagnosis(
      {test::source_path("fixtures/demo/AWSLogs"), test::source_path("fixtures/demo/cloudwatch")});
  const YAML::Node want = YAML::LoadFile(test::source_path("fixtures/demo/expected-flows.yaml"));
  for (const auto& w : want) {
    CAPTURE(w["ticket"].as<std::string>());
    const flow_finding* hit = nullptr;
    for (const auto& f : d.flows) {
      const bool port_ok = !w["port"] || port_text(f.server) == w["port"].as<std::string>();
      if (f.client.ip.to_string() == w["client"].as<std::string>() &&
          f.server.ip.to_string() == w["server"].as<std::string>() && port_ok) {
        hit = &f;
      }
    }
    REQUIRE(hit);
    check_flow(*hit, w);
  }
  // Internet scan noise is grouped by server, port and rule rather than listed source by source.
  std::set<std::string> grouped_ports;
  for (const auto& g : d.groups) grouped_ports.insert(port_text(d.flows[g.first_flow].server));
  CHECK(grouped_ports == std::set<std::string>{"22", "23", "3389", "443"});
}

TEST_CASE("every example a shipped rule lists matches it, and every look-alike does not") {
  rule_load_options lo;
  lo.base_dir = test::source_path("");
  const rule_pack pack = load_rule_pack({test::source_path("rules")}, lo);
  REQUIRE(pack.ok());
  std::size_t stable = 0;
  for (const auto& r : pack.rules) {
    CAPTURE(r.id);
    if (r.status == rule_status::stable) ++stable;
    // Rules whose facts need configuration name it (examples.config); the others run on logs alone.
    std::optional<config_load_result> config;
    std::optional<config_checker> checker;
    if (!r.examples_config.empty()) {
      config = load_config({test::source_path(r.examples_config)});
      REQUIRE(config->problems.empty());
      checker.emplace(config->topo);
    }
    auto winners = [&](const std::string& rel) {
      std::set<std::string> ids;
      const diagnosis d = checker ? test::run_diagnosis_with_config({test::source_path(rel)}, *checker, true)
                                  : test::run_diagnosis({test::source_path(rel)});
      for (const auto& f : d.connections) ids.insert(f.rule_id);
      return ids;
    };
    for (const auto& m : r.examples_match) {
      CAPTURE(m);
      CHECK(winners(m).count(r.id) == 1);
    }
    for (const auto& m : r.examples_no_match) {
      CAPTURE(m);
      CHECK(winners(m).count(r.id) == 0);
    }
  }
  CHECK(stable >= 15);
}

TEST_CASE("an ENI whose records span more than a minute has 10-minute capture windows: its data edge widens") {
  // A SYN accepted at the server and nothing back, 345 s before the ENI's data ends. With 60-s windows
  // that is no-response; a record spanning 400 s shows the ENI aggregates over 600 s, and then the
  // answer may still be in the next window: inconclusive.
  const std::string header =
      "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action "
      "log-status tcp-flags flow-direction\n";
  const std::string syn =
      "5 123456789012 eni-0bbbbbbbbbbbbbbb2 10.0.1.5 10.0.2.7 41000 5432 6 2 120 1700000000 1700000055 ACCEPT OK 2 ingress\n";
  const std::string nodata = "5 123456789012 eni-0bbbbbbbbbbbbbbb2 - - - - - - - 1700000340 1700000400 - NODATA - -\n";
  const std::string long_span =
      "5 123456789012 eni-0bbbbbbbbbbbbbbb2 10.0.1.9 10.0.2.7 42000 22 6 40 4000 1699999600 1700000000 ACCEPT OK 16 ingress\n";
  test::temp_dir dir;
  const diagnosis short_windows = test::run_diagnosis({dir.write("short.log", header + syn + nodata)});
  const diagnosis long_windows = test::run_diagnosis({dir.write("long.log", header + long_span + syn + nodata)});
  auto outcome_of = [](const diagnosis& d) {
    for (const auto& f : d.flows) {
      if (f.server.port == 5432) return f.outcome;
    }
    FAIL("no flow to port 5432");
    return verdict::ok;
  };
  CHECK(outcome_of(short_windows) == verdict::no_response);
  CHECK(outcome_of(long_windows) == verdict::inconclusive);
}
