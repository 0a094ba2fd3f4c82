#pragma once
// The words each vocabulary enum admits, in enum order: for "expected one of …" messages and suggestions.

#include <span>
#include <string_view>

#include "flowsleuth/rule.hpp"

namespace flowsleuth::detail {

std::span<const std::string_view> words_of(verdict) noexcept;
std::span<const std::string_view> words_of(blocking_layer) noexcept;
std::span<const std::string_view> words_of(traffic_direction) noexcept;
std::span<const std::string_view> words_of(traffic_leg) noexcept;
std::span<const std::string_view> words_of(endpoint_role) noexcept;
std::span<const std::string_view> words_of(confidence_level) noexcept;
std::span<const std::string_view> words_of(rule_status) noexcept;

}  // namespace flowsleuth::detail
