#pragma once
/// Parses one record line against a layout. Never guesses: a line that does not fit is rejected
/// with the offending field named.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "flowsleuth/flow_record.hpp"
#include "flowsleuth/layout.hpp"

namespace flowsleuth {

/// Lines longer than this are rejected without being parsed (real records are under 4 KiB).
inline constexpr std::size_t max_line_bytes = 64 * 1024;

struct line_error {
  std::string field;   ///< column name, or a pseudo-field such as "(line)"
  std::string reason;  ///< short, lowercase, no trailing period
};

/// Not thread-safe; use one per thread. Holds the layout by reference: it must outlive the parser.
class line_parser {
 public:
  explicit line_parser(const layout& l);

  /// Parses `line` (no trailing newline) into `rec`. On failure returns false and fills `err`.
  /// The record's text views point into `line`.
  bool parse(std::string_view line, flow_record& rec, line_error& err);

  /// A shortcut for the common case, reading the first line of `rest`: when the layout is the
  /// version-2 default order and the line is plainly written (fields parted by single spaces, a
  /// '\n' at its end, every value well-formed), fills `rec` as parse() would and returns the
  /// line's '\n'. Anything else returns nullptr, and parse() on the line gives its result or
  /// error. May read plain_span bytes of `rest`; declines when fewer remain.
  const char* parse_plain_default(std::string_view rest, flow_record& rec) noexcept;
  static constexpr std::size_t plain_span = 288;

  const layout& current_layout() const noexcept { return *layout_; }

 private:
  struct column_plan {
    field_kind kind;
    std::uint8_t field;   // index into flow_record::text, or 0xff for an extra column
    std::uint8_t extra;   // index into extras when field == 0xff
    std::uint16_t slot;   // byte offset of the typed member in flow_record (numbers, addresses)
  };
  static constexpr std::size_t default_field_count = 14;  // version .. log-status
  const layout* layout_;
  bool default_order_ = false;  // columns are the version-2 default fields in their order
  std::vector<column_plan> plan_;
  std::vector<std::string_view> tokens_;
  std::vector<std::string_view> extras_;
};

}  // namespace flowsleuth
