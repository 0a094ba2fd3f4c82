#include <fmt/format.h>

#include <stdexcept>

#include "flowsleuth/facts.hpp"

namespace flowsleuth {

fact_id fact_set::id_or_throw(std::string_view name) {
  const auto id = find_fact(name);
  if (!id) throw std::invalid_argument(fmt::format("unknown fact '{}'", name));
  return *id;
}

fact_set& fact_set::set(fact_id id, std::string_view value) {
  const auto& entry = info(id);
  if (entry.kind == fact_kind::count) {
    throw std::invalid_argument(fmt::format("fact '{}' is a count, not '{}'", entry.name, value));
  }
  const auto index = value_index(id, value);
  if (!index) {
    throw std::invalid_argument(fmt::format("fact '{}' does not admit '{}'", entry.name, value));
  }
  values_[static_cast<std::size_t>(id)] = static_cast<std::int64_t>(*index);
  return *this;
}

fact_set& fact_set::set(fact_id id, bool value) {
  const auto& entry = info(id);
  if (entry.kind != fact_kind::boolean) {
    throw std::invalid_argument(fmt::format("fact '{}' is not a boolean", entry.name));
  }
  values_[static_cast<std::size_t>(id)] = value ? 1 : 0;
  return *this;
}

fact_set& fact_set::set_count(fact_id id, std::int64_t count) {
  const auto& entry = info(id);
  if (entry.kind != fact_kind::count) {
    throw std::invalid_argument(fmt::format("fact '{}' is not a count", entry.name));
  }
  if (count < 0) throw std::invalid_argument(fmt::format("fact '{}' cannot be negative ({})", entry.name, count));
  values_[static_cast<std::size_t>(id)] = count;
  return *this;
}

bool fact_set::has(std::string_view name) const noexcept {
  const auto id = find_fact(name);
  return id && has(*id);
}

bool fact_set::empty() const noexcept {
  for (const auto v : values_) {
    if (v != absent) return false;
  }
  return true;
}

std::optional<std::string_view> fact_set::word(fact_id id) const noexcept {
  const fact_slot s = slot(id);
  const auto& entry = info(id);
  if (!s.present || entry.kind == fact_kind::count) return std::nullopt;
  return entry.values[static_cast<std::size_t>(s.value)];
}

std::optional<std::int64_t> fact_set::count(fact_id id) const noexcept {
  const fact_slot s = slot(id);
  if (!s.present || info(id).kind != fact_kind::count) return std::nullopt;
  return s.value;
}

std::optional<std::string> fact_set::text(fact_id id) const {
  if (const auto w = word(id)) return std::string(*w);
  if (const auto c = count(id)) return std::to_string(*c);
  return std::nullopt;
}

std::optional<std::string> fact_set::text(std::string_view name) const {
  const auto id = find_fact(name);
  if (!id) return std::nullopt;
  return text(*id);
}

std::vector<std::pair<std::string_view, std::string>> fact_set::entries() const {
  std::vector<std::pair<std::string_view, std::string>> out;
  for (const auto& entry : fact_catalog()) {
    if (auto t = text(entry.id)) out.emplace_back(entry.name, std::move(*t));
  }
  return out;
}

}  // namespace flowsleuth
