#pragma once
// Counts for people: "1 record", "4 records" — a report read at 2 a.m. should not say "1 records".

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace flowsleuth::detail {

/// "s" unless n is 1 (the nouns counted here all take a plain -s).
inline std::string_view plural_s(std::uint64_t n) noexcept { return n == 1 ? "" : "s"; }

/// n and the noun, in the singular for 1.
inline std::string counted(std::uint64_t n, std::string_view noun) { return fmt::format("{} {}{}", n, noun, plural_s(n)); }

}  // namespace flowsleuth::detail
