#pragma once
// Splits an explain/fix template into literal text and {placeholders}. Shared by the validator (which
// reports problems) and expand_template (which fills values), so both read templates the same way.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace flowsleuth::detail {

struct template_piece {
  enum class kind { literal, placeholder, unclosed_brace, stray_brace };
  kind type;
  std::string_view text;  ///< literal text (escapes resolved piecewise), or the placeholder name
  std::size_t offset;     ///< byte offset in the template of the piece's first character
};

/// `{{` and `}}` become literal braces. An unclosed `{` or a lone `}` becomes an error piece; scanning
/// goes on after it so every problem is found.
std::vector<template_piece> scan_template(std::string_view text);

}  // namespace flowsleuth::detail
