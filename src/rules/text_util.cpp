#include "rules/text_util.hpp"

#include <algorithm>

namespace flowsleuth::detail {

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    auto line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.emplace_back(line);
    start = end + 1;
  }
  return lines;
}

namespace {
bool is_continuation(char c) noexcept { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }
}  // namespace

std::size_t utf8_length(std::string_view text) noexcept {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) { return !is_continuation(c); }));
}

std::uint32_t char_column(std::string_view line, std::size_t byte_offset_in_line) noexcept {
  const auto prefix = line.substr(0, std::min(byte_offset_in_line, line.size()));
  const auto past_end = byte_offset_in_line > line.size() ? byte_offset_in_line - line.size() : 0;
  return static_cast<std::uint32_t>(utf8_length(prefix) + past_end + 1);
}

std::size_t byte_offset(std::string_view line, std::uint32_t column) noexcept {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (is_continuation(line[i])) continue;
    if (chars + 1 == column) return i;
    ++chars;
  }
  return line.size();
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Optimal string alignment: Levenshtein plus adjacent transpositions, the commonest typo ("titel").
  const std::size_t w = b.size() + 1;
  std::vector<std::size_t> d((a.size() + 1) * w);
  for (std::size_t i = 0; i <= a.size(); ++i) d[i * w] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      auto best = std::min({d[(i - 1) * w + j] + 1, d[i * w + j - 1] + 1, d[(i - 1) * w + j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        best = std::min(best, d[(i - 2) * w + j - 2] + 1);
      d[i * w + j] = best;
    }
  }
  return d.back();
}

std::string suggestion(std::string_view word, std::span<const std::string_view> choices) {
  // A third of the word's length catches typos and case slips ("TCP", "blokced") without proposing
  // unrelated words for short inputs.
  const std::size_t limit = std::max<std::size_t>(1, word.size() / 3);
  std::string_view best;
  std::size_t best_distance = limit + 1;
  std::string lowered(word);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
  for (const auto choice : choices) {
    const auto d = std::min(edit_distance(word, choice), edit_distance(lowered, choice));
    if (d < best_distance) {
      best = choice;
      best_distance = d;
    }
  }
  if (best.empty() || best == word) return {};
  return " (did you mean '" + std::string(best) + "'?)";
}

std::string join(std::span<const std::string_view> words, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i) out += separator;
    out += words[i];
  }
  return out;
}

}  // namespace flowsleuth::detail
