// Correlation in two steps. Per block (in parallel): each record becomes a compact observation
// keyed by its connection's canonical 5-tuple, strings interned per block. At merge (serial, input
// order): observations fold into one table of connections with per-ENI evidence, and per-ENI facts
// (own address, subnet, activity window, SKIPDATA windows, actions seen) accumulate. finish() then
// decides client and server, lays evidence on the four observation points and computes facts.

#include <algorithm>
#include <fmt/format.h>
#include <unordered_map>

#include "flowsleuth/correlate.hpp"
#include "correlate/correlation_state.hpp"
#include "util/hash.hpp"
#include "util/short_string_cache.hpp"

namespace flowsleuth {

std::string_view to_string(point_state s) noexcept {
  switch (s) {
    case point_state::accept: return "accept";
    case point_state::reject: return "reject";
    case point_state::both: return "both";
    case point_state::none: return "none";
    case point_state::unlogged: return "unlogged";
    case point_state::external: return "external";
    case point_state::unknown: return "unknown";
  }
  return "none";
}

namespace {

using namespace detail;


// One record, reduced to what correlation needs (a block's worth waits for the merge, several blocks
// at once: 112 bytes, not 160). Strings are ids into the block's own table; the file is the block's.
struct observation {
  conn_key key;
  std::uint64_t hash = 0;  // of key, computed on the parsing thread (the merge prefetches with it)
  std::int64_t start = 0, end = 0;
  std::uint64_t packets = 0, bytes = 0;
  std::uint64_t line = 0;
  std::uint32_t eni = 0, subnet = 0;  // 0 = none
  /// srcaddr/dstaddr when pkt-* addresses keyed the connection instead: 1 + index into the block's
  /// raw_addresses; 0 when srcaddr/dstaddr are the key's own ends.
  std::uint32_t raw = 0;
  std::uint8_t flags = 0;
  action_t action = action_t::none;
  direction_t direction = direction_t::none;
  log_status_t status = log_status_t::ok;
  reject_reason_t reason = reject_reason_t::absent;
  std::uint8_t tgw_lost_kinds = 0;  // bits: no-route, blackhole, mtu-exceeded, ttl-expired
  bool from_a : 1 = true;           // packets travel a → b
  bool flags_known : 1 = false;
  bool has_time : 1 = false;
  bool tgw : 1 = false;  // a transit-gateway flow log record: the "ENI" is the attachment
  // A flow record without (bits) 1 srcaddr, 2 dstaddr, 4 protocol: in no connection.
  std::uint8_t missing = 0;
};
static_assert(sizeof(observation) <= 112);

struct block_strings {
  std::vector<std::string> list{""};
  std::unordered_map<std::string, std::uint32_t, detail::fast_string_hash, std::equal_to<>> ids;
  detail::short_string_cache<std::uint32_t> cache;  // in front of ids: an ENI id on every record
  std::uint32_t intern(std::string_view s) {
    if (s.empty()) return 0;
    const std::uint64_t k = detail::short_string_cache<std::uint32_t>::key_of(s);
    if (const std::uint32_t* id = cache.find(s, k)) return *id;
    auto it = ids.find(s);
    if (it == ids.end()) {
      list.emplace_back(s);
      it = ids.emplace(std::string(s), static_cast<std::uint32_t>(list.size() - 1)).first;
    }
    cache.put(k, it->first, it->second);  // views the map's node: stable across rehash
    return it->second;
  }
  void clear() noexcept {
    list.resize(1);
    ids.clear();
    cache.clear();
  }
};

class correlate_sink final : public block_sink {
 public:
  void expect(std::size_t records) override { observations.reserve(records); }
  /// Empty again for the next block, every container keeping its capacity.
  void clear() noexcept {
    file = 0;
    strings.clear();
    observations.clear();
    raw_addresses.clear();
    dropped.clear();
    reason_layout_ = nullptr;
    layout_has_reason_ = false;
  }
  void on_record(const flow_record& r, const record_origin& at) override {
    observation o;
    file = at.file;
    o.line = at.line;
    std::string_view eni = r.str(field_id::interface_id);
    if (eni.empty() && r.has(field_id::tgw_attachment_id)) {
      // Transit-gateway flow logs (version 6) name an attachment, not an ENI, and log no action: the
      // packets the gateway could not forward are counted per cause instead (direct routing evidence).
      eni = r.str(field_id::tgw_attachment_id);
      o.tgw = true;
      for (std::size_t i = 0; i < r.packets_lost.size(); ++i) {
        const auto id = static_cast<field_id>(static_cast<std::size_t>(field_id::packets_lost_no_route) + i);
        if (r.has(id) && r.packets_lost[i] > 0) o.tgw_lost_kinds |= static_cast<std::uint8_t>(1u << i);
      }
    }
    o.eni = strings.intern(eni);
    o.subnet = strings.intern(r.str(field_id::subnet_id));
    o.has_time = r.has(field_id::start) && r.has(field_id::end);
    o.start = r.start;
    o.end = r.end;
    o.status = r.has(field_id::log_status) ? r.log_status : log_status_t::ok;
    if (!r.has(field_id::srcaddr) || !r.has(field_id::dstaddr) || !r.has(field_id::protocol)) {
      if (o.status == log_status_t::ok) {
        o.missing = static_cast<std::uint8_t>((r.has(field_id::srcaddr) ? 0 : 1) | (r.has(field_id::dstaddr) ? 0 : 2) |
                                              (r.has(field_id::protocol) ? 0 : 4));
      }
      o.status = o.status == log_status_t::ok ? log_status_t::none : o.status;
      observations.push_back(o);
      return;
    }
    // pkt-* addresses name the true endpoints behind intermediaries: they key the connection.
    const ip_address ks = r.has(field_id::pkt_srcaddr) ? r.pkt_srcaddr : r.srcaddr;
    const ip_address kd = r.has(field_id::pkt_dstaddr) ? r.pkt_dstaddr : r.dstaddr;
    const std::uint16_t sp = r.has(field_id::srcport) ? r.srcport : 0;
    const std::uint16_t dp = r.has(field_id::dstport) ? r.dstport : 0;
    o.from_a = std::tie(ks, sp) <= std::tie(kd, dp);
    o.key = o.from_a ? conn_key{ks, kd, sp, dp, r.protocol} : conn_key{kd, ks, dp, sp, r.protocol};
    o.hash = conn_key_hash{}(o.key);
    if (ks != r.srcaddr || kd != r.dstaddr) {
      raw_addresses.emplace_back(r.srcaddr, r.dstaddr);
      o.raw = static_cast<std::uint32_t>(raw_addresses.size());
    }
    o.flags_known = r.has(field_id::tcp_flags);
    o.flags = r.tcp_flags;
    o.action = r.has(field_id::action) ? r.action : action_t::none;
    o.direction = r.has(field_id::flow_direction) ? r.flow_direction : direction_t::none;
    if (r.source_layout != reason_layout_) {
      // A layout's columns are searched once per block, not for every record.
      reason_layout_ = r.source_layout;
      layout_has_reason_ = r.source_layout && r.source_layout->has(field_id::reject_reason);
    }
    if (layout_has_reason_) {
      const auto rr = r.text[static_cast<std::size_t>(field_id::reject_reason)];
      o.reason = rr == "-" ? reject_reason_t::dash : rr == "BPA" ? reject_reason_t::bpa : reject_reason_t::other;
    }
    o.packets = r.has(field_id::packets) ? r.packets : 0;
    o.bytes = r.has(field_id::bytes) ? r.bytes : 0;
    observations.push_back(o);
  }
  void retract(std::size_t index) override { observations[index].status = log_status_t::none, dropped.push_back(index); }

  /// srcaddr and dstaddr of an observation: the ENI's own address is one of them.
  std::pair<ip_address, ip_address> addresses(const observation& o) const {
    if (o.raw) return raw_addresses[o.raw - 1];
    return o.from_a ? std::pair{o.key.a, o.key.b} : std::pair{o.key.b, o.key.a};
  }

  std::uint32_t file = 0;  // every record of a block comes from one file
  block_strings strings;
  std::vector<observation> observations;
  std::vector<std::pair<ip_address, ip_address>> raw_addresses;
  std::vector<std::size_t> dropped;

 private:
  const layout* reason_layout_ = nullptr;  // the layout layout_has_reason_ was found for
  bool layout_has_reason_ = false;
};

// How long a connection stays open to more records after its last one, once later data has been read:
// capture windows last up to 10 minutes and start/end lag the packets by up to 60 s, so another ENI's
// record of the same packets can arrive up to ~11 minutes of data later; twice that leaves margin.
constexpr std::int64_t resolve_horizon = 1200;

// Connection tracking's idle timeouts (aws-flow-logs.md §5.2): TCP established 432000 s by default,
// UDP streams 180 s; ICMP and other protocols use the UDP figure here. A tuple silent for longer than
// the resolution horizon also starts a new connection: flow logs cannot tell a TCP connection idle
// for days from the same client port reused later, and reuse is by far the more common, so both
// ways of resolving (at the end, or as the data goes) split there alike.
std::int64_t idle_timeout(std::uint8_t protocol) noexcept { return protocol == 6 ? resolve_horizon : 180; }

// A 5-tuple is reused: a new SYN after the connection closed (FIN or RST), or traffic after a gap
// longer than the idle timeout, starts a new connection.
bool starts_new_connection(const conn_state& c, const observation& o, std::uint32_t eni) {
  if (c.views.empty() || !o.has_time) return false;
  const bool syn_only = o.flags_known && (o.flags & 2) && !(o.flags & 16);
  if (o.key.protocol == 6 && syn_only) {
    for (const auto& v : c.views) {
      // start/end may trail the packets by up to 60 s (and TIME_WAIT holds a closed port for 60 s on
      // Linux): only a SYN more than a minute after the close is a new connection.
      if (v.eni == eni && v.closed_at != INT64_MIN && o.start > v.closed_at + 60) return true;
    }
  }
  return c.last != INT64_MIN && o.start - c.last > idle_timeout(o.key.protocol);
}

void add_evidence(conn_state& c, evidence_acc& e, const observation& o, std::uint32_t file, std::uint32_t eni, int way,
                  int act) {
  if (e.records == 0) {
    e.first = o.start;
    e.last = o.end;
  } else {
    e.first = std::min(e.first, o.start);
    e.last = std::max(e.last, o.end);
  }
  ++e.records;
  e.packets += o.packets;
  e.bytes += o.bytes;
  if (o.flags_known) {
    e.flags |= o.flags;
    e.flags_known = true;
  }
  if (e.line_count < evidence_acc::max_lines) {
    c.lines.push_back(line_ref(o.line, file, eni, o.direction, o.action, o.flags, o.flags_known, way, act));
    ++e.line_count;
  }
}

// A connection can be resolved early once nothing later in time-ordered input can change it: it is
// past the horizon, and every ENI that saw it has logged something more than a capture window after
// it (so it is not in the ENI's last window, where `data_edge` would make it inconclusive).
bool settled(const conn_state& c, std::int64_t cutoff, const correlator::state& st) {
  if (c.last == INT64_MIN || c.last >= cutoff) return false;
  return std::all_of(c.views.begin(), c.views.end(), [&](const view_state& v) {
    const eni_state& e = st.enis[v.eni];
    return e.last > c.last + e.window;
  });
}

// The data time up to which the input is known to have been read: the newest record, unless a
// later input may still hold older records. INT64_MIN when unknown.
std::int64_t read_up_to(const correlator::state& st, std::uint32_t file) {
  const std::int64_t later = file < st.later_inputs_from.size() ? st.later_inputs_from[file] : INT64_MAX;
  return std::min(st.newest, later);
}

void resolve_and_release(correlator::state& st, eni_snapshot& snap, std::vector<keyed_conn*>& batch,
                         const std::function<void(connection&&)>& emit) {
  resolve_batch(st, snap, batch, emit);
  st.conns.give_back(batch);
}

// Resolves a batch with the ENIs as they are now: here, or on the resolver thread when there is one.
void dispatch(correlator::state& st, std::vector<keyed_conn*>&& batch, const std::function<void(connection&&)>& emit) {
  if (batch.empty()) return;
  eni_snapshot snap;
  snap.strings = st.strings;
  snap.enis = st.enis;
  snap.enis.resize(st.strings.size());
  if (st.resolver) {
    st.resolver->push(correlator::state::resolution_job{std::move(batch), std::move(snap), &emit});
  } else {
    resolve_and_release(st, snap, batch, emit);
  }
}

void sweep(correlator::state& st, std::int64_t up_to) {
  const std::int64_t cutoff = up_to - resolve_horizon;
  std::vector<keyed_conn*> stale, batch;
  // Only slots whose latest time is below the cutoff can be settled (record times are never negative).
  st.conns.for_each_stamped_below(cutoff, [&](keyed_conn& kc) { stale.push_back(&kc); });
  // Detached as soon as found settled: its slot is in cache then (the index is not being walked now).
  detail::for_each_fetched_ahead(stale, [&](keyed_conn& kc) {
    if (!settled(kc.second, cutoff, st)) return;
    st.conns.detach(kc);
    batch.push_back(&kc);
  }, detail::head_bytes);
  std::erase_if(st.ended, [&](keyed_conn* kc) {
    if (!settled(kc->second, cutoff, st)) return false;
    batch.push_back(kc);
    return true;
  });
  st.resolved_below = std::max(st.resolved_below, cutoff);
  st.last_sweep = up_to;
  st.resolved_early += batch.size();
  dispatch(st, std::move(batch), st.emit);
}

}  // namespace

correlator::correlator(correlate_options options) : state_(std::make_unique<state>()) {
  state_->options = std::move(options);
  for (const auto& e : state_->options.enis) {
    state_->configured[e.id] = &e;
    for (const auto& a : e.addresses) state_->configured_by_address[a] = &e;
  }
}
correlator::~correlator() = default;

std::unique_ptr<block_sink> correlator::make_sink(bool) {
  if (auto spare = state_->spare_sinks.take()) return spare;
  return std::make_unique<correlate_sink>();
}

void correlator::merge(std::unique_ptr<block_sink> sink) {
  auto& s = static_cast<correlate_sink&>(*sink);
  auto& st = *state_;
  std::vector<std::uint32_t> remap(s.strings.list.size(), 0);
  for (std::size_t i = 1; i < s.strings.list.size(); ++i) remap[i] = st.intern(s.strings.list[i]);
  std::sort(s.dropped.begin(), s.dropped.end());
  const std::size_t n = s.observations.size();
  for (std::size_t i = 0; i < n; ++i) {
    // The table is far larger than the caches, and each record needs its index entry and its slot
    // (views and line references inside): a miss each. Fetched ahead in stages, they overlap instead
    // of adding up.
    if (i + 32 < n) detail::prefetch_range(&s.observations[i + 32], sizeof(observation));
    if (i + 16 < n) st.conns.prefetch_entry(s.observations[i + 16].hash);
    if (i + 8 < n) st.conns.prefetch_slot(s.observations[i + 8].hash);
    if (std::binary_search(s.dropped.begin(), s.dropped.end(), i)) continue;
    const observation& o = s.observations[i];
    const std::uint32_t eni = remap[o.eni];
    if (eni == 0) {  // without an ENI a record cannot be placed
      if (o.status == log_status_t::ok || o.missing) ++st.without_interface;
      continue;
    }
    if (st.enis.size() <= eni) st.enis.resize(st.strings.size());
    eni_state& e = st.enis[eni];
    if (e.name.empty()) {
      e.name = st.strings[eni];
      if (const auto c = st.configured.find(e.name); c != st.configured.end()) {
        e.config = c->second;
        e.declared = c->second->addresses;
        e.configured = true;
        if (c->second->aggregation_interval > 0) {
          e.window = std::max<std::int64_t>(60, c->second->aggregation_interval);
          e.window_configured = true;
        }
        if (!c->second->subnet.empty()) e.subnet = st.intern(c->second->subnet);
      }
    }
    if (!e.subnet && o.subnet) e.subnet = remap[o.subnet];
    if (o.has_time) {
      e.first = std::min(e.first, o.start);
      e.last = std::max(e.last, o.end);
      if (!e.window_configured && o.end - o.start > 60) e.window = 600;
      st.newest = std::max(st.newest, o.end);
      // Older than what was already resolved: input out of time order. Its connection may have been
      // resolved without it; counted so the report can say so.
      if (o.end < st.resolved_below) ++st.late_records;
    }
    if (o.status == log_status_t::skipdata && o.has_time) e.skipdata.push_back({o.start, o.end});
    if (o.missing) {
      ++st.without_endpoints;
      st.missing_fields |= o.missing;
    }
    if (o.status != log_status_t::ok) continue;
    if (o.action == action_t::accept) e.saw_accept = true;
    if (o.action == action_t::reject) e.saw_reject = true;
    e.tgw = e.tgw || o.tgw;
    // The ENI's own address is in every one of its records (aws-flow-logs.md §7); a transit-gateway
    // attachment carries other hosts' traffic only.
    // Not a structured binding: clang 14 cannot capture those in the lambda below.
    const std::pair<ip_address, ip_address> ends = s.addresses(o);
    const ip_address& src = ends.first;
    const ip_address& dst = ends.second;
    const int fam = src.is_v6() ? 1 : 0;
    if (o.tgw) {
      // nothing to learn
    } else if (!e.candidates_started[fam]) {
      e.candidates[fam] = {src, dst};
      e.candidates_started[fam] = true;
    } else if (!e.candidates[fam].empty()) {
      std::erase_if(e.candidates[fam], [&](const ip_address& c) { return c != src && c != dst; });
    }
    if (o.direction != direction_t::none && e.declared.size() < 16 && !e.configured && !o.tgw) {
      const ip_address& own = o.direction == direction_t::egress ? src : dst;
      if (std::find(e.declared.begin(), e.declared.end(), own) == e.declared.end()) e.declared.push_back(own);
    }

    keyed_conn* slot = &st.conns.find_or_insert(o.key, o.hash);
    if (starts_new_connection(slot->second, o, eni)) {
      st.conns.detach(*slot);
      st.ended.push_back(slot);
      slot = &st.conns.find_or_insert(o.key, o.hash);
    }
    conn_state& c = slot->second;
    if (o.has_time) {
      c.first = std::min(c.first, o.start);
      c.last = std::max(c.last, o.end);
      st.conns.raise_stamp(*slot, o.hash, o.end);
    }
    auto vit = std::find_if(c.views.begin(), c.views.end(), [&](const view_state& v) { return v.eni == eni; });
    if (vit == c.views.end()) {
      c.views.push_back(view_state{});
      vit = c.views.end() - 1;
      vit->eni = eni;
    }
    if (o.has_time && o.action == action_t::accept && o.flags_known && (o.flags & 5)) {
      vit->closed_at = std::max(vit->closed_at, o.end);
    }
    const int way = o.from_a ? 0 : 1;
    const int act = o.action == action_t::reject ? 1 : 0;
    add_evidence(c, c.ev_to_fill(*vit, way, act), o, s.file, eni, way, act);
    if (o.direction != direction_t::none) vit->dir_of[way] = o.direction;
    vit->tgw_lost[way] |= o.tgw_lost_kinds;
    if (o.reason != reject_reason_t::absent && (vit->reason == reject_reason_t::absent || o.reason == reject_reason_t::bpa)) {
      if (o.action == action_t::reject || vit->reason == reject_reason_t::absent) vit->reason = o.reason;
    }
    // Checked per record, not per block, so what is resolved when does not depend on block sizes.
    if (st.emit) {
      const std::int64_t up_to = read_up_to(st, s.file);
      if (up_to == INT64_MIN) {
        // nothing can be resolved yet
      } else if (st.last_sweep == INT64_MIN) {
        st.last_sweep = up_to;  // the first sweep waits until a quarter horizon of data was read
      } else if (up_to - st.last_sweep >= resolve_horizon / 4) {
        sweep(st, up_to);
      }
    }
  }
  s.clear();
  st.spare_sinks.give_back(std::move(sink));
}

void correlator::resolve_as_you_go(std::function<void(connection&&)> emit, const input_list& inputs) {
  auto& st = *state_;
  st.emit = std::move(emit);
  if (st.options.resolve_in_background) {
    // Resolution (and whatever `emit` does) runs beside the merge, batch after batch in order, so the
    // result is the same as resolving in place.
    st.resolver = std::make_unique<detail::serial_worker<state::resolution_job>>(
        [&st](state::resolution_job& job) { resolve_and_release(st, job.snap, job.batch, *job.emit); });
  }
  // A file's records start up to a capture window plus lag before the time its key names.
  st.later_inputs_from.assign(inputs.files.size(), INT64_MAX);
  std::int64_t earliest = INT64_MAX;
  for (std::size_t i = inputs.files.size(); i-- > 0;) {
    st.later_inputs_from[i] = earliest;
    const auto& f = inputs.files[i];
    if (!f.key_time) {
      earliest = INT64_MIN;
    } else if (earliest != INT64_MIN) {
      earliest = std::min(earliest, *f.key_time - key_time_margin_seconds);
    }
  }
}

void correlator::fill_details_only_for(std::function<bool(const connection&)> wanted,
                                       std::function<void(const connection_brief&)> brief) {
  state_->want_detail = std::move(wanted);
  state_->brief = std::move(brief);
}

void correlator::finish(const std::function<void(connection&&)>& emit) {
  auto& st = *state_;
  std::vector<keyed_conn*> batch;
  batch.reserve(st.conns.size() + st.ended.size());
  st.conns.detach_all([&](keyed_conn& kc) { batch.push_back(&kc); });
  batch.insert(batch.end(), st.ended.begin(), st.ended.end());
  st.ended.clear();
  dispatch(st, std::move(batch), emit);
  if (st.resolver) st.resolver->drain();
  flush_waiting(st, emit);
}

std::uint64_t correlator::late_records() const noexcept { return state_->late_records; }
std::uint64_t correlator::resolved_early() const noexcept { return state_->resolved_early; }
std::uint64_t correlator::records_without_interface() const noexcept { return state_->without_interface; }
std::uint64_t correlator::records_without_endpoints() const noexcept { return state_->without_endpoints; }
std::vector<std::string_view> correlator::missing_endpoint_fields() const {
  std::vector<std::string_view> out;
  const std::uint8_t m = state_->missing_fields;
  if (m & 1) out.push_back("srcaddr");
  if (m & 2) out.push_back("dstaddr");
  if (m & 4) out.push_back("protocol");
  return out;
}

std::vector<connection> correlator::finish() {
  std::vector<connection> out;
  finish([&](connection&& c) { out.push_back(std::move(c)); });
  return out;
}

namespace detail {

packet_evidence summarize(const evidence_acc& e) {
  packet_evidence p;
  p.records = e.records;
  p.packets = e.packets;
  p.bytes = e.bytes;
  p.flags = e.flags;
  p.flags_known = e.flags_known;
  p.first = e.first;
  p.last = e.last;
  return p;
}

packet_evidence expand(const evidence_acc& e, std::span<const line_ref> lines, std::uint32_t eni, int way, int rejected,
                       const eni_snapshot& snap) {
  packet_evidence p = summarize(e);
  p.lines.reserve(e.line_count);
  for (const line_ref& r : lines) {
    if (!r.belongs_to(eni, way, rejected)) continue;
    evidence_line l;
    l.file = r.file();
    l.line = r.line();
    l.eni = snap.strings[r.eni];
    l.direction = r.direction;
    l.action = r.action;
    if (r.flags_known) l.tcp_flags = r.flags;
    p.lines.push_back(std::move(l));
  }
  return p;
}

}  // namespace detail

}  // namespace flowsleuth
