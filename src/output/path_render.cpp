// Plain text for explain-path: the endpoints, each leg's four checks in packet order, where the
// connection stops, the fixes when asked for, and what was not evaluated.

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "flowsleuth/correlate.hpp"
#include "flowsleuth/enforcement.hpp"

namespace flowsleuth {
namespace {

std::string endpoint_line(std::string_view role, const path_endpoint& e) {
  if (e.outside) return fmt::format("{:<7} {}  outside the configuration\n", role, e.ip.to_string());
  std::string eni = e.eni.empty() ? std::string("(no known ENI)") : e.eni;
  if (!e.name.empty()) eni += fmt::format(" ({})", e.name);
  return fmt::format("{:<7} {}  {}  {}  {}\n", role, e.ip.to_string(), eni, e.subnet.empty() ? "(subnet unknown)" : e.subnet,
                     e.acl.empty() ? "(network ACL unknown)" : e.acl);
}

std::string step_where(const enforcement_step& st) {
  if (st.layer == blocking_layer::security_group) {
    if (st.eni.empty()) return fmt::format("{} side", to_string(st.side));
    return st.groups.empty() ? st.eni : fmt::format("{} [{}]", st.eni, fmt::join(st.groups, ", "));
  }
  if (st.subnet.empty()) return fmt::format("{} side", to_string(st.side));
  return st.acl.empty() ? st.subnet : fmt::format("{} {}", st.subnet, st.acl);
}

std::string leg_title(const path_result& r, const leg_result& leg) {
  const auto& q = r.query;
  const bool request = leg.leg == traffic_leg::request;
  const auto& from = request ? q.client : q.server;
  const auto& to = request ? q.server : q.client;
  std::string what = protocol_name(q.protocol);
  if (!leg.steps.empty() && leg.steps.front().pkt.icmp_type) {
    const auto& p = leg.steps.front().pkt;
    what += fmt::format(" type {}", *p.icmp_type);
    if (p.icmp_code) what += fmt::format(" code {}", *p.icmp_code);
  }
  if (q.server_port) {
    what += request ? fmt::format("/{}", *q.server_port)
            : q.client_port ? fmt::format(" {} → client port {}", *q.server_port, *q.client_port)
                            : fmt::format(" {} → client ports {}-{}", *q.server_port, q.ephemeral.from, q.ephemeral.to);
  }
  return fmt::format("{} {} → {} {}", to_string(leg.leg), from.to_string(), to.to_string(), what);
}

std::string ports_text(const port_span& s) {
  return s.from == s.to ? fmt::format("{}", s.from) : fmt::format("{}-{}", s.from, s.to);
}

void render_leg(std::string& out, const path_result& r, const leg_result& leg) {
  out += fmt::format("\n{}: {}\n", leg_title(r, leg), leg.evaluated ? to_string(leg.outcome) : "no reply expected");
  if (!leg.evaluated) return;
  for (std::size_t i = 0; i < leg.steps.size(); ++i) {
    const auto& st = leg.steps[i];
    const char* layer = st.layer == blocking_layer::security_group ? "security group" : "network ACL";
    out += fmt::format("  {}. {:<14} {:<7} {:<11} {}\n", i + 1, layer, st.egress ? "egress" : "ingress",
                       to_string(st.outcome), step_where(st));
    if (!st.rule.empty()) out += fmt::format("     {}\n", st.rule);
    out += fmt::format("     {}\n", st.reason);
  }
  if (!leg.admitted_client_ports.empty() && leg.outcome == check_outcome::partial) {
    std::vector<std::string> spans;
    for (const auto& s : leg.admitted_client_ports) spans.push_back(ports_text(s));
    out += fmt::format("  replies pass only to client ports {}\n", fmt::join(spans, ", "));
  }
  if (leg.first_blocking) {
    const auto& st = leg.steps[*leg.first_blocking];
    out += fmt::format("  stopped at step {}: {} {} of {}\n", *leg.first_blocking + 1,
                       st.layer == blocking_layer::security_group ? "security group" : "network ACL",
                       st.egress ? "egress" : "ingress", step_where(st));
  }
}

}  // namespace

std::string render_path_text(const path_result& r) {
  std::string out;
  out += endpoint_line("client", r.client);
  out += endpoint_line("server", r.server);
  render_leg(out, r, r.request);
  render_leg(out, r, r.response);
  out += fmt::format("\nresult: {}\n", to_string(r.outcome));
  for (const auto& f : r.fixes) {
    out += fmt::format("\nfix: add {}\n  {}\n", f.summary, f.command);
    for (const auto& w : f.warnings) out += fmt::format("  note: {}\n", w);
  }
  if (!r.notes.empty()) out += "\n";
  for (const auto& n : r.notes) out += fmt::format("note: {}\n", n);
  return out;
}

}  // namespace flowsleuth
