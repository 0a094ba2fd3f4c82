#include "flowsleuth/layout.hpp"

#include <algorithm>

#include "parse/tokenize.hpp"

namespace flowsleuth {

std::string_view to_string(layout_origin o) noexcept {
  switch (o) {
    case layout_origin::v2_default: return "v2-default";
    case layout_origin::header: return "header";
    case layout_origin::format_string: return "format-string";
  }
  return "v2-default";
}

layout::layout(std::vector<column> columns, layout_origin origin)
    : columns_(std::move(columns)), origin_(origin), version_(0) {
  for (const auto& c : columns_) {
    if (c.field) {
      version_ = std::max<int>(version_, info(*c.field).version);
    } else {
      extra_names_.push_back(c.name);
    }
  }
  if (version_ == 0) version_ = 2;
}

const layout& layout::v2_default() {
  static const layout instance = [] {
    std::vector<column> cols;
    for (auto f : {field_id::version, field_id::account_id, field_id::interface_id, field_id::srcaddr,
                   field_id::dstaddr, field_id::srcport, field_id::dstport, field_id::protocol,
                   field_id::packets, field_id::bytes, field_id::start, field_id::end, field_id::action,
                   field_id::log_status}) {
      cols.push_back({f, std::string(name_of(f))});
    }
    return layout(std::move(cols), layout_origin::v2_default);
  }();
  return instance;
}

bool layout::has(field_id f) const noexcept {
  return std::any_of(columns_.begin(), columns_.end(), [f](const column& c) { return c.field == f; });
}

std::string layout::header_text() const {
  std::string out;
  for (const auto& c : columns_) {
    if (!out.empty()) out.push_back(' ');
    out += c.name;
  }
  return out;
}

namespace {

bool name_shaped(std::string_view token) noexcept {
  if (token.empty() || token.size() > 64) return false;
  if (!(token[0] >= 'a' && token[0] <= 'z')) return false;
  return std::all_of(token.begin(), token.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

struct header_shape {
  std::size_t tokens = 0;
  std::size_t known = 0;
  bool all_name_shaped = true;
};

header_shape shape_of(std::string_view line) noexcept {
  header_shape s;
  detail::for_each_token(line, [&](std::string_view t) {
    ++s.tokens;
    if (!name_shaped(t)) s.all_name_shaped = false;
    if (find_field(t)) ++s.known;
  });
  return s;
}

column make_column(std::string_view name) {
  column c;
  c.field = find_field(name);
  c.name = c.field ? std::string(name_of(*c.field)) : hyphenate(name);
  return c;
}

}  // namespace

bool looks_like_header(std::string_view line) noexcept {
  const auto s = shape_of(line);
  return s.tokens > 0 && s.all_name_shaped && s.known * 2 >= s.tokens;
}

bool looks_like_unknown_header(std::string_view line) noexcept {
  const auto s = shape_of(line);
  return s.tokens > 0 && s.all_name_shaped && s.known == 0;
}

layout layout_from_header(std::string_view line) {
  std::vector<column> cols;
  detail::for_each_token(line, [&](std::string_view t) { cols.push_back(make_column(t)); });
  return layout(std::move(cols), layout_origin::header);
}

std::optional<layout> leading_header(std::string_view head) {
  while (!head.empty()) {
    const std::size_t nl = head.find('\n');
    const std::string_view line = head.substr(0, nl);
    if (line.find_first_not_of(" \t\r") != std::string_view::npos) {
      if (looks_like_header(line)) return layout_from_header(line);
      return std::nullopt;
    }
    if (nl == std::string_view::npos) break;
    head.remove_prefix(nl + 1);
  }
  return std::nullopt;
}

std::variant<layout, format_error> parse_format_string(std::string_view text) {
  // The field names alone, as an S3 object's header line lists them (and as people copy them from
  // one): taken when every one is a known field, so a typo still gets the syntax error below.
  if (text.find('$') == std::string_view::npos) {
    const auto s = shape_of(text);
    if (s.tokens > 0 && s.all_name_shaped && s.known == s.tokens) {
      std::vector<column> cols;
      detail::for_each_token(text, [&](std::string_view t) { cols.push_back(make_column(t)); });
      return layout(std::move(cols), layout_origin::format_string);
    }
  }
  std::vector<column> cols;
  std::size_t i = 0;
  const auto is_space = [](char c) { return c == ' ' || c == '\t'; };
  while (true) {
    while (i < text.size() && is_space(text[i])) ++i;
    if (i >= text.size()) break;
    if (text.compare(i, 2, "${") != 0) {
      return format_error{i + 1, "expected '${' to start a field, as in '${version} ${srcaddr}'"};
    }
    const std::size_t open = i;
    const std::size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      return format_error{open + 1, "'${' is never closed by '}'"};
    }
    const std::string_view name = text.substr(i + 2, close - i - 2);
    if (!name_shaped(name)) {
      return format_error{open + 3, "'" + std::string(name) + "' is not a field name"};
    }
    cols.push_back(make_column(name));
    i = close + 1;
    if (i < text.size() && !is_space(text[i])) {
      return format_error{i + 1, "fields must be separated by spaces"};
    }
  }
  if (cols.empty()) return format_error{1, "the format names no field"};
  return layout(std::move(cols), layout_origin::format_string);
}

}  // namespace flowsleuth
