// Rendering of match_explanation for `--explain`: text for people, JSON for scripts.

#include <fmt/format.h>

#include "flowsleuth/rule.hpp"
#include "output/json_writer.hpp"

namespace flowsleuth {
namespace {

std::string conditions(std::size_t n) { return fmt::format("{} condition{}", n, n == 1 ? "" : "s"); }

std::string actual_text(const condition_check& c) { return c.actual ? *c.actual : "absent"; }

// Counts are JSON numbers, other facts strings, as in the report contract.
void write_fact_value(detail::json_writer& w, fact_id fact, const std::string& text) {
  if (info(fact).kind == fact_kind::count) {
    w.value(static_cast<std::int64_t>(std::stoll(text)));
  } else {
    w.value(text);
  }
}

void append_conditions(std::string& out, const rule_check& check, bool only_failed) {
  for (const auto& c : check.conditions) {
    if (only_failed && c.satisfied) continue;
    out += fmt::format("       {} {}  (fact: {})\n", c.satisfied ? "ok  " : "FAIL", c.condition->describe(),
                       actual_text(c));
  }
}

void write_check(detail::json_writer& w, const rule_check& check) {
  const auto& r = *check.subject;
  w.begin_object();
  w.key("rule").value(r.id);
  w.key("file").value(r.file);
  w.key("conditions_count").value(static_cast<std::uint64_t>(r.specificity()));
  w.key("priority").value(r.priority);
  w.key("verdict").value(to_string(r.outcome));
  w.key("conditions").begin_array();
  for (const auto& c : check.conditions) {
    w.begin_object();
    w.key("fact").value(name_of(c.condition->fact));
    w.key("condition").value(c.condition->describe());
    w.key("actual");
    if (c.actual) {
      write_fact_value(w, c.condition->fact, *c.actual);
    } else {
      w.null();
    }
    w.key("satisfied").value(c.satisfied);
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

}  // namespace

std::string match_explanation::to_text() const {
  std::string out = "facts:";
  if (facts.empty()) out += " none";
  for (std::size_t i = 0; i < facts.size(); ++i)
    out += fmt::format("{} {}={}", i ? "," : "", facts[i].first, facts[i].second);
  out += "\n";
  if (matched.empty()) {
    out += "matched: none\n";
  } else {
    out += "matched, best first:\n";
    for (std::size_t i = 0; i < matched.size(); ++i) {
      const auto& r = *matched[i].subject;
      out += fmt::format("  {}. {}  ({}, priority {}, verdict {})  {}\n", i + 1, r.id, conditions(r.specificity()),
                         r.priority, to_string(r.outcome), r.file);
      append_conditions(out, matched[i], false);
    }
  }
  out += fmt::format("winner: {}\n", winner() ? winner()->id : std::string("none"));
  out += fmt::format("why: {}\n", reason);
  if (!near_misses.empty()) {
    out += "near misses (one condition failed):\n";
    for (const auto& check : near_misses) {
      out += fmt::format("  - {}  ({}, priority {})\n", check.subject->id, conditions(check.subject->specificity()),
                         check.subject->priority);
      append_conditions(out, check, true);
    }
  }
  return out;
}

std::string match_explanation::to_json() const {
  std::string out;
  detail::json_writer w(out);
  w.begin_object();
  w.key("facts").begin_object();
  for (const auto& [name, value] : facts) {
    w.key(name);
    write_fact_value(w, *find_fact(name), value);
  }
  w.end_object();
  w.key("winner");
  if (winner()) {
    w.value(winner()->id);
  } else {
    w.null();
  }
  w.key("reason").value(reason);
  w.key("matched").begin_array();
  for (const auto& check : matched) write_check(w, check);
  w.end_array();
  w.key("near_misses").begin_array();
  for (const auto& check : near_misses) write_check(w, check);
  w.end_array();
  w.end_object();
  return out;
}

}  // namespace flowsleuth
