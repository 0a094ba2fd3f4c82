// Stage 2: rule_spec → rule. Checks the schema of docs/rules.md and reports every problem it finds:
// a bad value never stops the check of the other keys, so one run lists all there is to fix.

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <filesystem>
#include <map>

#include "flowsleuth/rule.hpp"
#include "rules/diagnostic_sink.hpp"
#include "rules/rule_vocabulary.hpp"
#include "rules/template_scan.hpp"
#include "rules/text_util.hpp"

namespace flowsleuth {
namespace {

constexpr std::array<std::string_view, 8> required_keys{"id",      "title",    "description", "when",
                                                        "verdict", "blocking", "explain",     "fix"};
constexpr std::array<std::string_view, 14> known_keys{
    "id",  "title",  "description", "when",       "verdict",         "blocking", "explain",
    "fix", "status", "priority",    "references", "false_positives", "replaces", "examples"};
constexpr std::array<std::string_view, 6> blocking_keys{"layer", "direction", "leg", "at", "confidence", "candidates"};
constexpr std::array<std::string_view, 3> example_keys{"match", "no_match", "config"};
constexpr std::array<std::string_view, 3> condition_operators{"not", "min", "max"};
constexpr std::size_t max_title_chars = 120;

bool is_slug(std::string_view s) noexcept {
  return !s.empty() && std::all_of(s.begin(), s.end(),
                                   [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

std::optional<std::int64_t> parse_integer(std::string_view text) noexcept {
  std::int64_t value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

std::string_view type_name(const spec_node& n) noexcept {
  switch (n.type) {
    case spec_node::kind::null:
      return "null";
    case spec_node::kind::scalar:
      return n.plain && parse_integer(n.text) ? "a number" : "a string";
    case spec_node::kind::sequence:
      return "a list";
    case spec_node::kind::mapping:
      return "a mapping";
  }
  return "?";
}

// Where the (index+1)-th `brace` of a scalar's value sits in the file. Templates are checked on the
// parsed value, but the caret belongs on the source text: braces are copied verbatim by every YAML
// scalar style, so counting them from the value's start finds the same brace.
source_position brace_position(const rule_spec& spec, source_position start, char brace, std::size_t index) {
  if (!start.known()) return start;
  std::size_t seen = 0;
  for (std::size_t line = start.line - 1; line < spec.lines.size(); ++line) {
    const std::string_view text = spec.lines[line];
    std::size_t from = line == start.line - 1 ? detail::byte_offset(text, start.column) : 0;
    for (auto at = text.find(brace, from); at != std::string_view::npos; at = text.find(brace, at + 1)) {
      if (seen++ == index) return {static_cast<std::uint32_t>(line + 1), detail::char_column(text, at)};
    }
  }
  return start;
}

class rule_checker {
 public:
  rule_checker(const rule_spec& spec, const rule_load_options& options, detail::diagnostic_sink& sink)
      : spec_(spec), options_(options), sink_(sink) {}

  std::optional<rule> run() {
    const std::size_t errors_before = sink_.errors();
    const auto& root = *spec_.root;
    if (root.type != spec_node::kind::mapping) {
      sink_.report(diag_code::wrong_type, root.at,
                   fmt::format("a rule file must be a mapping of keys (id, title, …), not {}", type_name(root)));
      return std::nullopt;
    }
    rule_.file = spec_.file;
    // The id first, so that every later diagnostic can name its rule.
    if (const auto* e = root.find_entry("id")) check_id(*e);

    for (const auto& e : root.entries) {
      if (e.key == "id") continue;
      if (e.key == "title")
        check_title(e);
      else if (e.key == "description")
        check_nonempty_text(e, e.key, rule_.description);
      else if (e.key == "when")
        check_when(e);
      else if (e.key == "verdict")
        check_verdict(e);
      else if (e.key == "blocking")
        check_blocking(e);
      else if (e.key == "explain")
        check_template(e, rule_.explain);
      else if (e.key == "fix")
        check_template(e, rule_.fix);
      else if (e.key == "status")
        check_status(e);
      else if (e.key == "priority")
        check_priority(e);
      else if (e.key == "references")
        check_references(e);
      else if (e.key == "false_positives")
        check_text_list(e, e.key, rule_.false_positives);
      else if (e.key == "replaces")
        check_replaces(e);
      else if (e.key == "examples")
        check_examples(e);
      else
        unknown_key(e, "", known_keys);
    }
    for (const auto key : required_keys) {
      if (!root.find_entry(key)) {
        sink_.report(diag_code::missing_key, root.at, fmt::format("missing required key '{}'", key));
      }
    }
    check_pairing();
    check_stable_examples();
    check_same_subnet_nacl();
    if (sink_.errors() != errors_before) return std::nullopt;
    return std::move(rule_);
  }

 private:
  // ---- generic decoders: each reports its own problem and returns nullopt/nullptr on failure

  void wrong_type(const spec_node& n, std::string_view path, std::string_view expected, std::string_view hint = {}) {
    sink_.report(diag_code::wrong_type, n.at,
                 fmt::format("'{}' must be {}, not {}{}", path, expected, type_name(n), hint));
  }

  void unknown_key(const spec_entry& e, std::string_view prefix, std::span<const std::string_view> known) {
    sink_.report(diag_code::unknown_key, e.key_at,
                 fmt::format("unknown key '{}{}'{}; it is ignored", prefix, e.key, detail::suggestion(e.key, known)));
  }

  const std::string* scalar_text(const spec_node& n, std::string_view path, std::string_view expected = "a string") {
    if (n.type != spec_node::kind::scalar) {
      wrong_type(n, path, expected);
      return nullptr;
    }
    return &n.text;
  }

  std::optional<std::int64_t> integer(const spec_node& n, std::string_view path) {
    if (n.type != spec_node::kind::scalar || !n.plain) {
      wrong_type(n, path, "an integer");
      return std::nullopt;
    }
    const auto value = parse_integer(n.text);
    if (!value) wrong_type(n, path, "an integer", "; write decimal digits only");
    return value;
  }

  template <class E>
  std::optional<E> word(const spec_node& n, std::string_view path, std::string_view what,
                        std::optional<E> (*parse)(std::string_view) noexcept) {
    const auto words = detail::words_of(E{});
    const auto* text = scalar_text(n, path, fmt::format("one of {}", detail::join(words)));
    if (!text) return std::nullopt;
    const auto value = parse(*text);
    if (!value) {
      sink_.report(diag_code::bad_value, n.at,
                   fmt::format("unknown {} '{}'{}; expected one of: {}", what, *text, detail::suggestion(*text, words),
                               detail::join(words)));
    }
    return value;
  }

  bool check_nonempty_text(const spec_entry& e, std::string_view path, std::string& into) {
    const auto* text = scalar_text(e.value, path);
    if (!text) return false;
    if (text->find_first_not_of(" \t\r\n") == std::string::npos) {
      sink_.report(diag_code::bad_value, e.value.at, fmt::format("'{}' must not be empty", path));
      return false;
    }
    into = *text;
    return true;
  }

  void check_text_list(const spec_entry& e, std::string_view path, std::vector<std::string>& into) {
    if (e.value.type != spec_node::kind::sequence) {
      wrong_type(e.value, path, "a list of strings");
      return;
    }
    for (std::size_t i = 0; i < e.value.items.size(); ++i) {
      if (const auto* text = scalar_text(e.value.items[i], fmt::format("{}[{}]", path, i))) into.push_back(*text);
    }
  }

  // ---- top-level keys

  void check_id(const spec_entry& e) {
    const auto* text = scalar_text(e.value, "id");
    rule_.at = e.key_at;
    if (!text) return;
    if (!is_slug(*text)) {
      sink_.report(diag_code::bad_value, e.value.at,
                   fmt::format("id '{}' is not a slug: use lowercase letters, digits and '-'", *text));
      return;
    }
    rule_.id = *text;
    sink_.set_rule_id(*text);
    // Rule files are named after their id; a name without the YAML extension is a caller's label.
    const std::filesystem::path path(spec_.file);
    const auto ext = path.extension().string();
    if ((ext == ".yaml" || ext == ".yml") && path.stem().string() != *text) {
      sink_.report(diag_code::id_file_mismatch, e.value.at,
                   fmt::format("the file is named '{}' but the rule id is '{}'; name rule files after their id",
                               path.filename().string(), *text));
    }
  }

  void check_title(const spec_entry& e) {
    if (!check_nonempty_text(e, "title", rule_.title)) return;
    if (rule_.title.find('\n') != std::string::npos) {
      sink_.report(diag_code::bad_value, e.value.at, "'title' must be a single line");
    }
    if (const auto length = detail::utf8_length(rule_.title); length > max_title_chars) {
      sink_.report(diag_code::bad_value, e.value.at,
                   fmt::format("'title' is {} characters long; the limit is {}", length, max_title_chars));
    }
  }

  void check_verdict(const spec_entry& e) {
    verdict_ = word<verdict>(e.value, "verdict", "verdict", parse_verdict);
    verdict_at_ = e.value.at;
    if (verdict_) rule_.outcome = *verdict_;
  }

  void check_status(const spec_entry& e) {
    status_at_ = e.value.at;
    if (const auto s = word<rule_status>(e.value, "status", "status", parse_rule_status)) rule_.status = *s;
  }

  void check_priority(const spec_entry& e) {
    if (const auto p = integer(e.value, "priority")) rule_.priority = *p;
  }

  void check_references(const spec_entry& e) {
    std::vector<std::string> refs;
    check_text_list(e, "references", refs);
    std::size_t item = 0;
    for (std::size_t i = 0; i < e.value.items.size(); ++i) {
      if (e.value.items[i].type != spec_node::kind::scalar) continue;
      const auto& url = refs[item++];
      const bool web = url.starts_with("https://") || url.starts_with("http://");
      if (!web || url.find_first_of(" \t\n") != std::string::npos || url.size() <= 8) {
        sink_.report(diag_code::bad_value, e.value.items[i].at,
                     fmt::format("reference '{}' is not an http(s) URL", url));
      }
    }
    rule_.references = std::move(refs);
  }

  void check_replaces(const spec_entry& e) {
    const auto* text = scalar_text(e.value, "replaces");
    if (!text) return;
    if (!is_slug(*text)) {
      sink_.report(diag_code::bad_value, e.value.at, fmt::format("'replaces' must name a rule id, not '{}'", *text));
    } else if (!rule_.id.empty() && *text == rule_.id) {
      sink_.report(diag_code::bad_value, e.value.at, "a rule cannot replace itself");
    } else {
      rule_.replaces = *text;
    }
  }

  void check_examples(const spec_entry& e) {
    if (e.value.type != spec_node::kind::mapping) {
      wrong_type(e.value, "examples", "a mapping with 'match' and 'no_match' lists");
      return;
    }
    for (const auto& entry : e.value.entries) {
      if (entry.key == "match")
        check_example_list(entry, rule_.examples_match);
      else if (entry.key == "no_match")
        check_example_list(entry, rule_.examples_no_match);
      else if (entry.key == "config")
        check_example_config(entry);
      else
        unknown_key(entry, "examples.", example_keys);
    }
  }

  void check_example_list(const spec_entry& e, std::vector<std::string>& into) {
    const auto path = fmt::format("examples.{}", e.key);
    std::vector<std::string> items;
    check_text_list(e, path, items);
    if (e.value.type != spec_node::kind::sequence) return;
    std::size_t item = 0;
    for (const auto& node : e.value.items) {
      if (node.type != spec_node::kind::scalar) continue;
      const auto& file = items[item++];
      if (std::filesystem::path(file).is_absolute()) {
        sink_.report(diag_code::bad_value, node.at,
                     fmt::format("example '{}' must be relative to the repository root", file));
        continue;
      }
      std::error_code ec;
      if (!options_.base_dir.empty() && !std::filesystem::exists(std::filesystem::path(options_.base_dir) / file, ec)) {
        sink_.report(diag_code::missing_example_file, node.at,
                     fmt::format("example fixture '{}' not found (paths are relative to the repository root)", file));
      }
    }
    into = std::move(items);
  }

  // One configuration path (file or directory) the examples are diagnosed with.
  void check_example_config(const spec_entry& e) {
    if (e.value.type != spec_node::kind::scalar) {
      wrong_type(e.value, "examples.config", "a path to describe-* JSON or a topology file, relative to the repository root");
      return;
    }
    const std::string& file = e.value.text;
    std::error_code ec;
    if (std::filesystem::path(file).is_absolute()) {
      sink_.report(diag_code::bad_value, e.value.at, fmt::format("examples.config '{}' must be relative to the repository root", file));
    } else if (!options_.base_dir.empty() && !std::filesystem::exists(std::filesystem::path(options_.base_dir) / file, ec)) {
      sink_.report(diag_code::missing_example_file, e.value.at,
                   fmt::format("examples.config '{}' not found (paths are relative to the repository root)", file));
    }
    rule_.examples_config = file;
  }

  // ---- templates

  void check_template(const spec_entry& e, std::string& into) {
    if (e.value.type == spec_node::kind::mapping || e.value.type == spec_node::kind::sequence) {
      // `explain: {client.ip} …` is a YAML flow mapping, a frequent surprise.
      wrong_type(e.value, e.key, "a string",
                 "; quote a template that starts with '{' or '[' (or use a block scalar: |)");
      return;
    }
    if (!check_nonempty_text(e, e.key, into)) return;
    std::array<std::size_t, 2> braces_before{};  // '{' and '}' seen so far in the value
    auto count_until = [&](std::size_t offset) {
      for (std::size_t i = counted_; i < offset; ++i) {
        if (into[i] == '{') ++braces_before[0];
        if (into[i] == '}') ++braces_before[1];
      }
      counted_ = offset;
    };
    counted_ = 0;
    for (const auto& piece : detail::scan_template(into)) {
      using kind = detail::template_piece::kind;
      if (piece.type == kind::literal) continue;
      count_until(piece.offset);
      const bool opening = piece.type != kind::stray_brace;
      const auto at = brace_position(spec_, e.value.at, opening ? '{' : '}', braces_before[opening ? 0 : 1]);
      if (piece.type == kind::unclosed_brace) {
        sink_.report(diag_code::bad_placeholder, at,
                     fmt::format("unclosed '{{' in '{}'; write '{{{{' for a literal brace", e.key));
      } else if (piece.type == kind::stray_brace) {
        sink_.report(diag_code::bad_placeholder, at,
                     fmt::format("unmatched '}}' in '{}'; write '}}}}' for a literal brace", e.key));
      } else if (!is_known_placeholder(piece.text)) {
        const auto hint = detail::suggestion(piece.text, placeholder_names());
        sink_.report(diag_code::bad_placeholder, at,
                     hint.empty() ? fmt::format("unknown placeholder '{{{}}}' in '{}'; known: {}, fact.<name>",
                                                piece.text, e.key, detail::join(placeholder_names(false)))
                                  : fmt::format("unknown placeholder '{{{}}}' in '{}'{}", piece.text, e.key, hint));
      }
    }
  }

  // Names for suggestions (with every fact.<name>) or for the short list in messages (without).
  std::span<const std::string_view> placeholder_names(bool with_facts = true) {
    if (placeholder_words_.empty()) {
      for (const auto& p : template_placeholders()) placeholder_words_.push_back(p.name);
      base_placeholder_count_ = placeholder_words_.size();
      for (const auto& f : fact_catalog()) fact_placeholders_.push_back("fact." + std::string(f.name));
      for (const auto& f : fact_placeholders_) placeholder_words_.push_back(f);
    }
    return std::span<const std::string_view>(placeholder_words_)
        .first(with_facts ? placeholder_words_.size() : base_placeholder_count_);
  }

  // ---- when

  void check_when(const spec_entry& e) {
    if (e.value.type != spec_node::kind::mapping) {
      wrong_type(e.value, "when", "a mapping (fact: expected value)");
      return;
    }
    for (const auto& entry : e.value.entries) {
      if (auto c = check_condition(entry)) rule_.when.push_back(std::move(*c));
    }
  }

  std::optional<rule_condition> check_condition(const spec_entry& e) {
    const auto fact = find_fact(e.key);
    if (!fact) {
      std::vector<std::string_view> names;
      for (const auto& f : fact_catalog()) names.push_back(f.name);
      sink_.report(diag_code::unknown_fact, e.key_at,
                   fmt::format("unknown fact '{}'{}", e.key, detail::suggestion(e.key, names)));
      return std::nullopt;
    }
    const auto path = fmt::format("when.{}", e.key);
    const auto& fact_entry = info(*fact);
    rule_condition c;
    c.fact = *fact;
    c.at = e.key_at;
    bool ok = true;
    const auto& v = e.value;
    switch (v.type) {
      case spec_node::kind::null:
        wrong_type(v, path,
                   fact_entry.kind == fact_kind::count ? "a value, a list (any of), {not: …}, or {min: N, max: N}"
                                                       : "a value, a list (any of), or {not: …}");
        return std::nullopt;
      case spec_node::kind::scalar:
        ok = condition_value(c, v, path);
        break;
      case spec_node::kind::sequence:
        ok = condition_values(c, v, path);
        break;
      case spec_node::kind::mapping:
        ok = condition_operators_of(c, v, path);
        break;
    }
    if (!ok) return std::nullopt;
    return c;
  }

  bool condition_value(rule_condition& c, const spec_node& n, std::string_view path) {
    const auto& f = info(c.fact);
    if (n.type != spec_node::kind::scalar) {
      wrong_type(n, path, f.kind == fact_kind::count ? "an integer" : "a single value");
      return false;
    }
    if (f.kind == fact_kind::count) {
      const auto value = integer(n, path);
      if (!value) return false;
      if (*value < 0) {
        sink_.report(diag_code::bad_value, n.at, fmt::format("fact '{}' is a count and cannot be {}", f.name, *value));
        return false;
      }
      c.values.push_back(*value);
      return true;
    }
    const auto index = value_index(c.fact, n.text);
    if (!index) {
      sink_.report(diag_code::bad_value, n.at,
                   fmt::format("fact '{}' does not take '{}'{}; expected one of: {}", f.name, n.text,
                               detail::suggestion(n.text, f.values), detail::join(f.values)));
      return false;
    }
    c.values.push_back(static_cast<std::int64_t>(*index));
    return true;
  }

  bool condition_values(rule_condition& c, const spec_node& list, std::string_view path) {
    if (list.items.empty()) {
      sink_.report(diag_code::bad_condition, list.at,
                   fmt::format("'{}' is an empty list, which matches nothing", path));
      return false;
    }
    bool ok = true;
    for (std::size_t i = 0; i < list.items.size(); ++i) {
      ok = condition_value(c, list.items[i], fmt::format("{}[{}]", path, i)) && ok;
    }
    return ok;
  }

  bool condition_operators_of(rule_condition& c, const spec_node& map, std::string_view path) {
    const auto& f = info(c.fact);
    if (map.entries.empty()) {
      sink_.report(diag_code::bad_condition, map.at,
                   fmt::format("'{}' is an empty mapping; expected not, min or max", path));
      return false;
    }
    bool ok = true;
    const spec_entry* negation = nullptr;
    const spec_entry* bounds = nullptr;
    for (const auto& op : map.entries) {
      const auto op_path = fmt::format("{}.{}", path, op.key);
      if (op.key == "not") {
        negation = &op;
        c.kind = rule_condition::op::none_of;
        ok = (op.value.type == spec_node::kind::sequence ? condition_values(c, op.value, op_path)
                                                         : condition_value(c, op.value, op_path)) &&
             ok;
      } else if (op.key == "min" || op.key == "max") {
        if (!bounds) bounds = &op;
        if (f.kind != fact_kind::count) {
          sink_.report(diag_code::bad_condition, op.key_at,
                       fmt::format("'{}' applies to counts; fact '{}' is {} {}", op.key, f.name,
                                   f.kind == fact_kind::boolean ? "a" : "an", to_string(f.kind)));
          ok = false;
          continue;
        }
        const auto value = integer(op.value, op_path);
        if (!value) {
          ok = false;
          continue;
        }
        (op.key == "min" ? c.min : c.max) = *value;
        c.kind = rule_condition::op::range;
      } else {
        sink_.report(diag_code::bad_condition, op.key_at,
                     fmt::format("unknown operator '{}' in '{}'{}; expected not, min or max", op.key, path,
                                 detail::suggestion(op.key, condition_operators)));
        ok = false;
      }
    }
    if (negation && bounds && f.kind == fact_kind::count) {
      const auto* later =
          negation->key_at.line > bounds->key_at.line ||
                  (negation->key_at.line == bounds->key_at.line && negation->key_at.column > bounds->key_at.column)
              ? negation
              : bounds;
      sink_.report(diag_code::bad_condition, later->key_at,
                   fmt::format("'{}' mixes 'not' with min/max; write two rules or one range", path));
      return false;
    }
    if (c.min && c.max && *c.min > *c.max) {
      sink_.report(diag_code::bad_condition, map.find_entry("max")->key_at,
                   fmt::format("'{}' has min {} greater than max {}, which matches nothing", path, *c.min, *c.max));
      return false;
    }
    return ok;
  }

  // ---- blocking

  void check_blocking(const spec_entry& e) {
    blocking_at_ = e.value.type == spec_node::kind::null ? e.key_at : e.value.at;
    blocking_written_ = true;
    if (e.value.type == spec_node::kind::null) {
      blocking_null_ = true;
      return;
    }
    if (e.value.type != spec_node::kind::mapping) {
      wrong_type(e.value, "blocking", "null or a mapping (layer, direction, leg, at, confidence, candidates)");
      return;
    }
    const std::size_t errors_before = sink_.errors();
    rule_blocking b;
    bool have_layer = false;
    for (const auto& entry : e.value.entries) {
      const auto path = fmt::format("blocking.{}", entry.key);
      const auto& v = entry.value;
      if (entry.key == "layer") {
        layer_at_ = v.at;
        if (const auto l = word<blocking_layer>(v, path, "layer", parse_blocking_layer)) {
          b.layer = *l;
          have_layer = true;
        }
      } else if (entry.key == "direction") {
        direction_at_ = v.at;
        if (v.type != spec_node::kind::null)
          b.direction = word<traffic_direction>(v, path, "direction", parse_traffic_direction);
      } else if (entry.key == "leg") {
        if (const auto l = word<traffic_leg>(v, path, "leg", parse_traffic_leg)) b.leg = *l;
      } else if (entry.key == "at") {
        if (v.type != spec_node::kind::null) b.at = word<endpoint_role>(v, path, "side", parse_endpoint_role);
      } else if (entry.key == "confidence") {
        if (const auto c = word<confidence_level>(v, path, "confidence", parse_confidence_level)) b.confidence = *c;
      } else if (entry.key == "candidates") {
        candidates_at_ = v.at;
        candidates_ok_ = check_candidates(v, path, b.candidates);
      } else {
        unknown_key(entry, "blocking.", blocking_keys);
      }
    }
    for (const auto key : blocking_keys) {
      if (!e.value.find_entry(key)) {
        sink_.report(diag_code::missing_key, e.key_at, fmt::format("missing required key 'blocking.{}'", key));
      }
    }
    // Pairing checks use what was readable even when another blocking key is wrong, so both problems
    // are reported in one run; the rule only gets a blocking when all of it is valid.
    if (have_layer) partial_blocking_ = b;
    if (sink_.errors() == errors_before && have_layer) rule_.blocking = std::move(b);
  }

  bool check_candidates(const spec_node& v, std::string_view path, std::vector<blocking_layer>& into) {
    if (v.type != spec_node::kind::sequence) {
      wrong_type(v, path, "a list of layers");
      return false;
    }
    if (v.items.empty()) {
      sink_.report(diag_code::bad_value, v.at, fmt::format("'{}' must list at least the blocking layer", path));
      return false;
    }
    bool ok = true;
    for (std::size_t i = 0; i < v.items.size(); ++i) {
      const auto l = word<blocking_layer>(v.items[i], fmt::format("{}[{}]", path, i), "layer", parse_blocking_layer);
      if (l) into.push_back(*l);
      ok = ok && l.has_value();
    }
    return ok;
  }

  // ---- cross-key checks (the verdict table of ../shared/design.md)

  void check_pairing() {
    if (!verdict_ || !blocking_written_) return;
    const auto v = *verdict_;
    const bool needs_null =
        v == verdict::ok || v == verdict::late_packets || v == verdict::not_captured || v == verdict::inconclusive;
    if (needs_null) {
      if (!blocking_null_) {
        sink_.report(diag_code::bad_pairing, blocking_at_,
                     fmt::format("verdict '{}' blocks nothing: write 'blocking: null'", to_string(v)));
      }
      return;
    }
    if (blocking_null_) {
      sink_.report(diag_code::bad_pairing, blocking_at_,
                   fmt::format("verdict '{}' needs a blocking mapping (layer, direction, leg, at, confidence, "
                               "candidates), not null",
                               to_string(v)));
      return;
    }
    if (!partial_blocking_) return;  // no readable layer: already reported
    const auto& b = *partial_blocking_;
    using L = blocking_layer;
    switch (v) {
      case verdict::blocked:
        if (b.layer != L::security_group && b.layer != L::network_acl && b.layer != L::security_group_or_network_acl &&
            b.layer != L::block_public_access) {
          sink_.report(diag_code::bad_pairing, layer_at_,
                       fmt::format("verdict 'blocked' needs a firewall layer (security-group, network-acl, "
                                   "security-group-or-network-acl, block-public-access), not '{}'",
                                   to_string(b.layer)));
        }
        break;
      case verdict::refused:
      case verdict::no_response:
        if (b.layer != L::host) {
          sink_.report(diag_code::bad_pairing, layer_at_,
                       fmt::format("verdict '{}' means the host answered or stayed silent: layer must be 'host', "
                                   "not '{}'",
                                   to_string(v), to_string(b.layer)));
        }
        break;
      case verdict::unobserved_peer:
        if (b.layer != L::routing_or_unlogged) {
          sink_.report(
              diag_code::bad_pairing, layer_at_,
              fmt::format("verdict 'unobserved-peer' needs layer 'routing-or-unlogged', not '{}'", to_string(b.layer)));
        }
        if (b.direction) {
          sink_.report(diag_code::bad_pairing, direction_at_,
                       fmt::format("verdict 'unobserved-peer' needs 'direction: null' (nothing was seen to "
                                   "enforce it), not '{}'",
                                   to_string(*b.direction)));
        }
        break;
      default:
        break;
    }
    if (!candidates_ok_) return;
    auto listed = [&](L l) { return std::find(b.candidates.begin(), b.candidates.end(), l) != b.candidates.end(); };
    if (b.layer == L::security_group_or_network_acl) {
      if (!listed(L::security_group) || !listed(L::network_acl)) {
        sink_.report(diag_code::bad_pairing, candidates_at_,
                     "layer 'security-group-or-network-acl' needs both 'security-group' and 'network-acl' in "
                     "candidates");
      }
    } else if (!listed(b.layer)) {
      sink_.report(diag_code::bad_pairing, candidates_at_,
                   fmt::format("candidates must include the layer '{}'", to_string(b.layer)));
    }
  }

  void check_stable_examples() {
    if (rule_.status == rule_status::stable && rule_.examples_match.empty()) {
      sink_.report(diag_code::missing_examples, status_at_,
                   "a stable rule must list at least one fixture under examples.match");
    }
  }

  // NACLs are evaluated when traffic crosses a subnet boundary, never between ENIs of one subnet.
  void check_same_subnet_nacl() {
    if (!partial_blocking_) return;
    const auto true_index = static_cast<std::int64_t>(*value_index(fact_id::same_subnet, "true"));
    const bool only_same_subnet = std::any_of(rule_.when.begin(), rule_.when.end(), [&](const rule_condition& c) {
      return c.fact == fact_id::same_subnet && c.kind == rule_condition::op::any_of &&
             std::all_of(c.values.begin(), c.values.end(), [&](std::int64_t v) { return v == true_index; });
    });
    if (!only_same_subnet) return;
    const auto& b = *partial_blocking_;
    auto names_nacl = [](blocking_layer l) {
      return l == blocking_layer::network_acl || l == blocking_layer::security_group_or_network_acl;
    };
    if (names_nacl(b.layer)) {
      sink_.report(diag_code::nacl_same_subnet, layer_at_,
                   fmt::format("layer '{}' with same_subnet: true; network ACLs do not filter traffic between "
                               "ENIs of one subnet",
                               to_string(b.layer)));
    } else if (std::any_of(b.candidates.begin(), b.candidates.end(), names_nacl)) {
      sink_.report(diag_code::nacl_same_subnet, candidates_at_,
                   "candidates name network-acl with same_subnet: true; network ACLs do not filter traffic between "
                   "ENIs of one subnet");
    }
  }

  const rule_spec& spec_;
  const rule_load_options& options_;
  detail::diagnostic_sink& sink_;
  rule rule_;
  std::optional<verdict> verdict_;
  source_position verdict_at_, status_at_, blocking_at_, layer_at_, direction_at_, candidates_at_;
  bool blocking_written_ = false;
  bool blocking_null_ = false;
  bool candidates_ok_ = false;
  std::optional<rule_blocking> partial_blocking_;
  std::size_t counted_ = 0;
  std::vector<std::string_view> placeholder_words_;
  std::vector<std::string> fact_placeholders_;
  std::size_t base_placeholder_count_ = 0;
};

bool before(const diagnostic& a, const diagnostic& b) noexcept {
  return a.line != b.line ? a.line < b.line : a.column < b.column;
}

}  // namespace

std::optional<rule> validate_rule(const rule_spec& spec, const rule_load_options& options,
                                  std::vector<diagnostic>& out) {
  if (!spec.root) return std::nullopt;  // the reader has reported why
  const auto first = static_cast<std::ptrdiff_t>(out.size());
  detail::diagnostic_sink sink(spec.file, spec.lines, out);
  auto result = rule_checker(spec, options, sink).run();
  // A repeated key or a second document was reported by the reader; the rest is still checked above.
  if (spec.errors != 0) result.reset();
  // Checks run key by key; people read problems top to bottom.
  std::stable_sort(out.begin() + first, out.end(), before);
  return result;
}

void check_rule_set(std::span<const rule_spec> specs, std::vector<diagnostic>& out) {
  struct first_use {
    const rule_spec* spec;
    source_position at;
  };
  std::map<std::string, first_use, std::less<>> seen;
  for (const auto& spec : specs) {
    if (!spec.root || spec.root->type != spec_node::kind::mapping) continue;
    const auto* id = spec.root->find("id");
    if (!id || id->type != spec_node::kind::scalar || !is_slug(id->text)) continue;
    const auto [it, inserted] = seen.try_emplace(id->text, first_use{&spec, id->at});
    if (inserted) continue;
    detail::diagnostic_sink sink(spec.file, spec.lines, out);
    sink.set_rule_id(id->text);
    sink.report(diag_code::duplicate_id, id->at,
                fmt::format("id '{}' is already used by {}:{}:{}", id->text, it->second.spec->file, it->second.at.line,
                            it->second.at.column));
  }
}

}  // namespace flowsleuth
