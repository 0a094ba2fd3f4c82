// explain_path: the four checks of each leg, in packet order, each decided by the policy evaluators.
// Without a client port the response leg is evaluated over the whole ephemeral range, exactly: every
// rule is constant between the port bounds that the rules involved name, so one port per such segment
// stands for all of it.

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <set>
#include <stdexcept>

#include "flowsleuth/correlate.hpp"
#include "flowsleuth/enforcement.hpp"

namespace flowsleuth {
namespace {

struct site {
  ip_address ip;
  const network_interface* eni = nullptr;
  std::string subnet_id;
  const network_acl* acl = nullptr;
  bool outside = false;
};

site locate(const topology_graph& g, const ip_address& ip, std::string_view role, std::vector<std::string>& notes) {
  const auto& topo = g.topo();
  site s;
  s.ip = ip;
  s.eni = g.eni_at(ip);
  if (!s.eni) {
    if ((s.eni = eni_by_public_address(topo, ip))) {
      notes.push_back(fmt::format("{} {} is the public address of {}: the checks are that ENI's", role,
                                  ip.to_string(), s.eni->id));
    }
  }
  if (s.eni) {
    s.subnet_id = g.subnet_of(s.eni->id);
  } else if (const auto* sn = topo.subnet_by_address(ip)) {
    s.subnet_id = sn->id;
  }
  if (!s.subnet_id.empty()) {
    if (const auto it = topo.nacls.find(g.nacl_of(s.subnet_id)); it != topo.nacls.end()) s.acl = &it->second;
  }
  s.outside = !s.eni && s.subnet_id.empty();
  if (s.outside) {
    notes.push_back(fmt::format("{} {} is outside the configuration (internet or another network): no checks on its side",
                                role, ip.to_string()));
  }
  return s;
}

path_endpoint endpoint_of(const topology& topo, const site& s) {
  path_endpoint e;
  e.ip = s.ip;
  if (s.eni) {
    e.eni = s.eni->id;
    e.name = topo.display_name(s.eni->id);
  }
  e.subnet = s.subnet_id;
  e.acl = s.acl ? s.acl->id : "";
  e.outside = s.outside;
  return e;
}

std::string traffic_of(const packet& p) {
  const std::string name = protocol_name(p.protocol);
  if (p.dst_port) return fmt::format("{}/{}", name, *p.dst_port);
  if (p.icmp_type) {
    return p.icmp_code ? fmt::format("{} type {} code {}", name, *p.icmp_type, *p.icmp_code)
                       : fmt::format("{} type {}", name, *p.icmp_type);
  }
  return name;
}

struct chain_context {
  const topology& topo;
  const site& client;
  const site& server;
  bool same_subnet;
  const std::optional<tracking_verdict>& client_tracking;
  const std::optional<tracking_verdict>& server_tracking;
};

enforcement_step make_step(traffic_leg leg, blocking_layer layer, bool egress, endpoint_role side, const site& s,
                           const packet& p) {
  enforcement_step st;
  st.leg = leg;
  st.layer = layer;
  st.egress = egress;
  st.side = side;
  st.pkt = p;
  if (s.eni) {
    st.eni = s.eni->id;
    if (layer == blocking_layer::security_group) st.groups = s.eni->groups;
  }
  st.subnet = s.subnet_id;
  if (s.acl) st.acl = s.acl->id;
  return st;
}

enforcement_step nacl_check(const chain_context& c, traffic_leg leg, endpoint_role side, bool egress,
                            const packet& p) {
  const site& s = side == endpoint_role::client ? c.client : c.server;
  auto st = make_step(leg, blocking_layer::network_acl, egress, side, s, p);
  if (s.outside) {
    st.outcome = check_outcome::not_applied;
    st.reason = fmt::format("{} is outside the configuration: no network ACL on this side", s.ip.to_string());
  } else if (c.same_subnet) {
    st.outcome = check_outcome::not_applied;
    st.reason = fmt::format("both ends are in {}: network ACLs do not filter traffic inside a subnet", s.subnet_id);
  } else if (s.subnet_id.empty()) {
    st.outcome = check_outcome::unknown;
    st.reason = fmt::format("the subnet of {} is not in the configuration", st.eni);
  } else if (!s.acl) {
    st.outcome = check_outcome::unknown;
    st.reason = fmt::format("no network ACL of {} in the configuration", s.subnet_id);
  } else {
    const auto v = evaluate_nacl(*s.acl, p, egress);
    st.outcome = v.allowed ? check_outcome::allowed : check_outcome::denied;
    st.rule = describe(v);
    st.reason = !v.entry ? "no entry matches: the default rule denies"
                : v.allowed ? "the first matching entry allows it"
                            : "the first matching entry denies it";
    if (!s.acl->complete) {
      // An entry lost while reading may come first and decide otherwise.
      st.outcome = check_outcome::unknown;
      st.reason = fmt::format("{} was not read completely; of the entries read, {}", s.acl->id, st.reason);
    }
    st.nacl = v;
  }
  return st;
}

enforcement_step sg_check(const chain_context& c, traffic_leg leg, endpoint_role side, bool egress,
                          const packet& p) {
  const site& s = side == endpoint_role::client ? c.client : c.server;
  const auto& tracking = side == endpoint_role::client ? c.client_tracking : c.server_tracking;
  auto st = make_step(leg, blocking_layer::security_group, egress, side, s, p);
  if (s.outside) {
    st.outcome = check_outcome::not_applied;
    st.reason = fmt::format("{} is outside the configuration: no security group on this side", s.ip.to_string());
    return st;
  }
  if (!s.eni) {
    st.outcome = check_outcome::unknown;
    st.reason = fmt::format("no ENI with address {} in the configuration", s.ip.to_string());
    return st;
  }
  if (leg == traffic_leg::response && tracking && tracking->tracked) {
    st.outcome = check_outcome::allowed;
    st.reason = fmt::format("stateful: a reply of a tracked connection passes ({})", tracking->reason);
    return st;
  }
  const auto v = evaluate_security_groups(c.topo, *s.eni, p, egress);
  const char* dir = egress ? "egress" : "ingress";
  const ip_address& peer = egress ? p.dst : p.src;
  const std::string untracked = leg == traffic_leg::response ? "untracked flow, the reply needs a rule: " : "";
  if (v.allowed) {
    st.outcome = check_outcome::allowed;
    st.rule = describe(*v.matched_group, *v.matched_rule);
    st.reason = fmt::format("{}allowed by an {} rule of {}", untracked, dir, v.matched_group->id);
  } else if (!v.unresolved.empty()) {
    st.outcome = check_outcome::unknown;
    st.reason = fmt::format("{}no rule allows it for certain; {} might (contents unknown)", untracked,
                            fmt::join(v.unresolved, ", "));
  } else if (s.eni->groups.empty()) {
    st.outcome = check_outcome::denied;
    st.reason = fmt::format("{} has no security group", s.eni->id);
  } else {
    st.outcome = check_outcome::denied;
    st.reason = fmt::format("{}no {} rule of {} allows {} {} {}", untracked, dir, fmt::join(s.eni->groups, ", "),
                            traffic_of(p), egress ? "to" : "from", peer.to_string());
  }
  st.sg = v;
  return st;
}

std::vector<enforcement_step> request_steps(const chain_context& c, const packet& p) {
  return {sg_check(c, traffic_leg::request, endpoint_role::client, true, p),
          nacl_check(c, traffic_leg::request, endpoint_role::client, true, p),
          nacl_check(c, traffic_leg::request, endpoint_role::server, false, p),
          sg_check(c, traffic_leg::request, endpoint_role::server, false, p)};
}

std::vector<enforcement_step> response_steps(const chain_context& c, const packet& p) {
  return {sg_check(c, traffic_leg::response, endpoint_role::server, true, p),
          nacl_check(c, traffic_leg::response, endpoint_role::server, true, p),
          nacl_check(c, traffic_leg::response, endpoint_role::client, false, p),
          sg_check(c, traffic_leg::response, endpoint_role::client, false, p)};
}

bool passes(check_outcome o) noexcept { return o == check_outcome::allowed || o == check_outcome::not_applied; }

check_outcome combined(const std::vector<enforcement_step>& steps) {
  bool unknown = false;
  for (const auto& st : steps) {
    if (st.outcome == check_outcome::denied) return check_outcome::denied;
    if (!passes(st.outcome)) unknown = true;
  }
  return unknown ? check_outcome::unknown : check_outcome::allowed;
}

void find_first_blocking(leg_result& leg) {
  for (std::size_t i = 0; i < leg.steps.size(); ++i) {
    const auto o = leg.steps[i].outcome;
    if (o == check_outcome::denied || o == check_outcome::partial) {
      leg.first_blocking = i;
      return;
    }
  }
}

leg_result single_packet_leg(traffic_leg which, std::vector<enforcement_step> steps) {
  leg_result leg;
  leg.leg = which;
  leg.steps = std::move(steps);
  leg.outcome = combined(leg.steps);
  find_first_blocking(leg);
  return leg;
}

// The reply an ICMP request gets: echo, timestamp, information and address-mask requests have one.
std::optional<std::uint8_t> icmp_reply_type(std::uint8_t protocol, std::uint8_t type) noexcept {
  if (protocol == 1) {
    switch (type) {
      case 8: return std::uint8_t{0};
      case 13: return std::uint8_t{14};
      case 15: return std::uint8_t{16};
      case 17: return std::uint8_t{18};
      default: return std::nullopt;
    }
  }
  if (protocol == 58 && type == 128) return std::uint8_t{129};
  return std::nullopt;
}

std::string ports_text(const port_span& s) {
  return s.from == s.to ? fmt::format("{}", s.from) : fmt::format("{}-{}", s.from, s.to);
}

void append_span(std::vector<port_span>& spans, port_span s) {
  if (!spans.empty() && spans.back().to + 1 == s.from) {
    spans.back().to = s.to;
  } else {
    spans.push_back(s);
  }
}

// Port bounds named by the rules a reply meets: inside each segment between them, every check decides alike.
std::vector<port_span> reply_segments(const chain_context& c, port_span range) {
  std::set<std::uint32_t> cuts{range.from, std::uint32_t{range.to} + 1};
  auto cut_at = [&](const std::optional<port_span>& ports) {
    if (!ports) return;
    for (std::uint32_t b : {std::uint32_t{ports->from}, std::uint32_t{ports->to} + 1}) {
      if (b > range.from && b <= range.to) cuts.insert(b);
    }
  };
  for (const site* s : {&c.client, &c.server}) {
    if (s->acl) {
      for (const auto& e : s->acl->entries) cut_at(e.ports);
    }
    if (s->eni) {
      for (const auto& gid : s->eni->groups) {
        if (const auto it = c.topo.security_groups.find(gid); it != c.topo.security_groups.end()) {
          for (const auto& r : it->second.ingress) cut_at(r.ports);
          for (const auto& r : it->second.egress) cut_at(r.ports);
        }
      }
    }
  }
  std::vector<port_span> out;
  for (auto it = cuts.begin(); std::next(it) != cuts.end(); ++it) {
    out.push_back(port_span{static_cast<std::uint16_t>(*it), static_cast<std::uint16_t>(*std::next(it) - 1)});
  }
  return out;
}

leg_result port_range_leg(const chain_context& c, packet reply, port_span range) {
  const auto segments = reply_segments(c, range);
  std::vector<std::vector<enforcement_step>> per_segment;
  for (const auto& seg : segments) {
    reply.dst_port = seg.from;
    per_segment.push_back(response_steps(c, reply));
  }
  leg_result leg;
  leg.leg = traffic_leg::response;
  std::vector<check_outcome> segment_outcomes;
  for (const auto& steps : per_segment) segment_outcomes.push_back(combined(steps));
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (segment_outcomes[i] == check_outcome::allowed) append_span(leg.admitted_client_ports, segments[i]);
  }
  const std::size_t step_count = per_segment.front().size();
  for (std::size_t k = 0; k < step_count; ++k) {
    auto st = per_segment.front()[k];
    st.pkt.dst_port.reset();
    for (std::size_t i = 0; i < segments.size(); ++i) {
      const auto& s = per_segment[i][k];
      auto& parts = st.client_ports;
      if (!parts.empty() && parts.back().outcome == s.outcome && parts.back().rule == s.rule &&
          parts.back().ports.to + 1 == segments[i].from) {
        parts.back().ports.to = segments[i].to;
      } else {
        parts.push_back(port_outcome{segments[i], s.outcome, s.rule});
      }
    }
    if (st.client_ports.size() > 1) {
      bool all_same = true;
      for (const auto& part : st.client_ports) all_same = all_same && part.outcome == st.client_ports[0].outcome;
      st.outcome = all_same ? st.client_ports[0].outcome : check_outcome::partial;
      st.rule.clear();
      st.nacl.reset();
      st.sg.reset();
      std::vector<std::string> texts;
      for (const auto& part : st.client_ports) {
        texts.push_back(part.rule.empty()
                            ? fmt::format("{} {}", ports_text(part.ports), to_string(part.outcome))
                            : fmt::format("{} {} by {}", ports_text(part.ports), to_string(part.outcome), part.rule));
      }
      st.reason = fmt::format("client ports {}", fmt::join(texts, "; "));
    }
    leg.steps.push_back(std::move(st));
  }
  bool uniform = true;
  for (auto o : segment_outcomes) uniform = uniform && o == segment_outcomes.front();
  leg.outcome = uniform ? segment_outcomes.front() : check_outcome::partial;
  find_first_blocking(leg);
  return leg;
}

check_outcome overall(const path_result& r) {
  std::vector<check_outcome> legs{r.request.outcome};
  if (r.response.evaluated) legs.push_back(r.response.outcome);
  for (auto o : {check_outcome::denied, check_outcome::partial, check_outcome::unknown}) {
    for (auto l : legs) {
      if (l == o) return o;
    }
  }
  return check_outcome::allowed;
}

}  // namespace

std::string_view to_string(check_outcome o) noexcept {
  switch (o) {
    case check_outcome::allowed: return "allowed";
    case check_outcome::denied: return "denied";
    case check_outcome::partial: return "partial";
    case check_outcome::unknown: return "unknown";
    case check_outcome::not_applied: return "not-applied";
  }
  return "unknown";
}

path_result explain_path(const topology_graph& graph, const path_query& q) {
  const bool ported = q.protocol == 6 || q.protocol == 17;
  if (ported && !q.server_port) throw std::invalid_argument("a tcp or udp path needs a server port");
  if (q.client.fam() != q.server.fam()) throw std::invalid_argument("client and server must be of one address family");
  const auto& topo = graph.topo();
  path_result r;
  r.query = q;
  const site client = locate(graph, q.client, "client", r.notes);
  const site server = locate(graph, q.server, "server", r.notes);
  r.client = endpoint_of(topo, client);
  r.server = endpoint_of(topo, server);
  r.same_subnet = !client.subnet_id.empty() && client.subnet_id == server.subnet_id;

  packet request{q.client, q.server, q.protocol, std::nullopt, std::nullopt, std::nullopt, std::nullopt};
  if (ported) {
    request.src_port = q.client_port;
    request.dst_port = q.server_port;
  } else {
    request.icmp_type = q.icmp_type;
    request.icmp_code = q.icmp_code;
  }
  if (client.eni) r.client_tracking = connection_tracking(topo, *client.eni, request, true);
  if (server.eni) r.server_tracking = connection_tracking(topo, *server.eni, request, false);
  const chain_context c{topo, client, server, r.same_subnet, r.client_tracking, r.server_tracking};

  r.request = single_packet_leg(traffic_leg::request, request_steps(c, request));

  packet reply{q.server, q.client, q.protocol, q.server_port, q.client_port, std::nullopt, std::nullopt};
  r.response.leg = traffic_leg::response;
  const bool is_icmp = q.protocol == 1 || q.protocol == 58;
  if (is_icmp && q.icmp_type && !icmp_reply_type(q.protocol, *q.icmp_type)) {
    r.response.evaluated = false;
    r.notes.push_back(fmt::format("{} type {} gets no reply: only the request is checked", protocol_name(q.protocol),
                                  *q.icmp_type));
  } else if (is_icmp) {
    if (q.icmp_type) reply.icmp_type = icmp_reply_type(q.protocol, *q.icmp_type);
    if (q.icmp_type) reply.icmp_code = std::uint8_t{0};
    r.response = single_packet_leg(traffic_leg::response, response_steps(c, reply));
  } else if (ported && !q.client_port) {
    r.response = port_range_leg(c, reply, q.ephemeral);
  } else {
    r.response = single_packet_leg(traffic_leg::response, response_steps(c, reply));
  }
  for (const auto* t : {&r.client_tracking, &r.server_tracking}) {
    if (*t && !(*t)->tracked) {
      const bool is_client = t == &r.client_tracking;
      r.notes.push_back(fmt::format("{} ENI {}: {}", is_client ? "client" : "server",
                                    is_client ? r.client.eni : r.server.eni, (*t)->reason));
    }
  }
  r.notes.push_back("routing (route tables, gateways, Block Public Access) is not evaluated: the path may still fail there");
  r.outcome = overall(r);
  return r;
}

path_result explain_path(const topology& topo, const path_query& query) {
  return explain_path(topology_graph(topo), query);
}

path_result explain_path(const topology& topo, const ip_address& from, const ip_address& to, std::uint8_t protocol,
                         std::optional<std::uint16_t> port, std::optional<std::uint8_t> icmp_type,
                         std::optional<std::uint8_t> icmp_code) {
  path_query q;
  q.client = from;
  q.server = to;
  q.protocol = protocol;
  q.server_port = port;
  q.icmp_type = icmp_type;
  q.icmp_code = icmp_code;
  return explain_path(topo, q);
}

}  // namespace flowsleuth
