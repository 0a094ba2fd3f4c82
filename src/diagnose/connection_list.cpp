// The diagnosis' connection findings, packed: a connection_finding is 2 kB with a dozen or so
// allocations (ENI and subnet ids are past the short-string size, every evidence line has its own
// name), and a JSON report of 10 M records lists a few hundred thousand of them. Packed, names are
// ids into one table, the ten evidence summaries of a connection are stored only when not empty,
// evidence lines are 24 bytes, and equal fact sets are shared. Unpacking gives back exactly what
// was added.

#include <algorithm>
#include <stdexcept>
#include <unordered_map>

#include "flowsleuth/diagnose.hpp"

namespace flowsleuth {
namespace {

struct packed_line {
  std::uint64_t line = 0;
  std::uint32_t file = 0, eni = 0;
  direction_t direction = direction_t::none;
  action_t action = action_t::none;
  std::uint8_t flags = 0;
  bool has_flags = false;
};

// A packet_evidence without its lines (they follow in the connection's line list).
struct packed_evidence {
  std::uint32_t records = 0;
  std::uint8_t flags = 0;
  bool flags_known = false;
  std::uint16_t lines = 0;
  std::uint64_t packets = 0, bytes = 0;
  std::int64_t first = 0, last = 0;
};

struct packed_point {
  point_state state = point_state::none;
  std::uint8_t present = 0;  // bit 0: accepted evidence stored, bit 1: rejected
  std::uint32_t eni = 0, subnet = 0;
};

struct packed_endpoint {
  ip_address ip;
  bool has_port = false;
  std::uint16_t port = 0;
  std::uint32_t eni = 0, subnet = 0, name = 0;
};

constexpr std::size_t point_count = 5;  // client_egress, server_ingress, server_egress, client_ingress, via

// The counters a packet_evidence and its packed form share, either way.
template <class To, class From>
void copy_counts(To& to, const From& from) {
  to.records = from.records;
  to.flags = from.flags;
  to.flags_known = from.flags_known;
  to.packets = from.packets;
  to.bytes = from.bytes;
  to.first = from.first;
  to.last = from.last;
}

}  // namespace

struct connection_list::impl {
  struct packed {
    // The connection.
    std::uint8_t protocol = 0;
    bool has_first_reject = false;
    packed_endpoint client, server;
    std::uint32_t decided_by = 0;  // the list, each word after a newline, interned
    std::array<packed_point, point_count> points{};
    // Two a view (connection::unplaced): request, response. A pointer: nearly always absent, and a
    // vector here took 16 bytes more in each of a few hundred thousand packed connections.
    std::unique_ptr<std::vector<packed_point>> unplaced;
    std::int64_t first = 0, last = 0, first_reject = 0;
    std::shared_ptr<const fact_set> facts;
    std::vector<packed_evidence> evidence;  // the stored ones, point by point, accepted first
    std::vector<packed_line> lines;         // theirs, in the same order
    // The finding.
    verdict outcome = verdict::inconclusive;
    std::optional<rule_blocking> blocking;
    std::uint32_t rule_id = 0;
    std::shared_ptr<const finding_templates> text;
    std::unique_ptr<config_assessment> config;  // only with --config: a pointer, not 320 bytes each
  };

  std::vector<packed> items;
  std::deque<std::string> strings{""};  // id → text (a deque: views into it stay valid)
  std::unordered_map<std::string_view, std::uint32_t> ids{{std::string_view(strings.front()), 0}};
  std::unordered_map<std::uint64_t, std::vector<std::shared_ptr<const fact_set>>> fact_sets;

  std::uint32_t intern(std::string_view s) {
    if (const auto it = ids.find(s); it != ids.end()) return it->second;
    strings.emplace_back(s);
    const auto id = static_cast<std::uint32_t>(strings.size() - 1);
    ids.emplace(strings.back(), id);
    return id;
  }
  std::shared_ptr<const fact_set> share(const fact_set& f) {
    auto& same_hash = fact_sets[f.hash()];
    for (const auto& known : same_hash) {
      if (*known == f) return known;
    }
    return same_hash.emplace_back(std::make_shared<const fact_set>(f));
  }

  packed_endpoint pack(const endpoint& e) {
    return {e.ip, e.port.has_value(), e.port.value_or(0), intern(e.eni), intern(e.subnet), intern(e.name)};
  }
  endpoint unpack(const packed_endpoint& p) const {
    endpoint e;
    e.ip = p.ip;
    if (p.has_port) e.port = p.port;
    e.eni = strings[p.eni];
    e.subnet = strings[p.subnet];
    e.name = strings[p.name];
    return e;
  }

  // Point i: the five fixed ones, then each unplaced view's request and response.
  // Its packed form: the fixed five, then the unplaced ones.
  template <typename Packed>
  static auto& packed_point_of(Packed& p, std::size_t i) {
    return i < point_count ? p.points[i] : (*p.unplaced)[i - point_count];
  }
  template <typename Connection>
  static auto& point_of(Connection& c, std::size_t i) {
    switch (i) {
      case 0: return c.client_egress;
      case 1: return c.server_ingress;
      case 2: return c.server_egress;
      case 3: return c.client_ingress;
      case 4: return c.via;
      default: {
        auto& u = c.unplaced[(i - point_count) / 2];
        return (i - point_count) % 2 == 0 ? u.request : u.response;
      }
    }
  }
  static bool stored(const packet_evidence& e) {
    return e.records || e.packets || e.bytes || e.flags || e.flags_known || e.first || e.last || !e.lines.empty();
  }

  packed pack(connection_finding&& f) {
    packed p;
    const connection& c = f.conn;
    p.protocol = c.protocol;
    p.client = pack(c.client);
    p.server = pack(c.server);
    // Each word after a newline: an empty list and a list of one empty word stay apart.
    std::string joined;
    for (const auto& word : c.decided_by) {
      joined += '\n';
      joined += word;
    }
    p.decided_by = intern(joined);
    if (!c.unplaced.empty()) p.unplaced = std::make_unique<std::vector<packed_point>>(2 * c.unplaced.size());
    for (std::size_t i = 0; i < point_count + 2 * c.unplaced.size(); ++i) {
      const observation_point& o = point_of(c, i);
      packed_point& q = packed_point_of(p, i);
      q.state = o.state;
      q.eni = intern(o.eni);
      q.subnet = intern(o.subnet);
      for (int which = 0; which < 2; ++which) {
        const packet_evidence& e = which == 0 ? o.accepted : o.rejected;
        if (!stored(e)) continue;
        q.present |= static_cast<std::uint8_t>(1u << which);
        packed_evidence& pe = p.evidence.emplace_back();
        copy_counts(pe, e);
        pe.lines = static_cast<std::uint16_t>(std::min<std::size_t>(e.lines.size(), UINT16_MAX));
        for (std::size_t k = 0; k < pe.lines; ++k) {
          const evidence_line& l = e.lines[k];
          p.lines.push_back({l.line, l.file, intern(l.eni), l.direction, l.action, l.tcp_flags.value_or(0),
                             l.tcp_flags.has_value()});
        }
      }
    }
    p.evidence.shrink_to_fit();
    p.lines.shrink_to_fit();
    p.first = c.first;
    p.last = c.last;
    p.has_first_reject = c.first_reject.has_value();
    p.first_reject = c.first_reject.value_or(0);
    p.facts = share(c.facts);
    p.outcome = f.outcome;
    p.blocking = std::move(f.blocking);
    p.rule_id = intern(f.rule_id);
    p.text = std::move(f.text);
    if (f.config) p.config = std::make_unique<config_assessment>(std::move(*f.config));
    return p;
  }

  connection_finding unpack(const packed& p) const {
    connection_finding f;
    connection& c = f.conn;
    c.protocol = p.protocol;
    c.client = unpack(p.client);
    c.server = unpack(p.server);
    const std::string& joined = strings[p.decided_by];
    for (std::size_t from = 0; from < joined.size();) {
      const std::size_t to = std::min(joined.find('\n', from + 1), joined.size());
      c.decided_by.push_back(joined.substr(from + 1, to - from - 1));
      from = to;
    }
    const std::size_t extra = p.unplaced ? p.unplaced->size() : 0;
    c.unplaced.resize(extra / 2);
    std::size_t next_evidence = 0, next_line = 0;
    for (std::size_t i = 0; i < point_count + extra; ++i) {
      observation_point& o = point_of(c, i);
      const packed_point& q = packed_point_of(p, i);
      o.state = q.state;
      o.eni = strings[q.eni];
      o.subnet = strings[q.subnet];
      for (int which = 0; which < 2; ++which) {
        if (!(q.present & (1u << which))) continue;
        const packed_evidence& pe = p.evidence[next_evidence++];
        packet_evidence& e = which == 0 ? o.accepted : o.rejected;
        copy_counts(e, pe);
        e.lines.reserve(pe.lines);
        for (std::size_t k = 0; k < pe.lines; ++k) {
          const packed_line& l = p.lines[next_line++];
          evidence_line& out = e.lines.emplace_back();
          out.file = l.file;
          out.line = l.line;
          out.eni = strings[l.eni];
          out.direction = l.direction;
          out.action = l.action;
          if (l.has_flags) out.tcp_flags = l.flags;
        }
      }
    }
    c.first = p.first;
    c.last = p.last;
    if (p.has_first_reject) c.first_reject = p.first_reject;
    c.facts = *p.facts;
    f.outcome = p.outcome;
    f.blocking = p.blocking;
    f.rule_id = strings[p.rule_id];
    f.text = p.text;
    if (p.config) f.config = *p.config;
    return f;
  }
};

connection_list::connection_list() : impl_(std::make_unique<impl>()) {}
connection_list::~connection_list() = default;
connection_list::connection_list(connection_list&&) noexcept = default;
connection_list& connection_list::operator=(connection_list&&) noexcept = default;

connection_list::connection_list(const connection_list& other) : connection_list() { *this = other; }

connection_list& connection_list::operator=(const connection_list& other) {
  if (this == &other) return *this;
  // Through the public form: a copy shares nothing with the original (its own string table).
  connection_list copy;
  for (std::size_t i = 0; i < other.size(); ++i) copy.push_back(other[i]);
  *this = std::move(copy);
  return *this;
}

std::size_t connection_list::size() const noexcept { return impl_ ? impl_->items.size() : 0; }

connection_finding connection_list::operator[](std::size_t i) const { return impl_->unpack(impl_->items.at(i)); }

void connection_list::push_back(connection_finding&& f) {
  if (!impl_) impl_ = std::make_unique<impl>();
  impl_->items.push_back(impl_->pack(std::move(f)));
}

void connection_list::clear() noexcept { impl_ = std::make_unique<impl>(); }

connection_list::order_key connection_list::key(std::size_t i) const {
  const impl::packed& p = impl_->items.at(i);
  return {p.outcome,
          p.first,
          &p.client.ip,
          p.client.has_port ? std::optional<std::uint16_t>(p.client.port) : std::nullopt,
          &p.server.ip,
          p.server.has_port ? std::optional<std::uint16_t>(p.server.port) : std::nullopt,
          p.protocol};
}

void connection_list::reorder(const std::vector<std::size_t>& order) {
  if (!impl_) return;
  auto& items = impl_->items;
  if (order.size() != items.size()) throw std::invalid_argument("connection_list::reorder: not a permutation");
  // In place, cycle by cycle: a second list of them would double what they hold at the report's peak.
  std::vector<bool> placed(items.size(), false);
  for (std::size_t start = 0; start < items.size(); ++start) {
    if (placed[start]) continue;
    impl::packed first = std::move(items[start]);
    for (std::size_t at = start;;) {
      placed[at] = true;
      const std::size_t from = order.at(at);
      if (from == start) {
        items[at] = std::move(first);
        break;
      }
      if (placed[from]) throw std::invalid_argument("connection_list::reorder: not a permutation");
      items[at] = std::move(items[from]);
      at = from;
    }
  }
}

}  // namespace flowsleuth
