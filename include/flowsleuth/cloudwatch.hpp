#pragma once
/// CloudWatch Logs deliveries carry flow-log records as event messages, not lines. These readers turn
/// the documented shapes into a list of messages that the line parser then reads like text lines.
///
/// Shapes (../shared/domain/aws-flow-logs.md §2.3):
///   * `aws logs get-log-events` / `filter-log-events` output: {"events":[{"message":…, "logStreamName"?:…}]}
///   * subscription payloads (Kinesis, Firehose, Lambda), decoded: {"messageType":…,"logStream":…,"logEvents":[…]},
///     several of them concatenated or newline-separated; CONTROL_MESSAGE payloads are skipped;
///     Lambda's {"awslogs":{"data":"<base64 gzip>"}} and bare base64-gzip blobs are decoded first;
///   * a top-level JSON array of events or of payloads;
///   * CSV exports with a message column (`@timestamp,@message` from Logs Insights, or `timestamp,message`).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace flowsleuth {

struct cw_message {
  std::uint64_t line;      ///< JSON: 1-based index of the event in the file; CSV: the row's first line
  std::string_view text;   ///< the record line (points into cw_messages::storage or the input)
  std::string_view eni;    ///< `eni-…` taken from the log stream name when there is one, else empty
};

struct cw_error {
  std::uint64_t line;      ///< as cw_message::line; 0 when the whole file is unreadable
  std::string field;       ///< e.g. "message", "logEvents", "(json)", "(csv)"
  std::string reason;
};

struct cw_messages {
  std::vector<cw_message> messages;
  std::vector<cw_error> errors;    ///< events without a usable message, JSON syntax errors, …
  std::uint64_t control_messages = 0;  ///< CONTROL_MESSAGE payloads skipped (not records, not errors)
  std::vector<std::string> storage;    ///< owns decoded text that messages point into
  std::string shape;  ///< what was recognised: "cloudwatch-events", "cloudwatch-subscription", "csv-export"
};

/// True when `content` starts (after whitespace) with '{' or '[', or is base64 of gzip data ("H4sI").
bool looks_like_cloudwatch_json(std::string_view content) noexcept;
/// True when the first line is a CSV header with a `@message` or `message` column.
bool looks_like_csv_export(std::string_view content) noexcept;

/// Reads a JSON delivery. Never throws on bad input: problems become cw_error entries.
cw_messages read_cloudwatch_json(std::string_view content);
/// Reads a CSV export (RFC 4180 quoting, embedded newlines in quoted fields).
cw_messages read_csv_export(std::string_view content);

}  // namespace flowsleuth
