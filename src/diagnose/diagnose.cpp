#include "flowsleuth/diagnose.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <future>
#include <map>
#include <span>
#include <cstring>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include "flowsleuth/time_util.hpp"
#include "diagnose/flow_store.hpp"
#include "util/hash.hpp"
#include "util/serial_worker.hpp"

namespace flowsleuth {

std::string_view to_string(flow_mix m) noexcept {
  switch (m) {
    case flow_mix::over_time: return "over-time";
    case flow_mix::by_client_port: return "by-client-port";
    case flow_mix::over_time_or_icmp_type: return "over-time-or-icmp-type";
    case flow_mix::none: break;
  }
  return "none";
}


int severity_rank(verdict v) noexcept {
  switch (v) {
    case verdict::blocked: return 0;
    case verdict::refused: return 1;
    case verdict::no_response: return 2;
    case verdict::unobserved_peer: return 3;
    case verdict::inconclusive: return 4;
    case verdict::late_packets: return 5;
    case verdict::not_captured: return 6;
    case verdict::ok: return 7;
  }
  return 7;
}

namespace {

constexpr std::array<verdict, 8> by_severity_rank = {verdict::blocked,      verdict::refused,         verdict::no_response,
                                                     verdict::unobserved_peer, verdict::inconclusive, verdict::late_packets,
                                                     verdict::not_captured, verdict::ok};
verdict verdict_of_rank(int rank) noexcept { return by_severity_rank[static_cast<std::size_t>(rank)]; }

// `client_eni`/`server_eni` empty for briefs: needs_detail() keeps every connection while --eni is given.
bool passes(const ip_address& client, const ip_address& server, std::optional<std::uint16_t> server_port,
            std::uint8_t protocol, std::string_view client_eni, std::string_view server_eni, const diagnose_filters& f) {
  auto any = [](const auto& cidrs, const ip_address& ip) {
    return cidrs.empty() || std::any_of(cidrs.begin(), cidrs.end(), [&](const auto& x) { return x.contains(ip); });
  };
  if (!any(f.client, client) || !any(f.server, server)) return false;
  if (f.port && server_port != f.port) return false;
  if (f.protocol && protocol != *f.protocol) return false;
  if (!f.enis.empty()) {
    const bool hit = std::any_of(f.enis.begin(), f.enis.end(),
                                 [&](const std::string& e) { return e == client_eni || e == server_eni; });
    if (!hit) return false;
  }
  return true;
}

bool passes(const connection& c, const diagnose_filters& f) {
  return passes(c.client.ip, c.server.ip, c.server.port, c.protocol, c.client.eni, c.server.eni, f);
}

}  // namespace

// The point whose ENI or subnet enforces a blocking layer.
const observation_point& enforcing_point(const connection& c, const rule_blocking& b) {
  if (b.at == endpoint_role::intermediary) return c.via;
  const bool at_server = b.at ? *b.at == endpoint_role::server : true;
  if (b.leg == traffic_leg::request) return at_server ? c.server_ingress : c.client_egress;
  return at_server ? c.server_egress : c.client_ingress;
}

namespace {

std::string_view not_captured_service(const ip_address& ip) {
  const std::string s = ip.to_string();
  if (s == "169.254.169.254" || s == "fd00:ec2::254") return "the instance metadata service";
  if (s == "169.254.169.253" || s == "fd00:ec2::253") return "the Amazon DNS resolver";
  if (s == "169.254.169.123" || s == "fd00:ec2::123") return "Amazon Time Sync";
  return "an address AWS does not log";
}

bool suppressed(const ip_address& client, const ip_address& server, std::optional<std::uint16_t> port,
                std::uint8_t protocol, verdict outcome, const std::vector<suppression>& list) {
  return std::any_of(list.begin(), list.end(), [&](const suppression& s) {
    return (!s.client || s.client->contains(client)) && (!s.server || s.server->contains(server)) &&
           (!s.port || port == s.port) && (!s.protocol || protocol == *s.protocol) && (!s.outcome || outcome == *s.outcome);
  });
}

}  // namespace

namespace {

// Sorts `ports` in place (a flow's stretch of the finish's port array).
std::vector<port_range> ranges_of(std::span<std::uint16_t> ports) {
  std::sort(ports.begin(), ports.end());
  const auto end = std::unique(ports.begin(), ports.end());
  std::vector<port_range> out;
  for (auto it = ports.begin(); it != end; ++it) {
    const std::uint16_t p = *it;
    if (!out.empty() && out.back().high + 1 == p) {
      out.back().high = p;
    } else {
      out.push_back({p, p});
    }
  }
  return out;
}

flow_mix mix_of(const flow_finding& f) {
  if (f.outcome != verdict::blocked || !f.blocking) return flow_mix::none;
  const auto ok = f.by_verdict.find(verdict::ok);
  if (ok == f.by_verdict.end() || ok->second == 0) return flow_mix::none;
  if (f.protocol == 1 || f.protocol == 58) return flow_mix::over_time_or_icmp_type;
  // Requests go to the server's port, the same for the whole flow; replies go to the client's.
  if (f.blocking->leg == traffic_leg::response && !f.failed_client_ports.empty() && !f.working_client_ports.empty()) {
    const auto& failed = f.failed_client_ports;
    const auto& working = f.working_client_ports;
    if (failed.front().low > working.back().high || failed.back().high < working.front().low) {
      return flow_mix::by_client_port;
    }
  }
  return flow_mix::over_time;
}

// Calls f(from, to) over [0, n): in two halves at once when `split`, else once over all of it.
template <class F>
void in_halves(bool split, std::size_t n, F&& f) {
  if (!split) return f(std::size_t{0}, n);
  auto second = std::async(std::launch::async, [&] { f(n / 2, n); });
  f(std::size_t{0}, n / 2);
  second.get();
}

// What public-source flows are grouped by (diagnosis_builder::finish).
struct group_key {
  ip_address server;
  std::uint8_t protocol;
  int port, rank;
  std::string_view rule;
  friend bool operator==(const group_key&, const group_key&) = default;
};
struct group_key_hash {
  std::size_t operator()(const group_key& k) const noexcept {
    const std::uint64_t h = detail::mix_address(
        std::uint64_t{k.protocol} << 48 ^ std::uint64_t(static_cast<std::uint32_t>(k.port)) << 16 ^
            static_cast<std::uint64_t>(k.rank),
        k.server);
    return detail::mix64(h ^ std::hash<std::string_view>{}(k.rule));
  }
};

}  // namespace

diagnosis_builder::diagnosis_builder(const rule_matcher& rules, diagnose_filters filters, bool keep_ok,
                                     bool keep_connections)
    : rules_(rules),
      detail_memo_(rules),
      add_memo_(rules),
      filters_(std::move(filters)),
      keep_ok_(keep_ok),
      keep_connections_(keep_connections),
      flows_(std::make_unique<detail::flow_store>()) {}

// Connections cross to the adding thread a few hundred at a time (briefs a few thousand): one hand-over
// per connection would cost more than adding it.
struct diagnosis_builder::batch {
  std::vector<connection> full;
  std::vector<connection_brief> briefs;
};

struct diagnosis_builder::background {
  static constexpr std::size_t full_batch = 512, brief_batch = 4096;
  batch pending;
  detail::serial_worker<batch> worker;
  explicit background(diagnosis_builder& b)
      : worker([&b](batch& job) { b.add_batch(job); }) {
    pending.full.reserve(full_batch);
  }
  void flush() {
    if (pending.full.empty() && pending.briefs.empty()) return;
    worker.push(std::move(pending));
    pending = {};
    pending.full.reserve(full_batch);
  }
};

diagnosis_builder::~diagnosis_builder() = default;

void diagnosis_builder::add_in_background() {
  flush_here();
  if (!background_) background_ = std::make_unique<background>(*this);
}

// Without a thread of their own, connections are still added a batch at a time, so the flow counters
// are fetched ahead as on the adding thread (one by one, their misses were a tenth of --threads 1).
void diagnosis_builder::add(connection&& c) {
  if (!background_) {
    if (!here_) here_ = std::make_unique<batch>();
    here_->full.push_back(std::move(c));
    if (here_->full.size() >= background::full_batch) flush_here();
    return;
  }
  background_->pending.full.push_back(std::move(c));
  if (background_->pending.full.size() >= background::full_batch) background_->flush();
}

void diagnosis_builder::add(const connection_brief& b) {
  if (!background_) {
    if (!here_) here_ = std::make_unique<batch>();
    here_->briefs.push_back(b);
    if (here_->briefs.size() >= background::brief_batch) flush_here();
    return;
  }
  background_->pending.briefs.push_back(b);
  if (background_->pending.briefs.size() >= background::brief_batch) background_->flush();
}

void diagnosis_builder::flush_here() {
  if (!here_) return;
  add_batch(*here_);
  here_->full.clear();
  here_->briefs.clear();
}

namespace {

// Each connection's flow counters are two cache misses away (index entry, flow): fetched ahead in
// stages, with each key hashed once for both fetches and the lookup.
template <class T, class Ends, class Add>
void add_fetching_ahead(std::vector<T>& items, std::vector<std::uint64_t>& hashes, detail::flow_store& flows,
                        Ends ends, Add add) {
  const std::size_t n = items.size();
  hashes.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    hashes[i] = std::apply([](auto&&... k) { return detail::flow_store::hash(k...); }, ends(items[i]));
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (i + 16 < n) flows.prefetch_entry(hashes[i + 16]);
    if (i + 8 < n) flows.prefetch_flow(hashes[i + 8]);
    add(items[i], hashes[i]);
  }
}

}  // namespace

// Briefs and whole connections of a batch may be added in either order: what a flow ends up with does
// not depend on the order of its ok connections (counts, extremes and port notes), and briefs are ok.
void diagnosis_builder::add_batch(batch& job) {
  std::vector<std::uint64_t> hashes;
  add_fetching_ahead(
      job.full, hashes, *flows_,
      [](const connection& c) { return std::tie(c.client.ip, c.server.ip, c.protocol, c.server.port); },
      [&](connection& c, std::uint64_t h) { add_now(std::move(c), h); });
  add_fetching_ahead(
      job.briefs, hashes, *flows_,
      [](const connection_brief& b) { return std::tie(b.client, b.server, b.protocol, b.server_port); },
      [&](const connection_brief& b, std::uint64_t h) { add_now(b, h); });
}

void diagnosis_builder::check_config(const connection& c, connection_finding& f, bool& drift_noted, bool kept) {
  auto note_drift = [&](drift_finding d) {
    if (drift_noted) return;
    drift_noted = true;
    drift_.push_back(std::move(d));
  };
  if (f.outcome == verdict::ok) {
    // Once per flow: on real logs healthy connections number in the millions.
    if (!drift_noted) {
      if (auto d = config_->check_accepted(c)) note_drift(std::move(*d));
      drift_noted = true;
    }
    return;
  }
  const bool guarded = f.outcome == verdict::blocked && f.blocking &&
                       (f.blocking->layer == blocking_layer::security_group ||
                        f.blocking->layer == blocking_layer::network_acl ||
                        f.blocking->layer == blocking_layer::security_group_or_network_acl);
  if (!guarded || !kept) return;
  config_assessment a = config_->assess_block(c, *f.blocking);
  if (a.status == config_status::confirmed) {
    // The logs placed the REJECT; the configuration names the rule there: no other cause remains.
    f.blocking->layer = a.layer;
    f.blocking->direction = a.direction;
    // Block Public Access is not in the configuration we read: when the logs left it open, it stays open.
    const bool bpa_open = std::find(f.blocking->candidates.begin(), f.blocking->candidates.end(),
                                    blocking_layer::block_public_access) != f.blocking->candidates.end();
    f.blocking->candidates = {a.layer};
    if (bpa_open) f.blocking->candidates.push_back(blocking_layer::block_public_access);
    f.blocking->confidence = confidence_level::certain;
  } else if (a.status == config_status::contradicted) {
    drift_finding d;
    d.kind = drift_finding::kind_t::allows_rejected;
    d.protocol = c.protocol;
    d.client = c.client;
    d.server = c.server;
    const auto& p = enforcing_point(c, *f.blocking);
    d.logs_say = fmt::format("{} REJECTed it ({} record{})", p.eni.empty() ? "the ENI" : p.eni, p.rejected.records,
                             p.rejected.records == 1 ? "" : "s");
    d.config_says = a.config_says;
    d.evidence = p.rejected.lines;
    d.explanation =
        "The configuration allows traffic that the flow logs show REJECTed: the configuration changed since these "
        "records were written, a layer the configuration does not show rejected it, or these are late packets of a "
        "connection whose tracking ended.";
    note_drift(std::move(d));
  }
  f.config = std::move(a);
}

bool diagnosis_builder::needs_detail(const connection& c) const {
  // Configuration checks and --eni filters read the names; --all keeps every connection.
  if (keep_ok_ || config_ || !filters_.enis.empty()) return true;
  if (!passes(c, filters_)) return false;
  const rule* r = detail_memo_.best(c.facts);
  return !r || r->outcome != verdict::ok;
}

namespace {

// `sure` names one of the layers `open` leaves open, on the same leg and way, with more confidence: the
// same block seen better (a NACL change mid-window first looks like "SG or NACL", and the windows after
// it say "NACL, certain"). A different leg or way is another problem of the flow, not a better view of
// the first one, and does not replace it.
bool narrows(const rule_blocking& sure, const rule_blocking& open) {
  const bool among = sure.layer == open.layer ||
                     std::find(open.candidates.begin(), open.candidates.end(), sure.layer) != open.candidates.end();
  return among && sure.leg == open.leg && sure.direction == open.direction && sure.at == open.at &&
         sure.confidence < open.confidence;  // certain is 0
}

}  // namespace

void diagnosis_builder::add_now(connection&& c) {
  const std::uint64_t h = detail::flow_store::hash(c.client.ip, c.server.ip, c.protocol, c.server.port);
  add_now(std::move(c), h);
}

void diagnosis_builder::add_now(connection&& c, std::uint64_t flow_hash) {
  if (!passes(c, filters_)) return;
  connection_finding f;
  const rule* r = add_memo_.best(c.facts);
  if (r) {
    f.outcome = r->outcome;
    f.blocking = r->blocking;
    f.rule_id = r->id;
    // Which ENI is whose was only guessed from the ports (one ENI, its own address unknown): whatever the
    // rule concludes about a direction and a subnet rests on that guess, so it is never certain.
    if (f.blocking && f.blocking->confidence == confidence_level::certain &&
        c.facts.word(fact_id::direction_source) == std::optional<std::string_view>("ports")) {
      f.blocking->confidence = confidence_level::likely;
    }
  } else {
    f.outcome = verdict::inconclusive;
  }
  ++connection_counts_[f.outcome];

  // Flows: (client ip, server ip, protocol, server port). A flow keeps the first of its most severe
  // connections' verdict — or a later one that narrows it down (below) — and counters for the rest:
  // connections themselves are not kept for it.
  const std::uint32_t flow_index = flows_->find_or_add(flow_hash, c.client.ip, c.server.ip, c.protocol, c.server.port);
  detail::flow_acc& acc = flows_->flows()[flow_index];
  const int rank = severity_rank(f.outcome);
  const bool kept = keep_ok_ || f.outcome != verdict::ok;
  const bool worse = rank < acc.worst_rank;
  const bool surer = !worse && rank == acc.worst_rank && acc.listed && f.blocking &&
                     listed_[acc.listed - 1]->blocking && narrows(*f.blocking, *listed_[acc.listed - 1]->blocking);
  if (r && kept && keep_connections_) f.text = templates_of(*r);  // filled when a report reads it
  if (config_ && kept) {
    // Names from configuration, so reports say "web-2" beside the ENI id (also for an ENI the logs lack).
    for (endpoint* e : {&c.client, &c.server}) {
      const auto& topo = config_->topo();
      const network_interface* eni = e->eni.empty() ? topo.eni_by_address(e->ip) : topo.eni_by_id(e->eni);
      if (eni) e->name = topo.display_name(eni->id);
    }
  }
  if (config_) check_config(c, f, acc.drift_noted, kept);
  if (worse) acc.worst_rank = static_cast<std::int8_t>(rank);
  if (kept && (worse || surer || !acc.listed)) {
    if (!acc.listed) {
      listed_.emplace_back(std::make_unique<flow_finding>());
      acc.listed = static_cast<std::uint32_t>(listed_.size());
      listed_counts_.emplace_back()[static_cast<std::size_t>(severity_rank(verdict::ok))] = acc.unlisted_ok;
      acc.unlisted_ok = 0;
    }
    flow_finding& fl = *listed_[acc.listed - 1];
    fl.protocol = c.protocol;
    fl.client = c.client;
    fl.client.port.reset();
    fl.server = c.server;
    fl.outcome = f.outcome;
    fl.blocking = f.blocking;
    fl.rule_id = f.rule_id;
    fl.decided_by = c.decided_by;
    fl.text = r ? templates_of(*r) : nullptr;
    fl.deciding = {c.client.port, c.first_reject, c.first, c.last};
    fl.facts = shared(c.facts);
    fl.config = f.config ? std::make_shared<const config_assessment>(*f.config) : nullptr;
    fl.blocking_eni.clear();
    fl.blocking_subnet.clear();
    if (fl.blocking) {
      const auto& p = enforcing_point(c, *fl.blocking);
      fl.blocking_eni = p.eni;
      fl.blocking_subnet = p.subnet;
    }
    fl.evidence.clear();
  }
  count(flow_index, acc, f.outcome, c.first, c.last, c.first_reject, c.client.port);
  if (acc.listed && rank == acc.worst_rank) {
    // What proves the finding first: REJECT records, and a transit gateway's records when it counted the
    // connection's packets lost (they carry no action); then the accepted ones around them.
    auto& evidence = listed_[acc.listed - 1]->evidence;
    const auto loss = c.facts.word(fact_id::tgw_loss);
    const bool tgw_lost = loss && *loss != "none" && *loss != "forwarded";
    const auto add = [&](const std::vector<evidence_line>& lines) {
      for (const auto& l : lines) {
        if (evidence.size() < 8) evidence.push_back(l);
      }
    };
    for_each_evidence_point(c, [&](const observation_point& p) { add(p.rejected.lines); });
    if (tgw_lost) add(c.via.accepted.lines);
    for_each_evidence_point(c, [&](const observation_point& p) {
      if (!(tgw_lost && &p == &c.via)) add(p.accepted.lines);
    });
  }
  if (kept && keep_connections_) {
    f.conn = std::move(c);
    connections_.push_back(std::move(f));
  }
}

std::shared_ptr<const finding_templates> diagnosis_builder::templates_of(const rule& r) {
  auto& t = templates_[&r];
  if (!t) t = std::make_shared<const finding_templates>(finding_templates{r.explain, r.fix});
  return t;
}

// Equal fact sets shared: listed flows outnumber their distinct fact sets by an order of magnitude.
std::shared_ptr<const fact_set> diagnosis_builder::shared(const fact_set& facts) {
  auto& same_hash = fact_sets_[facts.hash()];
  for (const auto& known : same_hash) {
    if (*known == facts) return known;
  }
  return same_hash.emplace_back(std::make_shared<const fact_set>(facts));
}

// needs_detail() declined it: it fails the filters, or the pack's rule for it says ok.
void diagnosis_builder::add_now(const connection_brief& b) {
  add_now(b, detail::flow_store::hash(b.client, b.server, b.protocol, b.server_port));
}

void diagnosis_builder::add_now(const connection_brief& b, std::uint64_t flow_hash) {
  if (!passes(b.client, b.server, b.server_port, b.protocol, {}, {}, filters_)) return;
  ++connection_counts_[verdict::ok];
  const std::uint32_t flow_index = flows_->find_or_add(flow_hash, b.client, b.server, b.protocol, b.server_port);
  detail::flow_acc& acc = flows_->flows()[flow_index];
  acc.worst_rank = std::min(acc.worst_rank, static_cast<std::int8_t>(severity_rank(verdict::ok)));
  count(flow_index, acc, verdict::ok, b.first, b.last, b.first_reject, b.client_port);
}

void diagnosis_builder::count(std::uint32_t flow_index, detail::flow_acc& acc, verdict outcome, std::int64_t first,
                              std::int64_t last, std::optional<std::int64_t> first_reject,
                              std::optional<std::uint16_t> client_port) {
  const int rank = severity_rank(outcome);
  if (acc.listed) {
    ++listed_counts_[acc.listed - 1][static_cast<std::size_t>(rank)];
  } else {
    ++acc.unlisted_ok;  // a flow with anything but ok connections is listed
  }
  acc.first = std::min(acc.first, first);
  acc.last = std::max(acc.last, last);
  if (first_reject && outcome != verdict::late_packets) acc.first_reject = std::min(acc.first_reject, *first_reject);
  if (client_port) {
    const bool working = outcome == verdict::ok || outcome == verdict::late_packets;
    flows_->ports().push_back({flow_index, *client_port, !working});
  }
}

diagnosis diagnosis_builder::finish() {
  const bool threaded = background_ != nullptr;  // the caller allowed more than one thread
  flush_here();
  if (background_) {
    background_->flush();
    background_->worker.drain();
    background_.reset();
  }
  diagnosis out;
  const diagnose_filters& filters = filters_;
  auto& flows = flows_->flows();
  // What add() needed is freed as findings are made: at the end of a big input this is the peak.
  flows_->drop_index();
  // Only listed flows are shown, so only they are ordered; the rest are counted. On big inputs nine
  // flows in ten are healthy and unlisted, and ordering them all was most of this function's time.
  std::uint64_t unlisted_ok = 0;
  std::vector<std::uint32_t> order;
  order.reserve(listed_.size());
  std::vector<std::uint64_t> connections(listed_.size());  // by listed index
  // Each flow's `listed`, packed: the port notes below name flows at random, and a 4-byte table of them
  // stays in cache where the flows themselves (72 bytes each) missed for every note.
  std::vector<std::uint32_t> listed_of(flows.size());
  for (std::uint32_t i = 0; i < flows.size(); ++i) {
    const auto& acc = flows[i];
    listed_of[i] = acc.listed;
    if (suppressed(acc.client, acc.server, acc.server_port(), acc.protocol, verdict_of_rank(acc.worst_rank),
                   filters.suppressions)) {
      ++out.suppressed_flows;
    } else if (!acc.listed) {
      ++unlisted_ok;  // healthy, and no --all: counted, not listed
    } else {
      order.push_back(i);
      std::uint64_t n = 0;
      for (auto v : listed_counts_[acc.listed - 1]) n += v;
      connections[acc.listed - 1] = n;
    }
  }
  std::sort(order.begin(), order.end(), [&](std::uint32_t x, std::uint32_t y) {
    const auto& a = flows[x];
    const auto& b = flows[y];
    if (a.worst_rank != b.worst_rank) return a.worst_rank < b.worst_rank;
    const std::uint64_t ca = connections[a.listed - 1], cb = connections[b.listed - 1];
    if (ca != cb) return ca > cb;
    // A total order, so reports do not depend on when the correlator resolved each connection.
    return std::tie(a.first, a.client, a.server, a.protocol, a.has_port, a.port) <
           std::tie(b.first, b.client, b.server, b.protocol, b.has_port, b.port);
  });
  // Client ports, for the listed flows only (the others are counted, not shown): counted per listed
  // flow and outcome, then placed in one array (a counting sort), each finding reading its stretch.
  // A vector per flow and outcome cost 150 k allocations on 10 M records, and the pushes missed.
  // With threads, each half of the notes is counted and placed by its own thread: the second half's
  // ports go after the first half's in each stretch (their order is sorted away anyway).
  const std::size_t port_buckets = 2 * listed_.size();  // listed index × (working, failed)
  const auto& notes = flows_->ports();
  const bool split = threaded && notes.size() >= 4096;
  auto bucket_of = [&](const detail::port_note& n) -> std::size_t {
    const std::uint32_t l = listed_of[n.flow];
    return l ? 2 * (l - 1) + (n.failed ? 1 : 0) : port_buckets;  // port_buckets: not listed
  };
  auto note_at = [&](std::size_t i) { return notes.begin() + static_cast<std::ptrdiff_t>(i); };
  std::array<std::vector<std::size_t>, 2> half_counts;  // [0]: notes from 0, [1]: from the split
  in_halves(split, notes.size(), [&](std::size_t from, std::size_t to) {
    auto& counts = half_counts[from == 0 ? 0 : 1];
    counts.assign(port_buckets + 1, 0);
    for (auto it = note_at(from); it != note_at(to); ++it) ++counts[bucket_of(*it)];
  });
  std::vector<std::size_t> port_start(port_buckets + 1, 0);
  for (std::size_t b = 0; b < port_buckets; ++b) {
    std::size_t n = 0;
    for (const auto& counts : half_counts) n += counts.empty() ? 0 : counts[b];
    port_start[b + 1] = port_start[b] + n;
  }
  std::vector<std::uint16_t> client_ports(port_start[port_buckets]);
  in_halves(split, notes.size(), [&](std::size_t from, std::size_t to) {
    // Where this half's ports of each stretch start: after the first half's, for the second.
    std::vector<std::size_t> next(port_start.begin(), port_start.end() - 1);
    if (from != 0) {
      for (std::size_t b = 0; b < port_buckets; ++b) next[b] += half_counts[0][b];
    }
    for (auto it = note_at(from); it != note_at(to); ++it) {
      const std::size_t b = bucket_of(*it);
      if (b != port_buckets) client_ports[next[b]++] = it->port;
    }
  });
  half_counts = {};
  flows_->ports() = {};
  auto ports_of = [&](std::uint32_t listed, bool failed) {
    const std::size_t b = 2 * (listed - 1) + (failed ? 1 : 0);
    return std::span<std::uint16_t>(client_ports.data() + port_start[b], port_start[b + 1] - port_start[b]);
  };
  // Each listed flow's finding gets its counts and port ranges (sorts and allocations: ~2 µs a flow,
  // 77 k flows on 10 M records), in place, in two halves at once when threads are allowed: nothing
  // else runs now. Then, in order, each moves into the diagnosis as its builder copy is freed, so the
  // findings never exist twice (sizing the list first held 50 MB more at the peak).
  auto fill_findings = [&](std::size_t from, std::size_t to) {
    for (std::size_t k = from; k < to; ++k) {
      const auto& acc = flows[order[k]];
      flow_finding& fl = *listed_[acc.listed - 1];
      const auto& counts = listed_counts_[acc.listed - 1];
      for (std::size_t rank = 0; rank < counts.size(); ++rank) {
        if (counts[rank]) fl.by_verdict[verdict_of_rank(static_cast<int>(rank))] = counts[rank];
      }
      fl.connections = connections[acc.listed - 1];
      fl.first = acc.first;
      fl.last = acc.last;
      if (acc.first_reject != INT64_MAX) fl.first_reject = acc.first_reject;
      fl.failed_client_ports = ranges_of(ports_of(acc.listed, true));
      fl.working_client_ports = ranges_of(ports_of(acc.listed, false));
      fl.mixed = mix_of(fl);
    }
  };
  in_halves(threaded && order.size() >= 4096, order.size(), fill_findings);
  client_ports = {};
  for (const std::uint32_t i : order) {
    auto& listed = listed_[flows[i].listed - 1];
    out.flows.push_back(std::move(*listed));
    listed.reset();
  }
  // Order by severity through indexes, reading only each finding's packed key.
  std::vector<std::size_t> by_severity(connections_.size());
  for (std::size_t i = 0; i < by_severity.size(); ++i) by_severity[i] = i;
  {
    std::vector<connection_list::order_key> keys;
    keys.reserve(connections_.size());
    for (std::size_t i = 0; i < connections_.size(); ++i) keys.push_back(connections_.key(i));
    std::stable_sort(by_severity.begin(), by_severity.end(), [&](std::size_t a, std::size_t b) {
      const auto& x = keys[a];
      const auto& y = keys[b];
      if (severity_rank(x.outcome) != severity_rank(y.outcome)) return severity_rank(x.outcome) < severity_rank(y.outcome);
      return std::tie(x.first, *x.client, x.client_port, *x.server, x.server_port, x.protocol) <
             std::tie(y.first, *y.client, y.client_port, *y.server, y.server_port, y.protocol);
    });
  }
  // A question about traffic AWS never logs gets an answer instead of silence (aws-flow-logs.md §5.3).
  for (const auto& asked : filters.server) {
    if (!asked.is_host() || address_class(asked.network) != "not-captured") continue;
    const bool seen = std::any_of(flows.begin(), flows.end(), [&](const auto& a) { return a.server == asked.network; });
    if (seen) continue;
    flow_finding nc;
    nc.outcome = verdict::not_captured;
    nc.server.ip = asked.network;
    if (filters.client.size() == 1 && filters.client[0].is_host()) {
      nc.client.ip = filters.client[0].network;
    }
    if (filters.port) nc.server.port = filters.port;
    nc.protocol = filters.protocol.value_or(0);
    nc.text = fixed_text(
        fmt::format("AWS never records traffic to or from {} ({}) in flow logs: the absence of records proves "
                    "nothing, and the traffic may well flow. Security groups and network ACLs cannot block it either.",
                    asked.network.to_string(), not_captured_service(asked.network)),
        "Check from the instance itself (curl, dig, chronyc), not from flow logs.");
    out.flows.push_back(std::move(nc));
  }

  // Group public-source flows that share server, protocol, port, verdict and rule. Found through a
  // hash of that key in flow order, so groups come out ordered by their first flow; member lists are
  // built only for groups big enough to report (a map keyed by copies of the rule id, each candidate
  // with its own list, took 40 ms on 10 M records).
  struct candidate {
    std::size_t first_flow = 0, members = 0;
  };
  std::unordered_map<group_key, std::uint32_t, group_key_hash> group_of;
  std::vector<candidate> candidates;
  std::vector<std::pair<std::size_t, std::uint32_t>> member_of;  // (flow, candidate), in flow order
  for (std::size_t i = 0; i < out.flows.size(); ++i) {
    const auto& f = out.flows[i];
    // The deciding connection's class (an IPv6 address in a logged ENI's /56 is not the internet's).
    const auto cls = f.facts ? f.facts->word(fact_id::client_address) : std::nullopt;
    if (f.outcome == verdict::ok || cls.value_or(address_class(f.client.ip)) != "public") continue;
    const group_key key{f.server.ip, f.protocol, f.server.port ? int{*f.server.port} : -1, severity_rank(f.outcome),
                        f.rule_id};
    const auto [it, fresh] = group_of.try_emplace(key, static_cast<std::uint32_t>(candidates.size()));
    if (fresh) candidates.push_back({i, 0});
    ++candidates[it->second].members;
    member_of.emplace_back(i, it->second);
  }
  std::vector<std::uint32_t> reported(candidates.size(), UINT32_MAX);  // candidate → index in out.groups
  for (std::size_t c = 0; c < candidates.size(); ++c) {
    if (candidates[c].members < min_group_size) continue;
    reported[c] = static_cast<std::uint32_t>(out.groups.size());
    flow_group& g = out.groups.emplace_back();
    g.first_flow = candidates[c].first_flow;
    g.flows.reserve(candidates[c].members);
  }
  for (const auto& [flow, c] : member_of) {
    if (reported[c] == UINT32_MAX) continue;
    flow_group& g = out.groups[reported[c]];
    g.flows.push_back(flow);
    g.connections += out.flows[flow].connections;
  }
  for (const auto& f : out.flows) ++out.flow_counts[f.outcome];
  if (unlisted_ok) out.flow_counts[verdict::ok] += unlisted_ok;
  out.unlisted_ok_flows = unlisted_ok;
  out.drift = std::move(drift_);
  flows_ = std::make_unique<detail::flow_store>();
  listed_.clear();
  listed_counts_.clear();
  templates_.clear();  // the findings hold their own references
  fact_sets_.clear();
  out.connection_counts = connection_counts_;
  connections_.reorder(by_severity);
  out.connections = std::move(connections_);
  connections_ = connection_list();
  return out;
}

diagnosis diagnose(std::vector<connection> connections, const rule_matcher& rules, const diagnose_filters& filters) {
  diagnosis_builder b(rules, filters, true);
  for (auto& c : connections) b.add(std::move(c));
  return b.finish();
}

}  // namespace flowsleuth
