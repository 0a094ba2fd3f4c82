// The fact vocabulary. This table is the single source of truth: the validator checks rule
// conditions against it, fact_set checks values against it, and docs/rules.md mirrors it.

#include <algorithm>
#include <array>

#include "flowsleuth/facts.hpp"

namespace flowsleuth {
namespace {

using k = fact_kind;
using f = fact_id;

// Value lists. Booleans list false first so that the slot value of `true` is 1.
constexpr std::array<std::string_view, 2> boolean_values{"false", "true"};
constexpr std::array<std::string_view, 5> protocol_values{"tcp", "udp", "icmp", "icmpv6", "other"};
constexpr std::array<std::string_view, 7> observation_values{"accept", "reject",   "both",   "none",
                                                             "unlogged", "external", "unknown"};
constexpr std::array<std::string_view, 3> tristate_values{"true", "false", "unknown"};
constexpr std::array<std::string_view, 3> address_values{"private", "public", "not-captured"};
constexpr std::array<std::string_view, 3> reject_reason_values{"bpa", "other", "absent"};
constexpr std::array<std::string_view, 3> data_edge_values{"none", "end", "start"};
constexpr std::array<std::string_view, 3> intermediary_values{"none", "nat-gateway", "transit-gateway"};
constexpr std::array<std::string_view, 6> tgw_loss_values{"none",      "forwarded",    "no-route",
                                                          "blackhole", "mtu-exceeded", "ttl-expired"};
constexpr std::array<std::string_view, 3> tgw_loss_leg_values{"none", "request", "response"};
constexpr std::array<std::string_view, 3> server_flow_log_values{"none", "exists", "unknown"};
constexpr std::array<std::string_view, 4> response_size_shape_values{"unknown", "rst-like", "data", "small"};
constexpr std::array<std::string_view, 5> intermediary_leg_values{"none", "unknown", "ok", "request-rejected",
                                                                  "response-rejected"};
constexpr std::array<std::string_view, 5> direction_source_values{"flow-direction", "eni-address", "config", "ports", "unknown"};
constexpr std::span<const std::string_view> no_values{};

constexpr std::array<fact_info, fact_count> catalogue{{
    {f::protocol, "protocol", k::enumeration, protocol_values,
     "IP protocol of the connection (other = any protocol number but TCP, UDP, ICMP, ICMPv6)"},
    {f::client_egress, "client_egress", k::enumeration, observation_values, "request packets leaving the client's ENI"},
    {f::server_ingress, "server_ingress", k::enumeration, observation_values,
     "request packets reaching the server's ENI"},
    {f::server_egress, "server_egress", k::enumeration, observation_values,
     "response packets leaving the server's ENI"},
    {f::client_ingress, "client_ingress", k::enumeration, observation_values,
     "response packets reaching the client's ENI"},
    {f::request_flags_seen, "request_flags_seen", k::boolean, boolean_values,
     "the tcp-flags column is present in the records of request packets"},
    {f::response_flags_seen, "response_flags_seen", k::boolean, boolean_values,
     "the tcp-flags column is present in the records of response packets"},
    {f::syn, "syn", k::boolean, boolean_values, "a SYN without ACK was seen from the client"},
    {f::syn_ack, "syn_ack", k::boolean, boolean_values, "a SYN-ACK was seen from the server"},
    {f::rst_from_server, "rst_from_server", k::boolean, boolean_values, "the server sent a RST"},
    {f::fin, "fin", k::boolean, boolean_values, "a FIN was seen in either direction"},
    {f::response_accepted_before_reject, "response_accepted_before_reject", k::boolean, boolean_values,
     "some response packets were ACCEPTed before the first response REJECT"},
    {f::rejects_only_after_close, "rejects_only_after_close", k::boolean, boolean_values,
     "every REJECT starts after a FIN/RST or after the connection's last accepted packets (late packets; "
     "the latter only where no close can show — without tcp-flags, or not TCP — and for at most 4 packets, "
     "TCP ones bare headers)"},
    {f::same_subnet, "same_subnet", k::enumeration, tristate_values,
     "client and server ENIs are in the same subnet (NACLs then do not apply between them)"},
    {f::client_address, "client_address", k::enumeration, address_values,
     "class of the client's address (not-captured = an address AWS never logs: IMDS, Amazon DNS, Time Sync, …; "
     "an IPv6 address in the /56 of a logged ENI's own is private: inside the VPC)"},
    {f::server_address, "server_address", k::enumeration, address_values,
     "class of the server's address (not-captured = an address AWS never logs: IMDS, Amazon DNS, Time Sync, …)"},
    {f::reject_reason, "reject_reason", k::enumeration, reject_reason_values,
     "reject-reason of the REJECT records (other = '-' in a REJECT; absent = the column is not in the format)"},
    {f::coverage_gap, "coverage_gap", k::boolean, boolean_values,
     "a SKIPDATA window overlaps the connection on an involved ENI"},
    {f::data_edge, "data_edge", k::enumeration, data_edge_values,
     "the records sit in the first (start) or last (end) capture window of the ENI's data"},
    {f::traffic_type_all, "traffic_type_all", k::enumeration, tristate_values,
     "the flow logs are known to capture both ACCEPT and REJECT traffic"},
    {f::sibling_eni_accepts, "sibling_eni_accepts", k::boolean, boolean_values,
     "another ENI of the same subnet ACCEPTs the same source, protocol and port"},
    {f::intermediary, "intermediary", k::enumeration, intermediary_values,
     "a gateway between the endpoints, seen through pkt-srcaddr/pkt-dstaddr or its ENI"},
    {f::response_reject_packets, "response_reject_packets", k::count, no_values,
     "packets in REJECT records of the response leg"},
    {f::request_reject_packets, "request_reject_packets", k::count, no_values,
     "packets in REJECT records of the request leg"},
    {f::direction_source, "direction_source", k::enumeration, direction_source_values,
     "what decided the direction of the records: the flow-direction field, the ENI's own address, or ports"},
    {f::intermediary_leg, "intermediary_leg", k::enumeration, intermediary_leg_values,
     "the gateway's own leg to the same server and port at the same time (a NAT gateway remaps the source port, "
     "so the join is inferred): none (no intermediary), unknown (no such leg, or its legs disagree), ok, "
     "request-rejected or response-rejected at the gateway's ENI"},
    {f::response_size_shape, "response_size_shape", k::enumeration, response_size_shape_values,
     "TCP without tcp-flags: what packet sizes say about the response. rst-like: only SYN-sized requests "
     "(52-64 bytes a packet over IPv4, 72-84 over IPv6, at most 8) answered by at most as many 40-byte "
     "(IPv6: 60-byte) packets — a RST each, or bare ACKs; data: the response carried payload; small: neither; "
     "unknown: tcp-flags are logged, or no response"},
    {f::server_flow_log, "server_flow_log", k::enumeration, server_flow_log_values,
     "with --config including describe-flow-logs: whether a flow log covers the server's ENI (its own, its "
     "subnet's or its VPC's): none, exists; unknown without that configuration or when the ENI is not described"},
    {f::tgw_loss, "tgw_loss", k::enumeration, tgw_loss_values,
     "transit-gateway flow logs (version 6) of the connection's packets: none (no such records), forwarded "
     "(nothing lost), or why the gateway dropped packets (packets-lost-no-route, -blackhole, -mtu-exceeded, "
     "-ttl-expired; the request's way first)"},
    {f::unplaced_enis, "unplaced_enis", k::count, no_values,
     "ENIs that logged the connection but that nothing places on the client's or the server's side: their "
     "own addresses are unknown and another ENI names both ends too (their records are still evidence)"},
    {f::tgw_loss_leg, "tgw_loss_leg", k::enumeration, tgw_loss_leg_values,
     "which way's packets tgw_loss speaks of: request (client to server), response, or none when the "
     "transit gateway lost nothing (or logged nothing of the connection)"},
}};

constexpr bool catalogue_is_indexed_by_id() {
  for (std::size_t i = 0; i < catalogue.size(); ++i) {
    if (static_cast<std::size_t>(catalogue[i].id) != i) return false;
  }
  return true;
}
static_assert(catalogue_is_indexed_by_id(), "catalogue order must follow fact_id");

// Booleans store the index of their word; fact_set::set(id, bool) relies on false = 0, true = 1.
static_assert(boolean_values[0] == "false" && boolean_values[1] == "true");

}  // namespace

std::string_view to_string(fact_kind kind) noexcept {
  switch (kind) {
    case fact_kind::boolean:
      return "boolean";
    case fact_kind::enumeration:
      return "enumeration";
    case fact_kind::count:
      return "count";
  }
  return "?";
}

std::span<const fact_info> fact_catalog() noexcept { return catalogue; }

const fact_info& info(fact_id id) noexcept { return catalogue[static_cast<std::size_t>(id)]; }

std::optional<fact_id> find_fact(std::string_view name) noexcept {
  const auto it = std::find_if(catalogue.begin(), catalogue.end(), [&](const fact_info& e) { return e.name == name; });
  if (it == catalogue.end()) return std::nullopt;
  return it->id;
}

std::optional<std::size_t> value_index(fact_id id, std::string_view value) noexcept {
  // Called for every fact of every connection: the size and first letter rule out nearly every
  // other value before a compare of the whole word.
  const auto values = info(id).values;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const std::string_view v = values[i];
    if (v.size() == value.size() && (v.empty() || (v[0] == value[0] && v == value))) return i;
  }
  return std::nullopt;
}

}  // namespace flowsleuth
