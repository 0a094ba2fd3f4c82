// Naming the exact rule behind a logged REJECT, and finding where configuration and logs disagree.

#include "flowsleuth/config_check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace flowsleuth {

std::string_view to_string(config_status s) noexcept {
  switch (s) {
    case config_status::confirmed: return "confirmed";
    case config_status::contradicted: return "contradicted";
    case config_status::incomplete: return "incomplete";
  }
  return "incomplete";
}

std::string_view to_string(drift_finding::kind_t k) noexcept {
  return k == drift_finding::kind_t::allows_rejected ? "config-allows-rejected" : "config-denies-accepted";
}

namespace {

// Flow logs keep no ICMP type: a connection is taken for the echo request, the usual probe.
path_query query_of(const connection& c) {
  path_query q;
  q.client = c.client.ip;
  q.server = c.server.ip;
  q.protocol = c.protocol;
  if (c.protocol == 1 || c.protocol == 58) {
    q.icmp_type = static_cast<std::uint8_t>(c.protocol == 1 ? 8 : 128);
    q.icmp_code = 0;
  } else {
    q.server_port = c.server.port;
    q.client_port = c.client.port;
  }
  return q;
}

bool layer_allowed(const rule_blocking& b, blocking_layer layer) {
  if (b.layer == layer) return true;
  if (b.layer == blocking_layer::security_group_or_network_acl) return true;
  return std::find(b.candidates.begin(), b.candidates.end(), layer) != b.candidates.end();
}

// The checks the logs point at: the rule's leg, its direction and, when it says, whose side.
bool pointed_at(const enforcement_step& s, const rule_blocking& b) {
  if (s.leg != b.leg) return false;
  if (b.direction && s.egress != (*b.direction == traffic_direction::outbound)) return false;
  if (b.at && s.side != *b.at) return false;
  return layer_allowed(b, s.layer);
}

blocking_rule_ref rule_of(const enforcement_step& s) {
  blocking_rule_ref r;
  r.egress = s.egress;
  r.text = s.rule;
  if (s.layer == blocking_layer::network_acl) {
    r.kind = blocking_rule_ref::kind_t::nacl_entry;
    r.acl = s.acl;
    if (s.nacl && s.nacl->entry) r.rule_number = s.nacl->entry->rule_number;
  } else {
    r.kind = blocking_rule_ref::kind_t::sg_missing_allow;
    r.groups = s.groups;
    r.eni = s.eni;
    if (r.text.empty()) {
      std::string groups;
      for (const auto& g : s.groups) groups += (groups.empty() ? "" : ", ") + g;
      r.text = fmt::format("no {} rule of {} on {} allows it", s.egress ? "outbound" : "inbound",
                           groups.empty() ? "the security groups" : groups, s.eni);
    }
  }
  return r;
}

std::optional<path_result> evaluate(const topology_graph& g, const connection& c) {
  try {
    return explain_path(g, query_of(c));
  } catch (const std::invalid_argument&) {
    return std::nullopt;  // a tcp/udp connection without ports, or mixed families: nothing to check
  }
}

// What the logs saw at the observation point a step guards.
const observation_point& point_of(const connection& c, const enforcement_step& s) {
  const bool client = s.side == endpoint_role::client;
  if (s.leg == traffic_leg::request) return client ? c.client_egress : c.server_ingress;
  return client ? c.client_ingress : c.server_egress;
}

std::string step_name(const enforcement_step& s) {
  const char* way = s.egress ? "outbound" : "inbound";
  if (s.layer == blocking_layer::network_acl) {
    return fmt::format("network ACL {} {} ({})", s.acl.empty() ? "of " + s.subnet : s.acl, way,
                       s.leg == traffic_leg::request ? "request" : "response");
  }
  return fmt::format("security groups of {} {} ({})", s.eni, way, s.leg == traffic_leg::request ? "request" : "response");
}

}  // namespace

config_checker::config_checker(const topology& topo, port_span ephemeral)
    : topo_(topo), graph_(topo), ephemeral_(ephemeral) {}
config_checker::~config_checker() = default;

const topology& config_checker::topo() const noexcept { return topo_; }

std::vector<configured_eni> config_checker::enis() const {
  std::vector<configured_eni> out;
  for (const auto& [id, e] : topo_.enis) {
    configured_eni c;
    c.id = id;
    c.addresses = e.private_addresses;
    c.subnet = e.subnet_id;
    c.interface_type = e.interface_type;
    if (!topo_.flow_logs.empty()) {
      const auto* subnet = topo_.subnet_by_id(e.subnet_id);
      const std::string vpc = !e.vpc_id.empty() ? e.vpc_id : subnet ? subnet->vpc_id : std::string();
      bool logged = false, all = false;
      for (const auto& [fid, fl] : topo_.flow_logs) {
        if (fl.resource_id != id && fl.resource_id != e.subnet_id && (vpc.empty() || fl.resource_id != vpc)) continue;
        logged = true;
        all = all || fl.traffic_type == "ALL";
        c.aggregation_interval = std::max(c.aggregation_interval, fl.max_aggregation_interval);
      }
      c.flow_logged = logged;
      c.captures_all = all;
    }
    for (const auto& gid : e.groups) {
      const auto g = topo_.security_groups.find(gid);
      if (g == topo_.security_groups.end()) continue;
      for (const auto& r : g->second.ingress) {
        // A rule naming a few ports says what listens; one for every port, or an ephemeral range, does not.
        if ((r.protocol != 6 && r.protocol != 17) || !r.ports || r.ports->to - r.ports->from >= 1000) continue;
        c.listening.push_back({static_cast<std::uint8_t>(r.protocol), r.ports->from, r.ports->to});
      }
    }
    if (!c.addresses.empty()) out.push_back(std::move(c));
  }
  return out;
}

std::optional<bool> config_checker::traffic_type_all() const {
  if (topo_.flow_logs.empty()) return std::nullopt;
  return std::all_of(topo_.flow_logs.begin(), topo_.flow_logs.end(),
                     [](const auto& kv) { return kv.second.traffic_type == "ALL"; });
}

const flow_log_config* config_checker::cloudwatch_log_format() const {
  // The version-2 default, as describe-flow-logs prints it for a flow log created without a format.
  constexpr std::string_view v2_default =
      "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} "
      "${bytes} ${start} ${end} ${action} ${log-status}";
  const flow_log_config* chosen = nullptr;
  for (const auto& [id, fl] : topo_.flow_logs) {
    const bool s3 = fl.destination.rfind("arn:aws:s3", 0) == 0;
    const bool firehose = fl.destination.rfind("arn:aws:firehose", 0) == 0;
    if (s3 || firehose || fl.destination.empty()) continue;
    if (fl.log_format.empty() || fl.log_format == v2_default) return nullptr;
    if (chosen && chosen->log_format != fl.log_format) return nullptr;
    chosen = &fl;
  }
  return chosen;
}

config_assessment config_checker::assess_block(const connection& c, const rule_blocking& b) const {
  config_assessment a;
  a.layer = b.layer;
  a.direction = b.direction;
  if (b.at == endpoint_role::intermediary) {
    // The gateway's leg uses its own ports, which the client's leg does not show: that leg, diagnosed
    // as a flow from the gateway's address, is where its ACL entry is named.
    a.missing.push_back(fmt::format("the ports of the gateway's own leg ({} is reported as its own flow, with the entry)",
                                    c.via.eni.empty() ? "the gateway" : c.via.eni));
    return a;
  }
  const auto result = evaluate(graph_, c);
  if (!result) {
    a.missing.push_back("the connection has no ports to check rules against");
    return a;
  }
  const leg_result& leg = b.leg == traffic_leg::request ? result->request : result->response;
  const enforcement_step* culprit = nullptr;
  std::vector<const enforcement_step*> allowed;
  for (const auto& s : leg.steps) {
    if (!pointed_at(s, b)) continue;
    if (s.outcome == check_outcome::denied || s.outcome == check_outcome::partial) {
      if (!culprit) culprit = &s;
    } else if (s.outcome == check_outcome::allowed) {
      allowed.push_back(&s);
    } else if (s.outcome == check_outcome::unknown) {
      a.missing.push_back(fmt::format("{}: {}", step_name(s), s.reason));
    }
  }
  if (culprit) {
    a.status = config_status::confirmed;
    a.rule = rule_of(*culprit);
    a.layer = culprit->layer;
    a.direction = culprit->egress ? traffic_direction::outbound : traffic_direction::inbound;
    fix_options fo;
    fo.return_traffic = culprit->leg == traffic_leg::response;
    fo.return_ports = ephemeral_;
    if (auto f = propose_fix(topo_, *culprit, fo)) a.fix = config_fix{f->summary, f->command, f->warnings};
    return a;
  }
  if (!allowed.empty() && a.missing.empty()) {
    a.status = config_status::contradicted;
    for (const auto* s : allowed) {
      a.config_says += fmt::format("{}{} allows it{}", a.config_says.empty() ? "" : "; ", step_name(*s),
                                   s->rule.empty() ? "" : " (" + s->rule + ")");
    }
    return a;
  }
  if (a.missing.empty()) {
    a.missing.push_back(
        "the configuration does not describe the security groups or network ACL here (describe-network-interfaces, "
        "describe-security-groups, describe-network-acls)");
  }
  return a;
}

std::optional<drift_finding> config_checker::check_accepted(const connection& c) const {
  const auto result = evaluate(graph_, c);
  if (!result) return std::nullopt;
  for (const leg_result* leg : {&result->request, &result->response}) {
    for (const auto& s : leg->steps) {
      if (s.outcome != check_outcome::denied) continue;
      // Security groups pass the replies of tracked requests: only an untracked reply meets their rules,
      // and explain_path already evaluates those as allowed when tracked.
      const observation_point& p = point_of(c, s);
      if (!p.accepted.any() || p.rejected.any()) continue;
      drift_finding d;
      d.kind = drift_finding::kind_t::denies_accepted;
      d.protocol = c.protocol;
      d.client = c.client;
      d.server = c.server;
      d.logs_say = fmt::format("{} ACCEPTed the {} ({} record{})", p.eni.empty() ? "the ENI" : p.eni,
                               s.leg == traffic_leg::request ? "request" : "response", p.accepted.records,
                               p.accepted.records == 1 ? "" : "s");
      d.config_says = fmt::format("{} denies it{}", step_name(s), s.rule.empty() ? "" : ": " + s.rule);
      d.evidence = p.accepted.lines;
      d.explanation =
          "The configuration denies traffic that the flow logs show accepted: the configuration changed since "
          "these records were written, or the configuration given is not the one in force for this ENI.";
      return d;
    }
  }
  return std::nullopt;
}

}  // namespace flowsleuth
