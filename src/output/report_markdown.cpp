// A report to paste into a ticket: a summary table, then one section per flow that needs attention.

#include <fmt/format.h>

#include "flowsleuth/report.hpp"
#include "flowsleuth/time_util.hpp"
#include "output/spill.hpp"
#include "util/plural.hpp"

namespace flowsleuth {
namespace {

// Table cells must not break the table.
std::string cell(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += ' ';
    else out.push_back(c);
  }
  return out;
}

std::string endpoint_md(const endpoint& e, bool port) {
  std::string s = "`" + e.ip.to_string() + (port && e.port ? fmt::format(":{}", *e.port) : "") + "`";
  if (!e.name.empty() && !e.eni.empty()) {
    s += " (" + e.name + " " + e.eni + ")";
  } else if (!e.name.empty() || !e.eni.empty()) {
    s += " (" + (e.name.empty() ? e.eni : e.name) + ")";
  }
  return s;
}

}  // namespace

namespace {

void build_report_markdown(std::string& out, std::FILE* to, const diagnosis& d, const ingest_report& input,
                           const inspect_summary& read, const report_options& options) {
  out += "## flowsleuth diagnosis\n\n";
  out += fmt::format("{}, {}, {}", detail::counted(input.files.size(), "file"), detail::counted(read.records, "record"),
                     detail::counted(read.enis, "ENI"));
  if (read.time_range) {
    out += fmt::format(", {} → {}", format_iso(read.time_range->first), format_iso(read.time_range->second));
  }
  out += ".\n\n| verdict | flow | layer | confidence | connections |\n|---|---|---|---|---|\n";
  std::vector<const flow_finding*> listed;
  for (const auto& f : d.flows) {
    if (!options.all && f.outcome == verdict::ok) continue;
    listed.push_back(&f);
    out += fmt::format("| **{}** | {} {} → {} | {} | {} | {} |\n", to_string(f.outcome), protocol_name(f.protocol),
                       endpoint_md(f.client, false), endpoint_md(f.server, true),
                       f.blocking ? std::string(to_string(f.blocking->layer)) : "—",
                       f.blocking ? std::string(to_string(f.blocking->confidence)) : "—", f.connections);
    detail::spill(out, to);
  }
  if (listed.empty()) out += "| ok | no blocked or suspicious flows | — | — | — |\n";
  for (const auto* f : listed) {
    out += fmt::format("\n### {} {} {} → {}\n\n", to_string(f->outcome), protocol_name(f->protocol),
                       endpoint_md(f->client, false), endpoint_md(f->server, true));
    if (f->blocking) {
      out += fmt::format("- **Layer:** {} ({}{}, {} leg), {}\n", to_string(f->blocking->layer),
                         f->blocking->direction ? std::string(to_string(*f->blocking->direction)) : "no direction",
                         f->blocking_subnet.empty() ? "" : ", " + f->blocking_subnet, to_string(f->blocking->leg),
                         to_string(f->blocking->confidence));
    }
    out += fmt::format("- **Why:** {}\n", cell(explanation_of(*f)));
    if (const std::string fix = remediation_of(*f); !fix.empty()) out += fmt::format("- **Fix:** {}\n", cell(fix));
    if (f->config) {
      const auto& a = *f->config;
      if (a.status == config_status::confirmed) {
        out += fmt::format("- **Blocking rule (from config):** `{}`\n", a.rule->text);
        if (a.fix) out += fmt::format("- **Change:** `{}`\n\n  ```sh\n  {}\n  ```\n", a.fix->summary, a.fix->command);
      } else if (a.status == config_status::contradicted) {
        out += fmt::format("- **Config allows it:** {} (see drift)\n", cell(a.config_says));
      } else {
        for (const auto& m : a.missing) out += fmt::format("- **Config cannot say:** {}\n", cell(m));
      }
    }
    if (f->first_reject) out += fmt::format("- **First REJECT:** {}\n", format_iso(*f->first_reject));
    if (const std::string p = pattern_of(*f); !p.empty()) out += fmt::format("- **Pattern:** {}\n", cell(p));
    out += fmt::format("- **Rule:** `{}`\n", f->rule_id.empty() ? "(none)" : f->rule_id);
    if (!f->evidence.empty()) {
      out += "\n<details><summary>evidence</summary>\n\n```\n";
      for (const auto& l : f->evidence) {
        out += fmt::format("{}:{}  {} {} {}\n", l.file < input.files.size() ? input.files[l.file].path : "?", l.line,
                           l.eni, l.direction == direction_t::none ? "" : to_string(l.direction), to_string(l.action));
      }
      out += "```\n\n</details>\n";
    }
    detail::spill(out, to);
  }
  if (!d.drift.empty()) {
    out += "\n### Drift: configuration and logs disagree\n\n| kind | flow | logs | config |\n|---|---|---|---|\n";
    for (const auto& x : d.drift) {
      out += fmt::format("| {} | {} {} → {} | {} | {} |\n", to_string(x.kind), protocol_name(x.protocol),
                         endpoint_md(x.client, false), endpoint_md(x.server, true), cell(x.logs_say), cell(x.config_says));
    }
  }
  std::string counts;
  for (const auto& [v, n] : d.flow_counts) counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", n, to_string(v));
  out += fmt::format("\n**Flows:** {}\n", counts.empty() ? "none" : counts);
  detail::spill(out, to, 0);
}

}  // namespace

std::string render_report_markdown(const diagnosis& d, const ingest_report& input, const inspect_summary& read,
                                   const report_options& options) {
  std::string out;
  build_report_markdown(out, nullptr, d, input, read, options);
  return out;
}

void write_report_markdown(std::FILE* to, const diagnosis& d, const ingest_report& input, const inspect_summary& read,
                           const report_options& options) {
  std::string out;
  build_report_markdown(out, to, d, input, read, options);
}

}  // namespace flowsleuth
