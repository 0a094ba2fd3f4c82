#pragma once
// The correlator's accumulated state, shared by the merge step (correlator.cpp) and the resolution
// step (connection_builder.cpp).

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstddef>
#include <cstring>
#include <functional>
#include <map>
#include <tuple>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "flowsleuth/correlate.hpp"
#include "util/hash.hpp"
#include "util/prefetch.hpp"
#include "util/recycling_pool.hpp"
#include "util/small_vector.hpp"
#include "util/serial_worker.hpp"
#include "correlate/conn_table.hpp"

namespace flowsleuth {
namespace detail {

struct conn_key {
  ip_address a, b;
  std::uint16_t pa = 0, pb = 0;
  std::uint8_t protocol = 0;
  friend bool operator==(const conn_key&, const conn_key&) = default;
};

struct conn_key_hash {
  std::size_t operator()(const conn_key& k) const noexcept {
    const std::uint64_t h = mix_address(mix_address(k.protocol, k.a), k.b);
    return mix64(h ^ (std::uint64_t{k.pa} << 16 | k.pb));
  }
};

enum class reject_reason_t : std::uint8_t { absent, dash, bpa, other };

struct eni_state {
  std::string name;
  std::uint32_t subnet = 0;
  // The ENI's own addresses. Named by flow-direction when logged (egress: srcaddr, ingress: dstaddr);
  // else, per address family (dual-stack ENIs log both), the one address present in every record.
  std::vector<ip_address> declared;
  const configured_eni* config = nullptr;  // what configuration says of this ENI, when it does
  bool configured = false;  // declared comes from configuration: complete, nothing to learn
  // How long one capture window of this ENI may be. AWS aggregates over 60 s or 600 s: configuration
  // says which; without it, a record spanning more than 60 s shows the ENI's windows are the long ones.
  std::int64_t window = 60;
  bool window_configured = false;
  std::vector<ip_address> candidates[2];  // [IPv4, IPv6]
  bool candidates_started[2] = {false, false};
  std::int64_t first = INT64_MAX, last = INT64_MIN;
  bool saw_accept = false, saw_reject = false;
  bool tgw = false;  // a transit-gateway attachment (from TGW flow logs), not an ENI
  std::vector<std::pair<std::int64_t, std::int64_t>> skipdata;
};

// What resolving a batch reads of the ENIs, copied when the batch is cut: resolution may then run on
// its own thread while the merge goes on changing the ENIs (correlate_options::resolve_in_background).
// A few hundred ENIs, copied once per 5 minutes of data.
struct eni_snapshot {
  std::vector<eni_state> enis;  // by interned id (ids that name no ENI hold an empty state)
  std::vector<std::string> strings;  // interned ids → text (ENI and subnet ids)
};

// Evidence as the table keeps it: counters per ENI, way and action, plus the first few record
// references of each in one list per connection (a pooled slot keeps that list's capacity, so a steady
// stream of connections allocates nothing for them).
struct line_ref {
  // 36 bits of line number (68 billion lines a file) and 28 of file index (268 million files): 16 bytes a reference, since the
  // live table holds a few per connection.
  std::uint64_t packed = 0;
  std::uint32_t eni = 0;  // string id
  direction_t direction = direction_t::none;
  action_t action = action_t::none;
  std::uint8_t flags = 0;
  std::uint8_t flags_known : 1 = 0;
  std::uint8_t way : 1 = 0;       // of the view's evidence: 0 a→b, 1 b→a
  std::uint8_t rejected : 1 = 0;  // counted in the view's REJECT evidence (else ACCEPT)
  line_ref() = default;
  line_ref(std::uint64_t line, std::uint32_t file, std::uint32_t eni_id, direction_t d, action_t a, std::uint8_t f,
           bool known, int way_index = 0, int reject_index = 0) noexcept
      : packed((line & ((std::uint64_t{1} << 36) - 1)) | std::uint64_t{file} << 36),
        eni(eni_id),
        direction(d),
        action(a),
        flags(f),
        flags_known(known ? 1 : 0),
        way(way_index ? 1 : 0),
        rejected(reject_index ? 1 : 0) {}
  std::uint64_t line() const noexcept { return packed & ((std::uint64_t{1} << 36) - 1); }
  std::uint32_t file() const noexcept { return static_cast<std::uint32_t>(packed >> 36); }
  bool belongs_to(std::uint32_t eni_id, int way_index, int reject_index) const noexcept {
    return eni == eni_id && way == way_index && rejected == reject_index;
  }
};
static_assert(sizeof(line_ref) == 16);

struct evidence_acc {
  static constexpr std::size_t max_lines = 4;
  std::uint32_t records = 0;
  std::uint8_t flags = 0;
  bool flags_known = false;
  std::uint8_t line_count = 0;  // its lines in the connection's list (at most max_lines)
  std::uint64_t packets = 0, bytes = 0;
  std::int64_t first = 0, last = 0;
  bool any() const noexcept { return records > 0; }
};

struct view_state {
  /// Where the view's evidence per way and action sits among the connection's accumulators
  /// (conn_state::ev); `none` until a record of that way and action arrives. Most views fill two of
  /// their four (both ways ACCEPTed), so a slot holds accumulators, not four per view.
  static constexpr std::uint16_t none = 0xffff;
  std::uint16_t acc[2][2] = {{none, none}, {none, none}};  // [0: a→b, 1: b→a][0: accept, 1: reject]
  direction_t dir_of[2] = {direction_t::none, direction_t::none};  // flow-direction of each way, if logged
  reject_reason_t reason = reject_reason_t::absent;
  std::uint8_t tgw_lost[2] = {0, 0};  // transit gateway: causes of lost packets per way (bits, see observation)
  std::uint32_t eni = 0;
  // End of the latest accepted record with FIN or RST at this ENI. A SYN starting after it is a new
  // connection; one inside that window is the same short connection's other direction (3 and 19 share
  // a window). Per ENI, because another ENI logs the same packets in its own, unaligned windows.
  // INT64_MIN: none yet (record times are never negative). Not an optional: 8 bytes less per view.
  std::int64_t closed_at = INT64_MIN;
};
static_assert(sizeof(view_state) == 32);

// A live connection, in one pooled slot with its key: 392 bytes, seven cache lines once 64-aligned,
// where four accumulators per view took 552 (ten, unaligned); the merge fetches a slot per record.
struct conn_state {
  std::int64_t first = INT64_MAX, last = INT64_MIN;  ///< in the slot's first cache line, with the key
  small_vector<view_state, 2> views;  ///< inside the slot: most connections are seen by one or two ENIs
  small_vector<evidence_acc, 4> accs;  ///< the views' evidence, as view_state::acc places it
  small_vector<line_ref, 4> lines;     ///< every view's first few records per way and action

  /// View `v`'s evidence of one way and action (empty when it has none).
  const evidence_acc& ev(const view_state& v, int way, int act) const noexcept {
    static constexpr evidence_acc empty{};
    const std::uint16_t i = v.acc[way][act];
    return i == view_state::none ? empty : accs[i];
  }
  /// The same, made when absent, to add a record to.
  evidence_acc& ev_to_fill(view_state& v, int way, int act) {
    std::uint16_t& i = v.acc[way][act];
    if (i == view_state::none) {
      // At most 4 per view; a 5-tuple seen by 16 383 ENIs is not a real one, but must not corrupt.
      if (accs.size() >= view_state::none) throw std::length_error("a connection seen by more than 16383 ENIs");
      i = static_cast<std::uint16_t>(accs.size());
      accs.push_back(evidence_acc{});
    }
    return accs[i];
  }
  /// Empty again, for the slot's next connection.
  void reset() noexcept {
    views.clear();
    accs.clear();
    lines.clear();
    first = INT64_MAX;
    last = INT64_MIN;
  }
};

using conn_index = conn_table<conn_key, conn_state, conn_key_hash>;
using keyed_conn = conn_index::slot;

// A gateway's own leg (NAT gateway → server), summarised so a client's leg can be joined to it later:
// the gateway remaps the client's port, so the two legs share no 5-tuple.
struct gateway_leg_key {
  std::uint32_t eni = 0;
  ip_address peer;
  std::uint16_t port = 0;
  std::uint8_t protocol = 0;
  friend bool operator==(const gateway_leg_key&, const gateway_leg_key&) = default;
};

struct gateway_leg_hash {
  std::size_t operator()(const gateway_leg_key& k) const noexcept {
    return mix64(mix_address(std::uint64_t{k.eni} << 24 | std::uint64_t{k.port} << 8 | k.protocol, k.peer));
  }
};

struct gateway_leg {
  std::int64_t first = 0, last = 0;
  bool request_accepted = false, request_rejected = false, response_accepted = false, response_rejected = false;
  std::array<line_ref, 2> lines{};  // REJECT records first
  std::uint8_t line_count = 0;
};

// A network ACL entry names one address range (the source, inbound) and ports, never the destination
// ENI: two ENIs of one subnet get the same ACL answer for the same source, protocol and port. So when
// one of them ACCEPTs what the other REJECTs, a security group made the difference.
class sibling_index {
 public:
  /// Only a connection whose request the server REJECTed can use the fact (`subnet`: the server-side
  /// ENI's, interned; 0 when unknown).
  static bool applies(const connection& c, std::uint32_t subnet) noexcept {
    return c.server_ingress.rejected.any() && subnet != 0;
  }
  /// `eni` and `subnet` are the interned ids of the server-side ENI and its subnet.
  void note(const connection& c, std::uint32_t eni, std::uint32_t subnet);
  bool other_accepts(const connection& c, std::uint32_t eni, std::uint32_t subnet) const;

 private:
  struct key {
    ip_address client;
    std::uint8_t protocol = 0;
    std::int32_t port = -1;
    std::uint32_t subnet = 0;
    friend bool operator==(const key&, const key&) = default;
  };
  struct key_hash {
    std::size_t operator()(const key& k) const noexcept {
      return mix64(mix_address(std::uint64_t{k.subnet} << 24 | std::uint64_t(k.port) << 8 | k.protocol, k.client));
    }
  };
  static key key_of(const connection& c, std::uint32_t subnet) {
    return key{c.client.ip, c.protocol, c.server.port ? std::int32_t{*c.server.port} : -1, subnet};
  }
  // Up to two accepting ENIs per key: enough to find one that is not the asking ENI.
  std::unordered_map<key, std::array<std::uint32_t, 2>, key_hash> accepting_;
};

}  // namespace detail

struct correlator::state {
  correlate_options options;
  std::vector<std::string> strings{""};
  std::unordered_map<std::string, std::uint32_t, detail::fast_string_hash, std::equal_to<>> ids;
  /// By interned id (dense and few: ENI and subnet ids); ids that name no ENI hold an empty state.
  std::vector<detail::eni_state> enis;
  std::unordered_map<std::string, const configured_eni*> configured;  // by ENI id
  std::map<ip_address, const configured_eni*> configured_by_address;
  detail::conn_index conns;
  /// Merged block sinks, emptied, for the next blocks (at most a few dozen are ever in flight).
  detail::recycling_pool<block_sink> spare_sinks{64};
  /// Earlier connections of a 5-tuple that a new SYN or a long idle gap ended (detached slots).
  std::vector<detail::keyed_conn*> ended;

  // Resolving as the data goes (see correlator::resolve_as_you_go).
  std::function<void(connection&&)> emit;
  /// Which connections get names and evidence lines (correlator::fill_details_only_for); all when empty.
  std::function<bool(const connection&)> want_detail;
  std::function<void(const connection_brief&)> brief;  ///< for those want_detail declines, when set
  std::int64_t newest = INT64_MIN;      ///< latest record end merged so far
  /// Per input file: the earliest time any later input can hold (INT64_MIN: unknown, so nothing may be
  /// resolved while that file is read; INT64_MAX: no later input).
  std::vector<std::int64_t> later_inputs_from;
  std::int64_t last_sweep = INT64_MIN;  ///< `newest` at the last sweep
  std::int64_t resolved_below = INT64_MIN;  ///< connections that ended before this are resolved
  std::uint64_t late_records = 0;
  std::uint64_t without_interface = 0, without_endpoints = 0;  ///< see records_without_interface()
  std::uint8_t missing_fields = 0;  ///< see missing_endpoint_fields(): bits as observation::missing
  std::uint64_t resolved_early = 0;
  detail::sibling_index siblings;
  std::vector<connection> waiting;  ///< resolved, waiting for sibling_eni_accepts
  /// ENIs seen between two endpoints (their own address is neither end's), and their own legs.
  std::unordered_set<std::uint32_t> gateway_enis;
  std::unordered_map<detail::gateway_leg_key, std::vector<detail::gateway_leg>, detail::gateway_leg_hash> gateway_legs;

  /// A batch cut by a sweep (or at the end), with the ENIs as they were then, for the resolver thread.
  struct resolution_job {
    std::vector<detail::keyed_conn*> batch;
    detail::eni_snapshot snap;
    const std::function<void(connection&&)>* emit = nullptr;
  };
  /// Declared last, so it stops before the state its jobs use goes away.
  std::unique_ptr<detail::serial_worker<resolution_job>> resolver;

  std::uint32_t intern(const std::string& s) {
    if (s.empty()) return 0;
    auto it = ids.find(s);
    if (it != ids.end()) return it->second;
    strings.push_back(s);
    const auto id = static_cast<std::uint32_t>(strings.size() - 1);
    ids.emplace(s, id);
    return id;
  }
};


namespace detail {
inline bool contains(const std::vector<ip_address>& v, const ip_address& a) {
  return std::find(v.begin(), v.end(), a) != v.end();
}

inline point_state state_of(const packet_evidence& acc, const packet_evidence& rej) {
  if (acc.any() && rej.any()) return point_state::both;
  if (acc.any()) return point_state::accept;
  if (rej.any()) return point_state::reject;
  return point_state::none;
}

/// Calls `f` on each connection of a batch while the slots (views included) of those a few places ahead
/// are fetched: by the time a batch is resolved it is far bigger than the caches, and every pass over
/// it took a cache miss per slot and per views (nearly half of resolution's time). `bytes`: how much of
/// each slot the pass reads (head_bytes when only the key, times and inline views).
template <class F>
void for_each_fetched_ahead(const std::vector<keyed_conn*>& batch, F&& f, std::size_t bytes = sizeof(keyed_conn)) {
  // Passes that read only a slot's head do little with each: they need their fetches further ahead.
  const std::size_t ahead = bytes < sizeof(keyed_conn) ? 12 : 4;
  const std::size_t n = batch.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (i + ahead < n) prefetch_range(batch[i + ahead], bytes);
    f(*batch[i]);
  }
}
/// A slot's first two cache lines: its key, times and inline views — all that ordering a batch, noting
/// gateways and checking whether a connection is settled read (the evidence and lines come after).
/// (A small_vector's heap pointer, last in it, is read only once it has spilled.)
inline constexpr std::size_t head_bytes = 128;
static_assert(offsetof(keyed_conn, second) + offsetof(conn_state, accs) - sizeof(void*) <= head_bytes);

/// Notes the gateway ENIs among a connection's views (before index_gateway_legs sees its batch).
void note_gateway_enis(correlator::state& st, const keyed_conn& kc, const std::vector<std::vector<ip_address>>& own_of);
/// Indexes the gateways' own legs (NAT gateway → server) in a batch, for join_gateway_leg (gateway_legs.cpp);
/// `oldest`: the batch's earliest first time (older legs can no longer be joined and are dropped).
void index_gateway_legs(correlator::state& st, const std::vector<keyed_conn*>& batch,
                        const std::vector<std::vector<ip_address>>& own_of, std::int64_t oldest);
/// Joins a connection seen through a gateway ENI to the gateway's own leg to the same server, port and
/// time; fills `conn.via` and returns the intermediary_leg fact's value.
/// `detail` also names the gateway and lists its evidence lines in `conn.via`.
std::string_view join_gateway_leg(const correlator::state& st, const eni_snapshot& snap, const view_state& gateway,
                                  connection& conn, bool detail);

/// A connection of a batch to order: copies of what the order reads, and its slot.
struct order_entry {
  std::int64_t first;
  conn_key key;
  keyed_conn* slot;
};
/// By first time (untimed last), then key: the order a batch is resolved in (exposed for its test).
void sort_by_time_then_key(std::vector<order_entry>& order);

/// Resolves a batch of connections, in a deterministic order (first seen, then 5-tuple), and hands each
/// to `emit` — except those waiting for sibling_eni_accepts, which go to st.waiting.
/// Reads only what the merge never changes in `st` (configuration, options) and the resolver's own parts
/// (siblings, waiting, gateway legs); the ENIs come from `snap`.
void resolve_batch(correlator::state& st, eni_snapshot& snap, std::vector<keyed_conn*>& batch,
                   const std::function<void(connection&&)>& emit);
/// Settles sibling_eni_accepts for the waiting connections and emits them (at the very end).
void flush_waiting(correlator::state& st, const std::function<void(connection&&)>& emit);
/// The public form of kept evidence: counters only (summarize), or with its lines (those of `lines`
/// that belong to ENI `eni`, way and action) and their ENI names.
packet_evidence summarize(const evidence_acc& e);
packet_evidence expand(const evidence_acc& e, std::span<const line_ref> lines, std::uint32_t eni, int way, int rejected,
                       const eni_snapshot& snap);
}  // namespace detail

}  // namespace flowsleuth
