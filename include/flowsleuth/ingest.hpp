#pragma once
/// The ingestion engine: reads every input (plain or gzip text, CloudWatch JSON and CSV exports),
/// parses records in parallel over files and line-aligned blocks, and hands them to a consumer in a
/// deterministic order. Memory stays bounded: blocks are retired once merged.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "flowsleuth/flow_record.hpp"
#include "flowsleuth/inputs.hpp"
#include "flowsleuth/layout.hpp"

namespace flowsleuth {

struct ingest_options {
  std::optional<layout> log_format;  ///< --log-format; else the v2 default until a header line says otherwise
  time_window window;                ///< --since/--until, applied exactly to each record's [start, end]
  unsigned threads = 0;              ///< parser threads; 0 = the number of cores
  std::size_t block_bytes = 4u << 20;
  std::size_t max_errors_per_file = 100;
  bool progress = false;             ///< progress line on stderr (the CLI sets it only for a terminal)
};

struct line_problem {
  std::uint64_t line = 0;  ///< 1-based line, or 1-based event index for JSON exports; 0 = whole file
  std::string field;
  std::string reason;
};

struct file_report {
  std::string path;
  std::string source = "text";   ///< text | gzip-text | cloudwatch-events | cloudwatch-subscription | csv-export
  layout_origin origin = layout_origin::v2_default;
  int version = 2;
  std::string fields;            ///< the layout's field names, space-separated
  std::uint64_t bytes = 0;       ///< bytes read from disk
  std::uint64_t records = 0;     ///< records read (NODATA/SKIPDATA included), duplicates excluded
  std::uint64_t skipped = 0;     ///< malformed lines
  std::uint64_t duplicates = 0;  ///< records identical to one already read from another file
  std::uint64_t filtered = 0;    ///< records outside --since/--until
  std::uint64_t headers = 0;     ///< header lines seen
  std::uint64_t control_messages = 0;
  std::vector<line_problem> errors;  ///< the first max_errors_per_file problems
  std::uint64_t errors_truncated = 0;
  std::string fatal;             ///< why reading stopped early (corrupt gzip, unreadable, unsupported)
  bool unsupported = false;      ///< an input kind flowsleuth cannot read yet (Parquet)
  std::vector<std::string> notes;
};

struct ingest_report {
  std::vector<file_report> files;
  std::uint64_t records = 0, skipped = 0, duplicates = 0, filtered = 0, bytes = 0;
  std::uint64_t pruned_files = 0;
  std::vector<std::string> input_problems;
  bool has_fatal() const noexcept;
  bool has_unsupported() const noexcept;
};

struct record_origin {
  std::uint32_t file = 0;  ///< index into ingest_report::files
  std::uint64_t line = 0;
};

/// Receives one block's records on a worker thread.
class block_sink {
 public:
  virtual ~block_sink() = default;
  virtual void on_record(const flow_record& r, const record_origin& at) = 0;
  /// Withdraws the n-th record (0-based) this sink received: it duplicates a record of an earlier
  /// file. Only called on sinks made with `retractable = true`, before they are merged.
  virtual void retract(std::size_t index) = 0;
  /// How many records the block may hold (its line count), before the first on_record: a sink that
  /// keeps something per record can size its storage once instead of growing it.
  virtual void expect(std::size_t /*records*/) {}
};

class record_consumer {
 public:
  virtual ~record_consumer() = default;
  /// Called from worker threads (must be thread-safe).
  virtual std::unique_ptr<block_sink> make_sink(bool retractable) = 0;
  /// Called serially, in input order (file order, then line order).
  virtual void merge(std::unique_ptr<block_sink> sink) = 0;
};

/// Reads every input. Never throws for bad input: problems are in the report.
ingest_report ingest(const input_list& inputs, const ingest_options& options, record_consumer& consumer);

}  // namespace flowsleuth

namespace flowsleuth {
/// The layouts the inputs start with (header line, --log-format or the v2 default), read from the
/// first bytes of each file without parsing it. Used to choose CSV columns before streaming.
std::vector<layout> peek_layouts(const input_list& inputs, const ingest_options& options);
}  // namespace flowsleuth
