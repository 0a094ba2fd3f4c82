#include "flowsleuth/diagnose.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <tuple>

#include "flowsleuth/time_util.hpp"

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

std::optional<std::pair<ip_address, int>> parse_cidr(std::string_view text) {
  const auto slash = text.find('/');
  const auto ip = ip_address::parse(text.substr(0, slash));
  if (!ip) return std::nullopt;
  const int max = ip->is_v4() ? 32 : 128;
  int bits = max;
  if (slash != std::string_view::npos) {
    const auto digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) return std::nullopt;
    bits = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return std::nullopt;
      bits = bits * 10 + (c - '0');
    }
    if (bits > max) return std::nullopt;
  }
  return std::pair{*ip, bits};
}

bool cidr_contains(const std::pair<ip_address, int>& cidr, const ip_address& ip) noexcept {
  if (cidr.first.fam() != ip.fam()) return false;
  const auto& a = cidr.first.bytes();
  const auto& b = ip.bytes();
  int bits = cidr.second;
  for (std::size_t i = 0; bits > 0; ++i, bits -= 8) {
    const auto mask = static_cast<std::uint8_t>(bits >= 8 ? 0xff : 0xff << (8 - bits));
    if ((a[i] & mask) != (b[i] & mask)) return false;
  }
  return true;
}

namespace {

bool passes(const connection& c, const diagnose_filters& f) {
  auto any = [](const auto& cidrs, const ip_address& ip) {
    return cidrs.empty() || std::any_of(cidrs.begin(), cidrs.end(), [&](const auto& x) { return cidr_contains(x, ip); });
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

// Folded YAML blocks end with a newline.
std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

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

diagnosis diagnose(std::vector<connection> connections, const rule_matcher& rules, const diagnose_filters& filters) {
  diagnosis out;
  std::vector<connection_finding> findings;
  findings.reserve(connections.size());  // connection_finding is large: never reallocate
  for (auto& c : connections) {
    if (!passes(c, filters)) continue;
    connection_finding f;
    const rule* r = rules.best(c.facts);
    if (r) {
      f.outcome = r->outcome;
      f.blocking = r->blocking;
      f.rule_id = r->id;
      auto look = [&](std::string_view n) { return lookup(c, f, n); };
      f.explanation = trim(expand_template(r->explain, c.facts, look));
      f.remediation = trim(expand_template(r->fix, c.facts, look));
    } else {
      f.outcome = verdict::inconclusive;
      std::string facts;
      for (const auto& [name, value] : c.facts.entries()) facts += fmt::format(" {}={}", name, value);
      f.explanation = "no rule of the pack matches this evidence:" + facts;
    }
    f.conn = std::move(c);
    findings.push_back(std::move(f));
  }

  // Flows: (client ip, server ip, protocol, server port).
  using flow_key = std::tuple<ip_address, ip_address, std::uint8_t, int>;
  std::map<flow_key, std::size_t> index;
  std::vector<std::vector<const connection_finding*>> members;
  for (const auto& f : findings) {
    const auto& c = f.conn;
    const flow_key key{c.client.ip, c.server.ip, c.protocol, c.server.port ? int{*c.server.port} : -1};
    auto [it, fresh] = index.try_emplace(key, members.size());
    if (fresh) members.emplace_back();
    members[it->second].push_back(&f);
  }
  for (const auto& group : members) {
    flow_finding fl;
    const connection_finding* worst = group.front();
    for (const auto* f : group) {
      if (severity_rank(f->outcome) < severity_rank(worst->outcome)) worst = f;
    }
    const connection& wc = worst->conn;
    fl.protocol = wc.protocol;
    fl.client = wc.client;
    fl.client.port.reset();
    fl.server = wc.server;
    fl.outcome = worst->outcome;
    fl.blocking = worst->blocking;
    fl.rule_id = worst->rule_id;
    fl.decided_by = wc.decided_by;
    fl.explanation = worst->explanation;
    fl.remediation = worst->remediation;
    fl.facts = wc.facts;
    if (fl.blocking) {
      const auto& p = enforcing_point(wc, *fl.blocking);
      fl.blocking_eni = p.eni;
      fl.blocking_subnet = p.subnet;
    }
    fl.first = INT64_MAX;
    fl.last = INT64_MIN;
    std::vector<std::uint16_t> failed, working;
    for (const auto* f : group) {
      const auto& c = f->conn;
      ++fl.by_verdict[f->outcome];
      ++fl.connections;
      fl.first = std::min(fl.first, c.first);
      fl.last = std::max(fl.last, c.last);
      if (c.first_reject && f->outcome != verdict::late_packets) {
        fl.first_reject = std::min(fl.first_reject.value_or(INT64_MAX), *c.first_reject);
      }
      if (c.client.port) (f->outcome == verdict::ok || f->outcome == verdict::late_packets ? working : failed).push_back(*c.client.port);
      if (f->outcome == worst->outcome && fl.evidence.size() < 8) {
        for (const auto* p : {&c.client_egress, &c.server_ingress, &c.server_egress, &c.client_ingress}) {
          for (const auto* e : {&p->rejected, &p->accepted}) {
            for (const auto& l : e->lines) {
              if (fl.evidence.size() < 8) fl.evidence.push_back(l);
            }
          }
        }
      }
    }
    fl.failed_client_ports = ranges_of(failed);
    fl.working_client_ports = ranges_of(working);
    out.flows.push_back(std::move(fl));
  }
  std::stable_sort(out.flows.begin(), out.flows.end(), [](const flow_finding& a, const flow_finding& b) {
    if (severity_rank(a.outcome) != severity_rank(b.outcome)) return severity_rank(a.outcome) < severity_rank(b.outcome);
    return a.connections > b.connections;
  });
  // Order by severity through indexes: a connection_finding is large, and sorting it in place moved
  // gigabytes on big inputs.
  std::vector<std::size_t> by_severity(findings.size());
  for (std::size_t i = 0; i < by_severity.size(); ++i) by_severity[i] = i;
  std::stable_sort(by_severity.begin(), by_severity.end(), [&](std::size_t a, std::size_t b) {
    return severity_rank(findings[a].outcome) < severity_rank(findings[b].outcome);
  });
  // A question about traffic AWS never logs gets an answer instead of silence (aws-flow-logs.md §5.3).
  for (const auto& cidr : filters.server) {
    const bool single = cidr.second == (cidr.first.is_v4() ? 32 : 128);
    if (!single || address_class(cidr.first) != "not-captured") continue;
    const bool seen = std::any_of(out.flows.begin(), out.flows.end(),
                                  [&](const flow_finding& f) { return f.server.ip == cidr.first; });
    if (seen) continue;
    flow_finding nc;
    nc.outcome = verdict::not_captured;
    nc.server.ip = cidr.first;
    if (filters.client.size() == 1 && filters.client[0].second == (filters.client[0].first.is_v4() ? 32 : 128)) {
      nc.client.ip = filters.client[0].first;
    }
    if (filters.port) nc.server.port = filters.port;
    nc.protocol = filters.protocol.value_or(0);
    nc.explanation = fmt::format(
        "AWS never records traffic to or from {} ({}) in flow logs: the absence of records proves nothing, "
        "and the traffic may well flow. Security groups and network ACLs cannot block it either.",
        cidr.first.to_string(), not_captured_service(cidr.first));
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
  for (const auto& f : findings) ++out.connection_counts[f.outcome];
  out.connections.reserve(findings.size());
  for (auto i : by_severity) out.connections.push_back(std::move(findings[i]));
  return out;
}

}  // namespace flowsleuth
