// Stage 1: YAML text → rule_spec. Knows YAML, not the rule schema: it converts yaml-cpp nodes into a
// located tree so later stages never touch yaml-cpp, and it reports only what YAML itself gets wrong.

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "flowsleuth/rule.hpp"
#include "rules/diagnostic_sink.hpp"
#include "rules/text_util.hpp"

namespace flowsleuth {

const spec_entry* spec_node::find_entry(std::string_view key) const noexcept {
  for (const auto& e : entries) {
    if (e.key == key) return &e;
  }
  return nullptr;
}

const spec_node* spec_node::find(std::string_view key) const noexcept {
  const auto* e = find_entry(key);
  return e ? &e->value : nullptr;
}

namespace {

class tree_builder {
 public:
  tree_builder(const std::vector<std::string>& lines, detail::diagnostic_sink& sink) : lines_(lines), sink_(sink) {}

  // yaml-cpp marks are 0-based and count bytes; we show 1-based character columns.
  source_position position(const YAML::Mark& mark) const {
    if (mark.line < 0 || mark.column < 0) return {};
    const auto line = static_cast<std::size_t>(mark.line);
    const std::string_view text = line < lines_.size() ? std::string_view(lines_[line]) : std::string_view();
    return {static_cast<std::uint32_t>(line + 1), detail::char_column(text, static_cast<std::size_t>(mark.column))};
  }

  // `owner` is where the value belongs (its key), used when the node's own mark is misleading.
  spec_node convert(const YAML::Node& node, source_position owner) {
    spec_node out;
    out.at = position(node.Mark());
    // Aliases are shared in yaml-cpp but copied here: cap the copy so nested aliases cannot expand a
    // small file into an enormous tree. Real rules have a few dozen nodes.
    if (++nodes_ > max_nodes) {
      if (nodes_ == max_nodes + 1) {
        sink_.report(diag_code::yaml_parse, out.at,
                     "the document expands to more than 100000 values (nested aliases?)");
      }
      return out;
    }
    switch (node.Type()) {
      case YAML::NodeType::Scalar:
        out.type = spec_node::kind::scalar;
        out.text = node.Scalar();
        // "?" is the non-specific tag of plain scalars; quoted and block scalars carry "!".
        out.plain = node.Tag() == "?";
        break;
      case YAML::NodeType::Sequence:
        out.type = spec_node::kind::sequence;
        for (const auto& item : node) out.items.push_back(convert(item, out.at));
        break;
      case YAML::NodeType::Map:
        out.type = spec_node::kind::mapping;
        convert_entries(node, out);
        break;
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        out.type = spec_node::kind::null;
        // An empty value (`key:` then a newline) is marked at the next token, often the next key's
        // line: point at the key instead so the caret lands on the line that lacks the value.
        if (!out.at.known() || (owner.known() && out.at.line > owner.line)) out.at = owner;
        break;
    }
    return out;
  }

 private:
  void convert_entries(const YAML::Node& node, spec_node& out) {
    std::set<std::string, std::less<>> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
      const auto key_at = position(it->first.Mark());
      if (!it->first.IsScalar()) {
        sink_.report(diag_code::wrong_type, key_at, "keys must be plain words, not lists, mappings or null");
        continue;
      }
      std::string key = it->first.Scalar();
      if (!seen.insert(key).second) {
        const auto* first = out.find_entry(key);
        sink_.report(diag_code::duplicate_key, key_at,
                     "key '" + key + "' is repeated (first written on line " + std::to_string(first->key_at.line) +
                         "); only the first value is used");
        continue;
      }
      spec_entry entry;
      entry.key = std::move(key);
      entry.key_at = key_at;
      entry.value = convert(it->second, key_at);
      out.entries.push_back(std::move(entry));
    }
  }

  static constexpr std::size_t max_nodes = 100000;
  const std::vector<std::string>& lines_;
  detail::diagnostic_sink& sink_;
  std::size_t nodes_ = 0;
};

// `explain: {client.ip} was …` opens a YAML flow mapping and fails with a cryptic message; templates
// start with a placeholder often enough that the likely fix is worth stating.
std::string unquoted_template_hint(const std::vector<std::string>& lines, source_position at) {
  if (!at.known() || at.line > lines.size()) return {};
  std::string_view line = lines[at.line - 1];
  line.remove_prefix(std::min(line.find_first_not_of(' '), line.size()));
  for (const std::string_view key : {"title", "description", "explain", "fix"}) {
    if (!line.starts_with(key) || line.substr(key.size()).find(':') != 0) continue;
    auto value = line.substr(key.size() + 1);
    value.remove_prefix(std::min(value.find_first_not_of(' '), value.size()));
    if (value.starts_with('{') || value.starts_with('[')) {
      return "; a text that starts with '{' or '[' must be quoted (" + std::string(key) +
             ": \"…\") or written as a "
             "block scalar (" +
             std::string(key) + ": |)";
    }
  }
  return {};
}

}  // namespace

rule_spec read_rule_text(std::string file, std::string_view text, std::vector<diagnostic>& out) {
  rule_spec spec;
  spec.file = std::move(file);
  spec.lines = detail::split_lines(text);
  detail::diagnostic_sink sink(spec.file, spec.lines, out);
  tree_builder builder(spec.lines, sink);

  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    // ParserException and the few other yaml-cpp errors raised while loading all carry a mark.
    auto where = builder.position(e.mark);
    if (!where.known()) where = {1, 1};
    sink.report(diag_code::yaml_parse, where, e.msg + unquoted_template_hint(spec.lines, where));
    spec.errors = sink.errors();
    return spec;
  }

  if (documents.empty() || documents.front().IsNull()) {
    sink.report(diag_code::empty_file, {1, 1},
                "the file holds no rule; a rule file is a mapping of keys (id, title, …)");
    return spec;
  }
  if (documents.size() > 1) {
    // A `---` separator: say where the second document starts.
    auto where = builder.position(documents[1].Mark());
    if (!where.known()) where = {1, 1};
    sink.report(
        diag_code::multiple_documents, where,
        "the file holds " + std::to_string(documents.size()) + " YAML documents; put each rule in its own file");
  }
  spec.root = builder.convert(documents.front(), {1, 1});
  spec.errors = sink.errors();
  return spec;
}

rule_spec read_rule_file(const std::string& path, std::vector<diagnostic>& out) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    rule_spec spec;
    spec.file = path;
    detail::diagnostic_sink(spec.file, spec.lines, out)
        .report(diag_code::io_error, {}, "is a directory, not a rule file");
    return spec;
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in) {
    const int saved = errno;
    rule_spec spec;
    spec.file = path;
    detail::diagnostic_sink(spec.file, spec.lines, out)
        .report(diag_code::io_error, {}, std::string("cannot read: ") + std::strerror(saved));
    return spec;
  }
  return read_rule_text(path, text.str(), out);
}

}  // namespace flowsleuth
