// explain/fix templates: the placeholder names rules may use and how they are filled.

#include <array>

#include "flowsleuth/rule.hpp"
#include "rules/template_scan.hpp"

namespace flowsleuth {
namespace {

constexpr std::array<placeholder_info, 14> placeholders{{
    {"protocol", "tcp, udp, icmp, icmpv6, or the IANA protocol number"},
    {"client.ip", "the client's address (the side that opened the connection)"},
    {"client.port", "the client's port"},
    {"client.eni", "the client's ENI, when it is in the logs"},
    {"client.subnet", "the client's subnet, when known"},
    {"server.ip", "the server's address"},
    {"server.port", "the server's (service) port"},
    {"service", "protocol and server port as a rule would name them: tcp port 5432, udp port 53; icmp and other protocols without ports"},
    {"server.eni", "the server's ENI, when it is in the logs"},
    {"server.subnet", "the server's subnet, when known"},
    {"blocking.eni", "the ENI whose security group enforces the block (the `at` side)"},
    {"blocking.subnet", "the subnet whose network ACL enforces the block (the `at` side, or the gateway's)"},
    {"first_reject", "time of the first REJECT record (RFC 3339, UTC)"},
    {"time_range", "first and last time of the connection's records"},
}};

constexpr std::string_view fact_prefix = "fact.";

}  // namespace

std::span<const placeholder_info> template_placeholders() noexcept { return placeholders; }

bool is_known_placeholder(std::string_view name) noexcept {
  if (name.starts_with(fact_prefix)) return find_fact(name.substr(fact_prefix.size())).has_value();
  for (const auto& p : placeholders) {
    if (p.name == name) return true;
  }
  return false;
}

std::string expand_template(std::string_view text, const fact_set& facts,
                            const std::function<std::optional<std::string>(std::string_view)>& lookup) {
  std::string out;
  out.reserve(text.size() + 32);
  for (const auto& piece : detail::scan_template(text)) {
    switch (piece.type) {
      case detail::template_piece::kind::placeholder: {
        std::optional<std::string> value;
        if (piece.text.starts_with(fact_prefix)) {
          value = facts.text(piece.text.substr(fact_prefix.size()));
        } else if (lookup) {
          value = lookup(piece.text);
        }
        out += value ? *value : "unknown";
        break;
      }
      // Validated rules have no malformed braces; keep them verbatim for unvalidated text.
      case detail::template_piece::kind::literal:
      case detail::template_piece::kind::unclosed_brace:
      case detail::template_piece::kind::stray_brace:
        out += piece.text;
        break;
    }
  }
  return out;
}

namespace detail {

std::vector<template_piece> scan_template(std::string_view text) {
  std::vector<template_piece> pieces;
  std::size_t literal_start = 0;
  auto flush = [&](std::size_t end) {
    if (end > literal_start) {
      pieces.push_back({template_piece::kind::literal, text.substr(literal_start, end - literal_start), literal_start});
    }
  };
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
      // An escaped brace: emit the text so far including one brace, skip the second.
      flush(i + 1);
      i += 2;
      literal_start = i;
      continue;
    }
    if (c == '}') {
      flush(i);
      pieces.push_back({template_piece::kind::stray_brace, text.substr(i, 1), i});
      literal_start = ++i;
      continue;
    }
    if (c != '{') {
      ++i;
      continue;
    }
    flush(i);
    // A placeholder ends at the first '}'; a '{' or line break before it means this one is unclosed.
    const auto close = text.find_first_of("{}\n", i + 1);
    if (close == std::string_view::npos || text[close] != '}') {
      pieces.push_back({template_piece::kind::unclosed_brace, text.substr(i, 1), i});
      literal_start = ++i;
      continue;
    }
    pieces.push_back({template_piece::kind::placeholder, text.substr(i + 1, close - i - 1), i});
    i = close + 1;
    literal_start = i;
  }
  flush(text.size());
  return pieces;
}

}  // namespace detail
}  // namespace flowsleuth
