// CloudWatch Logs JSON deliveries: CLI exports, subscription payloads and their base64/gzip envelopes.
//
// The input is split into top-level JSON documents by a brace-depth scan before simdjson sees it:
// Firehose writes payloads back to back with no separator, and parsing each document on its own
// keeps one damaged payload from hiding the ones after it.

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "flowsleuth/cloudwatch.hpp"
#include "source/cloudwatch_detail.hpp"
#include "flowsleuth/gzip.hpp"
#include "source/base64.hpp"
#include "util/json_type_name.hpp"

namespace flowsleuth {
namespace {

using detail::eni_from_stream;
using detail::strip_bom;

namespace dom = simdjson::dom;

// Envelopes inside decoded envelopes are legal JSON but never produced by AWS; the bound keeps a
// crafted file from recursing (and inflating) without end.
constexpr int k_max_nesting = 3;
// Firehose may compress data that CloudWatch already gzipped; more layers than that is not AWS.
constexpr int k_max_gzip_layers = 4;
// Past this many unreadable documents the file is almost surely not JSON; stop instead of
// producing an error per stray brace.
constexpr std::size_t k_max_document_errors = 100;


bool is_json_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::size_t skip_space(std::string_view s, std::size_t pos) noexcept {
  while (pos < s.size() && is_json_space(s[pos])) ++pos;
  return pos;
}

bool starts_with_base64_gzip(std::string_view s) noexcept {
  // "H4sI" is what the gzip magic 1f 8b 08 looks like in base64.
  return s.substr(skip_space(s, 0)).starts_with("H4sI");
}

/// Index of the '"' closing the string whose body starts at `pos`, or npos. Jumps from quote to
/// quote because message strings are most of the bytes; a quote ends the string when an even
/// number of backslashes precedes it.
std::size_t string_end(std::string_view s, std::size_t pos) noexcept {
  while (true) {
    const std::size_t quote = s.find('"', pos);
    if (quote == std::string_view::npos) return quote;
    std::size_t backslashes = 0;
    while (quote - backslashes > pos && s[quote - backslashes - 1] == '\\') ++backslashes;
    if (backslashes % 2 == 0) return quote;
    pos = quote + 1;
  }
}

/// End (exclusive) of the object or array opening at `start`; the input's end when it never closes,
/// which leaves the truncation for simdjson to report.
std::size_t document_end(std::string_view s, std::size_t start) noexcept {
  std::size_t depth = 0;
  for (std::size_t i = start; i < s.size(); ++i) {
    switch (s[i]) {
      case '"':
        i = string_end(s, i + 1);
        if (i == std::string_view::npos) return s.size();
        break;
      case '{':
      case '[':
        ++depth;
        break;
      case '}':
      case ']':
        if (--depth == 0) return i + 1;
        break;
      default:
        break;
    }
  }
  return s.size();
}

/// Stray text between documents runs to the next place a document could start.
std::size_t junk_end(std::string_view s, std::size_t start) noexcept {
  const std::size_t end = s.find_first_of("{[\n", start + 1);
  return end == std::string_view::npos ? s.size() : end;
}

/// The string at `key`, or empty when it is missing or not a string (optional fields).
std::string_view string_field(dom::element obj, std::string_view key) noexcept {
  std::string_view value;
  if (obj[key].get_string().get(value) != simdjson::SUCCESS) return {};
  return value;
}


/// Collects messages while documents are parsed, then publishes them as views.
///
/// simdjson's strings live in the parser and die with the next parse. A message without JSON
/// escapes (nearly all flow-log records) has the same bytes in the caller's input, a little after
/// the previous message, and the view points there; the others are copied into one arena string.
/// Views are only built at the end, once the arena has stopped growing.
class json_reader {
 public:
  explicit json_reader(cw_messages& out) : out_(out) {
    // Keep the arena off the small-string buffer so moving it never moves the characters.
    arena_.reserve(64);
  }

  void read(std::string_view content, int nesting);
  void finish();

 private:
  struct span {
    std::size_t offset;
    std::size_t size;
    bool in_input = false;  // else in the arena
  };
  struct pending {
    std::uint64_t line;
    span text;
    span eni;
  };
  enum class shape { events, subscription };

  void read_document(std::string_view content, std::size_t start, std::size_t end, int nesting);
  void read_root(dom::element root, int nesting);
  void read_object(dom::element obj, int nesting, bool in_array);
  void read_events(dom::element obj, int nesting);
  void read_payload(dom::element obj, int nesting);
  void read_event(dom::element event, span stream_eni, int nesting);
  void read_envelope(std::string_view encoded, std::string_view field, int nesting);
  bool gunzip_layers(std::string& data, std::string_view field);

  span keep(std::string_view text);
  span keep_message(std::string_view text, int nesting);
  span keep_eni(std::string_view stream);
  void recognise(shape s);
  void error(std::uint64_t line, std::string_view field, std::string reason);
  void document_error(std::string reason);
  /// Where a problem with a whole document is reported: the last event read before it (0 at the start).
  std::uint64_t document_line() const noexcept { return events_seen_; }

  cw_messages& out_;
  std::string_view input_;                              // the caller's content, which outlives the views
  std::size_t input_cursor_ = 0;                        // where the next message of the input is searched from
  std::size_t document_end_ = 0;                        // end of the input document being read
  std::array<dom::parser, k_max_nesting + 1> parsers_;  // one per level: an envelope is parsed mid-iteration
  std::string arena_;
  std::vector<pending> pending_;
  std::uint64_t events_seen_ = 0;
  std::size_t document_errors_ = 0;
  bool gave_up_ = false;
};

void json_reader::read(std::string_view content, int nesting) {
  if (nesting > k_max_nesting) {
    error(document_line(), "(json)", "encoded payloads nested too deeply");
    return;
  }
  content = strip_bom(content);
  if (nesting == 0) input_ = content;
  if (has_gzip_magic(content)) {
    std::string plain(content);
    if (!gunzip_layers(plain, "(gzip)")) return;
    read(plain, nesting + 1);
    return;
  }
  if (starts_with_base64_gzip(content)) {
    read_envelope(content, "(base64)", nesting);
    return;
  }
  std::size_t pos = skip_space(content, 0);
  while (pos < content.size() && !gave_up_) {
    const char c = content[pos];
    if (c == '{' || c == '[') {
      const std::size_t end = document_end(content, pos);
      read_document(content, pos, end, nesting);
      pos = end;
    } else {
      document_error(
          fmt::format("not a CloudWatch Logs export or subscription payload: "
                      "expected '{{' or '[' at byte {}",
                      pos));
      pos = junk_end(content, pos);
    }
    pos = skip_space(content, pos);
  }
}

void json_reader::read_document(std::string_view content, std::size_t start, std::size_t end, int nesting) {
  // simdjson reads up to SIMDJSON_PADDING bytes past the document; the rest of the input serves as
  // that padding when there is enough of it, saving a copy of every document.
  const bool padded = content.size() - end >= simdjson::SIMDJSON_PADDING;
  if (nesting == 0) {
    input_cursor_ = start;
    document_end_ = end;
  }
  dom::element root;
  const auto code = parsers_[nesting].parse(content.data() + start, end - start, !padded).get(root);
  if (code != simdjson::SUCCESS) {
    document_error(fmt::format("{} (document at byte {})", simdjson::error_message(code), start));
    return;
  }
  read_root(root, nesting);
}

void json_reader::read_root(dom::element root, int nesting) {
  if (root.is_object()) {
    read_object(root, nesting, false);
    return;
  }
  dom::array items;
  if (root.get_array().get(items) != simdjson::SUCCESS) {
    document_error(fmt::format("not a CloudWatch Logs export or subscription payload: top-level value is {}",
                               detail::json_type_name(root.type())));
    return;
  }
  for (const dom::element item : items) {
    if (item.is_object()) {
      read_object(item, nesting, true);
    } else {
      // Counted as an event so the numbering of the ones after it does not depend on this one.
      ++events_seen_;
      error(events_seen_, "message",
            fmt::format("array element is {}, not an event object", detail::json_type_name(item.type())));
    }
  }
}

void json_reader::read_object(dom::element obj, int nesting, bool in_array) {
  if (dom::element awslogs; obj["awslogs"].get(awslogs) == simdjson::SUCCESS) {
    std::string_view data;
    if (awslogs["data"].get_string().get(data) != simdjson::SUCCESS) {
      error(document_line(), "awslogs.data", "Lambda event has no string 'awslogs.data'");
      return;
    }
    read_envelope(data, "awslogs.data", nesting);
    return;
  }
  if (obj["logEvents"].error() == simdjson::SUCCESS || obj["messageType"].error() == simdjson::SUCCESS) {
    read_payload(obj, nesting);
    return;
  }
  // `aws kinesis get-records` output ({"Records":[{"Data":…}]}) and a Firehose transformation event
  // ({"records":[{"data":…}]}): each record's data is a subscription payload, base64 of gzip.
  for (const char* key : {"Records", "records"}) {
    dom::array records;
    if (obj[key].get_array().get(records) != simdjson::SUCCESS) continue;
    // CloudTrail files also hold a "Records" array: only records that carry data are this shape.
    const bool carries_data = std::any_of(records.begin(), records.end(), [](dom::element r) {
      return r["Data"].error() == simdjson::SUCCESS || r["data"].error() == simdjson::SUCCESS;
    });
    if (!carries_data) continue;
    for (dom::element r : records) {
      std::string_view data;
      if (r["Data"].get_string().get(data) != simdjson::SUCCESS && r["data"].get_string().get(data) != simdjson::SUCCESS) {
        error(document_line(), key, "record has no string 'Data'");
        continue;
      }
      read_envelope(data, key, nesting);
    }
    return;
  }
  if (obj["events"].error() == simdjson::SUCCESS) {
    read_events(obj, nesting);
    return;
  }
  // Inside an array any object is taken for an event, so a missing message is reported per event;
  // at the top level only an object that has a message looks like one (newline-delimited events).
  if (in_array || obj["message"].error() == simdjson::SUCCESS) {
    recognise(shape::events);
    const std::string_view stream = string_field(obj, "logStreamName");
    read_event(obj, keep_eni(stream), nesting);
    return;
  }
  document_error(
      "not a CloudWatch Logs export or subscription payload: object has none of "
      "'events', 'logEvents', 'awslogs', 'Records', 'message'");
}

void json_reader::read_events(dom::element obj, int nesting) {
  recognise(shape::events);
  dom::array events;
  if (obj["events"].get_array().get(events) != simdjson::SUCCESS) {
    error(document_line(), "events", "'events' is not an array");
    return;
  }
  // filter-log-events names the stream per event; consecutive events usually share it.
  std::string_view last_stream;
  span last_eni{};
  for (const dom::element event : events) {
    const std::string_view stream = string_field(event, "logStreamName");
    if (stream != last_stream) {
      last_stream = stream;
      last_eni = keep_eni(stream);
    }
    read_event(event, last_eni, nesting);
  }
}

void json_reader::read_payload(dom::element obj, int nesting) {
  recognise(shape::subscription);
  const std::string_view message_type = string_field(obj, "messageType");
  dom::array events;
  const bool has_events = obj["logEvents"].get_array().get(events) == simdjson::SUCCESS;
  if (message_type == "CONTROL_MESSAGE") {
    // Health checks from CloudWatch, not records; their events still take numbers to keep lines stable.
    ++out_.control_messages;
    if (has_events) {
      for ([[maybe_unused]] const dom::element event : events) ++events_seen_;
    }
    return;
  }
  if (!has_events) {
    error(document_line(), "logEvents", "subscription payload has no 'logEvents' array");
    return;
  }
  const std::string_view stream = string_field(obj, "logStream");
  const span eni = keep_eni(stream);
  for (const dom::element event : events) read_event(event, eni, nesting);
}

void json_reader::read_event(dom::element event, span stream_eni, int nesting) {
  const std::uint64_t line = ++events_seen_;
  std::string_view text;
  if (event["message"].get_string().get(text) != simdjson::SUCCESS) {
    error(line, "message", "event has no string 'message'");
    return;
  }
  pending_.push_back({line, keep_message(text, nesting), stream_eni});
}

void json_reader::read_envelope(std::string_view encoded, std::string_view field, int nesting) {
  std::string data;
  if (!detail::base64_decode(encoded, data)) {
    error(document_line(), field, "invalid base64");
    return;
  }
  if (!gunzip_layers(data, field)) return;
  read(data, nesting + 1);
}

/// Inflates `data` while it still starts with the gzip magic. On damage, reports it and keeps what
/// came before, so the intact payloads of a truncated blob are still read; false when nothing is left.
bool json_reader::gunzip_layers(std::string& data, std::string_view field) {
  for (int layer = 0; has_gzip_magic(data); ++layer) {
    if (layer == k_max_gzip_layers) {
      error(document_line(), field, "too many nested gzip layers");
      return false;
    }
    std::string problem;
    try {
      data = gunzip_all(data, problem);
    } catch (const std::exception& e) {
      problem = e.what();
      data.clear();
    }
    if (!problem.empty()) {
      error(document_line(), field, fmt::format("gzip: {}", problem));
      return !data.empty();
    }
  }
  return true;
}

json_reader::span json_reader::keep(std::string_view text) {
  const span kept{arena_.size(), text.size(), false};
  arena_.append(text);
  return kept;
}

/// Only nesting 0 reads the caller's input; deeper levels read decoded buffers that die first.
json_reader::span json_reader::keep_message(std::string_view text, int nesting) {
  if (nesting == 0) {
    // Other fields of the event (id, timestamps, stream name) sit between two messages; past this
    // much, the text was escaped in the source and will not be found.
    constexpr std::size_t k_slack = 4096;
    const std::size_t window = std::min(document_end_ - input_cursor_, text.size() + k_slack);
    const std::size_t found = input_.substr(input_cursor_, window).find(text);
    if (found != std::string_view::npos) {
      input_cursor_ += found + text.size();
      return span{input_cursor_ - text.size(), text.size(), true};
    }
  }
  return keep(text);
}

json_reader::span json_reader::keep_eni(std::string_view stream) {
  const std::string_view eni = eni_from_stream(stream);
  return eni.empty() ? span{} : keep(eni);
}

void json_reader::recognise(shape s) {
  if (!out_.shape.empty()) return;
  out_.shape = s == shape::events ? "cloudwatch-events" : "cloudwatch-subscription";
}

void json_reader::error(std::uint64_t line, std::string_view field, std::string reason) {
  out_.errors.push_back(cw_error{line, std::string(field), std::move(reason)});
}

void json_reader::document_error(std::string reason) {
  error(document_line(), "(json)", std::move(reason));
  if (++document_errors_ == k_max_document_errors) {
    error(document_line(), "(json)", fmt::format("giving up after {} unreadable documents", k_max_document_errors));
    gave_up_ = true;
  }
}

void json_reader::finish() {
  if (pending_.empty()) return;
  out_.storage.push_back(std::move(arena_));
  const char* arena = out_.storage.back().data();
  const auto view = [&](const span& s) {
    return std::string_view((s.in_input ? input_.data() : arena) + s.offset, s.size);
  };
  out_.messages.reserve(pending_.size());
  for (const pending& p : pending_) out_.messages.push_back(cw_message{p.line, view(p.text), view(p.eni)});
}

}  // namespace

bool looks_like_cloudwatch_json(std::string_view content) noexcept {
  content = strip_bom(content);
  const std::size_t pos = skip_space(content, 0);
  if (pos == content.size()) return false;
  return content[pos] == '{' || content[pos] == '[' || content.substr(pos).starts_with("H4sI");
}

cw_messages read_cloudwatch_json(std::string_view content) {
  cw_messages out;
  try {
    json_reader reader(out);
    reader.read(content, 0);
    reader.finish();
  } catch (const std::exception& e) {
    // Only allocation can fail in here; report it rather than lose the file silently.
    out.errors.push_back(cw_error{0, "(json)", fmt::format("reading stopped: {}", e.what())});
  }
  return out;
}

}  // namespace flowsleuth
