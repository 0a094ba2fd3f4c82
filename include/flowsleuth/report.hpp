#pragma once
/// Reporters for a diagnosis. They format only: the verdicts are decided before they are called.

#include <cstdio>
#include <string>
#include <vector>

#include "flowsleuth/diagnose.hpp"
#include "flowsleuth/ingest.hpp"
#include "flowsleuth/inspect.hpp"
#include "flowsleuth/render.hpp"

namespace flowsleuth {

struct report_options {
  bool all = false;  ///< list ok flows and connections too (default: only what is not ok)
  text_style style;
  /// Threads a reporter may use to format (the output is the same for any number).
  unsigned threads = 1;
};

/// The `flowsleuth/report/v1` contract of ../shared/design.md (documented in docs/report-json.md).
/// The same, written to `to` as it is produced: a report of millions of lines never sits whole in memory.
void write_report_json(std::FILE* to, const diagnosis& d, const ingest_report& input, const inspect_summary& read,
                       const report_options& options);
std::string render_report_json(const diagnosis& d, const ingest_report& input, const inspect_summary& read,
                               const report_options& options);
/// Readable at a glance in a terminal: what is broken first, healthy flows summarised.
std::string render_report_text(const diagnosis& d, const ingest_report& input, const inspect_summary& read,
                               const report_options& options);
/// The same, written to `to` a megabyte at a time (as write_report_json).
void write_report_text(std::FILE* to, const diagnosis& d, const ingest_report& input, const inspect_summary& read,
                       const report_options& options);

/// Markdown to paste into a ticket.
std::string render_report_markdown(const diagnosis& d, const ingest_report& input, const inspect_summary& read,
                                   const report_options& options);
void write_report_markdown(std::FILE* to, const diagnosis& d, const ingest_report& input, const inspect_summary& read,
                           const report_options& options);
/// The conversation graph in Graphviz dot (Boost.Graph): hosts as nodes, flows as edges coloured by verdict.
std::string render_report_dot(const diagnosis& d, const report_options& options);

}  // namespace flowsleuth
