#pragma once
// Whitespace tokenising shared by the header detector and the line parser. Runs of spaces and tabs
// separate fields: a documented AWS example record has two consecutive spaces.

#include <string_view>

namespace flowsleuth::detail {

inline bool is_field_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r'; }

template <class Fn>
void for_each_token(std::string_view line, Fn&& fn) {
  std::size_t i = 0;
  const std::size_t n = line.size();
  while (i < n) {
    while (i < n && is_field_space(line[i])) ++i;
    if (i >= n) break;
    const std::size_t start = i;
    while (i < n && !is_field_space(line[i])) ++i;
    fn(line.substr(start, i - start));
  }
}

}  // namespace flowsleuth::detail
