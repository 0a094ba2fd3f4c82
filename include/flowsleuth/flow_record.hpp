#pragma once
/// One flow-log record, typed. Produced by the line parser; the text views point into the input
/// buffer and are valid only during the callback that receives the record (copy or intern what
/// you keep — see flowsleuth::interner).

#include <array>
#include <bitset>
#include <cstdint>
#include <span>
#include <string_view>

#include "flowsleuth/field.hpp"
#include "flowsleuth/ip_address.hpp"

namespace flowsleuth {
class layout;
}

namespace flowsleuth {

enum class action_t : std::uint8_t { none, accept, reject };
enum class log_status_t : std::uint8_t { none, ok, nodata, skipdata };
enum class direction_t : std::uint8_t { none, ingress, egress };

std::string_view to_string(action_t a) noexcept;      ///< "ACCEPT", "REJECT" or "-"
std::string_view to_string(log_status_t s) noexcept;  ///< "OK", "NODATA", "SKIPDATA" or "-"
std::string_view to_string(direction_t d) noexcept;   ///< "ingress", "egress" or "-"

struct flow_record {
  /// Fields the layout has and the record does not leave as '-'.
  std::bitset<field_count> present;

  std::uint8_t version = 0;
  std::uint8_t protocol = 0;
  std::uint8_t tcp_flags = 0;
  std::uint8_t traffic_path = 0;
  std::uint8_t encryption_status = 0;
  std::uint16_t srcport = 0;
  std::uint16_t dstport = 0;
  action_t action = action_t::none;
  log_status_t log_status = log_status_t::none;
  direction_t flow_direction = direction_t::none;
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
  std::int64_t start = 0;
  std::int64_t end = 0;
  std::array<std::uint64_t, 4> packets_lost{};  ///< no-route, blackhole, mtu-exceeded, ttl-expired
  ip_address srcaddr, dstaddr, pkt_srcaddr, pkt_dstaddr;

  /// The raw token of every known field in the layout (typed ones too), indexed by field_id.
  std::array<std::string_view, field_count> text{};
  /// Tokens of the layout's unknown columns, in layout order (names in layout::extra_names()).
  std::span<const std::string_view> extras;
  /// The layout the line was read with (column order, extra names).
  const layout* source_layout = nullptr;

  bool has(field_id f) const noexcept { return present.test(static_cast<std::size_t>(f)); }
  std::string_view str(field_id f) const noexcept {
    return has(f) ? text[static_cast<std::size_t>(f)] : std::string_view{};
  }
};

}  // namespace flowsleuth
