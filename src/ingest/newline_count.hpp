#pragma once
// Counting a block's lines, which every worker does before parsing so line numbers are exact (see
// line_ledger.hpp). It reads the whole block once more, so it must cost little next to parsing.

#include <cstdint>
#include <string_view>

namespace flowsleuth::detail {

/// The number of '\n' in s.
std::uint64_t count_newlines(std::string_view s) noexcept;
/// The same without AVX2, whatever the CPU has (for the tests: both paths must agree).
std::uint64_t count_newlines_baseline(std::string_view s) noexcept;

}  // namespace flowsleuth::detail
