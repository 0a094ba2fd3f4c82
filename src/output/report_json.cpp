#include <fmt/format.h>

#include "flowsleuth/report.hpp"
#include "flowsleuth/time_util.hpp"
#include "output/in_stretches.hpp"
#include "output/json_writer.hpp"

namespace flowsleuth {
namespace {

using detail::json_writer;

void opt_string(json_writer& w, const std::string& s) {
  if (s.empty()) {
    w.null();
  } else {
    w.value(s);
  }
}

void write_protocol(json_writer& w, std::uint8_t p) {
  const std::string name = protocol_name(p);
  if (p == 6 || p == 17 || p == 1 || p == 58) {
    w.value(name);
  } else {
    w.value(static_cast<std::uint64_t>(p));
  }
}

void write_rule_ref(json_writer& w, const config_assessment* cfg) {
  if (!cfg || !cfg->rule) {
    w.null();
    return;
  }
  const blocking_rule_ref& r = *cfg->rule;
  w.begin_object();
  if (r.kind == blocking_rule_ref::kind_t::nacl_entry) {
    w.key("kind").value("nacl-entry");
    w.key("acl").value(r.acl);
    // The `*` default rule is number 32767 in the API; `default` says so without parsing numbers.
    w.key("rule_number").value(static_cast<std::int64_t>(r.rule_number.value_or(32767)));
    w.key("default").value(!r.rule_number.has_value());
    w.key("egress").value(r.egress);
    w.key("action").value("deny");
  } else {
    w.key("kind").value("sg-missing-allow");
    w.key("groups").begin_array();
    for (const auto& g : r.groups) w.value(g);
    w.end_array();
    w.key("eni").value(r.eni);
    w.key("egress").value(r.egress);
  }
  w.key("text").value(r.text);
  w.end_object();
}

// Extension: what --config concluded about this finding; null without configuration.
void write_config(json_writer& w, const config_assessment* cfg) {
  w.key("config");
  if (!cfg) {
    w.null();
    return;
  }
  w.begin_object();
  w.key("status").value(to_string(cfg->status));
  w.key("missing").begin_array();
  for (const auto& m : cfg->missing) w.value(m);
  w.end_array();
  w.key("config_says");
  if (cfg->config_says.empty()) {
    w.null();
  } else {
    w.value(cfg->config_says);
  }
  w.key("fix");
  if (!cfg->fix) {
    w.null();
  } else {
    w.begin_object().key("summary").value(cfg->fix->summary).key("command").value(cfg->fix->command);
    w.key("warnings").begin_array();
    for (const auto& x : cfg->fix->warnings) w.value(x);
    w.end_array().end_object();
  }
  w.end_object();
}

void write_blocking(json_writer& w, const std::optional<rule_blocking>& b, const std::string& eni,
                    const std::string& subnet, const config_assessment* cfg) {
  if (!b) {
    w.null();
    return;
  }
  w.begin_object();
  w.key("layer").value(to_string(b->layer));
  w.key("direction");
  if (b->direction) {
    w.value(to_string(*b->direction));
  } else {
    w.null();
  }
  w.key("leg").value(to_string(b->leg));
  w.key("eni");
  opt_string(w, eni);
  w.key("subnet");
  opt_string(w, subnet);
  w.key("confidence").value(to_string(b->confidence));
  w.key("rule");  // the exact NACL entry or the security groups lacking an allow, with --config
  write_rule_ref(w, cfg);
  w.key("candidates").begin_array();
  for (auto c : b->candidates) w.value(to_string(c));
  w.end_array();
  w.end_object();
}

// {"ip", "port"?, "eni"}: flows leave out the client's port (they aggregate many).
void write_endpoint(json_writer& w, const endpoint& e, bool with_port) {
  w.begin_object().key("ip");
  if (e.ip.fam() == ip_address::family::none) {
    w.null();  // a not-captured answer without a --client
  } else {
    w.value(e.ip.to_string());
  }
  if (with_port) {
    w.key("port");
    if (e.port) {
      w.value(unsigned{*e.port});
    } else {
      w.null();
    }
  }
  w.key("eni");
  opt_string(w, e.eni);
  w.key("name");  // extension: the Name tag from --config, else null
  opt_string(w, e.name);
  w.end_object();
}

void write_evidence(json_writer& w, const std::vector<evidence_line>& lines, const ingest_report& input) {
  w.begin_array();
  for (const auto& l : lines) {
    w.begin_object();
    w.key("file").value(l.file < input.files.size() ? input.files[l.file].path : std::string());
    w.key("line").value(l.line);
    w.key("eni").value(l.eni);
    w.key("direction");
    if (l.direction == direction_t::none) {
      w.null();
    } else {
      w.value(to_string(l.direction));
    }
    w.key("action").value(to_string(l.action));
    w.key("tcp_flags");
    if (l.tcp_flags) {
      w.value(static_cast<std::uint64_t>(*l.tcp_flags));
    } else {
      w.null();
    }
    w.end_object();
  }
  w.end_array();
}

void write_counts(json_writer& w, const std::map<verdict, std::uint64_t>& counts) {
  w.begin_object();
  for (const auto& [v, n] : counts) w.key(to_string(v)).value(n);
  w.end_object();
}

// Layouts without start/end leave the range empty (first > last): no time is known, which is null,
// not the sentinels.
void write_time_range(json_writer& w, std::int64_t a, std::int64_t b) {
  if (a > b) {
    w.null();
    return;
  }
  w.begin_array().value(a).value(b).end_array();
}

void write_opt_time(json_writer& w, const std::optional<std::int64_t>& t) {
  if (t) {
    w.value(*t);
  } else {
    w.null();
  }
}

// verdict, blocking, rule_id, decided_by, first_reject: the same keys for flows and connections.
void write_verdict(json_writer& w, verdict v, const std::optional<rule_blocking>& blocking, const std::string& eni,
                   const std::string& subnet, const std::string& rule_id, const std::vector<std::string>& decided_by,
                   const std::optional<std::int64_t>& first_reject, const config_assessment* cfg) {
  w.key("verdict").value(to_string(v));
  w.key("blocking");
  write_blocking(w, blocking, eni, subnet, cfg);
  w.key("rule_id");
  opt_string(w, rule_id);
  w.key("decided_by").begin_array();
  for (const auto& s : decided_by) w.value(s);
  w.end_array();
  w.key("first_reject");
  write_opt_time(w, first_reject);
}

void write_ports(json_writer& w, const std::vector<port_range>& ranges) {
  w.begin_array();
  for (const auto& r : ranges) w.begin_array().value(unsigned{r.low}).value(unsigned{r.high}).end_array();
  w.end_array();
}

// The protocol and both ends, as connections and drift entries open.
void write_parties(json_writer& w, std::uint8_t protocol, const endpoint& client, const endpoint& server) {
  w.key("protocol");
  write_protocol(w, protocol);
  w.key("client");
  write_endpoint(w, client, true);
  w.key("server");
  write_endpoint(w, server, true);
}

// One entry of `connections`.
void write_connection(json_writer& w, const connection_finding& f, const ingest_report& input) {
  const auto& c = f.conn;
  w.begin_object();
  write_parties(w, c.protocol, c.client, c.server);
  std::string eni, subnet;
  if (f.blocking) {
    const auto& p = enforcing_point(c, *f.blocking);
    eni = p.eni;
    subnet = p.subnet;
  }
  write_verdict(w, f.outcome, f.blocking, eni, subnet, f.rule_id, c.decided_by, c.first_reject, f.config ? &*f.config : nullptr);
  w.key("time_range");
  write_time_range(w, c.first, c.last);
  w.key("explanation").value(explanation_of(f));
  w.key("remediation").value(remediation_of(f));
  write_config(w, f.config ? &*f.config : nullptr);
  w.key("observation_points").begin_object();
  for (const auto& [name, p] : {std::pair{"client_egress", &c.client_egress}, {"server_ingress", &c.server_ingress},
                                {"server_egress", &c.server_egress}, {"client_ingress", &c.client_ingress}}) {
    w.key(name).value(to_string(p->state));
  }
  w.end_object();
  // Extension: ENIs that logged the connection on a side nothing tells (connection::unplaced).
  w.key("unplaced").begin_array();
  for (const auto& u : c.unplaced) {
    w.begin_object();
    w.key("eni").value(u.request.eni);
    w.key("subnet");
    opt_string(w, u.request.subnet);
    w.key("request").value(to_string(u.request.state));
    w.key("response").value(to_string(u.response.state));
    w.end_object();
  }
  w.end_array();
  std::vector<evidence_line> lines;
  for_each_evidence_point(c, [&](const observation_point& p) {
    for (const auto* e : {&p.accepted, &p.rejected}) lines.insert(lines.end(), e->lines.begin(), e->lines.end());
  });
  w.key("evidence");
  write_evidence(w, lines, input);
  w.end_object();
}

void write_report(json_writer& w, const diagnosis& d, const ingest_report& input, const inspect_summary& read,
                  const report_options& options) {
  w.begin_object();
  w.key("schema").value("flowsleuth/report/v1");
  w.key("input").begin_object();
  w.key("files").value(static_cast<std::uint64_t>(input.files.size()));
  w.key("records").value(read.records);
  w.key("skipped_lines").value(input.skipped);
  w.key("nodata").value(read.by_log_status[1]);
  w.key("skipdata").value(read.by_log_status[2]);
  w.key("time_range");
  if (read.time_range) {
    write_time_range(w, read.time_range->first, read.time_range->second);
  } else {
    w.null();
  }
  w.key("layouts").begin_array();
  std::vector<std::string> seen;
  for (const auto& f : input.files) {
    const std::string name = f.origin == layout_origin::v2_default ? "v2-default" : "custom:" + f.fields;
    if (std::find(seen.begin(), seen.end(), name) == seen.end()) seen.push_back(name);
  }
  for (const auto& s : seen) w.value(s);
  w.end_array();
  w.end_object();

  w.key("flows").begin_array();
  for (const auto& f : d.flows) {
    if (!options.all && f.outcome == verdict::ok) continue;
    w.begin_object();
    w.key("protocol");
    if (f.connections == 0) {
      w.null();  // an answer about traffic that was never logged: no protocol was seen
    } else {
      write_protocol(w, f.protocol);
    }
    w.key("client");
    write_endpoint(w, f.client, false);
    w.key("server");
    write_endpoint(w, f.server, true);
    write_verdict(w, f.outcome, f.blocking, f.blocking_eni, f.blocking_subnet, f.rule_id, f.decided_by,
                  f.first_reject, f.config.get());
    w.key("time_range");
    if (f.connections == 0) {
      w.null();
    } else {
      write_time_range(w, f.first, f.last);
    }
    w.key("explanation").value(explanation_of(f));
    w.key("remediation").value(remediation_of(f));
    write_config(w, f.config.get());
    w.key("connections").begin_object().key("total").value(f.connections).key("by_verdict");
    write_counts(w, f.by_verdict);
    w.end_object();
    w.key("evidence");
    write_evidence(w, f.evidence, input);
    w.key("failed_client_ports");
    write_ports(w, f.failed_client_ports);
    w.key("working_client_ports");
    write_ports(w, f.working_client_ports);
    // Extension: how a blocked flow's connections split when some went through (flow_mix).
    w.key("mixed");
    if (f.mixed == flow_mix::none) {
      w.null();
    } else {
      w.value(to_string(f.mixed));
    }
    w.end_object();
  }
  w.end_array();

  w.key("connections").begin_array();
  {
    std::vector<std::size_t> listed;
    for (std::size_t i = 0; i < d.connections.size(); ++i) {
      if (options.all || d.connections.key(i).outcome != verdict::ok) listed.push_back(i);
    }
    // Hundreds of thousands on big inputs, each unpacked, explained and written (half a gigabyte of
    // JSON from 10 M records): with threads, each stretch is written in two halves at once.
    auto write_range = [&](json_writer& to, std::size_t lo, std::size_t hi) {
      for (std::size_t k = lo; k < hi; ++k) write_connection(to, d.connections[listed[k]], input);
    };
    detail::in_stretches(
        listed.size(), options.threads > 1, 2048,
        [&](std::size_t lo, std::size_t mid, std::size_t hi) {
          std::string first_text, second_text;
          json_writer first = w.fork(first_text, false), second = w.fork(second_text, true);
          detail::in_parallel([&] { write_range(first, lo, mid); }, [&] { write_range(second, mid, hi); });
          w.join(first, first_text);
          w.join(second, second_text);
        },
        [&](std::size_t lo, std::size_t hi) { write_range(w, lo, hi); }, [] {});
  }
  w.end_array();
  w.key("drift").begin_array();
  for (const auto& x : d.drift) {
    w.begin_object();
    w.key("kind").value(to_string(x.kind));
    write_parties(w, x.protocol, x.client, x.server);
    w.key("logs").value(x.logs_say);
    w.key("config").value(x.config_says);
    w.key("explanation").value(x.explanation);
    w.key("evidence");
    write_evidence(w, x.evidence, input);
    w.end_object();
  }
  w.end_array();
  // Extension: public-source flows blocked the same way at one server and port (indexes into flows
  // as listed here, i.e. after the --all filter).
  w.key("groups").begin_array();
  std::vector<std::size_t> listed_index(d.flows.size(), 0);
  for (std::size_t i = 0, n = 0; i < d.flows.size(); ++i) {
    listed_index[i] = n;
    if (options.all || d.flows[i].outcome != verdict::ok) ++n;
  }
  for (const auto& g : d.groups) {
    const auto& f = d.flows[g.first_flow];
    w.begin_object();
    w.key("server").begin_object().key("ip").value(f.server.ip.to_string()).key("port");
    if (f.server.port) {
      w.value(unsigned{*f.server.port});
    } else {
      w.null();
    }
    w.end_object();
    w.key("protocol");
    write_protocol(w, f.protocol);
    w.key("verdict").value(to_string(f.outcome));
    w.key("rule_id");
    opt_string(w, f.rule_id);
    w.key("clients").begin_array();
    for (auto i : g.flows) w.value(d.flows[i].client.ip.to_string());
    w.end_array();
    w.key("flow_indexes").begin_array();
    for (auto i : g.flows) w.value(static_cast<std::uint64_t>(listed_index[i]));
    w.end_array();
    w.key("connections").value(g.connections);
    w.end_object();
  }
  w.end_array();
  w.key("summary").begin_object();
  w.key("flows");
  write_counts(w, d.flow_counts);
  w.key("connections");
  write_counts(w, d.connection_counts);
  w.key("suppressed_flows").value(d.suppressed_flows);  // extension
  w.end_object();
  w.end_object();
}

}  // namespace

std::string render_report_json(const diagnosis& d, const ingest_report& input, const inspect_summary& read,
                               const report_options& options) {
  std::string out;
  json_writer w(out, true);
  write_report(w, d, input, read, options);
  out.push_back('\n');
  return out;
}

void write_report_json(std::FILE* to, const diagnosis& d, const ingest_report& input, const inspect_summary& read,
                       const report_options& options) {
  std::string out;
  json_writer w(out, true);
  w.spill_to(to);
  write_report(w, d, input, read, options);
  out.push_back('\n');
  w.flush();
}

}  // namespace flowsleuth
