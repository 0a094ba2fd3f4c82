// Diagnostics as text (compiler style: location, severity[code], message, source line, caret) and as
// JSON for `flowsleuth rules validate --output json` and CI.

#include <fmt/format.h>

#include <algorithm>

#include "flowsleuth/rule.hpp"
#include "output/json_writer.hpp"
#include "rules/rule_messages.hpp"
#include "rules/text_util.hpp"

namespace flowsleuth {

std::span<const diag_code_info> diagnostic_codes() noexcept { return detail::diag_messages; }

const diag_code_info& info(diag_code code) noexcept { return detail::diag_messages[static_cast<std::size_t>(code)]; }

std::string_view to_string(severity s) noexcept { return s == severity::error ? "error" : "warning"; }

std::size_t count_diagnostics(std::span<const diagnostic> list, severity level) noexcept {
  return static_cast<std::size_t>(
      std::count_if(list.begin(), list.end(), [&](const diagnostic& d) { return d.level == level; }));
}

namespace {

struct palette {
  std::string_view bold, error, warning, caret, reset;
};
constexpr palette plain{"", "", "", "", ""};
constexpr palette ansi{"\x1b[1m", "\x1b[1;31m", "\x1b[1;35m", "\x1b[1;32m", "\x1b[0m"};

// Spaces up to the column, keeping tabs so the caret lines up under tab-indented text.
std::string caret_padding(std::string_view line, std::uint32_t column) {
  std::string pad;
  const auto end = detail::byte_offset(line, column);
  for (std::size_t i = 0; i < end; ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    if ((c & 0xC0) == 0x80) continue;
    pad += line[i] == '\t' ? '\t' : ' ';
  }
  const auto chars = detail::utf8_length(line);
  if (column > chars + 1) pad.append(column - chars - 1, ' ');
  return pad;
}

}  // namespace

std::string render_diagnostic_text(const diagnostic& d, bool color) {
  const auto& p = color ? ansi : plain;
  std::string location = d.file;
  if (d.line) location += fmt::format(":{}:{}", d.line, d.column);
  std::string out = fmt::format("{}{}:{} {}{}[{}]:{} {}\n", p.bold, location, p.reset,
                                d.level == severity::error ? p.error : p.warning, to_string(d.level), to_string(d.code),
                                p.reset, d.message);
  if (d.line && !d.source_line.empty()) {
    const auto number = std::to_string(d.line);
    out += fmt::format(" {} | {}\n", number, d.source_line);
    out += fmt::format(" {} | {}{}^{}\n", std::string(number.size(), ' '), caret_padding(d.source_line, d.column),
                       p.caret, p.reset);
  }
  return out;
}

std::string render_diagnostics_text(std::span<const diagnostic> list, bool color) {
  std::string out;
  for (const auto& d : list) out += render_diagnostic_text(d, color);
  if (!list.empty()) {
    const auto errors = count_diagnostics(list, severity::error);
    const auto warnings = count_diagnostics(list, severity::warning);
    out +=
        fmt::format("{} error{}, {} warning{}\n", errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
  }
  return out;
}

std::string render_diagnostics_json(std::span<const diagnostic> list) {
  std::string out;
  detail::json_writer w(out);
  w.begin_object();
  w.key("schema").value("flowsleuth/rule-diagnostics/v1");
  w.key("errors").value(static_cast<std::uint64_t>(count_diagnostics(list, severity::error)));
  w.key("warnings").value(static_cast<std::uint64_t>(count_diagnostics(list, severity::warning)));
  w.key("diagnostics").begin_array();
  for (const auto& d : list) {
    w.begin_object();
    w.key("file").value(d.file);
    w.key("line");
    if (d.line) {
      w.value(static_cast<std::uint64_t>(d.line));
    } else {
      w.null();
    }
    w.key("column");
    if (d.line) {
      w.value(static_cast<std::uint64_t>(d.column));
    } else {
      w.null();
    }
    w.key("severity").value(to_string(d.level));
    w.key("code").value(to_string(d.code));
    w.key("title").value(info(d.code).title);
    w.key("message").value(d.message);
    w.key("rule");
    if (d.rule_id.empty()) {
      w.null();
    } else {
      w.value(d.rule_id);
    }
    w.end_object();
  }
  w.end_array();
  w.end_object();
  out += '\n';
  return out;
}

}  // namespace flowsleuth
