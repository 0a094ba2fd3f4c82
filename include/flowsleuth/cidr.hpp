#pragma once
/// An IPv4 or IPv6 prefix (`10.0.0.0/16`, `2600:1f14::/56`, or a bare address as a /32 or /128).

#include <optional>
#include <string>
#include <string_view>

#include "flowsleuth/ip_address.hpp"

namespace flowsleuth {

struct cidr {
  ip_address network;  ///< as written; host bits are ignored by contains()
  int prefix = 0;

  /// `ADDRESS` or `ADDRESS/BITS`; nullopt on anything else (bits beyond the family's width included).
  static std::optional<cidr> parse(std::string_view text);
  bool contains(const ip_address& ip) const noexcept;
  /// True when every address of `inner` is inside this prefix.
  bool covers(const cidr& inner) const noexcept;
  bool is_v4() const noexcept { return network.is_v4(); }
  /// A single address (/32 or /128).
  bool is_host() const noexcept { return prefix == (network.is_v4() ? 32 : 128); }
  std::string to_string() const;

  friend bool operator==(const cidr&, const cidr&) = default;
};

}  // namespace flowsleuth
