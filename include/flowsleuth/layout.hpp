#pragma once
/// Which field sits in which column of a record line.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "flowsleuth/field.hpp"

namespace flowsleuth {

/// Where a layout came from; the names are the inspect contract's `layout` values.
enum class layout_origin : std::uint8_t { v2_default, header, format_string };
std::string_view to_string(layout_origin o) noexcept;

/// One column: a known field, or an unknown name kept as an extra column.
struct column {
  std::optional<field_id> field;
  std::string name;  ///< hyphenated spelling
};

class layout {
 public:
  layout() = default;
  layout(std::vector<column> columns, layout_origin origin);

  /// The version-2 default format.
  static const layout& v2_default();

  const std::vector<column>& columns() const noexcept { return columns_; }
  std::size_t size() const noexcept { return columns_.size(); }
  layout_origin origin() const noexcept { return origin_; }
  /// The highest version among the known fields (AWS's rule for a record's `version`).
  int version() const noexcept { return version_; }
  const std::vector<std::string>& extra_names() const noexcept { return extra_names_; }
  bool has(field_id f) const noexcept;
  /// Space-separated field names, as an S3 header line would print them.
  std::string header_text() const;

  friend bool operator==(const layout& a, const layout& b) noexcept { return a.header_text() == b.header_text(); }

 private:
  std::vector<column> columns_;
  std::vector<std::string> extra_names_;
  layout_origin origin_ = layout_origin::v2_default;
  int version_ = 2;
};

struct format_error {
  std::size_t column;  ///< 1-based position in the format string
  std::string message;
};

/// Parses a `create-flow-logs --log-format` string: `${version} ${vpc-id} …`. Underscored names are
/// accepted. Unknown names become extra columns; malformed syntax is an error naming the column. The
/// names alone, as a header line lists them (`version vpc-id …`), are taken when every one is known.
std::variant<layout, format_error> parse_format_string(std::string_view text);

/// Header detection. A line is a header when every token looks like a field name (lowercase letters,
/// digits, '-' or '_', starting with a letter) and at least half of them are known field names.
bool looks_like_header(std::string_view line) noexcept;
/// True when every token looks like a field name but none is known: reported as a bad header.
bool looks_like_unknown_header(std::string_view line) noexcept;
/// Builds the layout a header line declares.
layout layout_from_header(std::string_view line);
/// The layout declared by the first non-blank line of `head`, when that line is a header (S3 objects
/// start with one); nullopt otherwise.
std::optional<layout> leading_header(std::string_view head);

}  // namespace flowsleuth
