// Spellings of the verdict vocabulary (../shared/design.md). Each enum's words sit in one array in
// enum order, so to_string and parse cannot disagree.

#include "rules/rule_vocabulary.hpp"

#include <algorithm>
#include <array>

#include "flowsleuth/rule.hpp"

namespace flowsleuth {
namespace detail {

constexpr std::array<std::string_view, 8> verdict_words{
    "ok", "blocked", "refused", "no-response", "unobserved-peer", "late-packets", "not-captured", "inconclusive"};
constexpr std::array<std::string_view, 6> layer_words{
    "security-group",      "network-acl", "security-group-or-network-acl",
    "block-public-access", "host",        "routing-or-unlogged"};
constexpr std::array<std::string_view, 2> direction_words{"inbound", "outbound"};
constexpr std::array<std::string_view, 2> leg_words{"request", "response"};
constexpr std::array<std::string_view, 3> role_words{"client", "server", "intermediary"};
constexpr std::array<std::string_view, 3> confidence_words{"certain", "likely", "possible"};
constexpr std::array<std::string_view, 2> status_words{"experimental", "stable"};

std::span<const std::string_view> words_of(verdict) noexcept { return verdict_words; }
std::span<const std::string_view> words_of(blocking_layer) noexcept { return layer_words; }
std::span<const std::string_view> words_of(traffic_direction) noexcept { return direction_words; }
std::span<const std::string_view> words_of(traffic_leg) noexcept { return leg_words; }
std::span<const std::string_view> words_of(endpoint_role) noexcept { return role_words; }
std::span<const std::string_view> words_of(confidence_level) noexcept { return confidence_words; }
std::span<const std::string_view> words_of(rule_status) noexcept { return status_words; }

}  // namespace detail

namespace {

template <class E>
std::string_view word(E value) noexcept {
  const auto words = detail::words_of(E{});
  const auto i = static_cast<std::size_t>(value);
  return i < words.size() ? words[i] : std::string_view("?");
}

template <class E>
std::optional<E> parse(std::string_view text) noexcept {
  const auto words = detail::words_of(E{});
  const auto it = std::find(words.begin(), words.end(), text);
  if (it == words.end()) return std::nullopt;
  return static_cast<E>(it - words.begin());
}

}  // namespace

std::string_view to_string(verdict v) noexcept { return word(v); }
std::string_view to_string(blocking_layer l) noexcept { return word(l); }
std::string_view to_string(traffic_direction d) noexcept { return word(d); }
std::string_view to_string(traffic_leg l) noexcept { return word(l); }
std::string_view to_string(endpoint_role r) noexcept { return word(r); }
std::string_view to_string(confidence_level c) noexcept { return word(c); }
std::string_view to_string(rule_status s) noexcept { return word(s); }

std::optional<verdict> parse_verdict(std::string_view t) noexcept { return parse<verdict>(t); }
std::optional<blocking_layer> parse_blocking_layer(std::string_view t) noexcept { return parse<blocking_layer>(t); }
std::optional<traffic_direction> parse_traffic_direction(std::string_view t) noexcept {
  return parse<traffic_direction>(t);
}
std::optional<traffic_leg> parse_traffic_leg(std::string_view t) noexcept { return parse<traffic_leg>(t); }
std::optional<endpoint_role> parse_endpoint_role(std::string_view t) noexcept { return parse<endpoint_role>(t); }
std::optional<confidence_level> parse_confidence_level(std::string_view t) noexcept {
  return parse<confidence_level>(t);
}
std::optional<rule_status> parse_rule_status(std::string_view t) noexcept { return parse<rule_status>(t); }

}  // namespace flowsleuth
