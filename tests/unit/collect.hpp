#pragma once
// Test helpers: run the ingestion engine and keep owned copies of every record.

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "flowsleuth/ingest.hpp"
#include "flowsleuth/layout.hpp"

namespace flowsleuth::test {

struct owned_record {
  flow_record typed;                         // text views cleared: use `fields`
  std::map<std::string, std::string> fields;  // every column of the layout, by name, raw token
  std::uint32_t file = 0;
  std::uint64_t line = 0;
  const std::string& at(const std::string& name) const { return fields.at(name); }
};

class collecting_consumer final : public record_consumer {
 public:
  class sink final : public block_sink {
   public:
    void on_record(const flow_record& r, const record_origin& o) override {
      owned_record rec;
      std::size_t extra = 0;
      for (const auto& c : r.source_layout->columns()) {
        if (c.field) {
          rec.fields[c.name] = std::string(r.text[static_cast<std::size_t>(*c.field)]);
        } else {
          rec.fields[c.name] = std::string(r.extras[extra++]);
        }
      }
      // The ENI may come from a CloudWatch stream name instead of a column.
      if (r.has(field_id::interface_id)) rec.fields["interface-id"] = std::string(r.str(field_id::interface_id));
      rec.typed = r;
      rec.typed.text = {};
      rec.typed.extras = {};
      rec.typed.source_layout = nullptr;
      rec.file = o.file;
      rec.line = o.line;
      records.push_back(std::move(rec));
    }
    void retract(std::size_t index) override { dropped.push_back(index); }
    std::vector<owned_record> records;
    std::vector<std::size_t> dropped;
  };

  std::unique_ptr<block_sink> make_sink(bool) override { return std::make_unique<sink>(); }
  void merge(std::unique_ptr<block_sink> s) override {
    auto& k = static_cast<sink&>(*s);
    for (std::size_t i = 0; i < k.records.size(); ++i) {
      bool drop = false;
      for (auto d : k.dropped) drop = drop || d == i;
      if (!drop) records.push_back(std::move(k.records[i]));
    }
  }
  std::vector<owned_record> records;
};

struct ingest_result {
  ingest_report report;
  std::vector<owned_record> records;
};

inline ingest_result read_inputs(const std::vector<std::string>& paths, ingest_options options = {}) {
  collecting_consumer c;
  auto inputs = collect_inputs(paths, options.window);
  ingest_result out;
  out.report = ingest(inputs, options, c);
  out.records = std::move(c.records);
  return out;
}

/// Turns a `.format` sample file (field names separated by spaces) into a layout.
layout layout_from_names(const std::string& names);

}  // namespace flowsleuth::test
