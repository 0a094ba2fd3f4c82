#pragma once
// Where the reader and the validator put problems: fills in the file name, the rule id once known and
// the source line for the snippet, so each check only states position, code and message.

#include <string>
#include <vector>

#include "flowsleuth/rule.hpp"

namespace flowsleuth::detail {

class diagnostic_sink {
 public:
  diagnostic_sink(const std::string& file, const std::vector<std::string>& lines, std::vector<diagnostic>& out)
      : file_(file), lines_(lines), out_(out) {}

  void report(diag_code code, source_position at, std::string message) {
    diagnostic d;
    d.file = file_;
    d.line = at.line;
    d.column = at.column;
    d.code = code;
    d.level = info(code).level;
    d.message = std::move(message);
    d.rule_id = rule_id_;
    if (at.line >= 1 && at.line <= lines_.size()) d.source_line = lines_[at.line - 1];
    if (d.level == severity::error) ++errors_;
    out_.push_back(std::move(d));
  }

  void set_rule_id(std::string id) { rule_id_ = std::move(id); }
  std::size_t errors() const noexcept { return errors_; }

 private:
  const std::string& file_;
  const std::vector<std::string>& lines_;
  std::vector<diagnostic>& out_;
  std::string rule_id_;
  std::size_t errors_ = 0;
};

}  // namespace flowsleuth::detail
