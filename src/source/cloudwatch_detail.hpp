#pragma once
// Small text helpers both CloudWatch readers (JSON and CSV) need.

#include <string_view>

namespace flowsleuth::detail {

inline constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";

inline std::string_view strip_bom(std::string_view s) noexcept {
  if (s.starts_with(utf8_bom)) s.remove_prefix(utf8_bom.size());
  return s;
}

/// `eni-<hex>` at the start of a log stream name ("eni-0abc…-all" → "eni-0abc…"), else empty. AWS
/// documents only "one stream per ENI", so nothing after the id is relied on.
inline std::string_view eni_from_stream(std::string_view stream) noexcept {
  constexpr std::string_view prefix = "eni-";
  if (!stream.starts_with(prefix)) return {};
  std::size_t end = prefix.size();
  while (end < stream.size() &&
         ((stream[end] >= '0' && stream[end] <= '9') || (stream[end] >= 'a' && stream[end] <= 'f'))) {
    ++end;
  }
  return end == prefix.size() ? std::string_view{} : stream.substr(0, end);
}

}  // namespace flowsleuth::detail
