// The flowsleuth/explain-path/v1 JSON contract (docs/cli.md, "explain-path"): the same facts as
// render_path_text, keyed for scripts. Unknown ids are null rather than "" so a consumer can test them
// without knowing our conventions; steps are numbered from 1, as the text prints them.

#include <fmt/format.h>

#include "flowsleuth/correlate.hpp"
#include "flowsleuth/enforcement.hpp"
#include "output/json_writer.hpp"

namespace flowsleuth {
namespace {

using detail::json_writer;

void string_or_null(json_writer& w, std::string_view key, std::string_view s) {
  w.key(key);
  if (s.empty()) {
    w.null();
  } else {
    w.value(s);
  }
}

template <typename T>
void number_or_null(json_writer& w, std::string_view key, const std::optional<T>& v) {
  w.key(key);
  if (v) {
    w.value(static_cast<std::int64_t>(*v));
  } else {
    w.null();
  }
}

void write_span(json_writer& w, const port_span& s) {
  w.begin_object().key("from").value(static_cast<int>(s.from)).key("to").value(static_cast<int>(s.to)).end_object();
}

std::string_view direction(bool egress) { return egress ? "egress" : "ingress"; }

void write_endpoint(json_writer& w, const path_endpoint& e, const std::optional<tracking_verdict>& tracking) {
  w.begin_object();
  w.key("ip").value(e.ip.to_string());
  string_or_null(w, "eni", e.eni);
  string_or_null(w, "name", e.name);
  string_or_null(w, "subnet", e.subnet);
  string_or_null(w, "acl", e.acl);
  w.key("outside").value(e.outside);
  // Whether security groups pass this side's replies statefully; null when the ENI is unknown.
  w.key("tracking");
  if (tracking) {
    w.begin_object().key("tracked").value(tracking->tracked).key("reason").value(tracking->reason).end_object();
  } else {
    w.null();
  }
  w.end_object();
}

void write_packet(json_writer& w, const packet& p) {
  w.begin_object();
  w.key("src").value(p.src.to_string());
  w.key("dst").value(p.dst.to_string());
  number_or_null(w, "src_port", p.src_port);
  number_or_null(w, "dst_port", p.dst_port);
  number_or_null(w, "icmp_type", p.icmp_type);
  number_or_null(w, "icmp_code", p.icmp_code);
  w.end_object();
}

void write_step(json_writer& w, const enforcement_step& st, std::size_t index) {
  w.begin_object();
  w.key("step").value(static_cast<std::uint64_t>(index + 1));
  w.key("layer").value(to_string(st.layer));
  w.key("direction").value(direction(st.egress));
  w.key("side").value(to_string(st.side));
  string_or_null(w, "eni", st.eni);
  string_or_null(w, "subnet", st.subnet);
  string_or_null(w, "acl", st.acl);
  w.key("groups").begin_array();
  for (const auto& g : st.groups) w.value(g);
  w.end_array();
  w.key("outcome").value(to_string(st.outcome));
  string_or_null(w, "rule", st.rule);
  w.key("reason").value(st.reason);
  w.key("packet");
  write_packet(w, st.pkt);
  w.key("client_ports").begin_array();
  for (const auto& part : st.client_ports) {
    w.begin_object();
    w.key("from").value(static_cast<int>(part.ports.from)).key("to").value(static_cast<int>(part.ports.to));
    w.key("outcome").value(to_string(part.outcome));
    string_or_null(w, "rule", part.rule);
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

void write_leg(json_writer& w, const leg_result& leg) {
  w.begin_object();
  w.key("evaluated").value(leg.evaluated);
  // A leg that does not exist (an ICMP type without reply) has no outcome of its own.
  w.key("outcome");
  if (leg.evaluated) {
    w.value(to_string(leg.outcome));
  } else {
    w.null();
  }
  w.key("first_blocking");
  if (leg.first_blocking) {
    w.value(static_cast<std::uint64_t>(*leg.first_blocking + 1));
  } else {
    w.null();
  }
  w.key("steps").begin_array();
  for (std::size_t i = 0; i < leg.steps.size(); ++i) write_step(w, leg.steps[i], i);
  w.end_array();
  w.key("admitted_client_ports").begin_array();
  for (const auto& s : leg.admitted_client_ports) write_span(w, s);
  w.end_array();
  w.end_object();
}

void write_fix(json_writer& w, const policy_fix& f) {
  w.begin_object();
  w.key("layer").value(to_string(f.layer));
  w.key("target").value(f.target);
  w.key("direction").value(direction(f.egress));
  number_or_null(w, "rule_number", f.rule_number);
  w.key("protocol").value(f.protocol == any_protocol ? std::string("all")
                                                     : protocol_name(static_cast<std::uint8_t>(f.protocol)));
  w.key("ports");
  if (f.ports) {
    write_span(w, *f.ports);
  } else {
    w.null();
  }
  w.key("icmp");
  if (f.icmp) {
    w.begin_object().key("type").value(f.icmp->type).key("code").value(f.icmp->code).end_object();
  } else {
    w.null();
  }
  string_or_null(w, "peer_cidr", f.peer_block ? f.peer_block->to_string() : std::string());
  string_or_null(w, "peer_group", f.peer_group);
  w.key("summary").value(f.summary);
  w.key("command").value(f.command);
  w.key("warnings").begin_array();
  for (const auto& s : f.warnings) w.value(s);
  w.end_array();
  w.end_object();
}

}  // namespace

std::string render_path_json(const path_result& r, const std::vector<std::string>& config_problems) {
  std::string out;
  json_writer w(out, true);
  const auto& q = r.query;
  w.begin_object();
  w.key("schema").value("flowsleuth/explain-path/v1");

  w.key("query").begin_object();
  w.key("client").value(q.client.to_string());
  w.key("server").value(q.server.to_string());
  w.key("protocol").value(protocol_name(q.protocol));
  w.key("protocol_number").value(static_cast<int>(q.protocol));
  number_or_null(w, "server_port", q.server_port);
  number_or_null(w, "client_port", q.client_port);
  // The range the response leg was evaluated over: null where it played no part, so nobody reads a
  // port range into an ICMP query.
  w.key("ephemeral");
  if ((q.protocol == 6 || q.protocol == 17) && !q.client_port) {
    write_span(w, q.ephemeral);
  } else {
    w.null();
  }
  number_or_null(w, "icmp_type", q.icmp_type);
  number_or_null(w, "icmp_code", q.icmp_code);
  w.end_object();

  w.key("client");
  write_endpoint(w, r.client, r.client_tracking);
  w.key("server");
  write_endpoint(w, r.server, r.server_tracking);
  w.key("same_subnet").value(r.same_subnet);
  w.key("request");
  write_leg(w, r.request);
  w.key("response");
  write_leg(w, r.response);
  w.key("outcome").value(to_string(r.outcome));

  // The step a reader looks at first: the request leg's, else the response leg's.
  w.key("first_blocking");
  const leg_result* blocked = r.request.first_blocking ? &r.request
                              : r.response.first_blocking ? &r.response
                                                          : nullptr;
  if (blocked) {
    const auto& st = blocked->steps[*blocked->first_blocking];
    w.begin_object();
    w.key("leg").value(to_string(blocked->leg));
    w.key("step").value(static_cast<std::uint64_t>(*blocked->first_blocking + 1));
    w.key("layer").value(to_string(st.layer));
    w.key("direction").value(direction(st.egress));
    w.key("side").value(to_string(st.side));
    string_or_null(w, "target", st.layer == blocking_layer::network_acl ? st.acl : st.eni);
    w.key("outcome").value(to_string(st.outcome));
    // A partial step has no single deciding rule; the entry that denies the first blocked ports is the
    // one a fix goes in front of, so name that one.
    std::string rule = st.rule;
    w.key("denied_client_ports").begin_array();
    for (const auto& part : st.client_ports) {
      if (part.outcome != check_outcome::denied) continue;
      write_span(w, part.ports);
      if (rule.empty()) rule = part.rule;
    }
    w.end_array();
    string_or_null(w, "rule", rule);
    w.key("reason").value(st.reason);
    w.end_object();
  } else {
    w.null();
  }

  w.key("fixes").begin_array();
  for (const auto& f : r.fixes) write_fix(w, f);
  w.end_array();
  w.key("notes").begin_array();
  for (const auto& n : r.notes) w.value(n);
  w.end_array();
  w.key("config_problems").begin_array();
  for (const auto& p : config_problems) w.value(p);
  w.end_array();
  w.end_object();
  out.push_back('\n');
  return out;
}

}  // namespace flowsleuth
