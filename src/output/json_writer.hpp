#pragma once
// Minimal streaming JSON writer: enough for our contracts, with correct string escaping (invalid
// UTF-8 in input becomes U+FFFD so output always parses).

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "output/spill.hpp"

namespace flowsleuth::detail {

void append_json_string(std::string& out, std::string_view s);

class json_writer {
 public:
  explicit json_writer(std::string& out, bool pretty = false) : out_(out), pretty_(pretty) {}

  json_writer& begin_object();
  json_writer& end_object();
  json_writer& begin_array();
  json_writer& end_array();
  json_writer& key(std::string_view k);
  json_writer& value(std::string_view s);
  json_writer& value(const char* s) { return value(std::string_view(s)); }
  json_writer& value(std::uint64_t v);
  json_writer& value(std::int64_t v);
  json_writer& value(int v) { return value(static_cast<std::int64_t>(v)); }
  json_writer& value(unsigned v) { return value(static_cast<std::uint64_t>(v)); }
  json_writer& value(bool b);
  json_writer& null();
  /// After key(): the caller appended a value itself (e.g. a pre-validated number).
  void raw_value_written() { after_key_ = false; }
  /// Write what is complete to `f` whenever a megabyte has built up (and on flush()), so a big document
  /// never sits whole in memory. Output only ever grows at its end, so any prefix can go.
  void spill_to(std::FILE* f) noexcept { spill_ = f; }
  void flush();

  /// A writer appending to `out` as this one would continue here: the same open containers, and
  /// (`after_element`) as if the innermost already held an element. For rendering stretches of one
  /// array on several threads; join() then takes over what the fork wrote.
  json_writer fork(std::string& out, bool after_element) const {
    json_writer w(out, pretty_);
    w.has_element_ = has_element_;
    if (after_element && !w.has_element_.empty()) w.has_element_.back() = true;
    return w;
  }
  /// Appends what `fork` wrote (at this writer's nesting, forked from it) and continues after it.
  void join(const json_writer& fork, const std::string& written) {
    out_ += written;
    has_element_ = fork.has_element_;
    maybe_spill();
  }

 private:
  void before_value();
  void newline();
  void maybe_spill() { spill(out_, spill_); }
  std::string& out_;
  bool pretty_;
  // Per open container: whether it already has an element.
  std::vector<bool> has_element_;
  bool after_key_ = false;
  std::FILE* spill_ = nullptr;
};

}  // namespace flowsleuth::detail
