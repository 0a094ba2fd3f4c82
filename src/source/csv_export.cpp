// CSV exports of CloudWatch Logs (Logs Insights "Download table (CSV)" and similar tools).
//
// Flow-log records contain no commas or quotes, so nearly every message is a plain field and is
// handed out as a view into the input; only fields that need unquoting are copied.

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "flowsleuth/cloudwatch.hpp"
#include "source/cloudwatch_detail.hpp"

namespace flowsleuth {
namespace {

using detail::eni_from_stream;
using detail::strip_bom;


/// Text that is either a slice of the input or a slice of a copy (`copied`).
struct text_span {
  bool copied = false;
  std::size_t offset = 0;
  std::size_t size = 0;
};

struct csv_row {
  std::uint64_t line = 0;         // physical line the row starts on
  std::vector<text_span> fields;  // copied fields point into `unquoted`
  std::string unquoted;           // fields that needed "" collapsed

  void clear() {
    fields.clear();
    unquoted.clear();
  }
};

/// Splits RFC 4180 rows off the input one at a time, tracking physical line numbers.
class csv_scanner {
 public:
  explicit csv_scanner(std::string_view content) : s_(content) {}

  bool at_end() const noexcept { return pos_ >= s_.size(); }
  /// Fills `row`; false (with `problem` set) when the input ends inside a quoted field.
  bool next(csv_row& row, std::string& problem);
  std::string_view text(const csv_row& row, const text_span& t) const noexcept {
    return (t.copied ? std::string_view(row.unquoted) : s_).substr(t.offset, t.size);
  }

 private:
  bool quoted_field(csv_row& row);
  void plain_field(csv_row& row);
  void count_lines(std::size_t from, std::size_t to) noexcept;
  /// Consumes a field separator or row end at pos_; true when the row goes on.
  bool separator() noexcept;

  std::string_view s_;
  std::size_t pos_ = 0;
  std::uint64_t line_ = 1;
};

bool csv_scanner::next(csv_row& row, std::string& problem) {
  row.clear();
  row.line = line_;
  do {
    if (pos_ < s_.size() && s_[pos_] == '"') {
      if (!quoted_field(row)) {
        problem = "unterminated quoted field";
        return false;
      }
    } else {
      plain_field(row);
    }
  } while (separator());
  return true;
}

bool csv_scanner::quoted_field(csv_row& row) {
  const std::size_t start = ++pos_;
  std::size_t close = start;
  std::optional<std::size_t> copy_from;  // set once the field cannot stay a slice of the input
  while (true) {
    const std::size_t quote = s_.find('"', pos_);
    if (quote == std::string_view::npos) {
      count_lines(pos_, s_.size());
      pos_ = s_.size();
      return false;
    }
    count_lines(pos_, quote);
    if (quote + 1 < s_.size() && s_[quote + 1] == '"') {
      if (!copy_from) copy_from = row.unquoted.size();
      row.unquoted.append(s_.substr(pos_, quote + 1 - pos_));  // keeps one of the two quotes
      pos_ = quote + 2;
      continue;
    }
    if (copy_from) row.unquoted.append(s_.substr(pos_, quote - pos_));
    close = quote;
    pos_ = quote + 1;
    break;
  }
  // Text after the closing quote breaks RFC 4180, but hand-edited files have it (`"a"b`); keep it
  // rather than drop or reject the row.
  const std::size_t tail_end = std::min(s_.find_first_of(",\n", pos_), s_.size());
  std::size_t tail_size = tail_end - pos_;
  if (tail_size > 0 && s_[tail_end - 1] == '\r' && (tail_end == s_.size() || s_[tail_end] == '\n')) --tail_size;
  if (tail_size > 0) {
    if (!copy_from) {
      copy_from = row.unquoted.size();
      row.unquoted.append(s_.substr(start, close - start));
    }
    row.unquoted.append(s_.substr(pos_, tail_size));
    pos_ += tail_size;
  }
  if (copy_from) {
    row.fields.push_back({true, *copy_from, row.unquoted.size() - *copy_from});
  } else {
    row.fields.push_back({false, start, close - start});
  }
  return true;
}

void csv_scanner::plain_field(csv_row& row) {
  const std::size_t end = std::min(s_.find_first_of(",\n", pos_), s_.size());
  std::size_t size = end - pos_;
  if (size > 0 && s_[pos_ + size - 1] == '\r' && (end == s_.size() || s_[end] == '\n')) --size;
  row.fields.push_back({false, pos_, size});
  pos_ = end;
}

void csv_scanner::count_lines(std::size_t from, std::size_t to) noexcept {
  for (std::size_t i = from; i < to; ++i) line_ += s_[i] == '\n' ? 1 : 0;
}

bool csv_scanner::separator() noexcept {
  if (pos_ >= s_.size()) return false;
  if (s_[pos_] == ',') {
    ++pos_;
    return true;
  }
  // pos_ is at '\n' (plain fields stop only at ',' or '\n'), possibly behind a CR after a quote.
  if (s_[pos_] == '\r') ++pos_;
  if (pos_ < s_.size() && s_[pos_] == '\n') {
    ++pos_;
    ++line_;
  }
  return false;
}

struct csv_columns {
  std::size_t message;
  std::optional<std::size_t> stream;
  std::string_view message_name;
};

/// Finds the message column (preferring Logs Insights' `@message`) and an optional stream column.
std::optional<csv_columns> find_columns(const csv_scanner& scanner, const csv_row& header) {
  std::optional<std::size_t> message;
  std::optional<std::size_t> plain_message;
  std::optional<std::size_t> stream;
  int stream_rank = 0;  // lower wins: @logStream, logStreamName, logStream
  for (std::size_t i = 0; i < header.fields.size(); ++i) {
    const std::string_view name = scanner.text(header, header.fields[i]);
    if (name == "@message" && !message) message = i;
    if (name == "message" && !plain_message) plain_message = i;
    const int rank = name == "@logStream" ? 1 : name == "logStreamName" ? 2 : name == "logStream" ? 3 : 0;
    if (rank != 0 && (stream_rank == 0 || rank < stream_rank)) {
      stream = i;
      stream_rank = rank;
    }
  }
  if (message) return csv_columns{*message, stream, "@message"};
  if (plain_message) return csv_columns{*plain_message, stream, "message"};
  return std::nullopt;
}

bool is_blank(const csv_scanner& scanner, const csv_row& row) {
  return row.fields.size() == 1 && !row.fields[0].copied && scanner.text(row, row.fields[0]).empty();
}

struct pending_message {
  std::uint64_t line;
  text_span text;
  text_span eni;
};

/// Moves a field into the output arena when it lives in the row's scratch buffer.
text_span settle(const csv_scanner& scanner, const csv_row& row, text_span t, std::string& arena) {
  if (!t.copied) return t;
  const text_span kept{true, arena.size(), t.size};
  arena.append(scanner.text(row, t));
  return kept;
}

void publish(std::string_view content, std::vector<pending_message>& pending, std::string& arena, cw_messages& out) {
  const char* copies = nullptr;
  if (!arena.empty()) {
    out.storage.push_back(std::move(arena));
    copies = out.storage.back().data();
  }
  const auto view = [&](const text_span& t) {
    return std::string_view((t.copied ? copies : content.data()) + t.offset, t.size);
  };
  out.messages.reserve(pending.size());
  for (const pending_message& p : pending) out.messages.push_back(cw_message{p.line, view(p.text), view(p.eni)});
}

void read_rows(std::string_view content, cw_messages& out) {
  csv_scanner scanner(content);
  csv_row row;
  std::string problem;
  if (!scanner.next(row, problem)) {
    out.errors.push_back(cw_error{row.line, "(csv)", fmt::format("header: {}", problem)});
    return;
  }
  const std::optional<csv_columns> columns = find_columns(scanner, row);
  if (!columns) {
    out.errors.push_back(cw_error{0, "(csv)", "header has no '@message' or 'message' column"});
    return;
  }
  out.shape = "csv-export";
  std::vector<pending_message> pending;
  std::string arena;
  // Views into the arena must survive its move into `storage`; a heap buffer moves, SSO text does not.
  arena.reserve(64);
  while (!scanner.at_end()) {
    if (!scanner.next(row, problem)) {
      out.errors.push_back(cw_error{row.line, "(csv)", problem});
      break;
    }
    if (is_blank(scanner, row)) continue;
    if (columns->message >= row.fields.size()) {
      out.errors.push_back(cw_error{row.line, "message",
                                    fmt::format("row has {} field(s), no '{}' column (#{})", row.fields.size(),
                                                columns->message_name, columns->message + 1)});
      continue;
    }
    text_span eni;
    if (columns->stream && *columns->stream < row.fields.size()) {
      eni = row.fields[*columns->stream];
      eni.size = eni_from_stream(scanner.text(row, eni)).size();
      if (eni.size == 0) eni = {};
    }
    pending.push_back(
        {row.line, settle(scanner, row, row.fields[columns->message], arena), settle(scanner, row, eni, arena)});
  }
  publish(content, pending, arena, out);
}

}  // namespace

bool looks_like_csv_export(std::string_view content) noexcept {
  try {
    csv_scanner scanner(strip_bom(content.substr(0, content.find('\n'))));
    csv_row header;
    std::string problem;
    return scanner.next(header, problem) && find_columns(scanner, header).has_value();
  } catch (const std::exception&) {
    return false;
  }
}

cw_messages read_csv_export(std::string_view content) {
  cw_messages out;
  try {
    read_rows(strip_bom(content), out);
  } catch (const std::exception& e) {
    out.errors.push_back(cw_error{0, "(csv)", fmt::format("reading stopped: {}", e.what())});
  }
  return out;
}

}  // namespace flowsleuth
