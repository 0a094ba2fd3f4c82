#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "flowsleuth/report.hpp"
#include "flowsleuth/time_util.hpp"
#include "util/plural.hpp"
#include "output/in_stretches.hpp"
#include "output/spill.hpp"
#include "output/terminal.hpp"

namespace flowsleuth {
namespace {

std::string layer_words(const rule_blocking& b) {
  switch (b.layer) {
    case blocking_layer::security_group: return "security group";
    case blocking_layer::network_acl: return "network ACL";
    case blocking_layer::security_group_or_network_acl: return "security group or network ACL (the logs cannot tell which)";
    case blocking_layer::block_public_access: return "VPC Block Public Access";
    case blocking_layer::host: return "host (not a firewall)";
    case blocking_layer::routing_or_unlogged: return "routing, or an ENI that is not logged";
  }
  return "unknown";
}

// Sparse client ports read best as their span and count ("61162-65403, 29 ports"); a few ranges are
// listed as they are.
std::string ranges_text(const std::vector<port_range>& r) {
  if (r.empty()) return "";
  if (r.size() > 3) {
    std::size_t ports = 0;
    for (const auto& x : r) ports += static_cast<std::size_t>(x.high - x.low) + 1;
    return fmt::format("{}-{} ({} ports)", r.front().low, r.back().high, ports);
  }
  std::string out;
  for (std::size_t i = 0; i < r.size(); ++i) {
    if (i) out += ", ";
    out += r[i].low == r[i].high ? fmt::format("{}", r[i].low) : fmt::format("{}-{}", r[i].low, r[i].high);
  }
  return out;
}

std::string endpoint_text(const endpoint& e, bool with_port) {
  if (e.ip.fam() == ip_address::family::none) return "any client";
  std::string s = e.ip.is_v6() ? "[" + e.ip.to_string() + "]" : e.ip.to_string();
  if (with_port && e.port) s += fmt::format(":{}", *e.port);
  if (!e.name.empty() && !e.eni.empty()) {
    s += fmt::format(" ({} {})", e.name, e.eni);
  } else if (!e.name.empty() || !e.eni.empty()) {
    s += fmt::format(" ({})", e.name.empty() ? e.eni : e.name);
  }
  return s;
}

std::string verdict_label(verdict v, const detail::painter& paint) {
  std::string word(to_string(v));
  std::transform(word.begin(), word.end(), word.begin(), [](char c) { return static_cast<char>(std::toupper(c)); });
  switch (v) {
    case verdict::blocked:
    case verdict::refused:
    case verdict::no_response: return paint.red(word);
    case verdict::unobserved_peer:
    case verdict::inconclusive: return paint.yellow(word);
    default: return paint.green(word);
  }
}

// What --config concluded: the culprit and the change, or why it could not say.
std::string config_lines(const config_assessment& a, const detail::painter& paint) {
  std::string out;
  switch (a.status) {
    case config_status::confirmed:
      out += fmt::format("  rule      {}\n", paint.bold(a.rule->text));
      if (a.fix) {
        out += fmt::format("  change    {}\n", a.fix->summary);
        out += fmt::format("            $ {}\n", a.fix->command);
        for (const auto& w : a.fix->warnings) out += fmt::format("            {}\n", paint.yellow("note: " + w));
      }
      break;
    case config_status::contradicted:
      out += fmt::format("  config    {} {} (see drift below)\n", paint.yellow("allows it:"), a.config_says);
      break;
    case config_status::incomplete:
      for (const auto& m : a.missing) out += fmt::format("  config    cannot say: {}\n", m);
      break;
  }
  return out;
}

std::string drift_text(const diagnosis& d, const ingest_report& input, const detail::painter& paint) {
  if (d.drift.empty()) return {};
  std::string out = fmt::format("\n{}\n", paint.bold("drift: configuration and logs disagree"));
  for (const auto& x : d.drift) {
    out += fmt::format("\n{}  {} {} → {}\n", paint.yellow(std::string(to_string(x.kind))), protocol_name(x.protocol),
                       endpoint_text(x.client, false), endpoint_text(x.server, true));
    out += fmt::format("  logs      {}\n  config    {}\n  why       {}\n", x.logs_say, x.config_says, x.explanation);
    for (std::size_t i = 0; i < x.evidence.size() && i < 2; ++i) {
      const auto& l = x.evidence[i];
      std::string path = l.file < input.files.size() ? input.files[l.file].path : "?";
      if (const auto slash = path.rfind('/'); slash != std::string::npos) path = path.substr(slash + 1);
      out += fmt::format("  {}\n", paint.dim(fmt::format("{}:{}  {} {}", path, l.line, l.eni, to_string(l.action))));
    }
  }
  return out;
}

}  // namespace

namespace {

// One listed flow (or, for a group, its first member naming the sources), as the report shows it.
void render_flow(std::string& out, const diagnosis& d, std::size_t fi, const flow_group* g, const ingest_report& input,
                 const detail::painter& paint) {
  const auto& f = d.flows[fi];
  out += "\n";
  if (g) {
    std::string sources;
    for (std::size_t k = 0; k < g->flows.size() && k < 5; ++k) {
      sources += (k ? ", " : "") + d.flows[g->flows[k]].client.ip.to_string();
    }
    if (g->flows.size() > 5) sources += fmt::format(", … ({} in all)", g->flows.size());
    out += fmt::format("{}  {} {} internet sources → {}   {} connections\n", verdict_label(f.outcome, paint),
                       protocol_name(f.protocol), g->flows.size(), endpoint_text(f.server, true), g->connections);
    out += fmt::format("  sources   {}\n", sources);
  } else {
    out += fmt::format("{}  {} {} → {}", verdict_label(f.outcome, paint),
                       f.connections == 0 ? "traffic" : protocol_name(f.protocol), endpoint_text(f.client, false),
                       endpoint_text(f.server, true));
    if (f.connections) out += "   " + detail::counted(f.connections, "connection");
    out += "\n";
  }
  if (f.blocking) {
    // One line a reader can take in at once: layer · direction · leg · where · confidence.
    std::vector<std::string> parts{paint.bold(layer_words(*f.blocking))};
    if (f.blocking->direction) parts.emplace_back(to_string(*f.blocking->direction));
    parts.push_back(std::string(to_string(f.blocking->leg)));
    const bool subnet_level = f.blocking->layer == blocking_layer::network_acl ||
                              f.blocking->layer == blocking_layer::security_group_or_network_acl;
    if (subnet_level && !f.blocking_subnet.empty()) {
      parts.push_back(fmt::format("{}{}", f.blocking_subnet,
                                  f.blocking_eni.empty() ? "" : fmt::format(" (ENI {})", f.blocking_eni)));
    } else if (subnet_level && !f.blocking_eni.empty()) {
      parts.push_back(fmt::format("subnet of {}", f.blocking_eni));
    } else if (!f.blocking_eni.empty()) {
      parts.push_back(f.blocking_eni);
    }
    parts.push_back(std::string(to_string(f.blocking->confidence)));
    std::string line;
    for (const auto& p : parts) line += (line.empty() ? "" : " · ") + p;
    out += fmt::format("  layer     {}\n", line);
    if (f.blocking->candidates.size() > 1) {
      std::string c;
      for (auto l : f.blocking->candidates) c += (c.empty() ? "" : ", ") + std::string(to_string(l));
      out += fmt::format("  open      {}\n", c);
    }
  }
  out += fmt::format("  why       {}\n", explanation_of(f));
  if (const std::string fix = remediation_of(f); !fix.empty()) out += fmt::format("  fix       {}\n", fix);
  if (f.config) out += config_lines(*f.config, paint);
  if (f.first_reject && !g) out += fmt::format("  first REJECT {}\n", format_iso(*f.first_reject));
  if (f.by_verdict.size() > 1) {
    std::string c;
    for (const auto& [v, n] : f.by_verdict) c += fmt::format("{}{} {}", c.empty() ? "" : ", ", n, to_string(v));
    out += fmt::format("  connections {}\n", c);
  }
  if (!f.failed_client_ports.empty() && !f.working_client_ports.empty()) {
    out += fmt::format("  client ports failing {} · working {}\n", ranges_text(f.failed_client_ports),
                       ranges_text(f.working_client_ports));
  }
  if (const std::string p = pattern_of(f); !p.empty()) out += fmt::format("  pattern   {}\n", p);
  std::string by;
  for (const auto& s : f.decided_by) by += (by.empty() ? "" : ", ") + s;
  if (!f.rule_id.empty() || !by.empty()) {
    const std::string sides = by == "none" ? "nothing in the records tells client from server (the first address is taken)"
                                           : fmt::format("client/server decided by {}", by.empty() ? "-" : by);
    out += fmt::format("  {}\n", paint.dim(fmt::format("rule {} · {}", f.rule_id.empty() ? "(none)" : f.rule_id, sides)));
  }
  for (std::size_t i = 0; i < f.evidence.size() && i < 4; ++i) {
    const auto& l = f.evidence[i];
    // The file name alone: S3 object names are unique, and full keys drown the line.
    std::string path = l.file < input.files.size() ? input.files[l.file].path : "?";
    if (const auto slash = path.rfind('/'); slash != std::string::npos) path = path.substr(slash + 1);
    out += fmt::format("  {}\n", paint.dim(fmt::format("{}:{}  {} {} {}{}", path, l.line, l.eni,
                                                       l.direction == direction_t::none ? "" : to_string(l.direction),
                                                       to_string(l.action),
                                                       l.tcp_flags ? fmt::format(" flags {}", *l.tcp_flags) : "")));
  }
}

void build_report_text(std::string& out, std::FILE* to, const diagnosis& d, const ingest_report& input,
                       const inspect_summary& read, const report_options& options) {
  const detail::painter paint(options.style.color);
  out += fmt::format("{} {}, {}, {}", paint.bold("flowsleuth diagnose:"), detail::counted(input.files.size(), "file"),
                     detail::counted(read.records, "record"), detail::counted(read.enis, "ENI"));
  if (read.time_range) {
    out += fmt::format(", {} → {}", format_iso(read.time_range->first), format_iso(read.time_range->second));
  }
  out += "\n";
  if (input.skipped) out += fmt::format("{} {} malformed lines skipped (see `flowsleuth inspect`)\n", paint.yellow("note:"), input.skipped);
  if (read.by_log_status[2]) {
    out += fmt::format("{} SKIPDATA on {} window(s): records were lost there, verdicts touching them are at most inconclusive\n",
                       paint.yellow("note:"), read.by_log_status[2]);
  }
  std::size_t healthy = 0;
  // Grouped flows print once, at their first member, naming the sources.
  std::vector<const flow_group*> group_of(d.flows.size(), nullptr);
  for (const auto& g : d.groups) {
    for (auto i : g.flows) group_of[i] = &g;
  }
  std::vector<std::size_t> shown;
  for (std::size_t fi = 0; fi < d.flows.size(); ++fi) {
    if (!options.all && d.flows[fi].outcome == verdict::ok) {
      ++healthy;
    } else if (!group_of[fi] || group_of[fi]->first_flow == fi) {
      shown.push_back(fi);
    }
  }
  // Tens of thousands of listed flows on big inputs (77 k on 10 M records, ~100 ms of formatting):
  // with threads, each stretch of them is rendered in two halves at once and written in order.
  auto render = [&](std::size_t lo, std::size_t hi, std::string& into) {
    for (std::size_t k = lo; k < hi; ++k) render_flow(into, d, shown[k], group_of[shown[k]], input, paint);
  };
  detail::in_stretches(
      shown.size(), options.threads > 1, 4096,
      [&](std::size_t lo, std::size_t mid, std::size_t hi) {
        std::string second;
        detail::in_parallel([&] { render(lo, mid, out); }, [&] { render(mid, hi, second); });
        out += second;
      },
      [&](std::size_t lo, std::size_t hi) { render(lo, hi, out); }, [&] { detail::spill(out, to); });
  const std::size_t listed = shown.size();
  if (listed == 0) out += fmt::format("\n{}\n", paint.green("No blocked or suspicious flows."));
  out += drift_text(d, input, paint);
  out += fmt::format("\n{} ", paint.bold("summary:"));
  std::string c;
  for (const auto& [v, n] : d.flow_counts) c += fmt::format("{}{} {}", c.empty() ? "" : " · ", n, to_string(v));
  out += fmt::format("flows {}", c.empty() ? "none" : c);
  healthy += d.unlisted_ok_flows;
  if (healthy) out += fmt::format("  ({} not listed; --all lists them)", detail::counted(healthy, "healthy flow"));
  if (d.suppressed_flows) out += fmt::format("  · {} suppressed", d.suppressed_flows);
  out += "\n";
  detail::spill(out, to, 0);
}

}  // namespace

std::string render_report_text(const diagnosis& d, const ingest_report& input, const inspect_summary& read,
                               const report_options& options) {
  std::string out;
  build_report_text(out, nullptr, d, input, read, options);
  return out;
}

void write_report_text(std::FILE* to, const diagnosis& d, const ingest_report& input, const inspect_summary& read,
                       const report_options& options) {
  std::string out;
  build_report_text(out, to, d, input, read, options);
}

}  // namespace flowsleuth
