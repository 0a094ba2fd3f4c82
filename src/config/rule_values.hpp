#pragma once
// Values security-group rules and network-ACL entries share, checked the same way whether they come
// from describe-* JSON or the YAML topology: protocol, port range, ICMP type/code, CIDR family.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "flowsleuth/cidr.hpp"
#include "flowsleuth/topology.hpp"

namespace flowsleuth::detail {

/// "-1" or "all" (every protocol), tcp, udp, icmp, icmpv6, or a number 0-255.
std::optional<int> parse_rule_protocol(std::string_view text) noexcept;

/// Only these protocols carry ports; AWS ignores port fields on the others.
inline bool protocol_has_ports(int protocol) noexcept { return protocol == 6 || protocol == 17; }
inline bool protocol_is_icmp(int protocol) noexcept { return protocol == 1 || protocol == 58; }

/// from..to, both 0-65535 and from <= to; else `error` says why.
std::optional<port_span> make_port_span(std::int64_t from, std::int64_t to, std::string& error);

/// ICMP type and code, each -1 (any) or 0-255; a code needs a type. Else `error` says why.
std::optional<icmp_match> make_icmp_match(std::int64_t type, std::int64_t code, std::string& error);

enum class ip_family { v4, v6, either };

/// A CIDR (or bare address) of the wanted family; else `error` says why.
std::optional<cidr> parse_cidr_of(std::string_view text, ip_family family, std::string& error);

}  // namespace flowsleuth::detail
