#pragma once
// Small text helpers for rule diagnostics: UTF-8 columns, "did you mean" suggestions, joining lists.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace flowsleuth::detail {

/// Splits text into lines without their terminators ("\n" or "\r\n").
std::vector<std::string> split_lines(std::string_view text);

/// Code points in `text` (continuation bytes are not counted). Columns shown to people count
/// characters, while yaml-cpp counts bytes.
std::size_t utf8_length(std::string_view text) noexcept;

/// 1-based character column of the byte at `byte_offset` in `line` (clamped to the line's end + 1).
std::uint32_t char_column(std::string_view line, std::size_t byte_offset) noexcept;
/// Byte offset of the 1-based character column in `line` (clamped to the line's size).
std::size_t byte_offset(std::string_view line, std::uint32_t column) noexcept;

/// Edit distance counting an adjacent transposition as one edit, for suggestions.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// " (did you mean 'x'?)" when one choice is close to `word`, else "".
std::string suggestion(std::string_view word, std::span<const std::string_view> choices);

/// "a, b, c"
std::string join(std::span<const std::string_view> words, std::string_view separator = ", ");

}  // namespace flowsleuth::detail
