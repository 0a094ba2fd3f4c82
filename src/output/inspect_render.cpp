#include <fmt/format.h>

#include <algorithm>

#include "flowsleuth/render.hpp"
#include "flowsleuth/time_util.hpp"
#include "output/json_writer.hpp"
#include "output/terminal.hpp"

namespace flowsleuth {
namespace {

void write_spans(detail::json_writer& w, const std::vector<time_span>& spans) {
  w.begin_array();
  for (const auto& [a, b] : spans) w.begin_array().value(a).value(b).end_array();
  w.end_array();
}

std::string thousands(std::uint64_t v) {
  std::string digits = fmt::format("{}", v);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string duration(std::int64_t s) {
  if (s < 120) return fmt::format("{}s", s);
  if (s < 7200) return fmt::format("{}m{:02}s", s / 60, s % 60);
  if (s < 172800) return fmt::format("{}h{:02}m", s / 3600, s / 60 % 60);
  return fmt::format("{}d{:02}h", s / 86400, s / 3600 % 24);
}

}  // namespace

std::string render_inspect_json(const ingest_report& report, const inspect_summary& sum) {
  std::string out;
  detail::json_writer w(out, true);
  w.begin_object();
  w.key("schema").value("flowsleuth/inspect/v1");
  w.key("records").value(sum.records);
  w.key("skipped_lines").value(report.skipped);
  w.key("by_action").begin_object();
  w.key("ACCEPT").value(sum.by_action[0]).key("REJECT").value(sum.by_action[1]).key("-").value(sum.by_action[2]);
  w.end_object();
  w.key("by_log_status").begin_object();
  w.key("OK").value(sum.by_log_status[0]).key("NODATA").value(sum.by_log_status[1]);
  w.key("SKIPDATA").value(sum.by_log_status[2]).key("-").value(sum.by_log_status[3]);
  w.end_object();
  w.key("enis").value(sum.enis);
  w.key("time_range");
  if (sum.time_range) {
    w.begin_array().value(sum.time_range->first).value(sum.time_range->second).end_array();
  } else {
    w.null();
  }
  w.key("coverage").begin_array();
  for (const auto& [eni, cov] : sum.coverage) {
    w.begin_object().key("eni").value(eni);
    w.key("nodata");
    write_spans(w, cov.nodata);
    w.key("skipdata");
    write_spans(w, cov.skipdata);
    w.end_object();
  }
  w.end_array();
  w.key("files").begin_array();
  for (const auto& f : report.files) {
    w.begin_object();
    w.key("path").value(f.path);
    w.key("layout").value(to_string(f.origin));
    w.key("version").value(f.version);
    w.key("records").value(f.records);
    w.key("skipped").value(f.skipped);
    w.key("errors_truncated").value(f.errors_truncated);
    w.key("errors").begin_array();
    for (const auto& e : f.errors) {
      w.begin_object().key("line").value(e.line).key("field").value(e.field).key("reason").value(e.reason).end_object();
    }
    w.end_array();
    // Extensions beyond the v1 contract.
    w.key("source").value(f.source);
    w.key("fields").value(f.fields);
    w.key("headers").value(f.headers);
    w.key("duplicates").value(f.duplicates);
    w.key("filtered").value(f.filtered);
    w.key("control_messages").value(f.control_messages);
    w.key("fatal");
    if (f.fatal.empty()) {
      w.null();
    } else {
      w.value(f.fatal);
    }
    w.key("unsupported").value(f.unsupported);
    w.key("notes").begin_array();
    for (const auto& n : f.notes) w.value(n);
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.key("duplicates").value(report.duplicates);
  w.key("filtered").value(report.filtered);
  w.key("pruned_files").value(report.pruned_files);
  w.key("input_problems").begin_array();
  for (const auto& p : report.input_problems) w.value(p);
  w.end_array();
  w.end_object();
  out.push_back('\n');
  return out;
}

std::string render_problems_text(const ingest_report& report, const text_style& style) {
  const detail::painter paint(style.color);
  std::string out;
  for (const auto& p : report.input_problems) out += fmt::format("{}: {}\n", paint.red("error"), p);
  for (const auto& f : report.files) {
    if (!f.fatal.empty()) out += fmt::format("{}: {}: {}\n", paint.red("error"), f.path, f.fatal);
    std::size_t shown = 0;
    for (const auto& e : f.errors) {
      if (shown == style.max_errors) break;
      out += fmt::format("{}:{}: {}: {}: {}\n", f.path, e.line, paint.yellow("skipped"), e.field, e.reason);
      ++shown;
    }
    const std::uint64_t rest = f.skipped - shown;
    if (rest > 0) {
      out += fmt::format("{}: … and {} more skipped line{} (see `inspect --output json` for the first {})\n", f.path,
                         thousands(rest), rest == 1 ? "" : "s", f.errors.size());
    }
  }
  return out;
}

std::string render_inspect_text(const ingest_report& report, const inspect_summary& sum, const text_style& style) {
  const detail::painter paint(style.color);
  std::string out;
  out += fmt::format("{} {} file{}, {}\n", paint.bold("flowsleuth inspect:"), report.files.size(),
                     report.files.size() == 1 ? "" : "s", detail::human_size(report.bytes));
  out += fmt::format("  records     {}  (ACCEPT {} · REJECT {}{})\n", thousands(sum.records),
                     thousands(sum.by_action[0]), thousands(sum.by_action[1]),
                     sum.by_action[2] ? fmt::format(" · no action {}", thousands(sum.by_action[2])) : "");
  out += fmt::format("  log-status  OK {} · NODATA {} · SKIPDATA {}{}\n", thousands(sum.by_log_status[0]),
                     thousands(sum.by_log_status[1]), thousands(sum.by_log_status[2]),
                     sum.by_log_status[3] ? fmt::format(" · not logged {}", thousands(sum.by_log_status[3])) : "");
  out += fmt::format("  ENIs        {}\n", thousands(sum.enis));
  if (sum.time_range) {
    out += fmt::format("  time range  {} → {}  ({})\n", format_iso(sum.time_range->first),
                       format_iso(sum.time_range->second), duration(sum.time_range->second - sum.time_range->first));
  } else {
    out += "  time range  unknown (no record has start and end)\n";
  }
  if (report.skipped) {
    out += fmt::format("  skipped     {} malformed line{} — listed below\n", paint.yellow(thousands(report.skipped)),
                       report.skipped == 1 ? "" : "s");
  }
  if (report.duplicates) {
    out += fmt::format("  duplicates  {} record{} read twice (two flow logs covering the same ENI), counted once\n",
                       thousands(report.duplicates), report.duplicates == 1 ? "" : "s");
  }
  if (report.filtered) out += fmt::format("  filtered    {} outside --since/--until\n", thousands(report.filtered));
  if (report.pruned_files) {
    out += fmt::format("  pruned      {} file{} whose S3 key date is outside --since/--until\n",
                       thousands(report.pruned_files), report.pruned_files == 1 ? "" : "s");
  }

  // Files that share a folder and a layout are one line: S3 prefixes hold hundreds of objects.
  out += fmt::format("\n{}\n", paint.bold("files"));
  struct group {
    std::string dir, source, fields;
    layout_origin origin;
    int version;
    std::vector<const file_report*> files;
    std::uint64_t records = 0, skipped = 0, duplicates = 0;
  };
  std::vector<group> groups;
  for (const auto& f : report.files) {
    const auto slash = f.path.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : f.path.substr(0, slash);
    auto it = std::find_if(groups.begin(), groups.end(), [&](const group& g) {
      return g.dir == dir && g.source == f.source && g.fields == f.fields && g.origin == f.origin;
    });
    if (it == groups.end()) it = groups.insert(groups.end(), group{dir, f.source, f.fields, f.origin, f.version, {}});
    it->files.push_back(&f);
    it->records += f.records;
    it->skipped += f.skipped;
    it->duplicates += f.duplicates;
  }
  for (const auto& g : groups) {
    if (g.files.size() == 1) {
      out += fmt::format("  {}\n", g.files[0]->path);
    } else {
      out += fmt::format("  {} files in {}/\n", g.files.size(), g.dir);
    }
    out += fmt::format("      {}, layout {} v{}: {} records", g.source, to_string(g.origin), g.version,
                       thousands(g.records));
    if (g.skipped) out += fmt::format(", {} skipped", paint.yellow(thousands(g.skipped)));
    if (g.duplicates) out += fmt::format(", {} duplicates", thousands(g.duplicates));
    out += "\n";
    if (g.origin != layout_origin::v2_default) out += fmt::format("      fields: {}\n", g.fields);
    for (const auto* f : g.files) {
      const std::string who = g.files.size() == 1 ? "" : f->path.substr(g.dir.size() + 1) + ": ";
      if (f->control_messages) out += fmt::format("      {}{} control messages skipped\n", who, f->control_messages);
      for (const auto& n : f->notes) out += fmt::format("      {}note: {}\n", who, n);
      if (!f->fatal.empty()) out += fmt::format("      {}{}: {}\n", who, paint.red("error"), f->fatal);
    }
  }

  if (!sum.coverage.empty()) {
    out += fmt::format("\n{}\n", paint.bold("coverage gaps (no evidence in these windows)"));
    for (const auto& [eni, cov] : sum.coverage) {
      for (const auto& [a, b] : cov.skipdata) {
        out += fmt::format("  {}  {}  {} → {}  records were lost: absence of a record proves nothing here\n", eni,
                           paint.yellow("SKIPDATA"), format_iso(a), format_iso(b));
      }
      for (const auto& [a, b] : cov.nodata) {
        out += fmt::format("  {}  NODATA    {} → {}  no traffic logged\n", eni, format_iso(a), format_iso(b));
      }
    }
  }
  const std::string problems = render_problems_text(report, style);
  if (!problems.empty()) out += fmt::format("\n{}\n{}", paint.bold("problems"), problems);
  return out;
}

}  // namespace flowsleuth
