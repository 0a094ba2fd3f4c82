// Evaluating and describing one `when:` condition. Values are slot codes (see rule_condition), so a
// test is a few integer comparisons.

#include <fmt/format.h>

#include <algorithm>

#include "flowsleuth/rule.hpp"

namespace flowsleuth {
namespace {

std::string value_text(fact_id fact, std::int64_t value) {
  const auto& f = info(fact);
  if (f.kind == fact_kind::count) return std::to_string(value);
  const auto i = static_cast<std::size_t>(value);
  return i < f.values.size() ? std::string(f.values[i]) : "?";
}

std::string value_list(fact_id fact, const std::vector<std::int64_t>& values) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ", ";
    out += value_text(fact, values[i]);
  }
  return out + "]";
}

}  // namespace

bool rule_condition::test(const fact_set& facts) const noexcept {
  const auto& slot = facts.slot(fact);
  if (!slot.present) return false;
  switch (kind) {
    case op::any_of:
      return std::find(values.begin(), values.end(), slot.value) != values.end();
    case op::none_of:
      return std::find(values.begin(), values.end(), slot.value) == values.end();
    case op::range:
      return (!min || slot.value >= *min) && (!max || slot.value <= *max);
  }
  return false;
}

std::string rule_condition::describe() const {
  const auto name = name_of(fact);
  switch (kind) {
    case op::any_of:
      if (values.size() == 1) return fmt::format("{} = {}", name, value_text(fact, values.front()));
      return fmt::format("{} in {}", name, value_list(fact, values));
    case op::none_of:
      if (values.size() == 1) return fmt::format("{} != {}", name, value_text(fact, values.front()));
      return fmt::format("{} not in {}", name, value_list(fact, values));
    case op::range:
      if (min && max) return fmt::format("{} <= {} <= {}", *min, name, *max);
      if (min) return fmt::format("{} >= {}", name, *min);
      if (max) return fmt::format("{} <= {}", name, *max);
      return fmt::format("{} is known", name);
  }
  return std::string(name);
}

}  // namespace flowsleuth
