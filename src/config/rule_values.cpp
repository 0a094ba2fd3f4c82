#include "config/rule_values.hpp"

#include <fmt/format.h>

#include "flowsleuth/correlate.hpp"

namespace flowsleuth::detail {

std::optional<int> parse_rule_protocol(std::string_view text) noexcept {
  if (text == "-1" || text == "all") return any_protocol;
  if (auto p = parse_protocol(text)) return *p;
  return std::nullopt;
}

std::optional<port_span> make_port_span(std::int64_t from, std::int64_t to, std::string& error) {
  if (from < 0 || from > 65535 || to < 0 || to > 65535) {
    error = fmt::format("port range {}-{}: a port is 0-65535", from, to);
    return std::nullopt;
  }
  if (from > to) {
    error = fmt::format("port range {}-{} ends before it starts", from, to);
    return std::nullopt;
  }
  return port_span{static_cast<std::uint16_t>(from), static_cast<std::uint16_t>(to)};
}

std::optional<icmp_match> make_icmp_match(std::int64_t type, std::int64_t code, std::string& error) {
  if (type < -1 || type > 255 || code < -1 || code > 255) {
    error = fmt::format("ICMP type {} code {}: each is -1 (any) or 0-255", type, code);
    return std::nullopt;
  }
  if (type == -1 && code != -1) {
    // AWS refuses this too: a code only means something within a type.
    error = fmt::format("ICMP code {} without a type", code);
    return std::nullopt;
  }
  return icmp_match{static_cast<int>(type), static_cast<int>(code)};
}

std::optional<cidr> parse_cidr_of(std::string_view text, ip_family family, std::string& error) {
  auto block = cidr::parse(text);
  if (!block) {
    error = fmt::format("'{}' is not a CIDR block", text);
    return std::nullopt;
  }
  if (family == ip_family::v4 && !block->is_v4()) {
    error = fmt::format("'{}' is IPv6 where an IPv4 block is expected", text);
    return std::nullopt;
  }
  if (family == ip_family::v6 && block->is_v4()) {
    error = fmt::format("'{}' is IPv4 where an IPv6 block is expected", text);
    return std::nullopt;
  }
  return block;
}

}  // namespace flowsleuth::detail
