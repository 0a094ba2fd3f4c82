// Stage 3: matching facts against rules and choosing the winner. Rules are kept in winning order, so
// best() stops at the first match and match() returns matches already ranked.

#include <fmt/format.h>

#include <algorithm>

#include "flowsleuth/rule.hpp"

namespace flowsleuth {

bool outranks(const rule& a, const rule& b) noexcept {
  if (a.specificity() != b.specificity()) return a.specificity() > b.specificity();
  if (a.priority != b.priority) return a.priority > b.priority;
  if (a.id != b.id) return a.id < b.id;
  // Only a matcher built from rules with duplicate ids gets here; keep even that deterministic.
  return a.file < b.file;
}

bool rule_check::matched() const noexcept { return failed() == 0; }

std::size_t rule_check::failed() const noexcept {
  return static_cast<std::size_t>(
      std::count_if(conditions.begin(), conditions.end(), [](const condition_check& c) { return !c.satisfied; }));
}

rule_matcher::rule_matcher(std::vector<rule> rules) : rules_(std::move(rules)) {
  std::stable_sort(rules_.begin(), rules_.end(), outranks);
}

namespace {

bool all_hold(const rule& r, const fact_set& facts) noexcept {
  return std::all_of(r.when.begin(), r.when.end(), [&](const rule_condition& c) { return c.test(facts); });
}

rule_check evaluate(const rule& r, const fact_set& facts) {
  rule_check check;
  check.subject = &r;
  check.conditions.reserve(r.when.size());
  for (const auto& c : r.when) check.conditions.push_back({&c, facts.text(c.fact), c.test(facts)});
  return check;
}

std::string conditions(std::size_t n) { return fmt::format("{} condition{}", n, n == 1 ? "" : "s"); }

std::string why_winner(const std::vector<rule_check>& matched) {
  if (matched.empty()) return "no rule matched";
  const auto& w = *matched[0].subject;
  if (matched.size() == 1) return fmt::format("'{}' is the only rule that matched", w.id);
  const auto& r = *matched[1].subject;
  if (w.specificity() != r.specificity()) {
    return fmt::format("'{}' is the most specific: {} against {} for '{}'", w.id, conditions(w.specificity()),
                       r.specificity(), r.id);
  }
  if (w.priority != r.priority) {
    return fmt::format("'{}' and '{}' both have {}; '{}' has the higher priority ({} against {})", w.id, r.id,
                       conditions(w.specificity()), w.id, w.priority, r.priority);
  }
  return fmt::format("'{}' and '{}' both have {} and priority {}; '{}' comes first by id", w.id, r.id,
                     conditions(w.specificity()), w.priority, w.id);
}

}  // namespace

std::vector<const rule*> rule_matcher::match(const fact_set& facts) const {
  std::vector<const rule*> out;
  for (const auto& r : rules_) {
    if (all_hold(r, facts)) out.push_back(&r);
  }
  return out;
}

const rule* rule_matcher::best(const fact_set& facts) const {
  for (const auto& r : rules_) {
    if (all_hold(r, facts)) return &r;
  }
  return nullptr;
}

match_explanation rule_matcher::explain(const fact_set& facts) const {
  match_explanation ex;
  ex.facts = facts.entries();
  for (const auto& r : rules_) {
    auto check = evaluate(r, facts);
    const auto failed = check.failed();
    if (failed == 0) {
      ex.matched.push_back(std::move(check));
    } else if (failed == 1) {
      ex.near_misses.push_back(std::move(check));
    }
  }
  ex.reason = why_winner(ex.matched);
  return ex;
}

const rule* rule_matcher::find(std::string_view id) const noexcept {
  const auto it = std::find_if(rules_.begin(), rules_.end(), [&](const rule& r) { return r.id == id; });
  return it == rules_.end() ? nullptr : &*it;
}

}  // namespace flowsleuth
