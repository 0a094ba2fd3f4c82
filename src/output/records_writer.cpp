#include <fmt/format.h>

#include <algorithm>

#include "flowsleuth/render.hpp"
#include "flowsleuth/time_util.hpp"
#include "output/json_writer.hpp"

namespace flowsleuth {
namespace {

bool numeric(field_kind k) noexcept {
  return k == field_kind::small_uint || k == field_kind::port || k == field_kind::count || k == field_kind::time;
}

// The value a normalized record shows for a present known field.
void append_value_text(std::string& out, const flow_record& r, field_id f) {
  switch (f) {
    case field_id::srcaddr: r.srcaddr.append_to(out); return;
    case field_id::dstaddr: r.dstaddr.append_to(out); return;
    case field_id::pkt_srcaddr: r.pkt_srcaddr.append_to(out); return;
    case field_id::pkt_dstaddr: r.pkt_dstaddr.append_to(out); return;
    default: break;
  }
  const std::string_view tok = r.str(f);
  if (numeric(info(f).kind)) {
    // Canonical number: drops leading zeros a writer might have used.
    std::size_t i = 0;
    while (i + 1 < tok.size() && tok[i] == '0') ++i;
    out.append(tok.substr(i));
    return;
  }
  out.append(tok);
}

void append_csv_cell(std::string& out, std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) {
    out.append(s);
    return;
  }
  out.push_back('"');
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace

struct records_writer::shared {
  std::FILE* out = nullptr;
  records_format format = records_format::ndjson;
  std::vector<std::string> paths;
  std::vector<field_id> csv_fields;
  std::vector<int> csv_column_of = std::vector<int>(field_count, -1);
};

namespace {

class records_sink final : public block_sink {
 public:
  records_sink(const records_writer::shared& s, bool retractable) : s_(s), retractable_(retractable) {}

  void on_record(const flow_record& r, const record_origin& at) override {
    if (retractable_) starts_.push_back(buf_.size());
    if (s_.format == records_format::ndjson) {
      ndjson(r, at);
    } else {
      csv(r, at);
    }
    if (retractable_) ends_.push_back(buf_.size());
  }

  void retract(std::size_t index) override { dropped_.push_back(index); }
  // Sized once from the block's line count (a version-2 record is ~375 bytes of NDJSON, ~180 of CSV):
  // growing a block's multi-megabyte text by doubling copied it and page-faulted each new copy.
  // Untouched reserved pages cost no memory.
  void expect(std::size_t records) override { buf_.reserve(records * (s_.format == records_format::ndjson ? 512 : 256)); }

  std::string take() {
    if (dropped_.empty()) return std::move(buf_);
    std::sort(dropped_.begin(), dropped_.end());
    std::string kept;
    kept.reserve(buf_.size());
    std::size_t from = 0;
    for (auto i : dropped_) {
      kept.append(buf_, from, starts_[i] - from);
      from = ends_[i];
    }
    kept.append(buf_, from, std::string::npos);
    return kept;
  }

 private:
  void ndjson(const flow_record& r, const record_origin& at) {
    detail::json_writer& w = json_;
    std::string& scratch = scratch_;
    w.begin_object();
    std::size_t extra = 0;
    for (const auto& c : r.source_layout->columns()) {
      if (!c.field) {
        const std::string_view v = r.extras[extra++];
        if (v != "-") w.key(c.name).value(v);
        continue;
      }
      const field_id f = *c.field;
      if (!r.has(f)) continue;
      w.key(c.name);
      scratch.clear();
      append_value_text(scratch, r, f);
      if (numeric(info(f).kind)) {
        buf_.append(scratch);  // a digit string: valid JSON number as is
        // json_writer tracks commas itself; a raw append is safe right after a key.
        w.raw_value_written();
      } else {
        w.value(scratch);
      }
    }
    auto iso = [&](const char* key, std::int64_t t) {
      scratch.clear();
      append_iso(scratch, t);
      w.key(key).value(scratch);
    };
    if (r.has(field_id::start)) iso("start-iso", r.start);
    if (r.has(field_id::end)) iso("end-iso", r.end);
    w.key("file").value(s_.paths[at.file]);
    w.key("line").value(at.line);
    w.end_object();
    buf_.push_back('\n');
  }

  void csv(const flow_record& r, const record_origin& at) {
    append_csv_cell(buf_, s_.paths[at.file]);
    fmt::format_to(std::back_inserter(buf_), ",{},", at.line);
    if (r.has(field_id::start)) append_iso(buf_, r.start);
    buf_.push_back(',');
    if (r.has(field_id::end)) append_iso(buf_, r.end);
    cells_.assign(s_.csv_fields.size(), std::string());
    std::string extra;
    std::size_t extra_index = 0;
    for (const auto& c : r.source_layout->columns()) {
      std::string text;
      if (c.field) {
        if (!r.has(*c.field)) continue;
        append_value_text(text, r, *c.field);
        const int col = s_.csv_column_of[static_cast<std::size_t>(*c.field)];
        if (col >= 0) {
          cells_[static_cast<std::size_t>(col)] = std::move(text);
          continue;
        }
      } else {
        text = std::string(r.extras[extra_index++]);
        if (text == "-") continue;
      }
      if (!extra.empty()) extra.push_back(' ');
      extra += c.name + "=" + text;
    }
    for (const auto& cell : cells_) {
      buf_.push_back(',');
      append_csv_cell(buf_, cell);
    }
    buf_.push_back(',');
    append_csv_cell(buf_, extra);
    buf_.push_back('\n');
  }

  const records_writer::shared& s_;
  bool retractable_;
  std::string buf_;
  // Kept across records, so neither allocates per record (the writer's container stack, the times).
  detail::json_writer json_{buf_};
  std::string scratch_;
  std::vector<std::string> cells_;
  std::vector<std::size_t> starts_, ends_, dropped_;
};

}  // namespace

records_writer::records_writer(std::FILE* out, records_format format, std::vector<std::string> paths,
                               const std::vector<layout>& csv_layouts)
    : shared_(std::make_shared<shared>()) {
  shared_->out = out;
  shared_->format = format;
  shared_->paths = std::move(paths);
  if (format != records_format::csv) return;
  std::vector<bool> wanted(field_count, false);
  for (const auto& l : csv_layouts) {
    for (const auto& c : l.columns()) {
      if (c.field) wanted[static_cast<std::size_t>(*c.field)] = true;
    }
  }
  std::string header = "file,line,start-iso,end-iso";
  for (std::size_t i = 0; i < field_count; ++i) {
    if (!wanted[i]) continue;
    shared_->csv_column_of[i] = static_cast<int>(shared_->csv_fields.size());
    shared_->csv_fields.push_back(static_cast<field_id>(i));
    header += ',';
    header += name_of(static_cast<field_id>(i));
  }
  header += ",extra\n";
  std::fwrite(header.data(), 1, header.size(), out);
}

records_writer::~records_writer() { std::fflush(shared_->out); }

std::unique_ptr<block_sink> records_writer::make_sink(bool retractable) {
  return std::make_unique<records_sink>(*shared_, retractable);
}

void records_writer::merge(std::unique_ptr<block_sink> sink) {
  const std::string text = static_cast<records_sink&>(*sink).take();
  std::fwrite(text.data(), 1, text.size(), shared_->out);
}

}  // namespace flowsleuth
