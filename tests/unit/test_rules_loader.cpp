// Rule loading: reader positions, validator diagnostics (code, line:col, snippet), cross-file checks,
// overrides, rendering, and the fixtures/rules/invalid/ goldens.

#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "flowsleuth/rule.hpp"
#include "temp_files.hpp"
#include "test_paths.hpp"

using namespace flowsleuth;
using flowsleuth::test::temp_dir;

namespace {

// A valid rule; tests replace one line to make it invalid, so each test shows only what matters.
const std::string valid_rule = R"(id: sg-inbound
title: Security group or network ACL rejects the request
description: The request was rejected entering the server's ENI.
when:
  server_ingress: reject
  syn: true
  response_reject_packets: {max: 0}
verdict: blocked
blocking:
  layer: security-group-or-network-acl
  direction: inbound
  leg: request
  at: server
  confidence: likely
  candidates: [security-group, network-acl]
explain: "{client.ip} was rejected entering {server.eni} on port {server.port}."
fix: Allow {protocol} port {server.port} from {client.ip}.
)";

std::string replace_line(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, from);
  return text.replace(at, from.size(), to);
}

rule_pack load(const std::string& text, const std::string& name = "sg-inbound.yaml") {
  return load_rule_text(name, text);
}

std::string position(const diagnostic& d) { return std::to_string(d.line) + ":" + std::to_string(d.column); }

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

TEST_CASE("rules: a valid rule loads with every field typed") {
  const auto pack = load(valid_rule);
  CHECK(pack.diagnostics.empty());
  REQUIRE(pack.rules.size() == 1);
  const auto& r = pack.rules[0];
  CHECK(r.id == "sg-inbound");
  CHECK(r.file == "sg-inbound.yaml");
  CHECK(r.at == source_position{1, 1});
  CHECK(r.outcome == verdict::blocked);
  CHECK(r.status == rule_status::experimental);
  CHECK(r.priority == 0);
  REQUIRE(r.blocking);
  CHECK(r.blocking->layer == blocking_layer::security_group_or_network_acl);
  CHECK(r.blocking->direction == traffic_direction::inbound);
  CHECK(r.blocking->leg == traffic_leg::request);
  CHECK(r.blocking->at == endpoint_role::server);
  CHECK(r.blocking->confidence == confidence_level::likely);
  CHECK(r.blocking->candidates ==
        std::vector<blocking_layer>{blocking_layer::security_group, blocking_layer::network_acl});
  REQUIRE(r.when.size() == 3);
  CHECK(r.specificity() == 3);
  CHECK(r.when[0].describe() == "server_ingress = reject");
  CHECK(r.when[0].at == source_position{5, 3});
  CHECK(r.when[1].describe() == "syn = true");
  CHECK(r.when[2].kind == rule_condition::op::range);
  CHECK(r.when[2].describe() == "response_reject_packets <= 0");
}

TEST_CASE("rules: the reader gives 1-based positions for keys and values, characters not bytes") {
  std::vector<diagnostic> diags;
  const auto spec =
      read_rule_text("r.yaml", "id: x\ntitle: \"héllo\"\nwhen:\n  syn: [true, false]\nblocking:\n", diags);
  CHECK(diags.empty());
  REQUIRE(spec.root);
  const auto* title = spec.root->find_entry("title");
  REQUIRE(title);
  CHECK(title->key_at == source_position{2, 1});
  CHECK(title->value.at == source_position{2, 8});
  CHECK_FALSE(title->value.plain);
  const auto* syn = spec.root->find("when")->find_entry("syn");
  REQUIRE(syn);
  CHECK(syn->key_at == source_position{4, 3});
  REQUIRE(syn->value.items.size() == 2);
  CHECK(syn->value.items[1].at == source_position{4, 15});
  // An empty value is placed on its key, not on whatever token follows.
  const auto* blocking = spec.root->find_entry("blocking");
  CHECK(blocking->value.type == spec_node::kind::null);
  CHECK(blocking->value.at == source_position{5, 1});
}

TEST_CASE("rules: a missing key is reported at the mapping with the source line and a caret") {
  const auto pack = load(replace_line(valid_rule, "fix: Allow {protocol} port {server.port} from {client.ip}.\n", ""));
  REQUIRE(pack.diagnostics.size() == 1);
  const auto& d = pack.diagnostics[0];
  CHECK(d.code == diag_code::missing_key);
  CHECK(d.level == severity::error);
  CHECK(position(d) == "1:1");
  CHECK(d.rule_id == "sg-inbound");
  CHECK(render_diagnostic_text(d) ==
        "sg-inbound.yaml:1:1: error[missing-key]: missing required key 'fix'\n"
        " 1 | id: sg-inbound\n"
        "   | ^\n");
  CHECK(pack.rules.empty());
}

TEST_CASE("rules: YAML syntax errors are 1-based (yaml-cpp marks are 0-based)") {
  const auto pack = load("id: x\ntitle: [a,\n", "x.yaml");
  REQUIRE(pack.diagnostics.size() == 1);
  CHECK(pack.diagnostics[0].code == diag_code::yaml_parse);
  CHECK(pack.diagnostics[0].line >= 1);

  const auto tab = load("\tid: x\n", "x.yaml");
  REQUIRE(tab.diagnostics.size() == 1);
  CHECK(tab.diagnostics[0].code == diag_code::yaml_parse);
  CHECK(position(tab.diagnostics[0]) == "1:4");
  CHECK(render_diagnostic_text(tab.diagnostics[0]) ==
        "x.yaml:1:4: error[yaml-parse]: illegal map value\n"
        " 1 | \tid: x\n"
        "   | \t  ^\n");
}

TEST_CASE("rules: every problem of a file is collected, in source order") {
  auto text = replace_line(valid_rule, "verdict: blocked", "verdict: blokced");
  text = replace_line(text, "  syn: true", "  syn: yes\n  synn: true");
  text = replace_line(text, "  leg: request", "  leg: [request]");
  text = replace_line(text, "{server.eni}", "{server.enis}");
  text += "colour: red\n";
  const auto pack = load(text);
  std::vector<std::string> got;
  for (const auto& d : pack.diagnostics) got.push_back(position(d) + " " + std::string(to_string(d.code)));
  CHECK(got == std::vector<std::string>{"6:8 bad-value", "7:3 unknown-fact", "9:10 bad-value", "13:8 wrong-type",
                                        "17:45 bad-placeholder", "19:1 unknown-key"});
  CHECK(pack.errors() == 5);
  CHECK(pack.warnings() == 1);
  CHECK(pack.rules.empty());
  CHECK(pack.diagnostics[1].message == "unknown fact 'synn' (did you mean 'syn'?)");
  CHECK(pack.diagnostics[4].message == "unknown placeholder '{server.enis}' in 'explain' (did you mean 'server.eni'?)");
}

TEST_CASE("rules: columns count characters so the caret sits under the right one") {
  const auto pack =
      load(replace_line(valid_rule, "\"{client.ip} was rejected", "\"héhé {client.address} was rejected"));
  REQUIRE(pack.diagnostics.size() == 1);
  CHECK(position(pack.diagnostics[0]) == "16:16");
  CHECK(render_diagnostic_text(pack.diagnostics[0])
            .ends_with(
                " 16 | explain: \"héhé {client.address} was rejected entering {server.eni} on port {server.port}.\"\n"
                "    |                ^\n"));
}

TEST_CASE("rules: unknown keys only warn, and the rule still loads") {
  const auto pack = load(valid_rule + "titel: typo\n");
  REQUIRE(pack.diagnostics.size() == 1);
  CHECK(pack.diagnostics[0].code == diag_code::unknown_key);
  CHECK(pack.diagnostics[0].level == severity::warning);
  CHECK(pack.diagnostics[0].message == "unknown key 'titel' (did you mean 'title'?); it is ignored");
  CHECK(pack.ok());
  CHECK(pack.rules.size() == 1);
}

TEST_CASE("rules: verdict and blocking must follow the verdict table") {
  const std::string null_blocking = "blocking: null\n";
  const std::string blocking_block =
      "blocking:\n  layer: security-group-or-network-acl\n  direction: inbound\n  leg: request\n  at: server\n"
      "  confidence: likely\n  candidates: [security-group, network-acl]\n";
  auto with = [&](const std::string& verdict_line, const std::string& blocking) {
    auto text = replace_line(valid_rule, "verdict: blocked\n", verdict_line);
    return load(replace_line(text, blocking_block, blocking));
  };
  auto codes = [](const rule_pack& p) {
    std::vector<std::string> out;
    for (const auto& d : p.diagnostics) out.push_back(position(d) + " " + std::string(to_string(d.code)));
    return out;
  };

  SUBCASE("verdicts that block nothing need blocking: null") {
    for (const auto* v : {"ok", "late-packets", "not-captured", "inconclusive"}) {
      CHECK(with(std::string("verdict: ") + v + "\n", null_blocking).ok());
      const auto p = with(std::string("verdict: ") + v + "\n", blocking_block);
      CHECK(codes(p) == std::vector<std::string>{"10:3 bad-pairing"});
    }
  }
  SUBCASE("blocked needs a mapping with a firewall layer") {
    CHECK(codes(with("verdict: blocked\n", null_blocking)) == std::vector<std::string>{"9:1 bad-pairing"});
    auto host = replace_line(blocking_block, "security-group-or-network-acl", "host");
    host = replace_line(host, "[security-group, network-acl]", "[host]");
    CHECK(codes(with("verdict: blocked\n", host)) == std::vector<std::string>{"10:10 bad-pairing"});
    for (const auto* layer : {"security-group", "network-acl", "block-public-access"}) {
      auto b = replace_line(blocking_block, "security-group-or-network-acl", layer);
      b = replace_line(b, "[security-group, network-acl]", std::string("[") + layer + "]");
      CHECK(with("verdict: blocked\n", b).ok());
    }
  }
  SUBCASE("refused and no-response need layer host") {
    auto host = replace_line(blocking_block, "security-group-or-network-acl", "host");
    host = replace_line(host, "[security-group, network-acl]", "[host]");
    CHECK(with("verdict: refused\n", host).ok());
    CHECK(with("verdict: no-response\n", host).ok());
    const auto p = with("verdict: refused\n", blocking_block);
    CHECK(codes(p) == std::vector<std::string>{"10:10 bad-pairing"});
    CHECK(p.diagnostics[0].message ==
          "verdict 'refused' means the host answered or stayed silent: layer must be 'host', not "
          "'security-group-or-network-acl'");
  }
  SUBCASE("unobserved-peer needs routing-or-unlogged and no direction") {
    auto b = replace_line(blocking_block, "security-group-or-network-acl", "routing-or-unlogged");
    b = replace_line(b, "[security-group, network-acl]", "[routing-or-unlogged]");
    CHECK(codes(with("verdict: unobserved-peer\n", b)) == std::vector<std::string>{"11:14 bad-pairing"});
    CHECK(with("verdict: unobserved-peer\n", replace_line(b, "direction: inbound", "direction: null")).ok());
    CHECK(with("verdict: unobserved-peer\n", replace_line(b, "direction: inbound", "direction:")).ok());
  }
  SUBCASE("candidates must contain the layer") {
    CHECK(codes(with("verdict: blocked\n",
                     replace_line(blocking_block, "[security-group, network-acl]", "[security-group]"))) ==
          std::vector<std::string>{"15:15 bad-pairing"});
    auto sg = replace_line(blocking_block, "security-group-or-network-acl", "security-group");
    CHECK(codes(with("verdict: blocked\n", replace_line(sg, "[security-group, network-acl]", "[network-acl]"))) ==
          std::vector<std::string>{"15:15 bad-pairing"});
  }
  SUBCASE("a pairing problem is reported even when another blocking key is wrong") {
    auto b = replace_line(blocking_block, "confidence: likely", "confidence: high");
    CHECK(codes(with("verdict: refused\n", b)) == std::vector<std::string>{"10:10 bad-pairing", "14:15 bad-value"});
  }
}

TEST_CASE("rules: conditions accept a value, any-of lists, not, and min/max on counts") {
  auto text = replace_line(valid_rule, "  syn: true\n",
                           "  syn: \"true\"\n  protocol: [tcp, udp]\n  reject_reason: {not: [bpa, other]}\n"
                           "  request_reject_packets: {min: 1, max: 10}\n  client_egress: {not: none}\n");
  const auto pack = load(text);
  CHECK(pack.diagnostics.empty());
  REQUIRE(pack.rules.size() == 1);
  const auto& w = pack.rules[0].when;
  REQUIRE(w.size() == 7);
  CHECK(w[1].describe() == "syn = true");
  CHECK(w[2].describe() == "protocol in [tcp, udp]");
  CHECK(w[3].describe() == "reject_reason not in [bpa, other]");
  CHECK(w[4].describe() == "1 <= request_reject_packets <= 10");
  CHECK(w[5].describe() == "client_egress != none");
  CHECK(w[6].describe() == "response_reject_packets <= 0");
}

TEST_CASE("rules: condition problems") {
  auto one = [&](const std::string& condition) {
    const auto pack = load(replace_line(valid_rule, "  syn: true\n", condition + "\n"));
    REQUIRE(pack.diagnostics.size() == 1);
    return position(pack.diagnostics[0]) + " " + std::string(to_string(pack.diagnostics[0].code)) + ": " +
           pack.diagnostics[0].message;
  };
  CHECK(one("  syn: {min: 1}") == "6:9 bad-condition: 'min' applies to counts; fact 'syn' is a boolean");
  CHECK(one("  request_reject_packets: {min: 3, max: 1}") ==
        "6:36 bad-condition: 'when.request_reject_packets' has min 3 greater than max 1, which matches nothing");
  CHECK(one("  protocol: []") == "6:13 bad-condition: 'when.protocol' is an empty list, which matches nothing");
  CHECK(
      one("  protocol: {nto: tcp}") ==
      "6:14 bad-condition: unknown operator 'nto' in 'when.protocol' (did you mean 'not'?); expected not, min or max");
  CHECK(one("  request_reject_packets: {not: 0, max: 3}") ==
        "6:36 bad-condition: 'when.request_reject_packets' mixes 'not' with min/max; write two rules or one range");
  CHECK(one("  request_reject_packets: \"3\"") ==
        "6:27 wrong-type: 'when.request_reject_packets' must be an integer, not a string");
  CHECK(one("  request_reject_packets: -2") ==
        "6:27 bad-value: fact 'request_reject_packets' is a count and cannot be -2");
  CHECK(one("  protocol: TCP") ==
        "6:13 bad-value: fact 'protocol' does not take 'TCP' (did you mean 'tcp'?); expected one of: tcp, udp, icmp, "
        "icmpv6, other");
  CHECK(one("  protocol: [tcp, [udp]]") == "6:19 wrong-type: 'when.protocol[1]' must be a single value, not a list");
  CHECK(one("  fin:") == "6:3 wrong-type: 'when.fin' must be a value, a list (any of), or {not: …}, not null");
}

TEST_CASE("rules: placeholders are checked against the fixed list, braces must balance") {
  auto with_explain = [&](const std::string& e) {
    return load(replace_line(valid_rule,
                             "explain: \"{client.ip} was rejected entering {server.eni} on port {server.port}.\"",
                             "explain: " + e));
  };
  CHECK(with_explain("\"{fact.reject_reason} and {{literal}} and {blocking.subnet}\"").ok());
  const auto p = with_explain("\"{nope} {fact.synn} {client.ip x }\"");
  REQUIRE(p.diagnostics.size() == 3);
  CHECK(position(p.diagnostics[0]) == "16:11");
  CHECK(position(p.diagnostics[1]) == "16:18");
  CHECK(position(p.diagnostics[2]) == "16:30");
  CHECK(p.diagnostics[1].message == "unknown placeholder '{fact.synn}' in 'explain' (did you mean 'fact.syn'?)");
  const auto unbalanced = with_explain("|\n  a {client.ip\n  b } c");
  REQUIRE(unbalanced.diagnostics.size() == 2);
  CHECK(position(unbalanced.diagnostics[0]) == "17:5");
  CHECK(unbalanced.diagnostics[0].message == "unclosed '{' in 'explain'; write '{{' for a literal brace");
  CHECK(position(unbalanced.diagnostics[1]) == "18:5");
  CHECK(unbalanced.diagnostics[1].message == "unmatched '}' in 'explain'; write '}}' for a literal brace");
}

TEST_CASE("rules: templates expand facts and caller values") {
  fact_set facts;
  facts.set("reject_reason", "bpa").set("response_reject_packets", 4);
  const auto text = expand_template(
      "{client.ip} {{x}} {fact.reject_reason} {fact.response_reject_packets} {fact.syn} {server.subnet}", facts,
      [](std::string_view name) -> std::optional<std::string> {
        if (name == "client.ip") return "10.0.0.1";
        return std::nullopt;
      });
  CHECK(text == "10.0.0.1 {x} bpa 4 unknown unknown");
  CHECK(is_known_placeholder("server.port"));
  CHECK(is_known_placeholder("fact.coverage_gap"));
  CHECK_FALSE(is_known_placeholder("fact."));
  CHECK_FALSE(is_known_placeholder("server"));
}

TEST_CASE("rules: ids, titles, status and examples") {
  SUBCASE("id must be a slug and the file is named after it") {
    const auto p = load(replace_line(valid_rule, "id: sg-inbound", "id: SG_inbound"));
    REQUIRE(p.diagnostics.size() == 1);
    CHECK(p.diagnostics[0].code == diag_code::bad_value);
    CHECK(position(p.diagnostics[0]) == "1:5");
    const auto renamed = load(valid_rule, "rules/network-acl/other.yaml");
    REQUIRE(renamed.diagnostics.size() == 1);
    CHECK(renamed.diagnostics[0].code == diag_code::id_file_mismatch);
    CHECK(renamed.ok());
    CHECK(load(valid_rule, "-").diagnostics.empty());  // a label, not a file name
  }
  SUBCASE("title length is counted in characters") {
    const std::string ok_title(118, 'e');
    CHECK(load(replace_line(valid_rule, "title: Security group or network ACL rejects the request",
                            "title: é" + ok_title + "é"))
              .ok());
    const auto p = load(replace_line(valid_rule, "title: Security group or network ACL rejects the request",
                                     "title: " + std::string(121, 'x')));
    REQUIRE(p.diagnostics.size() == 1);
    CHECK(p.diagnostics[0].message == "'title' is 121 characters long; the limit is 120");
  }
  SUBCASE("a stable rule needs match examples, and example files must exist under the base dir") {
    const auto p = load(valid_rule + "status: stable\n");
    REQUIRE(p.diagnostics.size() == 1);
    CHECK(p.diagnostics[0].code == diag_code::missing_examples);
    const std::string examples =
        "status: stable\nexamples:\n  match: [fixtures/rules/valid/nacl-drops-return-traffic.yaml]\n"
        "  no_match: [fixtures/nope.log]\n";
    const auto checked =
        load_rule_text("sg-inbound.yaml", valid_rule + examples, {.base_dir = flowsleuth::test::source_path("")});
    REQUIRE(checked.diagnostics.size() == 1);
    CHECK(checked.diagnostics[0].code == diag_code::missing_example_file);
    CHECK(position(checked.diagnostics[0]) == "21:14");
    const auto unchecked = load(valid_rule + examples);  // no base dir: existence is not checked
    CHECK(unchecked.ok());
    REQUIRE(unchecked.rules.size() == 1);
    CHECK(unchecked.rules[0].examples_no_match == std::vector<std::string>{"fixtures/nope.log"});
  }
  SUBCASE("examples may name the configuration they run with; it must exist too") {
    const std::string with_config =
        "status: stable\nexamples:\n  config: fixtures/config/unlogged-server.yaml\n"
        "  match: [fixtures/diagnose/unobserved-peer.log]\n";
    const auto ok = load_rule_text("sg-inbound.yaml", valid_rule + with_config, {.base_dir = flowsleuth::test::source_path("")});
    CHECK(ok.ok());
    REQUIRE(ok.rules.size() == 1);
    CHECK(ok.rules[0].examples_config == "fixtures/config/unlogged-server.yaml");
    const auto missing = load_rule_text("sg-inbound.yaml", replace_line(valid_rule + with_config, "  config: fixtures/config/unlogged-server.yaml", "  config: fixtures/config/nope.yaml"),
                                        {.base_dir = flowsleuth::test::source_path("")});
    REQUIRE(missing.diagnostics.size() == 1);
    CHECK(missing.diagnostics[0].code == diag_code::missing_example_file);
    const auto listed = load(valid_rule + "examples:\n  config: [a, b]\n");
    REQUIRE(listed.diagnostics.size() == 1);
    CHECK(listed.diagnostics[0].message.find("examples.config") != std::string::npos);
  }
  SUBCASE("priority, references, false positives, replaces") {
    const auto p = load(valid_rule +
                        "priority: -3\nreferences: [https://docs.aws.amazon.com/vpc/]\nfalse_positives: [late "
                        "packets]\nreplaces: old-rule\n");
    CHECK(p.diagnostics.empty());
    REQUIRE(p.rules.size() == 1);
    CHECK(p.rules[0].priority == -3);
    CHECK(p.rules[0].references == std::vector<std::string>{"https://docs.aws.amazon.com/vpc/"});
    CHECK(p.rules[0].false_positives == std::vector<std::string>{"late packets"});
    CHECK(p.rules[0].replaces == "old-rule");
    const auto self = load(valid_rule + "replaces: sg-inbound\n");
    REQUIRE(self.diagnostics.size() == 1);
    CHECK(self.diagnostics[0].message == "a rule cannot replace itself");
  }
}

TEST_CASE("rules: duplicate ids across files of one directory") {
  temp_dir dir;
  dir.write("rules/network-acl/sg-inbound.yaml", valid_rule);
  dir.write("rules/security-group/sg-inbound.yaml", valid_rule);
  dir.write("rules/security-group/.swap.yaml", "not: [valid");  // hidden: skipped
  dir.write("rules/README.md", "not a rule");
  const auto root = dir.path() + "/rules";
  const auto pack = load_rule_pack({root});
  CHECK(pack.files == 2);
  REQUIRE(pack.diagnostics.size() == 1);
  const auto& d = pack.diagnostics[0];
  CHECK(d.code == diag_code::duplicate_id);
  CHECK(d.file == root + "/security-group/sg-inbound.yaml");
  CHECK(position(d) == "1:5");
  CHECK(d.message == "id 'sg-inbound' is already used by " + root + "/network-acl/sg-inbound.yaml:1:5");
  REQUIRE(pack.rules.size() == 1);
  CHECK(pack.rules[0].file == root + "/network-acl/sg-inbound.yaml");
}

TEST_CASE("rules: every problem across every file is collected") {
  temp_dir dir;
  dir.write("a/sg-inbound.yaml", replace_line(valid_rule, "verdict: blocked", "verdict: nope"));
  dir.write("b/broken.yaml", "id: broken\ntitle: [\n");
  dir.write("c/other.yaml", replace_line(valid_rule, "id: sg-inbound", "id: other"));
  dir.write("d/sg-inbound.yml", valid_rule);
  const auto pack = load_rule_pack({dir.path()});
  std::vector<std::string> got;
  for (const auto& d : pack.diagnostics) {
    got.push_back(std::filesystem::path(d.file).filename().string() + ":" + position(d) + " " +
                  std::string(to_string(d.code)));
  }
  // The duplicate is reported although the first sg-inbound is itself invalid: ids are checked on specs.
  CHECK(got == std::vector<std::string>{"sg-inbound.yaml:8:10 bad-value", "broken.yaml:3:1 yaml-parse",
                                        "sg-inbound.yml:1:5 duplicate-id"});
  REQUIRE(pack.rules.size() == 1);
  CHECK(pack.rules[0].id == "other");
}

TEST_CASE("rules: a later directory overrides rules by id; replaces drops the superseded rule") {
  temp_dir dir;
  dir.write("bundled/sg-inbound.yaml", valid_rule);
  dir.write("bundled/old-rule.yaml", replace_line(valid_rule, "id: sg-inbound", "id: old-rule"));
  dir.write("mine/sg-inbound.yaml", valid_rule + "priority: 7\n");
  dir.write("mine/new-rule.yaml", replace_line(valid_rule, "id: sg-inbound", "id: new-rule") + "replaces: old-rule\n");
  const auto pack = load_rule_pack({dir.path() + "/bundled", dir.path() + "/mine"});
  CHECK(pack.diagnostics.empty());
  CHECK(pack.files == 4);
  REQUIRE(pack.rules.size() == 2);
  CHECK(pack.rules[0].id == "new-rule");
  CHECK(pack.rules[1].id == "sg-inbound");
  CHECK(pack.rules[1].priority == 7);
  REQUIRE(pack.overrides.size() == 2);
  CHECK(pack.overrides[0].id == "sg-inbound");
  CHECK_FALSE(pack.overrides[0].by_replaces);
  CHECK(pack.overrides[1].id == "old-rule");
  CHECK(pack.overrides[1].by_replaces);
}

TEST_CASE("rules: missing and empty directories") {
  temp_dir dir;
  std::filesystem::create_directories(dir.path() + "/empty");
  const auto pack = load_rule_pack({dir.path() + "/nope", dir.path() + "/empty"});
  REQUIRE(pack.diagnostics.size() == 2);
  CHECK(pack.diagnostics[0].code == diag_code::io_error);
  CHECK(pack.diagnostics[0].line == 0);
  CHECK(render_diagnostic_text(pack.diagnostics[0]) ==
        dir.path() + "/nope: error[io-error]: no such file or directory\n");
  CHECK(pack.diagnostics[1].code == diag_code::no_rules);
  CHECK(pack.diagnostics[1].level == severity::warning);
}

TEST_CASE("rules: diagnostics render as JSON") {
  const auto pack = load(replace_line(valid_rule, "verdict: blocked", "verdict: \"blo\\\"cked\"") + "extra: 1\n");
  const auto json = render_diagnostics_json(pack.diagnostics);
  const auto doc = YAML::Load(json);  // JSON is YAML: parse it back
  CHECK(doc["schema"].as<std::string>() == "flowsleuth/rule-diagnostics/v1");
  CHECK(doc["errors"].as<int>() == 1);
  CHECK(doc["warnings"].as<int>() == 1);
  REQUIRE(doc["diagnostics"].size() == 2);
  const auto first = doc["diagnostics"][0];
  CHECK(first["file"].as<std::string>() == "sg-inbound.yaml");
  CHECK(first["line"].as<int>() == 8);
  CHECK(first["column"].as<int>() == 10);
  CHECK(first["severity"].as<std::string>() == "error");
  CHECK(first["code"].as<std::string>() == "bad-value");
  CHECK(first["title"].as<std::string>() == "value not allowed");
  CHECK(first["message"].as<std::string>().find("'blo\"cked'") != std::string::npos);
  CHECK(first["rule"].as<std::string>() == "sg-inbound");
  CHECK(doc["diagnostics"][1]["severity"].as<std::string>() == "warning");

  const auto none = YAML::Load(render_diagnostics_json({}));
  CHECK(none["diagnostics"].size() == 0);
  CHECK(render_diagnostics_text({}).empty());
}

TEST_CASE("rules: every diagnostic code has a slug, a title and a description") {
  std::vector<std::string_view> slugs;
  for (const auto& c : diagnostic_codes()) {
    CHECK_FALSE(c.slug.empty());
    CHECK_FALSE(c.title.empty());
    CHECK_FALSE(c.description.empty());
    CHECK(&info(c.code) == &c);
    slugs.push_back(c.slug);
  }
  std::sort(slugs.begin(), slugs.end());
  CHECK(std::adjacent_find(slugs.begin(), slugs.end()) == slugs.end());
}

TEST_CASE("rules: the documented example rule loads cleanly") {
  const auto path = flowsleuth::test::source_path("fixtures/rules/valid");
  const auto pack = load_rule_pack({path}, {.base_dir = flowsleuth::test::source_path("")});
  CHECK(render_diagnostics_text(pack.diagnostics) == "");
  CHECK(pack.rules.size() == 1);
}

// Each fixtures/rules/invalid/<case>.yaml has a <case>.expected with the exact text output.
// FLOWSLEUTH_UPDATE_GOLDEN=1 rewrites the .expected files (review the diff before committing).
TEST_CASE("rules: invalid fixtures produce exactly their expected diagnostics") {
  const auto dir = std::filesystem::path(flowsleuth::test::source_path("fixtures/rules/invalid"));
  std::vector<std::filesystem::path> cases;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".yaml") cases.push_back(e.path());
  }
  std::sort(cases.begin(), cases.end());
  REQUIRE(cases.size() >= 15);
  const bool update = std::getenv("FLOWSLEUTH_UPDATE_GOLDEN") != nullptr;
  for (const auto& yaml : cases) {
    const auto name = "fixtures/rules/invalid/" + yaml.filename().string();
    CAPTURE(name);
    const auto pack = load_rule_text(name, read(yaml.string()), {.base_dir = flowsleuth::test::source_path("")});
    const auto got = render_diagnostics_text(pack.diagnostics);
    CHECK_FALSE(pack.diagnostics.empty());
    auto expected_path = yaml;
    expected_path.replace_extension(".expected");
    if (update) std::ofstream(expected_path, std::ios::binary) << got;
    CHECK(got == read(expected_path.string()));
  }
}
