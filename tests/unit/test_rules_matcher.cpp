// Facts and matching: fact_set typing, condition operators, missing facts, and the deterministic
// choice of a winner with its explanation.

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <random>
#include <stdexcept>

#include "flowsleuth/facts.hpp"
#include "flowsleuth/rule.hpp"
#include "test_paths.hpp"

using namespace flowsleuth;

namespace {

// A rule with the given conditions (YAML lines under `when:`, already indented) and priority.
rule make_rule(const std::string& id, const std::string& when, std::int64_t priority = 0) {
  const auto text = fmt::format(
      "id: {}\ntitle: t\ndescription: d\nwhen:\n{}\nverdict: ok\nblocking: null\nexplain: e\nfix: f\npriority: {}\n",
      id, when.empty() ? "  {}" : when, priority);
  auto pack = load_rule_text(id + ".yaml", text);
  INFO(render_diagnostics_text(pack.diagnostics));
  REQUIRE(pack.diagnostics.empty());
  REQUIRE(pack.rules.size() == 1);
  return pack.rules[0];
}

std::vector<std::string> ids(const std::vector<const rule*>& rules) {
  std::vector<std::string> out;
  for (const auto* r : rules) out.push_back(r->id);
  return out;
}

bool matches(const std::string& when, const fact_set& facts) {
  const rule_matcher m({make_rule("r", when)});
  return m.best(facts) != nullptr;
}

}  // namespace

TEST_CASE("facts: the catalogue is the single source of truth") {
  const auto catalog = fact_catalog();
  CHECK(catalog.size() == fact_count);
  for (std::size_t i = 0; i < catalog.size(); ++i) {
    const auto& f = catalog[i];
    CHECK(static_cast<std::size_t>(f.id) == i);
    CHECK(find_fact(f.name) == f.id);
    CHECK_FALSE(f.meaning.empty());
    CHECK(f.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") == std::string_view::npos);
    if (f.kind == fact_kind::count) CHECK(f.values.empty());
    if (f.kind == fact_kind::boolean) CHECK(f.values.size() == 2);
    for (const auto v : f.values)
      CHECK(v.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string_view::npos);
  }
  CHECK_FALSE(find_fact("nope"));
  CHECK(value_index(fact_id::client_egress, "unlogged") == 4);
  CHECK_FALSE(value_index(fact_id::client_egress, "ACCEPT"));
}

TEST_CASE("facts: fact_set stores typed values and refuses wrong ones") {
  fact_set f;
  CHECK(f.empty());
  f.set("protocol", "tcp")
      .set(fact_id::syn, true)
      .set("fin", false)
      .set("same_subnet", "unknown")
      .set(fact_id::response_reject_packets, std::uint64_t{12})
      .set("request_reject_packets", 0)
      .set(fact_id::client_egress, std::string("both"));
  CHECK(f.word(fact_id::protocol) == "tcp");
  CHECK(f.word(fact_id::syn) == "true");
  CHECK(f.word(fact_id::fin) == "false");
  CHECK(f.count(fact_id::response_reject_packets) == 12);
  CHECK(f.count(fact_id::request_reject_packets) == 0);
  CHECK_FALSE(f.count(fact_id::protocol));
  CHECK(f.text("client_egress") == "both");
  CHECK(f.has("same_subnet"));
  CHECK_FALSE(f.has("coverage_gap"));
  CHECK_FALSE(f.text(fact_id::coverage_gap));
  CHECK(f.entries().front() == std::pair<std::string_view, std::string>{"protocol", "tcp"});
  CHECK(f.entries().size() == 7);
  f.erase(fact_id::syn);
  CHECK_FALSE(f.has(fact_id::syn));

  CHECK_THROWS_AS(f.set("nope", true), std::invalid_argument);
  CHECK_THROWS_AS(f.set("protocol", "TCP"), std::invalid_argument);
  CHECK_THROWS_AS(f.set("protocol", true), std::invalid_argument);
  CHECK_THROWS_AS(f.set("syn", 1), std::invalid_argument);
  CHECK_THROWS_AS(f.set("response_reject_packets", "3"), std::invalid_argument);
  CHECK_THROWS_AS(f.set("response_reject_packets", -1), std::invalid_argument);
  CHECK(f.set("syn", "true").word(fact_id::syn) == "true");  // booleans by word too

  fact_set g = f;
  CHECK(g == f);
  g.set("fin", true);
  CHECK_FALSE(g == f);
}

TEST_CASE("matcher: scalar, any-of and not conditions") {
  fact_set f;
  f.set("protocol", "udp").set("server_egress", "reject").set("syn", false);
  CHECK(matches("  protocol: udp", f));
  CHECK_FALSE(matches("  protocol: tcp", f));
  CHECK(matches("  server_egress: [reject, both]", f));
  CHECK_FALSE(matches("  server_egress: [accept, both]", f));
  CHECK(matches("  protocol: {not: tcp}", f));
  CHECK_FALSE(matches("  protocol: {not: [tcp, udp]}", f));
  CHECK(matches("  syn: false", f));
  CHECK(matches("  syn: \"false\"", f));
  CHECK_FALSE(matches("  syn: true", f));
  CHECK(matches("  protocol: udp\n  server_egress: reject\n  syn: false", f));
  CHECK_FALSE(matches("  protocol: udp\n  server_egress: reject\n  syn: true", f));
}

TEST_CASE("matcher: min and max on counts") {
  fact_set f;
  f.set("response_reject_packets", 5);
  CHECK(matches("  response_reject_packets: 5", f));
  CHECK(matches("  response_reject_packets: [1, 5]", f));
  CHECK(matches("  response_reject_packets: {not: 0}", f));
  CHECK(matches("  response_reject_packets: {min: 5}", f));
  CHECK_FALSE(matches("  response_reject_packets: {min: 6}", f));
  CHECK(matches("  response_reject_packets: {max: 5}", f));
  CHECK_FALSE(matches("  response_reject_packets: {max: 4}", f));
  CHECK(matches("  response_reject_packets: {min: 1, max: 9}", f));
  CHECK_FALSE(matches("  response_reject_packets: {min: 6, max: 9}", f));
}

TEST_CASE("facts: a word known when compiling sets exactly what the same word at run time sets") {
  auto both_ways = [](fact_id id, auto set_known, std::string_view word) {
    fact_set known, by_word;
    set_known(known, id);
    by_word.set(id, word);
    CHECK(known == by_word);
    CHECK(known.word(id) == word);
  };
  both_ways(fact_id::protocol, [](fact_set& f, fact_id id) { f.set_word<"icmpv6">(id); }, "icmpv6");
  // "true" is a boolean's second value and the first of same_subnet's three: each fact's own place.
  both_ways(fact_id::syn, [](fact_set& f, fact_id id) { f.set_word<"true">(id); }, "true");
  both_ways(fact_id::same_subnet, [](fact_set& f, fact_id id) { f.set_word<"true">(id); }, "true");
  both_ways(fact_id::traffic_type_all, [](fact_set& f, fact_id id) { f.set_word<"unknown">(id); }, "unknown");
  both_ways(fact_id::server_egress, [](fact_set& f, fact_id id) { f.set_word<"external">(id); }, "external");
  fact_set f;
  CHECK_THROWS_AS(f.set_word<"tcp">(fact_id::same_subnet), std::invalid_argument);
  CHECK_THROWS_AS(f.set_word<"tcp">(fact_id::request_reject_packets), std::invalid_argument);
  CHECK(f.empty());
}

TEST_CASE("matcher: a condition on a missing fact never matches, not even a negation") {
  const fact_set empty;
  CHECK_FALSE(matches("  protocol: tcp", empty));
  CHECK_FALSE(matches("  protocol: {not: tcp}", empty));
  CHECK_FALSE(matches("  response_reject_packets: {max: 100}", empty));
  CHECK_FALSE(matches("  coverage_gap: [true, false]", empty));
  CHECK(matches("", empty));  // no conditions: a catch-all
  fact_set f;
  f.set("protocol", "tcp");
  CHECK_FALSE(matches("  protocol: tcp\n  syn: true", f));
}

TEST_CASE("matcher: the most specific rule wins, then priority, then id") {
  fact_set f;
  f.set("protocol", "tcp").set("server_ingress", "accept").set("server_egress", "reject").set("syn", true);

  std::vector<rule> rules{
      make_rule("catch-all", ""),
      make_rule("two-conditions", "  server_ingress: accept\n  server_egress: reject"),
      make_rule("three-b", "  server_ingress: accept\n  server_egress: reject\n  syn: true"),
      make_rule("three-a", "  protocol: tcp\n  server_egress: [reject, both]\n  syn: true"),
      make_rule("three-low", "  protocol: tcp\n  server_ingress: accept\n  syn: true", -1),
      make_rule("one-high", "  protocol: tcp", 100),
      make_rule("not-matching", "  protocol: tcp\n  server_ingress: accept\n  server_egress: reject\n  syn: false"),
  };
  const std::vector<std::string> expected{"three-a", "three-b", "three-low", "two-conditions", "one-high", "catch-all"};
  // The order rules are given in never matters.
  std::mt19937 shuffle_seed(7);
  for (int round = 0; round < 5; ++round) {
    std::shuffle(rules.begin(), rules.end(), shuffle_seed);
    const rule_matcher m(rules);
    CHECK(ids(m.match(f)) == expected);
    REQUIRE(m.best(f));
    CHECK(m.best(f)->id == "three-a");
  }

  const rule_matcher m(rules);
  CHECK(m.find("three-b")->id == "three-b");
  CHECK_FALSE(m.find("nope"));
  CHECK(outranks(*m.find("three-a"), *m.find("three-b")));
  CHECK(outranks(*m.find("three-b"), *m.find("three-low")));
  CHECK(outranks(*m.find("two-conditions"), *m.find("one-high")));
}

TEST_CASE("matcher: the explanation says why the winner won") {
  fact_set f;
  f.set("protocol", "tcp").set("server_egress", "reject");

  SUBCASE("specificity") {
    const rule_matcher m({make_rule("general", "  protocol: tcp"),
                          make_rule("specific", "  protocol: tcp\n  server_egress: [reject, both]")});
    const auto ex = m.explain(f);
    REQUIRE(ex.winner());
    CHECK(ex.winner()->id == "specific");
    CHECK(ex.reason == "'specific' is the most specific: 2 conditions against 1 for 'general'");
  }
  SUBCASE("priority") {
    const rule_matcher m({make_rule("a", "  protocol: tcp"), make_rule("b", "  server_egress: reject", 5)});
    CHECK(m.explain(f).reason == "'b' and 'a' both have 1 condition; 'b' has the higher priority (5 against 0)");
  }
  SUBCASE("id") {
    const rule_matcher m({make_rule("zeta", "  protocol: tcp"), make_rule("alpha", "  server_egress: reject")});
    CHECK(m.explain(f).reason == "'alpha' and 'zeta' both have 1 condition and priority 0; 'alpha' comes first by id");
  }
  SUBCASE("single match, near misses, nothing matched") {
    const rule_matcher m({make_rule("hit", "  protocol: tcp"), make_rule("near", "  protocol: tcp\n  syn: true"),
                          make_rule("far", "  protocol: udp\n  syn: true")});
    const auto ex = m.explain(f);
    CHECK(ex.reason == "'hit' is the only rule that matched");
    REQUIRE(ex.near_misses.size() == 1);
    CHECK(ex.near_misses[0].subject->id == "near");
    CHECK(ex.near_misses[0].failed() == 1);
    CHECK_FALSE(ex.near_misses[0].conditions[1].actual);  // syn is absent
    CHECK(ex.to_text() ==
          "facts: protocol=tcp, server_egress=reject\n"
          "matched, best first:\n"
          "  1. hit  (1 condition, priority 0, verdict ok)  hit.yaml\n"
          "       ok   protocol = tcp  (fact: tcp)\n"
          "winner: hit\n"
          "why: 'hit' is the only rule that matched\n"
          "near misses (one condition failed):\n"
          "  - near  (2 conditions, priority 0)\n"
          "       FAIL syn = true  (fact: absent)\n");

    const auto none = rule_matcher({make_rule("far", "  protocol: udp")}).explain(f);
    CHECK_FALSE(none.winner());
    CHECK(none.reason == "no rule matched");
  }
}

TEST_CASE("matcher: the explanation renders as JSON") {
  fact_set f;
  f.set("protocol", "tcp").set("response_reject_packets", 3);
  const rule_matcher m({make_rule("a", "  protocol: tcp\n  response_reject_packets: {min: 1}"),
                        make_rule("b", "  protocol: tcp\n  syn: true")});
  const auto doc = YAML::Load(m.explain(f).to_json());
  CHECK(doc["winner"].as<std::string>() == "a");
  CHECK(doc["facts"]["protocol"].as<std::string>() == "tcp");
  CHECK(doc["facts"]["response_reject_packets"].as<int>() == 3);
  REQUIRE(doc["matched"].size() == 1);
  CHECK(doc["matched"][0]["conditions"][1]["condition"].as<std::string>() == "response_reject_packets >= 1");
  CHECK(doc["matched"][0]["conditions"][1]["actual"].as<int>() == 3);
  CHECK(doc["matched"][0]["conditions"][1]["satisfied"].as<bool>());
  REQUIRE(doc["near_misses"].size() == 1);
  CHECK(doc["near_misses"][0]["conditions"][1]["actual"].IsNull());
}

TEST_CASE("matcher: the rule memo answers exactly as best(), also when its slots are evicted") {
  const auto pack = load_rule_pack({test::source_path("rules")});
  REQUIRE(pack.ok());
  const rule_matcher m(pack.rules);
  rule_memo memo(m);
  // A pool of distinct fact sets larger than the memo, drawn from the catalogue's own values, visited
  // repeatedly in random order: hits, misses and evictions all happen.
  std::mt19937 rng(7);
  std::vector<fact_set> pool(3000);
  for (auto& f : pool) {
    for (const auto& entry : fact_catalog()) {
      if (rng() % 5 == 0) continue;  // absent
      if (entry.kind == fact_kind::count) {
        f.set(entry.id, static_cast<int>(rng() % 6));
      } else {
        f.set(entry.id, entry.values[rng() % entry.values.size()]);
      }
    }
  }
  std::size_t matched = 0;
  for (int i = 0; i < 30000; ++i) {
    const fact_set& f = pool[rng() % pool.size()];
    const rule* want = m.best(f);
    CHECK(memo.best(f) == want);
    if (want) ++matched;
  }
  CHECK(matched > 0);  // the draw reaches rules, so the comparison is not all nullptr
}
