// Any bytes as a --log-format string and as a header line; a layout that parses must read a line
// made of its own field names without crashing.
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "flowsleuth/line_parser.hpp"

using namespace flowsleuth;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = parse_format_string(text);
  if (auto* l = std::get_if<layout>(&parsed)) {
    line_parser p(*l);
    flow_record r;
    line_error e;
    (void)p.parse(l->header_text(), r, e);
  } else {
    const auto& err = std::get<format_error>(parsed);
    if (err.column == 0 || err.column > size + 1) __builtin_trap();
  }
  if (looks_like_header(text)) {
    const layout h = layout_from_header(text);
    if (h.size() == 0) __builtin_trap();
  }
  (void)looks_like_unknown_header(text);
  return 0;
}
