// Resolution of correlated evidence into connections: which end is the client, which ENI observed
// what, the four observation points, and the facts the rule pack matches on.

#include <algorithm>
#include <array>
#include <functional>
#include <map>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "correlate/correlation_state.hpp"

namespace flowsleuth::detail {
namespace {

constexpr std::uint8_t fin = 1, syn = 2, rst = 4, syn_ack = 18;

bool syn_only(const evidence_acc& e) noexcept { return e.flags_known && (e.flags & syn) && !(e.flags & 16); }
bool has_syn_ack(const evidence_acc& e) noexcept { return e.flags_known && (e.flags & syn_ack) == syn_ack; }

// Ports that name a service: below 1024, or well-known server ports above it. A bit per port (8 kB),
// since both ends of every TCP and UDP connection are asked.
bool service_port(std::uint16_t p) noexcept {
  static const std::vector<bool> table = [] {
    std::vector<bool> t(65536, false);
    for (std::size_t q = 1; q < 1024; ++q) t[q] = true;
    static constexpr std::array<std::uint16_t, 22> known = {1433, 1521, 2049, 2379, 3000, 3306, 3389, 5000,
                                                            5001, 5432, 5439, 5601, 6379, 8000, 8080, 8443,
                                                            9000, 9092, 9200, 9300, 11211, 27017};
    for (const std::uint16_t q : known) t[q] = true;
    return t;
  }();
  return table[p];
}

// Evidence per way and action summed over every view: [0: a→b, 1: b→a][0: accept, 1: reject]. Worked out
// once per connection; client and server, the request and response totals and the REJECT facts all
// read it (they were five passes over the views).
struct ways {
  evidence_acc all[2][2];
};

// Adds one accumulator into a sum of them (counts, extremes, flags): line references stay per view.
void fold(evidence_acc& into, const evidence_acc& e) {
  if (!e.any()) return;
  if (!into.any()) {
    into.first = e.first;
    into.last = e.last;
  } else {
    into.first = std::min(into.first, e.first);
    into.last = std::max(into.last, e.last);
  }
  into.records += e.records;
  into.packets += e.packets;
  into.bytes += e.bytes;
  into.flags |= e.flags;
  into.flags_known = into.flags_known || e.flags_known;
}

// Whether configuration says the ENI holding `ip` listens on `port` (its security groups admit it inbound).
bool listens(const correlator::state& st, const ip_address& ip, std::uint16_t port, std::uint8_t protocol) {
  const auto it = st.configured_by_address.find(ip);
  if (it == st.configured_by_address.end()) return false;
  return std::any_of(it->second->listening.begin(), it->second->listening.end(), [&](const auto& l) {
    return l.protocol == protocol && port >= l.from && port <= l.to;
  });
}

// Decides whether endpoint a is the client. Records the evidence that decided in `by`.
ways ways_of(const conn_state& c) {
  ways w;
  for (const auto& v : c.views) {
    for (int d = 0; d < 2; ++d) {
      for (int a = 0; a < 2; ++a) fold(w.all[d][a], c.ev(v, d, a));
    }
  }
  return w;
}

bool a_is_client(const conn_key& k, const ways& w, const correlator::state& st, std::string_view& by) {
  auto any_of = [&](int d, auto pred) { return pred(w.all[d][0]) || pred(w.all[d][1]); };
  if (any_of(0, syn_only) || any_of(1, has_syn_ack)) {
    by = "tcp-flags";
    return true;
  }
  if (any_of(1, syn_only) || any_of(0, has_syn_ack)) {
    by = "tcp-flags";
    return false;
  }
  if ((k.protocol == 6 || k.protocol == 17) && !st.configured_by_address.empty()) {
    const bool la = listens(st, k.a, k.pa, k.protocol), lb = listens(st, k.b, k.pb, k.protocol);
    if (la != lb) {
      by = "config";
      return lb;
    }
  }
  if (k.protocol == 6 || k.protocol == 17) {
    const bool sa = service_port(k.pa), sb = service_port(k.pb);
    if (sa != sb) {
      by = "ports";
      return sb;
    }
    if (k.pa != k.pb && (k.pa >= 32768) != (k.pb >= 32768)) {
      by = "ports";
      return k.pa >= 32768;
    }
  }
  // One way only ACCEPTed, the other only REJECTed: the accepted way is the request, since a reply
  // exists only for a request that got through (ICMP echo, and TCP/UDP without service ports).
  const bool a_acc_only = w.all[0][0].any() && !w.all[0][1].any();
  const bool b_acc_only = w.all[1][0].any() && !w.all[1][1].any();
  const bool a_rej_only = w.all[0][1].any() && !w.all[0][0].any();
  const bool b_rej_only = w.all[1][1].any() && !w.all[1][0].any();
  if ((a_acc_only && b_rej_only) || (b_acc_only && a_rej_only)) {
    by = "accepted-before-rejected";
    return a_acc_only;
  }
  // Whoever sent first. Windows can lag by up to 60 s across ENIs, so this is the weakest evidence.
  by = "first-seen";
  auto first_of = [&](int d) {
    std::int64_t t = INT64_MAX;
    for (int a = 0; a < 2; ++a) {
      if (w.all[d][a].any()) t = std::min(t, w.all[d][a].first);
    }
    return t;
  };
  const auto fa = first_of(0), fb = first_of(1);
  if (fa != fb) return fa < fb;
  if (k.protocol == 1 || k.protocol == 58) {
    // Pings: every echo reply answers one request and a request may go unanswered, so the way with
    // more packets (summed over the ENIs that logged them, REJECTs included) is the requests'.
    auto packets_of = [&](int d) { return w.all[d][0].packets + w.all[d][1].packets; };
    const std::uint64_t pa = packets_of(0), pb = packets_of(1);
    if (pa != pb) {
      by = "packet-counts";
      return pa > pb;
    }
  }
  // Nothing tells them apart (ICMP both ways in the same second, say): an arbitrary but fixed choice,
  // and the report says no evidence decided it.
  by = "none";
  return k.protocol == 6 || k.protocol == 17 ? k.pa > k.pb : true;
}

// The first 56 bits of an IPv6 address read as one word in memory order (a VPC's IPv6 block).
std::uint64_t prefix56_mask() noexcept {
  std::uint64_t m = 0;
  std::memset(&m, 0xff, 7);
  return m;
}

std::vector<ip_address> own_addresses(const eni_state& e) {
  std::vector<ip_address> own = e.declared;
  for (int fam = 0; fam < 2; ++fam) {
    const bool named = std::any_of(own.begin(), own.end(), [&](const ip_address& a) { return a.is_v6() == (fam == 1); });
    if (named) continue;
    const auto& cand = e.candidates[fam];
    if (cand.size() == 1) {
      own.push_back(cand[0]);
    } else if (fam == 0 && cand.size() == 2 && address_class(cand[0]) != address_class(cand[1]) &&
               address_class(cand[0]) != "not-captured" && address_class(cand[1]) != "not-captured") {
      // An ENI's IPv4 address in its records is its primary private one, never a public IP or Elastic IP
      // (aws-flow-logs.md §1.3): between a private and a public address, the private one is the ENI's.
      // (A VPC may use a publicly routable CIDR; --config names such an ENI's address exactly.)
      own.push_back(address_class(cand[0]) == "private" ? cand[0] : cand[1]);
    }
  }
  return own;
}


// set(id, word) for a word usually among a few known ones: compared here and placed without a catalogue
// search (set_word); any other word goes through set()'s search and checks.
template <fact_word... Words>
void set_one_of(fact_set& f, fact_id id, std::string_view word) {
  const bool placed = ((word == Words.view() && (f.set_word<Words>(id), true)) || ...);
  if (!placed) f.set(id, word);
}

// By word, as to_string(point_state) spells them: facts take known words without a search (set_word).
void set_state(fact_set& f, fact_id id, point_state s) {
  switch (s) {
    case point_state::accept: f.set_word<"accept">(id); return;
    case point_state::reject: f.set_word<"reject">(id); return;
    case point_state::both: f.set_word<"both">(id); return;
    case point_state::none: f.set_word<"none">(id); return;
    case point_state::unlogged: f.set_word<"unlogged">(id); return;
    case point_state::external: f.set_word<"external">(id); return;
    case point_state::unknown: f.set_word<"unknown">(id); return;
  }
  f.set(id, to_string(s));
}

// The cause a transit gateway gave for lost packets, most telling first.
std::string_view tgw_loss_word(std::uint8_t kinds) noexcept {
  if (kinds & 1) return "no-route";
  if (kinds & 2) return "blackhole";
  if (kinds & 8) return "ttl-expired";
  if (kinds & 4) return "mtu-exceeded";
  return "forwarded";
}

// TCP without tcp-flags: a SYN carries options (Linux 60 bytes over IPv4, Windows 52, macOS 64; IPv6 adds
// 20) and a RST none (40, IPv6 60) — but so does a bare ACK, so sizes alone only ever say "possible".
std::string_view size_shape(const evidence_acc& req, const evidence_acc& resp, bool v6) {
  if (!resp.any() || resp.packets == 0 || !req.any() || req.packets == 0) return "unknown";
  const std::uint64_t header = v6 ? 60 : 40;
  const std::uint64_t syn_low = v6 ? 72 : 52, syn_high = v6 ? 84 : 64;
  if (resp.bytes > resp.packets * (header + 20)) return "data";
  const bool bare_responses = resp.bytes == resp.packets * header;
  const bool syn_sized = req.packets <= 8 && req.bytes >= req.packets * syn_low && req.bytes <= req.packets * syn_high;
  if (bare_responses && syn_sized && resp.packets <= req.packets) return "rst-like";
  return "small";
}

}  // namespace

void sibling_index::note(const connection& c, std::uint32_t eni, std::uint32_t subnet) {
  if (!c.server_ingress.accepted.any() || subnet == 0) return;
  auto& enis = accepting_[key_of(c, subnet)];
  if (enis[0] == 0) {
    enis[0] = eni;
  } else if (enis[0] != eni && enis[1] == 0) {
    enis[1] = eni;
  }
}

bool sibling_index::other_accepts(const connection& c, std::uint32_t eni, std::uint32_t subnet) const {
  const auto it = accepting_.find(key_of(c, subnet));
  if (it == accepting_.end()) return false;
  return (it->second[0] != 0 && it->second[0] != eni) || (it->second[1] != 0 && it->second[1] != eni);
}

void sort_by_time_then_key(std::vector<order_entry>& order) {
  auto key_less = [](const order_entry& x, const order_entry& y) {
    const auto& a = x.key;
    const auto& b = y.key;
    return std::tie(a.a, a.pa, a.b, a.pb, a.protocol) < std::tie(b.a, b.pa, b.b, b.pb, b.protocol);
  };
  // A batch's connections start within a few thousand seconds of each other, a hundred or more in the
  // same second: placed by second first (a counting sort), only each second's few are compared by key,
  // where one sort of the whole batch compared every entry some twenty times.
  std::int64_t lo = INT64_MAX, hi = INT64_MIN;
  for (const auto& e : order) {
    if (e.first == INT64_MAX) continue;  // no time at all: after every timed one
    lo = std::min(lo, e.first);
    hi = std::max(hi, e.first);
  }
  const std::size_t n = order.size();
  const auto span = lo <= hi ? static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo) : 0;
  if (n < 64 || span > 2 * n + 4096) {
    std::sort(order.begin(), order.end(), [&](const order_entry& x, const order_entry& y) {
      return x.first != y.first ? x.first < y.first : key_less(x, y);
    });
    return;
  }
  // Bucket span + 1 holds the untimed. Entries are swapped into their buckets in place (American flag
  // sort): a batch can be every live connection at once, and a second copy of it would double that.
  const std::size_t buckets = static_cast<std::size_t>(span) + 2;
  auto bucket_of = [&](const order_entry& e) {
    return e.first == INT64_MAX ? buckets - 1 : static_cast<std::size_t>(e.first - lo);
  };
  std::vector<std::uint32_t> start(buckets + 1, 0);
  for (const auto& e : order) ++start[bucket_of(e) + 1];
  for (std::size_t b = 0; b < buckets; ++b) start[b + 1] += start[b];
  std::vector<std::uint32_t> next(start.begin(), start.end() - 1);
  for (std::size_t b = 0; b < buckets; ++b) {
    while (next[b] < start[b + 1]) {
      const std::size_t to = bucket_of(order[next[b]]);
      if (to == b) {
        ++next[b];
      } else {
        std::swap(order[next[b]], order[next[to]++]);
      }
    }
  }
  for (std::size_t b = 0; b < buckets; ++b) {
    if (start[b + 1] - start[b] > 1) std::sort(order.begin() + start[b], order.begin() + start[b + 1], key_less);
  }
}

void resolve_batch(correlator::state& st, eni_snapshot& snap, std::vector<keyed_conn*>& batch,
                   const std::function<void(connection&&)>& emit) {
  // Address → ENI, for ENIs whose own address is known: tells "logged, but no record" from "not logged".
  std::vector<std::pair<ip_address, std::uint32_t>> owners;
  // Each ENI's own addresses, worked out once per batch rather than once per connection.
  std::vector<std::vector<ip_address>> own_of(snap.enis.size());
  // Learned from "the one address in all of its records", an ENI can take its only peer's address for its
  // own: an ENI with two private IPs (a secondary IP, EKS pods) that talks to one server names that
  // server in every record. The server's ENI then claims the same address, rightly. An address is one
  // ENI's: a learned claim another ENI also makes is no evidence, and is dropped from every learned
  // claimant (an address named by flow-direction or configuration stays with that ENI).
  std::vector<std::pair<ip_address, std::uint32_t>> learned;
  for (std::uint32_t id = 0; id < snap.enis.size(); ++id) {
    const auto& own = own_of[id] = own_addresses(snap.enis[id]);
    for (const auto& a : own) {
      if (contains(snap.enis[id].declared, a)) {
        owners.push_back({a, id});
      } else {
        learned.push_back({a, id});
      }
    }
  }
  std::sort(owners.begin(), owners.end());
  std::sort(learned.begin(), learned.end());
  for (std::size_t i = 0; i < learned.size();) {
    std::size_t j = i + 1;
    while (j < learned.size() && learned[j].first == learned[i].first) ++j;
    const ip_address& a = learned[i].first;
    const bool declared_elsewhere = std::binary_search(
        owners.begin(), owners.end(), a, [](const auto& x, const auto& y) {
          if constexpr (std::is_same_v<std::decay_t<decltype(x)>, ip_address>) {
            return x < y.first;
          } else {
            return x.first < y;
          }
        });
    if (j - i > 1 || declared_elsewhere) {
      for (std::size_t k = i; k < j; ++k) std::erase(own_of[learned[k].second], a);
    } else {
      owners.push_back(learned[i]);
    }
    i = j;
  }
  std::sort(owners.begin(), owners.end());
  // An ENI whose records all name the same two addresses (it talked to one peer only) may own either;
  // when another ENI owns one of them, the other is this ENI's: an address is one ENI's.
  std::vector<std::pair<ip_address, std::uint32_t>> eliminated;
  for (std::uint32_t id = 0; id < snap.enis.size(); ++id) {
    const eni_state& e = snap.enis[id];
    if (e.tgw || !own_of[id].empty()) continue;
    for (int fam = 0; fam < 2; ++fam) {
      const auto& cand = e.candidates[fam];
      if (cand.size() != 2) continue;
      const auto owned_elsewhere = [&](const ip_address& a) {
        const auto it = std::lower_bound(owners.begin(), owners.end(), std::pair<ip_address, std::uint32_t>{a, 0});
        return it != owners.end() && it->first == a && it->second != id;
      };
      const bool first = owned_elsewhere(cand[0]), second = owned_elsewhere(cand[1]);
      if (first != second) eliminated.push_back({first ? cand[1] : cand[0], id});
    }
  }
  for (const auto& [a, id] : eliminated) own_of[id].push_back(a);
  owners.insert(owners.end(), eliminated.begin(), eliminated.end());
  std::sort(owners.begin(), owners.end());
  // IPv6 addresses of a VPC are global, so address_class calls them public. A VPC's IPv6 block is a
  // /56 (Amazon's; from IPAM /44 to /60): an address in the /56 of an ENI of these logs is inside AWS,
  // not on the internet — no observation point of it is "external", and no internet-only cause
  // (Block Public Access) applies between the two.
  std::vector<std::uint64_t> own_v6_56;
  for (const auto& [a, id] : owners) {
    if (!a.is_v6() || address_class(a) != "public") continue;
    std::uint64_t w;
    std::memcpy(&w, a.bytes().data(), 8);
    own_v6_56.push_back(w & prefix56_mask());
  }
  std::sort(own_v6_56.begin(), own_v6_56.end());
  own_v6_56.erase(std::unique(own_v6_56.begin(), own_v6_56.end()), own_v6_56.end());
  auto class_of = [&](const ip_address& ip) -> std::string_view {
    const std::string_view c = address_class(ip);
    if (c != "public" || !ip.is_v6() || own_v6_56.empty()) return c;
    std::uint64_t w;
    std::memcpy(&w, ip.bytes().data(), 8);
    return std::binary_search(own_v6_56.begin(), own_v6_56.end(), w & prefix56_mask()) ? "private" : c;
  };
  auto owner_of = [&](const ip_address& ip) -> std::uint32_t {
    auto it = std::lower_bound(owners.begin(), owners.end(), std::pair<ip_address, std::uint32_t>{ip, 0});
    return it != owners.end() && it->first == ip ? it->second : 0;
  };

  // Deterministic order: by first time, then key. Sorted as copies of both: through the slot pointers,
  // each comparison was a cache miss or two.
  std::vector<order_entry> order;
  order.reserve(batch.size());
  // The same pass notes the gateway ENIs (it reads the views anyway).
  std::int64_t oldest = INT64_MAX;
  for_each_fetched_ahead(batch, [&](keyed_conn& kc) {
    order.push_back({kc.second.first, kc.first, &kc});
    oldest = std::min(oldest, kc.second.first);
    note_gateway_enis(st, kc, own_of);
  }, head_bytes);
  sort_by_time_then_key(order);
  for (std::size_t i = 0; i < order.size(); ++i) batch[i] = order[i].slot;
  order = {};

  index_gateway_legs(st, batch, own_of, oldest);

  // Names and evidence lines cost allocations; most connections are healthy and no report shows them,
  // so they are filled in only for connections the consumer keeps (st.want_detail).
  struct placed {
    const view_state* client = nullptr;  // the view of the client's ENI: its egress and ingress points
    const view_state* server = nullptr;
    std::uint32_t owner[4] = {0, 0, 0, 0};  // the logged ENI owning an end nobody saw, per point
    std::uint32_t client_eni = 0, server_eni = 0;
    const view_state* tgw = nullptr;
    int tgw_way = 0;  // which way of tgw's records the via point shows: the way it lost packets, else the request's
    const view_state* gateway = nullptr;
    int out_way = 0;
    std::string_view decided_by;
    std::span<const line_ref> lines;  // the connection's record references
    const conn_state* conn = nullptr;  // its evidence (conn_state::ev)
    std::uint32_t unplaced = 0;  // views on neither side (connection::unplaced)
    const std::vector<std::vector<ip_address>>* own_of = nullptr;
    const eni_snapshot* snap = nullptr;
    // Nothing placed it: not an attachment, no own address known, no flow-direction, not taken as an end.
    bool is_unplaced(const view_state& v) const {
      return &v != client && &v != server && !snap->enis[v.eni].tgw && (*own_of)[v.eni].empty() &&
             v.dir_of[0] == direction_t::none && v.dir_of[1] == direction_t::none;
    }
  };
  auto name_of = [&](std::uint32_t eni) -> const std::string& { return snap.enis[eni].name; };
  auto subnet_of = [&](std::uint32_t eni) -> const std::string& { return snap.strings[snap.enis[eni].subnet]; };

  auto materialize = [&](connection& conn, const placed& at) {
    conn.decided_by.emplace_back(at.decided_by);
    const int back_way = 1 - at.out_way;
    auto name_point = [&](observation_point& p, const view_state* v, int way, std::uint32_t owner) {
      if (v) {
        p.eni = name_of(v->eni);
        p.subnet = subnet_of(v->eni);
        p.accepted = expand(at.conn->ev(*v, way, 0), at.lines, v->eni, way, 0, snap);
        p.rejected = expand(at.conn->ev(*v, way, 1), at.lines, v->eni, way, 1, snap);
      } else if (owner) {
        p.eni = name_of(owner);
      }
    };
    name_point(conn.client_egress, at.client, at.out_way, at.owner[0]);
    name_point(conn.server_ingress, at.server, at.out_way, at.owner[1]);
    name_point(conn.server_egress, at.server, back_way, at.owner[2]);
    name_point(conn.client_ingress, at.client, back_way, at.owner[3]);
    for (auto [e, id] : {std::pair{&conn.client, at.client_eni}, std::pair{&conn.server, at.server_eni}}) {
      if (id == 0) continue;
      e->eni = name_of(id);
      e->subnet = subnet_of(id);
    }
    if (at.unplaced) {
      for (const auto& v : at.conn->views) {
        if (!at.is_unplaced(v)) continue;
        unplaced_view& u = conn.unplaced.emplace_back();
        name_point(u.request, &v, at.out_way, 0);
        name_point(u.response, &v, back_way, 0);
        u.request.state = state_of(u.request.accepted, u.request.rejected);
        u.response.state = state_of(u.response.accepted, u.response.rejected);
      }
    }
    if (at.gateway) {
      join_gateway_leg(st, snap, *at.gateway, conn, true);
    } else if (at.tgw) {
      conn.via.eni = name_of(at.tgw->eni);
      conn.via.accepted = expand(at.conn->ev(*at.tgw, at.tgw_way, 0), at.lines, at.tgw->eni, at.tgw_way, 0, snap);
    }
  };

  auto resolve = [&](const conn_key& k, const conn_state& c, placed& at) {
    connection conn;
    conn.protocol = k.protocol;
    const bool icmp = k.protocol == 1 || k.protocol == 58;
    const ways w = ways_of(c);
    const bool client_is_a = a_is_client(k, w, st, at.decided_by);
    const int out_way = client_is_a ? 0 : 1;  // client → server packets
    const int back_way = 1 - out_way;
    at.out_way = out_way;
    at.lines = {c.lines.data(), c.lines.size()};
    at.conn = &c;
    conn.client.ip = client_is_a ? k.a : k.b;
    conn.server.ip = client_is_a ? k.b : k.a;
    if (!icmp) {
      conn.client.port = client_is_a ? k.pa : k.pb;
      conn.server.port = client_is_a ? k.pb : k.pa;
    }
    conn.first = c.first;
    conn.last = c.last;

    // Which view is whose: by the ENI's own address, else by the direction its records were logged in.
    const view_state* client_view = nullptr;
    const view_state* server_view = nullptr;
    std::string_view direction_source = "unknown";
    bool has_intermediary = false;
    const view_state* gateway_view = nullptr;
    std::uint8_t tgw_lost_request = 0, tgw_lost_response = 0;
    bool via_tgw = false;
    const view_state* tgw_view = nullptr;
    const view_state* tgw_loss_view = nullptr;
    for (const auto& v : c.views) {
      const eni_state& e = snap.enis[v.eni];
      if (e.tgw) {
        // A transit-gateway attachment is neither end: its records are routing evidence only.
        via_tgw = true;
        if (!tgw_view) tgw_view = &v;
        // The records that show the loss tgw_loss reports are the ones to show: the request's first.
        if (v.tgw_lost[out_way] && !tgw_lost_request) tgw_loss_view = &v;
        if (v.tgw_lost[back_way] && !tgw_lost_request && !tgw_lost_response && !tgw_loss_view) tgw_loss_view = &v;
        tgw_lost_request |= v.tgw_lost[out_way];
        tgw_lost_response |= v.tgw_lost[back_way];
        continue;
      }
      const auto& own = own_of[v.eni];
      bool is_client = contains(own, conn.client.ip);
      bool is_server = contains(own, conn.server.ip);
      if (is_client || is_server) {
        direction_source = e.configured ? "config"
                           : contains(e.declared, is_client ? conn.client.ip : conn.server.ip) ? "flow-direction"
                                                                                                : "eni-address";
      } else if (!own.empty()) {
        // The ENI's addresses are known and are neither end's: an intermediary (NAT gateway, transit
        // gateway attachment, appliance) that pkt-* addresses tied to this connection.
        has_intermediary = true;
        if (!gateway_view) gateway_view = &v;
      } else if (v.dir_of[out_way] != direction_t::none || v.dir_of[back_way] != direction_t::none) {
        is_client = v.dir_of[out_way] == direction_t::egress || v.dir_of[back_way] == direction_t::ingress;
        is_server = v.dir_of[out_way] == direction_t::ingress || v.dir_of[back_way] == direction_t::egress;
        direction_source = "flow-direction";
      }
      if (is_client && !client_view) client_view = &v;
      if (is_server && !server_view) server_view = &v;
    }
    if (!client_view && !server_view && !has_intermediary) {
      // No ENI's own address is known. An ENI whose records only ever name these two endpoints is one of
      // them; when exactly one view is such an ENI (or there is one view at all), the service side is the
      // more likely owner (design.md), with lowered confidence.
      const int fam = conn.client.ip.is_v6() ? 1 : 0;
      const view_state* only = nullptr;
      int endpoint_enis = 0;
      for (const auto& v : c.views) {
        const eni_state& e = snap.enis[v.eni];
        if (e.tgw) continue;
        const auto& cand = e.candidates[fam];
        const bool names_both = c.views.size() == 1 ||
                                (cand.size() == 2 && contains(cand, conn.client.ip) && contains(cand, conn.server.ip));
        if (names_both) {
          only = &v;
          ++endpoint_enis;
        }
      }
      if (endpoint_enis == 1) {
        server_view = only;
        direction_source = "ports";
      }
    }

    at.client = client_view;
    at.server = server_view;
    at.own_of = &own_of;
    at.snap = &snap;
    // An unplaced ENI may be either end's (its own address is unknown: its records name several, or the
    // one they all name is claimed by another ENI too): no point without a view can then be called
    // unlogged, external or silent.
    for (const auto& v : c.views) {
      if (at.is_unplaced(v)) ++at.unplaced;
    }
    const bool maybe_an_end = at.unplaced > 0;
    auto fill = [&](observation_point& p, const view_state* v, int way, const endpoint& who, std::uint32_t& owner) {
      if (v) {
        p.accepted = summarize(c.ev(*v, way, 0));
        p.rejected = summarize(c.ev(*v, way, 1));
        p.state = state_of(p.accepted, p.rejected);
        return;
      }
      if (maybe_an_end) {
        p.state = point_state::unknown;
      } else if (class_of(who.ip) == "public") {
        p.state = point_state::external;
      } else if ((owner = owner_of(who.ip)) != 0) {
        p.state = point_state::none;  // that ENI is logged: it just has no record of this
      } else {
        p.state = point_state::unlogged;
      }
    };
    fill(conn.client_egress, client_view, out_way, conn.client, at.owner[0]);
    fill(conn.server_ingress, server_view, out_way, conn.server, at.owner[1]);
    fill(conn.server_egress, server_view, back_way, conn.server, at.owner[2]);
    fill(conn.client_ingress, client_view, back_way, conn.client, at.owner[3]);
    // An endpoint's ENI: the view that saw it, else the logged ENI that owns its address.
    at.client_eni = client_view ? client_view->eni : owner_of(conn.client.ip);
    at.server_eni = server_view ? server_view->eni : owner_of(conn.server.ip);
    const std::uint32_t client_subnet = at.client_eni ? snap.enis[at.client_eni].subnet : 0;
    const std::uint32_t server_subnet = at.server_eni ? snap.enis[at.server_eni].subnet : 0;

    // ---- facts ----
    fact_set& f = conn.facts;
    switch (k.protocol) {
      case 6: f.set_word<"tcp">(fact_id::protocol); break;
      case 17: f.set_word<"udp">(fact_id::protocol); break;
      case 1: f.set_word<"icmp">(fact_id::protocol); break;
      case 58: f.set_word<"icmpv6">(fact_id::protocol); break;
      default: f.set_word<"other">(fact_id::protocol); break;
    }
    set_state(f, fact_id::client_egress, conn.client_egress.state);
    set_state(f, fact_id::server_ingress, conn.server_ingress.state);
    set_state(f, fact_id::server_egress, conn.server_egress.state);
    set_state(f, fact_id::client_ingress, conn.client_ingress.state);

    evidence_acc req, resp;  // every record of each way, any view, any action
    for (int a = 0; a < 2; ++a) {
      fold(req, w.all[out_way][a]);
      fold(resp, w.all[back_way][a]);
    }
    if (!via_tgw) {
      f.set_word<"none">(fact_id::tgw_loss);
    } else {
      f.set(fact_id::tgw_loss, tgw_loss_word(tgw_lost_request ? tgw_lost_request : tgw_lost_response));
    }
    if (tgw_lost_request) {
      f.set_word<"request">(fact_id::tgw_loss_leg);
    } else if (tgw_lost_response) {
      f.set_word<"response">(fact_id::tgw_loss_leg);
    } else {
      f.set_word<"none">(fact_id::tgw_loss_leg);
    }
    if (tgw_view && !gateway_view) {
      // The attachment's records are the evidence a routing verdict points at.
      at.tgw = tgw_loss_view ? tgw_loss_view : tgw_view;
      at.tgw_way = tgw_loss_view && !tgw_lost_request ? back_way : out_way;
      conn.via.accepted = summarize(c.ev(*at.tgw, at.tgw_way, 0));
      conn.via.state = conn.via.accepted.any() ? point_state::accept : point_state::none;
    }
    set_one_of<"unknown", "data", "small", "rst-like">(
        f, fact_id::response_size_shape,
        k.protocol == 6 && !req.flags_known && !resp.flags_known ? size_shape(req, resp, conn.client.ip.is_v6())
                                                                 : "unknown");
    f.set(fact_id::request_flags_seen, req.flags_known);
    f.set(fact_id::response_flags_seen, resp.flags_known);
    if (k.protocol == 6 && (req.flags_known || resp.flags_known)) {
      f.set(fact_id::syn, req.flags_known && (req.flags & syn) != 0);
      f.set(fact_id::syn_ack, resp.flags_known && (resp.flags & syn_ack) == syn_ack);
      f.set(fact_id::rst_from_server, resp.flags_known && (resp.flags & rst) != 0);
      f.set(fact_id::fin, ((req.flags | resp.flags) & fin) != 0);
    }

    // Rejected responses: were some responses accepted before the first reject at the same point? An
    // ACCEPT and a REJECT record starting in the same second (as records of one capture window often do)
    // may have come in either order, so they count as "may have come before": a REJECT after accepted
    // responses is not certain to be the ACL (tracking may have timed out), and ordering cannot be proved.
    const observation_point& resp_point =
        conn.server_egress.rejected.any() ? conn.server_egress : conn.client_ingress;
    if (resp_point.rejected.any()) {
      f.set(fact_id::response_accepted_before_reject,
            resp_point.accepted.any() && resp_point.accepted.first <= resp_point.rejected.first);
    }
    // (An accumulator's flags hold only bits some record logged, so a bit set means it was seen.)
    const std::uint64_t req_rej = w.all[out_way][1].packets, resp_rej = w.all[back_way][1].packets;
    std::optional<std::int64_t> first_reject;
    std::int64_t last_accept = INT64_MIN, first_accept = INT64_MAX;
    bool closed = false, syn_rejected = false;
    for (int d = 0; d < 2; ++d) {
      const evidence_acc& rejected = w.all[d][1];
      const evidence_acc& accepted = w.all[d][0];
      if (rejected.any()) first_reject = std::min(first_reject.value_or(INT64_MAX), rejected.first);
      if (rejected.flags & syn) syn_rejected = true;
      if (accepted.any()) {
        last_accept = std::max(last_accept, accepted.last);
        first_accept = std::min(first_accept, accepted.first);
        if (accepted.flags & (fin | rst)) closed = true;
      }
    }
    conn.first_reject = first_reject;
    f.set(fact_id::request_reject_packets, req_rej);
    f.set(fact_id::response_reject_packets, resp_rej);
    if (first_reject) {
      // Late packets: the connection worked both ways, and every REJECT came after it closed. With
      // tcp-flags: FIN or RST was accepted, no rejected packet is a SYN, and only a few packets were
      // rejected, after the first accepted ones (a late packet often shares the closing window, and
      // start/end lag by up to 60 s, so times alone cannot order them). Without flags: every REJECT
      // starts after the last accepted packet, and they are a few stray packets (one or two, as the
      // SIEM ticket of tickets.md shows; at most 4), for TCP bare headers as a FIN, ACK or RST is —
      // a connection cut while open retransmits data, and many times.
      const bool worked = (conn.server_ingress.accepted.any() || conn.client_egress.accepted.any()) &&
                          (conn.server_egress.accepted.any() || conn.client_ingress.accepted.any());
      // With tcp-flags logged a TCP connection shows its close (FIN or RST): REJECTs after its last
      // accepted packets without one cut it while open (an ACL change, a lost tracking entry).
      const bool tcp_flags_logged = k.protocol == 6 && (req.flags_known || resp.flags_known);
      const std::uint64_t rej_bytes = w.all[out_way][1].bytes + w.all[back_way][1].bytes;
      const std::uint64_t bare_header = conn.client.ip.is_v6() ? 84 : 64;  // 20/40 bytes + options
      const bool few = req_rej + resp_rej <= 4;
      const bool stray = few && (k.protocol != 6 || rej_bytes <= bare_header * (req_rej + resp_rej));
      const bool late = closed ? !syn_rejected && few && *first_reject > first_accept
                               : !tcp_flags_logged && stray && *first_reject > last_accept;
      f.set(fact_id::rejects_only_after_close, worked && late);
    }

    if (client_subnet && server_subnet) {
      if (client_subnet == server_subnet) {
        f.set_word<"true">(fact_id::same_subnet);  // an enumeration (true, false, unknown), not a boolean
      } else {
        f.set_word<"false">(fact_id::same_subnet);
      }
    } else {
      f.set_word<"unknown">(fact_id::same_subnet);
    }
    set_one_of<"private", "public", "not-captured">(f, fact_id::client_address, class_of(conn.client.ip));
    set_one_of<"private", "public", "not-captured">(f, fact_id::server_address, class_of(conn.server.ip));

    reject_reason_t reason = reject_reason_t::absent;
    for (const auto& v : c.views) {
      if (v.reason == reject_reason_t::bpa) reason = v.reason;
      else if (reason == reject_reason_t::absent) reason = v.reason;
    }
    if (reason == reject_reason_t::absent) {
      f.set_word<"absent">(fact_id::reject_reason);
    } else if (reason == reject_reason_t::bpa) {
      f.set_word<"bpa">(fact_id::reject_reason);
    } else {
      f.set_word<"other">(fact_id::reject_reason);
    }

    bool gap = false, at_end = false, at_start = false, both_actions = !c.views.empty();
    const auto cover = [&](const eni_state& e) {
      for (const auto& [s, t] : e.skipdata) gap = gap || (s <= c.last && t >= c.first);
      // Within the last (first) capture window of the ENI's data: the answer may be in the next file.
      if (e.last != INT64_MIN && c.last >= e.last - e.window) at_end = true;
      if (e.first != INT64_MAX && c.first <= e.first + e.window) at_start = true;
      both_actions = both_actions && e.saw_accept && e.saw_reject;
    };
    for (const auto& v : c.views) cover(snap.enis[v.eni]);
    // A logged ENI that owns an end but recorded nothing of the connection speaks by its silence: that
    // silence only counts where its log covers the time (no SKIPDATA, not its last window) and would
    // show a REJECT (it logs both actions).
    for (int i = 0; i < 4; ++i) {
      const std::uint32_t o = at.owner[i];
      const bool seen = o == 0 || std::any_of(at.owner, at.owner + i, [&](std::uint32_t p) { return p == o; }) ||
                        std::any_of(c.views.begin(), c.views.end(), [&](const view_state& v) { return v.eni == o; });
      if (!seen) cover(snap.enis[o]);
    }
    f.set(fact_id::coverage_gap, gap);
    if (at_end) {
      f.set_word<"end">(fact_id::data_edge);
    } else if (at_start) {
      f.set_word<"start">(fact_id::data_edge);
    } else {
      f.set_word<"none">(fact_id::data_edge);
    }
    // Configuration can say that every ENI involved is covered by a flow log capturing ALL traffic.
    const bool configured_all =
        !c.views.empty() && std::all_of(c.views.begin(), c.views.end(), [&](const view_state& v) {
          const configured_eni* cfg = snap.enis[v.eni].config;
          return cfg && cfg->captures_all.value_or(false);
        });
    if (st.options.traffic_type_all || both_actions || configured_all) {
      f.set_word<"true">(fact_id::traffic_type_all);
    } else {
      f.set_word<"unknown">(fact_id::traffic_type_all);
    }
    const auto server_cfg = st.configured_by_address.find(conn.server.ip);
    const auto server_logged =
        server_cfg == st.configured_by_address.end() ? std::nullopt : server_cfg->second->flow_logged;
    if (!server_logged) {
      f.set_word<"unknown">(fact_id::server_flow_log);
    } else {
      f.set(fact_id::server_flow_log, *server_logged ? "exists" : "none");
    }
    // Which kind of intermediary needs configuration to say; without it the fact stays unknown.
    if (!has_intermediary) {
      f.set_word<"none">(fact_id::intermediary);
      f.set_word<"none">(fact_id::intermediary_leg);
    } else if (gateway_view) {
      at.gateway = gateway_view;
      if (const configured_eni* cfg = snap.enis[gateway_view->eni].config) {
        if (cfg->interface_type == "nat_gateway") f.set(fact_id::intermediary, "nat-gateway");
        if (cfg->interface_type == "transit_gateway") f.set(fact_id::intermediary, "transit-gateway");
      }
      f.set(fact_id::intermediary_leg, join_gateway_leg(st, snap, *gateway_view, conn, false));
    }
    set_one_of<"eni-address", "flow-direction", "config", "ports", "unknown">(f, fact_id::direction_source,
                                                                              direction_source);
    f.set(fact_id::unplaced_enis, std::uint64_t{at.unplaced});
    return conn;
  };
  // sibling_eni_accepts needs every connection, but only a connection whose request was REJECTed at the
  // server can use it: those few wait for the end, the rest go out as they are resolved.
  for_each_fetched_ahead(batch, [&](const keyed_conn& kc) {
    const auto& [k, c] = kc;
    placed at;
    connection conn = resolve(k, c, at);
    const std::uint32_t server_eni = at.server ? at.server->eni : 0;
    const std::uint32_t server_subnet = server_eni ? snap.enis[server_eni].subnet : 0;
    st.siblings.note(conn, server_eni, server_subnet);
    if (sibling_index::applies(conn, server_subnet)) {
      materialize(conn, at);
      st.waiting.push_back(std::move(conn));
    } else {
      if (server_subnet) conn.facts.set(fact_id::sibling_eni_accepts, false);
      if (!st.want_detail || st.want_detail(conn)) {
        materialize(conn, at);
        emit(std::move(conn));
      } else if (st.brief) {
        st.brief({conn.protocol, conn.client.ip, conn.server.ip, conn.client.port, conn.server.port, conn.first,
                  conn.last, conn.first_reject});
      } else {
        emit(std::move(conn));
      }
    }
  });
}

void flush_waiting(correlator::state& st, const std::function<void(connection&&)>& emit) {
  const auto id_of = [&](const std::string& name) -> std::uint32_t {
    const auto it = st.ids.find(name);
    return it == st.ids.end() ? 0 : it->second;
  };
  for (auto& conn : st.waiting) {
    conn.facts.set(fact_id::sibling_eni_accepts,
                   st.siblings.other_accepts(conn, id_of(conn.server_ingress.eni), id_of(conn.server_ingress.subnet)));
    emit(std::move(conn));
  }
  st.waiting.clear();
}

}  // namespace flowsleuth::detail
