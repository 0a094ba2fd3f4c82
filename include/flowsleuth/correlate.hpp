#pragma once
/// The flow correlator: pairs the records of each connection across directions and ENIs, decides
/// which end is the client, and lays the evidence out on the four observation points of a
/// connection (client egress, server ingress, server egress, client ingress).
///
/// It is a record_consumer: blocks are reduced to compact observations in parallel, and merged into
/// one connection table in input order, so results do not depend on the thread count.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "flowsleuth/facts.hpp"
#include "flowsleuth/ingest.hpp"
#include "flowsleuth/inputs.hpp"
#include "flowsleuth/ip_address.hpp"

namespace flowsleuth {

struct evidence_line {
  std::uint32_t file = 0;  ///< index into ingest_report::files
  std::uint64_t line = 0;
  std::string eni;
  direction_t direction = direction_t::none;  ///< relative to the ENI, when known
  action_t action = action_t::none;
  std::optional<std::uint8_t> tcp_flags;
};

/// Packets travelling one way past one ENI, with one action.
struct packet_evidence {
  std::uint32_t records = 0;
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
  std::uint8_t flags = 0;      ///< OR of tcp-flags
  bool flags_known = false;    ///< at least one record carried tcp-flags
  std::int64_t first = 0;      ///< earliest start
  std::int64_t last = 0;       ///< latest end
  std::vector<evidence_line> lines;  ///< the first few records, for the report
  bool any() const noexcept { return records > 0; }
};

// unknown: an ENI that logged the connection may be this point, but nothing says it is (connection::unplaced).
enum class point_state : std::uint8_t { accept, reject, both, none, unlogged, external, unknown };
std::string_view to_string(point_state s) noexcept;

/// One observation point of a connection.
struct observation_point {
  point_state state = point_state::none;
  std::string eni;     ///< the ENI that saw it (empty when not seen)
  std::string subnet;  ///< that ENI's subnet-id, when logged
  packet_evidence accepted, rejected;
};

struct endpoint {
  ip_address ip;
  std::optional<std::uint16_t> port;  ///< nullopt for ICMP
  std::string eni;     ///< the ENI whose address this is, when it is logged
  std::string subnet;
  std::string name;    ///< with configuration: the instance's Name tag (else the ENI's), e.g. "web-2"
};

/// An ENI that logged a connection but that nothing places on the client's or the server's side: its
/// own addresses are unknown (not configured, and its records name no address in every one of them
/// but these two ends) and it is not the only ENI that names both ends. Its evidence is kept with the
/// connection rather than dropped, and the `unplaced_enis` fact counts such ENIs.
struct unplaced_view {
  observation_point request;   ///< client → server packets as this ENI logged them (eni and subnet set)
  observation_point response;  ///< server → client packets
};

/// One connection, resolved.
struct connection {
  std::uint8_t protocol = 0;
  endpoint client, server;
  std::vector<std::string> decided_by;  ///< evidence that decided client and server, strongest first
  observation_point client_egress, server_ingress, server_egress, client_ingress;
  /// A gateway between the endpoints (NAT gateway): its ENI, and the evidence of its own leg to the
  /// server, joined by ENI, server address, port and time (inferred: the gateway remaps the source port).
  observation_point via;
  std::vector<unplaced_view> unplaced;
  std::int64_t first = 0, last = 0;
  std::optional<std::int64_t> first_reject;
  fact_set facts;
};

/// Calls f(point) for every point of `c` that can hold evidence, in report order: the four
/// observation points, the gateway's leg, then each unplaced ENI's request and response.
template <class F>
void for_each_evidence_point(const connection& c, F&& f) {
  for (const auto* p : {&c.client_egress, &c.server_ingress, &c.server_egress, &c.client_ingress, &c.via}) f(*p);
  for (const auto& u : c.unplaced) {
    f(u.request);
    f(u.response);
  }
}

/// An ENI as configuration describes it: its addresses replace the ones learned from records.
struct configured_eni {
  std::string id;
  std::vector<ip_address> addresses;  ///< every private IPv4 and IPv6 address
  std::string subnet;                 ///< empty when unknown
  std::string interface_type;         ///< "interface", "nat_gateway", "transit_gateway", …
  /// Service ports its security groups admit inbound (tcp/udp rules naming ports, not all of them):
  /// the ENI listens there, which tells client from server when tcp-flags do not.
  struct listening_port {
    std::uint8_t protocol = 6;
    std::uint16_t from = 0, to = 0;
  };
  std::vector<listening_port> listening;
  /// From describe-flow-logs (nullopt when it was not given): whether a flow log covers the ENI (its own,
  /// its subnet's or its VPC's), and whether one of those captures ALL traffic.
  std::optional<bool> flow_logged, captures_all;
  /// The longest MaxAggregationInterval of those flow logs (seconds; 0 when unknown): how long a capture
  /// window of this ENI can be.
  int aggregation_interval = 0;
};

/// What a consumer that keeps no detail of a connection (fill_details_only_for) still counts of it.
struct connection_brief {
  std::uint8_t protocol = 0;
  ip_address client, server;
  std::optional<std::uint16_t> client_port, server_port;  ///< nullopt for ICMP
  std::int64_t first = 0, last = 0;
  std::optional<std::int64_t> first_reject;
};

struct correlate_options {
  /// --traffic-type ALL: the flow logs are known to capture both ACCEPT and REJECT.
  bool traffic_type_all = false;
  /// From --config: ENIs whose own addresses and subnet are known rather than learned.
  std::vector<configured_eni> enis;
  /// With resolve_as_you_go: resolve connections (and run `emit`) on a thread of their own, beside the
  /// merge. The same connections come out in the same order; `emit` is then called from that thread.
  bool resolve_in_background = false;
};

class correlator final : public record_consumer {
 public:
  explicit correlator(correlate_options options = {});
  ~correlator() override;
  std::unique_ptr<block_sink> make_sink(bool retractable) override;
  void merge(std::unique_ptr<block_sink> sink) override;

  /// Resolve connections while ingesting, so memory follows live connections rather than the input:
  /// a connection is handed to `emit` once the input has moved 20 minutes of data time past it, every
  /// ENI that saw it has logged later, and no input still to be read can start before that (known
  /// from S3 key times; an unread input without one holds resolution back until it is read).
  /// Records older than what was already resolved (contents out of time order despite their names)
  /// are counted in late_records(). Call before ingest() with the inputs it will read, in order.
  void resolve_as_you_go(std::function<void(connection&&)> emit, const input_list& inputs);
  /// Names (ENI, subnet, decided_by) and evidence lines cost allocations, and on real logs millions of
  /// healthy connections are only counted: connections `wanted` declines are emitted with their
  /// addresses, ports, times, counters, point states and facts only. `wanted` sees that form.
  /// With `brief`, those connections go to it as briefs instead of to `emit`: a whole connection is
  /// 1.6 kB to build, move to another thread and free, which was a fifth of `diagnose`'s time. Either
  /// way every connection goes to exactly one of the two, in resolution order.
  void fill_details_only_for(std::function<bool(const connection&)> wanted,
                             std::function<void(const connection_brief&)> brief = {});
  /// Resolves every remaining connection once ingestion is over, in a deterministic order, handing
  /// each to `emit` as it is resolved (so a caller need not hold them all).
  void finish(const std::function<void(connection&&)>& emit);
  /// The same, collected (for small inputs and tests).
  std::vector<connection> finish();

  /// Records that arrived after connections of their time had been resolved (input out of time order).
  std::uint64_t late_records() const noexcept;
  /// Connections resolved during ingestion.
  std::uint64_t resolved_early() const noexcept;
  /// Flow records (log-status OK or none) read but part of no connection, so that a report can say
  /// so: those naming no interface (nor a transit-gateway attachment), and those without srcaddr,
  /// dstaddr or protocol (a custom format that leaves them out).
  std::uint64_t records_without_interface() const noexcept;
  std::uint64_t records_without_endpoints() const noexcept;
  /// Which of srcaddr, dstaddr and protocol those records lacked (each named once).
  std::vector<std::string_view> missing_endpoint_fields() const;

  struct state;

 private:
  std::unique_ptr<state> state_;
};

/// private | public | not-captured (addresses AWS never logs: instance metadata, Time Sync, …).
std::string_view address_class(const ip_address& ip) noexcept;
/// "tcp", "udp", "icmp", "icmpv6", else the IANA number.
std::string protocol_name(std::uint8_t protocol);
/// The inverse: a name above or a decimal number 0-255; nullopt for anything else.
std::optional<std::uint8_t> parse_protocol(std::string_view text) noexcept;

}  // namespace flowsleuth
