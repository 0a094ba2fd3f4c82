#include "flowsleuth/diagnose.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <cstring>
#include <tuple>
#include <unordered_map>

#include "flowsleuth/time_util.hpp"
#include "util/hash.hpp"

namespace flowsleuth {

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

bool passes(const connection& c, const diagnose_filters& f) {
  auto any = [](const auto& cidrs, const ip_address& ip) {
    return cidrs.empty() || std::any_of(cidrs.begin(), cidrs.end(), [&](const auto& x) { return x.contains(ip); });
  };
  if (!any(f.client, c.client.ip) || !any(f.server, c.server.ip)) return false;
  if (f.port && c.server.port != f.port) return false;
  if (f.protocol && c.protocol != *f.protocol) return false;
  if (!f.enis.empty()) {
    const bool hit = std::any_of(f.enis.begin(), f.enis.end(),
                                 [&](const std::string& e) { return e == c.client.eni || e == c.server.eni; });
    if (!hit) return false;
  }
  return true;
}

// The point whose ENI or subnet enforces a blocking layer.
const observation_point& enforcing_point(const connection& c, const rule_blocking& b) {
  const bool at_server = b.at ? *b.at == endpoint_role::server : true;
  if (b.leg == traffic_leg::request) return at_server ? c.server_ingress : c.client_egress;
  return at_server ? c.server_egress : c.client_ingress;
}

std::optional<std::string> lookup(const connection& c, const connection_finding& f, std::string_view name) {
  auto ip = [](const ip_address& a) { return a.to_string(); };
  if (name == "client.ip") return ip(c.client.ip);
  if (name == "server.ip") return ip(c.server.ip);
  if (name == "client.port") return c.client.port ? std::optional(fmt::format("{}", *c.client.port)) : std::nullopt;
  if (name == "server.port") return c.server.port ? std::optional(fmt::format("{}", *c.server.port)) : std::nullopt;
  if (name == "protocol") return protocol_name(c.protocol);
  // Unknown ENIs and subnets read as a description, so sentences stay true without guessing ids.
  auto eni_of = [&](const endpoint& e) {
    return e.eni.empty() ? fmt::format("the ENI of {}", e.ip.to_string()) : e.eni;
  };
  auto subnet_of = [&](const endpoint& e) {
    return e.subnet.empty() ? fmt::format("the subnet of {}", eni_of(e)) : e.subnet;
  };
  if (name == "client.eni") return eni_of(c.client);
  if (name == "server.eni") return eni_of(c.server);
  if (name == "client.subnet") return subnet_of(c.client);
  if (name == "server.subnet") return subnet_of(c.server);
  if (name == "first_reject") return c.first_reject ? std::optional(format_iso(*c.first_reject)) : std::nullopt;
  if (name == "time_range") return fmt::format("{} → {}", format_iso(c.first), format_iso(c.last));
  if (f.blocking && (name == "blocking.eni" || name == "blocking.subnet")) {
    const auto& p = enforcing_point(c, *f.blocking);
    const std::string& v = name == "blocking.eni" ? p.eni : p.subnet;
    return v.empty() ? std::nullopt : std::optional(v);
  }
  return std::nullopt;
}

std::string_view not_captured_service(const ip_address& ip) {
  const std::string s = ip.to_string();
  if (s == "169.254.169.254" || s == "fd00:ec2::254") return "the instance metadata service";
  if (s == "169.254.169.253" || s == "fd00:ec2::253") return "the Amazon DNS resolver";
  if (s == "169.254.169.123" || s == "fd00:ec2::123") return "Amazon Time Sync";
  return "an address AWS does not log";
}

bool suppressed(const flow_finding& f, const std::vector<suppression>& list) {
  return std::any_of(list.begin(), list.end(), [&](const suppression& s) {
    return (!s.client || s.client->contains(f.client.ip)) && (!s.server || s.server->contains(f.server.ip)) &&
           (!s.port || f.server.port == s.port) && (!s.protocol || f.protocol == *s.protocol) &&
           (!s.outcome || f.outcome == *s.outcome);
  });
}

// Folded YAML blocks end with a newline.
std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

using flow_key = std::tuple<ip_address, ip_address, std::uint8_t, int>;

namespace {

std::vector<port_range> ranges_of(std::vector<std::uint16_t> ports) {
  std::sort(ports.begin(), ports.end());
  ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
  std::vector<port_range> out;
  for (auto p : ports) {
    if (!out.empty() && out.back().high + 1 == p) {
      out.back().high = p;
    } else {
      out.push_back({p, p});
    }
  }
  return out;
}

}  // namespace

struct flow_key_hash {
  std::size_t operator()(const flow_key& k) const noexcept {
    std::uint64_t h = std::uint64_t{std::get<2>(k)} << 32 | static_cast<std::uint32_t>(std::get<3>(k));
    for (const auto* ip : {&std::get<0>(k), &std::get<1>(k)}) {
      std::uint64_t w0, w1;
      std::memcpy(&w0, ip->bytes().data(), 8);
      std::memcpy(&w1, ip->bytes().data() + 8, 8);
      h = detail::mix64(h ^ w0) ^ w1;
    }
    return detail::mix64(h);
  }
};

struct diagnosis_builder::flow_index : std::unordered_map<flow_key, std::size_t, flow_key_hash> {};

struct diagnosis_builder::flow_acc {
  flow_finding fl;
  int worst_rank = 99;
  std::vector<std::uint16_t> failed, working;
};

diagnosis_builder::diagnosis_builder(const rule_matcher& rules, diagnose_filters filters, bool keep_ok)
    : rules_(rules), filters_(std::move(filters)), keep_ok_(keep_ok), index_(std::make_unique<flow_index>()) {}

diagnosis_builder::~diagnosis_builder() = default;

void diagnosis_builder::add(connection c) {
  if (!passes(c, filters_)) return;
  connection_finding f;
  const rule* r = rules_.best(c.facts);
  if (r) {
    f.outcome = r->outcome;
    f.blocking = r->blocking;
    f.rule_id = r->id;
  } else {
    f.outcome = verdict::inconclusive;
  }
  ++connection_counts_[f.outcome];

  // Flows: (client ip, server ip, protocol, server port). A flow keeps the first of its most severe
  // connections' verdict, and counters for the rest: connections themselves are not kept for it.
  const flow_key key{c.client.ip, c.server.ip, c.protocol, c.server.port ? int{*c.server.port} : -1};
  auto [it, fresh] = index_->try_emplace(key, flows_.size());
  if (fresh) {
    flows_.emplace_back(std::make_unique<flow_acc>());
    auto& fl = flows_.back()->fl;
    fl.protocol = c.protocol;
    fl.client = c.client;
    fl.client.port.reset();
    fl.server = c.server;
    fl.first = INT64_MAX;
    fl.last = INT64_MIN;
  }
  flow_acc& acc = *flows_[it->second];
  flow_finding& fl = acc.fl;
  const int rank = severity_rank(f.outcome);
  const bool kept = keep_ok_ || f.outcome != verdict::ok;
  // Texts only for what a report shows: healthy connections number in the millions.
  if (kept || rank < acc.worst_rank) {
    if (r) {
      auto look = [&](std::string_view n) { return lookup(c, f, n); };
      f.explanation = trim(expand_template(r->explain, c.facts, look));
      f.remediation = trim(expand_template(r->fix, c.facts, look));
    } else {
      std::string facts;
      for (const auto& [name, value] : c.facts.entries()) facts += fmt::format(" {}={}", name, value);
      f.explanation = "no rule of the pack matches this evidence:" + facts;
    }
  }
  if (rank < acc.worst_rank) {
    acc.worst_rank = rank;
    fl.outcome = f.outcome;
    fl.blocking = f.blocking;
    fl.rule_id = f.rule_id;
    fl.decided_by = c.decided_by;
    fl.explanation = f.explanation;
    fl.remediation = f.remediation;
    fl.facts = c.facts;
    fl.blocking_eni.clear();
    fl.blocking_subnet.clear();
    if (fl.blocking) {
      const auto& p = enforcing_point(c, *fl.blocking);
      fl.blocking_eni = p.eni;
      fl.blocking_subnet = p.subnet;
    }
    fl.evidence.clear();
  }
  ++fl.by_verdict[f.outcome];
  ++fl.connections;
  fl.first = std::min(fl.first, c.first);
  fl.last = std::max(fl.last, c.last);
  if (c.first_reject && f.outcome != verdict::late_packets) {
    fl.first_reject = std::min(fl.first_reject.value_or(INT64_MAX), *c.first_reject);
  }
  if (c.client.port) {
    (f.outcome == verdict::ok || f.outcome == verdict::late_packets ? acc.working : acc.failed).push_back(*c.client.port);
  }
  if (rank == acc.worst_rank) {
    // REJECT records first: they are what proves a block; then the accepted ones around them.
    for (const bool rejected : {true, false}) {
      for (const auto* p : {&c.client_egress, &c.server_ingress, &c.server_egress, &c.client_ingress}) {
        for (const auto& l : (rejected ? p->rejected : p->accepted).lines) {
          if (fl.evidence.size() < 8) fl.evidence.push_back(l);
        }
      }
    }
  }
  if (kept) {
    f.conn = std::move(c);
    connections_.push_back(std::move(f));
  }
}

diagnosis diagnosis_builder::finish() {
  diagnosis out;
  const diagnose_filters& filters = filters_;
  for (auto& acc : flows_) {
    if (suppressed(acc->fl, filters.suppressions)) {
      ++out.suppressed_flows;
      continue;
    }
    acc->fl.failed_client_ports = ranges_of(std::move(acc->failed));
    acc->fl.working_client_ports = ranges_of(std::move(acc->working));
    out.flows.push_back(std::move(acc->fl));
  }
  flows_.clear();
  std::stable_sort(out.flows.begin(), out.flows.end(), [](const flow_finding& a, const flow_finding& b) {
    if (severity_rank(a.outcome) != severity_rank(b.outcome)) return severity_rank(a.outcome) < severity_rank(b.outcome);
    return a.connections > b.connections;
  });
  std::vector<connection_finding>& findings = connections_;
  // Order by severity through indexes: a connection_finding is large, and sorting it in place moved
  // gigabytes on big inputs.
  std::vector<std::size_t> by_severity(findings.size());
  for (std::size_t i = 0; i < by_severity.size(); ++i) by_severity[i] = i;
  std::stable_sort(by_severity.begin(), by_severity.end(), [&](std::size_t a, std::size_t b) {
    return severity_rank(findings[a].outcome) < severity_rank(findings[b].outcome);
  });
  // A question about traffic AWS never logs gets an answer instead of silence (aws-flow-logs.md §5.3).
  for (const auto& asked : filters.server) {
    if (!asked.is_host() || address_class(asked.network) != "not-captured") continue;
    const bool seen = std::any_of(out.flows.begin(), out.flows.end(),
                                  [&](const flow_finding& f) { return f.server.ip == asked.network; });
    if (seen) continue;
    flow_finding nc;
    nc.outcome = verdict::not_captured;
    nc.server.ip = asked.network;
    if (filters.client.size() == 1 && filters.client[0].is_host()) {
      nc.client.ip = filters.client[0].network;
    }
    if (filters.port) nc.server.port = filters.port;
    nc.protocol = filters.protocol.value_or(0);
    nc.explanation = fmt::format(
        "AWS never records traffic to or from {} ({}) in flow logs: the absence of records proves nothing, "
        "and the traffic may well flow. Security groups and network ACLs cannot block it either.",
        asked.network.to_string(), not_captured_service(asked.network));
    nc.remediation = "Check from the instance itself (curl, dig, chronyc), not from flow logs.";
    out.flows.push_back(std::move(nc));
  }

  // Group public-source flows that share server, protocol, port, verdict and rule.
  std::map<std::tuple<ip_address, std::uint8_t, int, int, std::string>, flow_group> groups;
  for (std::size_t i = 0; i < out.flows.size(); ++i) {
    const auto& f = out.flows[i];
    if (f.outcome == verdict::ok || address_class(f.client.ip) != "public") continue;
    auto& g = groups[{f.server.ip, f.protocol, f.server.port ? int{*f.server.port} : -1, severity_rank(f.outcome), f.rule_id}];
    if (g.flows.empty()) g.first_flow = i;
    g.flows.push_back(i);
    g.connections += f.connections;
  }
  for (auto& [key, g] : groups) {
    if (g.flows.size() >= min_group_size) out.groups.push_back(std::move(g));
  }
  std::sort(out.groups.begin(), out.groups.end(),
            [](const flow_group& a, const flow_group& b) { return a.first_flow < b.first_flow; });
  for (const auto& f : out.flows) ++out.flow_counts[f.outcome];
  out.connection_counts = connection_counts_;
  out.connections.reserve(findings.size());
  for (auto i : by_severity) out.connections.push_back(std::move(findings[i]));
  findings.clear();
  return out;
}

diagnosis diagnose(std::vector<connection> connections, const rule_matcher& rules, const diagnose_filters& filters) {
  diagnosis_builder b(rules, filters, true);
  for (auto& c : connections) b.add(std::move(c));
  return b.finish();
}

}  // namespace flowsleuth
