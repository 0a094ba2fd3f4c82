#pragma once
/// Renderers for what was read. They only format: no parsing, no rule state.

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "flowsleuth/ingest.hpp"
#include "flowsleuth/inspect.hpp"

namespace flowsleuth {

struct text_style {
  bool color = false;        ///< ANSI colour (the CLI enables it for a terminal unless NO_COLOR is set)
  std::size_t max_errors = 5;  ///< malformed lines shown per file in text; the rest are summarised
};

/// The `flowsleuth/inspect/v1` JSON contract (../shared/design.md), with documented extensions.
std::string render_inspect_json(const ingest_report& report, const inspect_summary& summary);
/// A terminal summary of the same facts.
std::string render_inspect_text(const ingest_report& report, const inspect_summary& summary, const text_style& style);
/// What was skipped, for stderr after any command: one line per problem, capped per file.
std::string render_problems_text(const ingest_report& report, const text_style& style);

enum class records_format { ndjson, csv };

/// `flowsleuth records`: writes normalized records to `out` in input order as they are merged.
class records_writer final : public record_consumer {
 public:
  /// For CSV, `csv_layouts` are the layouts expected in the input: their known fields (in catalogue
  /// order) become the columns; anything else goes into a final `extra` column as name=value pairs.
  records_writer(std::FILE* out, records_format format, std::vector<std::string> paths,
                 const std::vector<layout>& csv_layouts);
  ~records_writer() override;
  std::unique_ptr<block_sink> make_sink(bool retractable) override;
  void merge(std::unique_ptr<block_sink> sink) override;

  struct shared;  ///< read-only state the per-block sinks format with

 private:
  std::shared_ptr<shared> shared_;
};

}  // namespace flowsleuth
