// The diagnosis' packed connection findings: every field of every connection the fixtures resolve to
// (NAT-gateway legs, transit gateways, IPv6, ICMP, REJECTs at every point) reads back exactly as it
// was added, and reordering and copying keep each finding whole.

#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "flowsleuth/correlate.hpp"
#include "flowsleuth/diagnose.hpp"
#include "flowsleuth/inputs.hpp"
#include "test_paths.hpp"

using namespace flowsleuth;

namespace {

void check_same(const packet_evidence& a, const packet_evidence& b) {
  CHECK(a.records == b.records);
  CHECK(a.packets == b.packets);
  CHECK(a.bytes == b.bytes);
  CHECK(a.flags == b.flags);
  CHECK(a.flags_known == b.flags_known);
  CHECK(a.first == b.first);
  CHECK(a.last == b.last);
  REQUIRE(a.lines.size() == b.lines.size());
  for (std::size_t i = 0; i < a.lines.size(); ++i) {
    CHECK(a.lines[i].file == b.lines[i].file);
    CHECK(a.lines[i].line == b.lines[i].line);
    CHECK(a.lines[i].eni == b.lines[i].eni);
    CHECK(a.lines[i].direction == b.lines[i].direction);
    CHECK(a.lines[i].action == b.lines[i].action);
    CHECK(a.lines[i].tcp_flags == b.lines[i].tcp_flags);
  }
}

void check_same(const endpoint& a, const endpoint& b) {
  CHECK(a.ip == b.ip);
  CHECK(a.port == b.port);
  CHECK(a.eni == b.eni);
  CHECK(a.subnet == b.subnet);
  CHECK(a.name == b.name);
}

void check_same(const connection_finding& x, const connection_finding& y) {
  const connection& a = x.conn;
  const connection& b = y.conn;
  CHECK(a.protocol == b.protocol);
  check_same(a.client, b.client);
  check_same(a.server, b.server);
  CHECK(a.decided_by == b.decided_by);
  auto same_point = [](const observation_point& p, const observation_point& q) {
    CHECK(p.state == q.state);
    CHECK(p.eni == q.eni);
    CHECK(p.subnet == q.subnet);
    check_same(p.accepted, q.accepted);
    check_same(p.rejected, q.rejected);
  };
  for (const auto& [p, q] : {std::pair{&a.client_egress, &b.client_egress}, {&a.server_ingress, &b.server_ingress},
                             {&a.server_egress, &b.server_egress}, {&a.client_ingress, &b.client_ingress},
                             {&a.via, &b.via}}) {
    same_point(*p, *q);
  }
  REQUIRE(a.unplaced.size() == b.unplaced.size());
  for (std::size_t i = 0; i < a.unplaced.size(); ++i) {
    same_point(a.unplaced[i].request, b.unplaced[i].request);
    same_point(a.unplaced[i].response, b.unplaced[i].response);
  }
  CHECK(a.first == b.first);
  CHECK(a.last == b.last);
  CHECK(a.first_reject == b.first_reject);
  CHECK(a.facts == b.facts);
  CHECK(x.outcome == y.outcome);
  CHECK(x.blocking.has_value() == y.blocking.has_value());
  if (x.blocking && y.blocking) {
    CHECK(x.blocking->layer == y.blocking->layer);
    CHECK(x.blocking->candidates == y.blocking->candidates);
    CHECK(x.blocking->confidence == y.blocking->confidence);
  }
  CHECK(x.rule_id == y.rule_id);
  CHECK(x.text == y.text);
  CHECK(x.config.has_value() == y.config.has_value());
  if (x.config && y.config) {
    CHECK(x.config->status == y.config->status);
    CHECK(x.config->missing == y.config->missing);
    CHECK(x.config->config_says == y.config->config_says);
  }
}

// Every connection of every diagnosis fixture, as findings with their own verdict, rule id, text and
// (for every third) a configuration assessment.
std::vector<connection_finding> fixture_findings() {
  std::vector<connection_finding> out;
  for (const auto& e : std::filesystem::directory_iterator(test::source_path("fixtures/diagnose"))) {
    if (e.path().extension() != ".log") continue;
    correlator corr;
    (void)ingest(collect_inputs({e.path().string()}, {}), {}, corr);
    for (connection& c : corr.finish()) {
      connection_finding f;
      f.conn = std::move(c);
      f.outcome = out.size() % 2 ? verdict::blocked : verdict::no_response;
      f.rule_id = out.size() % 2 ? "rule-" + std::to_string(out.size() % 5) : "";
      if (out.size() % 2) f.blocking = rule_blocking{blocking_layer::network_acl, {}, traffic_leg::response, {},
                                                     confidence_level::certain, {blocking_layer::network_acl}};
      f.text = fixed_text("why " + std::to_string(out.size()), "fix");
      if (out.size() % 3 == 0) {
        f.config = config_assessment{};
        f.config->missing = {"a rule"};
        f.config->config_says = "allows " + std::to_string(out.size());
      }
      out.push_back(std::move(f));
    }
  }
  return out;
}

}  // namespace

TEST_CASE("connection list: every field of every fixture connection reads back as it was added") {
  const std::vector<connection_finding> findings = fixture_findings();
  REQUIRE(findings.size() > 30);
  // The fixtures reach every observation point, the gateway's leg and an unplaced ENI.
  bool via = false, rejected_lines = false, icmp = false, unplaced = false;
  for (const auto& f : findings) {
    via = via || !f.conn.via.eni.empty();
    unplaced = unplaced || !f.conn.unplaced.empty();
    rejected_lines = rejected_lines || !f.conn.server_egress.rejected.lines.empty();
    icmp = icmp || f.conn.protocol == 1;
  }
  CHECK(via);
  CHECK(rejected_lines);
  CHECK(icmp);
  CHECK(unplaced);

  connection_list list;
  for (auto f : findings) list.push_back(std::move(f));
  REQUIRE(list.size() == findings.size());
  for (std::size_t i = 0; i < findings.size(); ++i) {
    CAPTURE(i);
    check_same(list[i], findings[i]);
  }
  // Iterating unpacks the same findings in order.
  std::size_t i = 0;
  for (const auto& f : list) check_same(f, findings[i++]);
  CHECK(i == findings.size());
  // The order key is the packed finding's own.
  const auto k = list.key(3);
  CHECK(k.first == findings[3].conn.first);
  CHECK(*k.client == findings[3].conn.client.ip);
  CHECK(k.server_port == findings[3].conn.server.port);
  CHECK(k.outcome == findings[3].outcome);
}

TEST_CASE("connection list: reorder places each finding whole, and a copy is independent") {
  const std::vector<connection_finding> findings = fixture_findings();
  connection_list list;
  for (auto f : findings) list.push_back(std::move(f));
  // A permutation with cycles of several lengths: reversed, then the first two swapped back.
  std::vector<std::size_t> order(findings.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = order.size() - 1 - i;
  std::swap(order[0], order[1]);
  const connection_list before = list;
  list.reorder(order);
  for (std::size_t k = 0; k < order.size(); ++k) {
    CAPTURE(k);
    check_same(list[k], findings[order[k]]);
  }
  // The copy taken before still holds the original order.
  for (std::size_t k = 0; k < findings.size(); ++k) check_same(before[k], findings[k]);
  std::vector<std::size_t> not_a_permutation(findings.size(), 0);
  CHECK_THROWS_AS(list.reorder(not_a_permutation), std::invalid_argument);
}

TEST_CASE("connection list: decided_by lists of no word, one empty word and several words stay apart") {
  connection_list list;
  for (const std::vector<std::string>& words : std::vector<std::vector<std::string>>{
           {}, {""}, {"tcp-flags"}, {"tcp-flags", "subnet-id"}, {"", ""}}) {
    connection_finding f;
    f.conn.decided_by = words;
    list.push_back(std::move(f));
  }
  CHECK(list[0].conn.decided_by.empty());
  CHECK(list[1].conn.decided_by == std::vector<std::string>{""});
  CHECK(list[2].conn.decided_by == std::vector<std::string>{"tcp-flags"});
  CHECK(list[3].conn.decided_by == std::vector<std::string>{"tcp-flags", "subnet-id"});
  CHECK(list[4].conn.decided_by == std::vector<std::string>{"", ""});
}
