#pragma once
/// Diagnosis rules: YAML data, loaded in three stages that can each be used alone.
///
///   reader     YAML text → rule_spec: a located tree (1-based line and column for every key and value),
///              schema-blind; reports only what YAML itself gets wrong.
///   validator  rule_spec → rule: checks the schema (docs/rules.md) and reports every problem it finds,
///              never stopping at the first; check_rule_set() adds cross-rule checks (duplicate ids).
///   matcher    rules → rule_matcher: evaluates `when` conditions against a fact_set and picks the winner
///              deterministically (most conditions, then priority, then id), with an explanation.
///
/// load_rule_pack() runs all three over directories. Nothing here throws for bad rule files: problems are
/// diagnostics. Everything is value-typed and immutable after loading, so a rule_matcher can be shared
/// by threads that only call its const members.

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "flowsleuth/facts.hpp"

namespace flowsleuth {

// ---------------------------------------------------------------------------------------------------
// Vocabulary (../shared/design.md, "Verdict vocabulary")

enum class verdict : std::uint8_t {
  ok,
  blocked,
  refused,
  no_response,
  unobserved_peer,
  late_packets,
  not_captured,
  inconclusive,
};
enum class blocking_layer : std::uint8_t {
  security_group,
  network_acl,
  security_group_or_network_acl,
  block_public_access,
  host,
  routing_or_unlogged,
};
enum class traffic_direction : std::uint8_t { inbound, outbound };
enum class traffic_leg : std::uint8_t { request, response };
/// Whose ENI or subnet enforces: the client's, the server's, or a gateway's between them (NAT gateway).
enum class endpoint_role : std::uint8_t { client, server, intermediary };
enum class confidence_level : std::uint8_t { certain, likely, possible };
enum class rule_status : std::uint8_t { experimental, stable };

/// Hyphenated spellings as rules and reports write them ("no-response", "security-group").
std::string_view to_string(verdict v) noexcept;
std::string_view to_string(blocking_layer l) noexcept;
std::string_view to_string(traffic_direction d) noexcept;
std::string_view to_string(traffic_leg l) noexcept;
std::string_view to_string(endpoint_role r) noexcept;
std::string_view to_string(confidence_level c) noexcept;
std::string_view to_string(rule_status s) noexcept;

std::optional<verdict> parse_verdict(std::string_view text) noexcept;
std::optional<blocking_layer> parse_blocking_layer(std::string_view text) noexcept;
std::optional<traffic_direction> parse_traffic_direction(std::string_view text) noexcept;
std::optional<traffic_leg> parse_traffic_leg(std::string_view text) noexcept;
std::optional<endpoint_role> parse_endpoint_role(std::string_view text) noexcept;
std::optional<confidence_level> parse_confidence_level(std::string_view text) noexcept;
std::optional<rule_status> parse_rule_status(std::string_view text) noexcept;

// ---------------------------------------------------------------------------------------------------
// Diagnostics

/// 1-based line and column (columns count characters, not bytes). {0, 0} means unknown.
struct source_position {
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  bool known() const noexcept { return line != 0; }
  friend bool operator==(const source_position&, const source_position&) = default;
};

enum class severity : std::uint8_t { error, warning };
std::string_view to_string(severity s) noexcept;

/// Stable codes. Their slugs, titles and descriptions live in one table (src/rules/rule_messages.hpp),
/// listed by diagnostic_codes() and documented in docs/rules.md.
enum class diag_code : std::uint8_t {
  io_error,
  yaml_parse,
  empty_file,
  multiple_documents,
  duplicate_key,
  missing_key,
  wrong_type,
  unknown_key,
  unknown_fact,
  bad_value,
  bad_condition,
  bad_placeholder,
  bad_pairing,
  duplicate_id,
  missing_example_file,
  missing_examples,
  id_file_mismatch,
  nacl_same_subnet,
  no_rules,
};

struct diag_code_info {
  diag_code code;
  std::string_view slug;         ///< e.g. "missing-key": never renamed
  severity level;                ///< every diagnostic with this code has this severity
  std::string_view title;        ///< a few words
  std::string_view description;  ///< what it means and how to fix it
};
std::span<const diag_code_info> diagnostic_codes() noexcept;
const diag_code_info& info(diag_code code) noexcept;
inline std::string_view to_string(diag_code code) noexcept { return info(code).slug; }

struct diagnostic {
  std::string file;  ///< as the caller named it
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  severity level = severity::error;
  diag_code code = diag_code::io_error;
  std::string message;      ///< one line, lowercase start, no trailing period
  std::string rule_id;      ///< when the file's id could be read
  std::string source_line;  ///< the text of `line`, for the snippet; empty when unknown
};

/// `file:line:col: error[code]: message`, then the source line and a caret under the column.
std::string render_diagnostic_text(const diagnostic& d, bool color = false);
/// Every diagnostic, then a summary line ("2 errors, 1 warning") when there are any.
std::string render_diagnostics_text(std::span<const diagnostic> list, bool color = false);
/// {"schema":"flowsleuth/rule-diagnostics/v1","errors":N,"warnings":N,"diagnostics":[{file,line,column,
/// severity,code,title,message,rule}…]}; line/column/rule are null when unknown.
std::string render_diagnostics_json(std::span<const diagnostic> list);
std::size_t count_diagnostics(std::span<const diagnostic> list, severity level) noexcept;

// ---------------------------------------------------------------------------------------------------
// Stage 1: reader

struct spec_entry;

/// A YAML value with its position. Aliases point at their anchor's position.
struct spec_node {
  enum class kind : std::uint8_t { null, scalar, sequence, mapping };
  kind type = kind::null;
  std::string text;   ///< scalars only
  bool plain = true;  ///< scalar written without quotes or block indicator (only plain scalars are numbers)
  source_position at;
  std::vector<spec_node> items;     ///< sequences
  std::vector<spec_entry> entries;  ///< mappings, in file order; repeated keys are dropped (and reported)

  /// The value of `key` in a mapping, or nullptr.
  const spec_node* find(std::string_view key) const noexcept;
  const spec_entry* find_entry(std::string_view key) const noexcept;
};

struct spec_entry {
  std::string key;
  source_position key_at;
  spec_node value;
};

/// One rule file as read.
struct rule_spec {
  std::string file;                ///< name used in diagnostics
  std::vector<std::string> lines;  ///< the source text by line, for snippets and placeholder positions
  std::optional<spec_node> root;   ///< nullopt when the text is not readable YAML or is empty
  std::size_t errors = 0;          ///< errors the reader reported; validate_rule() rejects such a spec
};

/// Reads YAML text. `file` is only a name for diagnostics (tests pass a fake one).
rule_spec read_rule_text(std::string file, std::string_view text, std::vector<diagnostic>& out);
/// Reads a file from disk (io-error when it cannot be read).
rule_spec read_rule_file(const std::string& path, std::vector<diagnostic>& out);

// ---------------------------------------------------------------------------------------------------
// Stage 2: validator

/// One `when:` entry. Enumeration and boolean values are stored as their index in fact_info::values,
/// counts as themselves, so matching never compares strings.
struct rule_condition {
  enum class op : std::uint8_t {
    any_of,   ///< `fact: value` or `fact: [a, b]`
    none_of,  ///< `fact: {not: value}` or `fact: {not: [a, b]}`
    range,    ///< `fact: {min: N, max: N}` (counts only; either bound may be omitted)
  };
  fact_id fact{};
  op kind = op::any_of;
  std::vector<std::int64_t> values;  ///< any_of / none_of
  std::optional<std::int64_t> min, max;
  source_position at;  ///< the fact's key in the file

  /// False when the fact is absent, whatever the operator.
  bool test(const fact_set& facts) const noexcept;
  /// "server_egress in [reject, both]", "syn = true", "reject_reason != bpa", "response_reject_packets >= 1"
  std::string describe() const;
};

struct rule_blocking {
  blocking_layer layer{};
  std::optional<traffic_direction> direction;
  traffic_leg leg{};
  std::optional<endpoint_role> at;  ///< whose ENI or subnet enforces
  confidence_level confidence{};
  std::vector<blocking_layer> candidates;
};

/// A validated rule.
struct rule {
  std::string id;
  std::string title;
  std::string description;
  std::vector<rule_condition> when;  ///< in file order
  verdict outcome{};
  std::optional<rule_blocking> blocking;  ///< nullopt for ok, late-packets, not-captured, inconclusive
  std::string explain;                    ///< template
  std::string fix;                        ///< template
  rule_status status = rule_status::experimental;
  std::int64_t priority = 0;
  std::vector<std::string> references;
  std::vector<std::string> false_positives;
  std::string replaces;                     ///< id this rule supersedes, or empty
  std::vector<std::string> examples_match;  ///< fixture paths relative to the repository root
  std::vector<std::string> examples_no_match;
  /// Configuration the examples are diagnosed with (`--config`), for rules whose facts need it; empty: none.
  std::string examples_config;
  std::string file;
  source_position at;  ///< the `id` key

  /// The number of conditions: the first criterion for choosing a winner.
  std::size_t specificity() const noexcept { return when.size(); }
};

struct rule_load_options {
  /// When non-empty, `examples` paths are resolved against it and must exist (missing-example-file).
  std::string base_dir;
};

/// Checks one spec against the schema. Appends every problem to `out`; returns the rule only when the
/// spec has no error (warnings allowed).
std::optional<rule> validate_rule(const rule_spec& spec, const rule_load_options& options,
                                  std::vector<diagnostic>& out);
/// Cross-rule checks over specs that form one pack: an id used twice is reported at every later use.
void check_rule_set(std::span<const rule_spec> specs, std::vector<diagnostic>& out);

/// Names `{…}` placeholders in explain/fix templates may use; `fact.<name>` is also accepted for every
/// fact of the catalogue. `{{` and `}}` are literal braces.
struct placeholder_info {
  std::string_view name;
  std::string_view meaning;
};
std::span<const placeholder_info> template_placeholders() noexcept;
bool is_known_placeholder(std::string_view name) noexcept;

/// Fills a template. `fact.<name>` placeholders are resolved from `facts`; the others by `lookup`.
/// A placeholder without a value becomes "unknown".
std::string expand_template(std::string_view text, const fact_set& facts,
                            const std::function<std::optional<std::string>(std::string_view)>& lookup);

// ---------------------------------------------------------------------------------------------------
// Stage 3: matcher

/// One condition as evaluated against a fact_set.
struct condition_check {
  const rule_condition* condition = nullptr;
  std::optional<std::string> actual;  ///< the fact's value; nullopt when absent
  bool satisfied = false;
};

/// One rule as evaluated against a fact_set.
struct rule_check {
  const rule* subject = nullptr;
  std::vector<condition_check> conditions;
  bool matched() const noexcept;
  std::size_t failed() const noexcept;
};

/// What `--explain` shows.
struct match_explanation {
  std::vector<std::pair<std::string_view, std::string>> facts;  ///< the facts evaluated, catalogue order
  std::vector<rule_check> matched;                              ///< best first; matched.front() is the winner
  std::vector<rule_check> near_misses;  ///< rules that failed exactly one condition, in rule order
  std::string reason;                   ///< why the winner won, or that nothing matched
  const rule* winner() const noexcept { return matched.empty() ? nullptr : matched.front().subject; }
  std::string to_text() const;
  std::string to_json() const;
};

/// True when `a` wins over `b`: more conditions, then higher priority, then smaller id.
bool outranks(const rule& a, const rule& b) noexcept;

class rule_matcher {
 public:
  rule_matcher() = default;
  /// Takes the rules and orders them by outranks(), so the first match is the winner.
  explicit rule_matcher(std::vector<rule> rules);

  /// Every matching rule, best first.
  std::vector<const rule*> match(const fact_set& facts) const;
  /// The winner, or nullptr. Stops at the first match.
  const rule* best(const fact_set& facts) const;
  match_explanation explain(const fact_set& facts) const;

  const std::vector<rule>& rules() const noexcept { return rules_; }
  const rule* find(std::string_view id) const noexcept;

 private:
  std::vector<rule> rules_;
};

/// rule_matcher::best for fact sets seen before, remembered. On big inputs millions of connections
/// share a few hundred distinct fact sets, and trying the pack's rules in turn for each of them was
/// a tenth of `diagnose`'s time. Not thread-safe: one per thread. Same answers as best(), always.
class rule_memo {
 public:
  // Every slot starts out holding the empty fact set and its true winner, so no slot is ever invalid.
  explicit rule_memo(const rule_matcher& matcher)
      : matcher_(&matcher), entries_(slots, entry{fact_set{}, matcher.best(fact_set{})}) {}
  const rule* best(const fact_set& facts) {
    entry& e = entries_[facts.hash() & (slots - 1)];
    if (!(e.facts == facts)) {
      e.facts = facts;
      e.winner = matcher_->best(facts);
    }
    return e.winner;
  }

 private:
  // Direct-mapped, small enough to stay in the core's cache (~250 KB).
  static constexpr std::size_t slots = 1024;
  struct entry {
    fact_set facts;
    const rule* winner = nullptr;
  };
  const rule_matcher* matcher_;
  std::vector<entry> entries_;
};

// ---------------------------------------------------------------------------------------------------
// Loading a pack

struct rule_override {
  std::string id;
  std::string replaced_file;  ///< the rule that was dropped
  std::string by_file;        ///< the rule that took its place
  bool by_replaces = false;   ///< dropped because of a `replaces:` key rather than the same id
};

struct rule_pack {
  std::vector<rule> rules;              ///< valid rules, sorted by id
  std::vector<diagnostic> diagnostics;  ///< every problem, by file in load order, then by position
  std::vector<rule_override> overrides;
  std::size_t files = 0;  ///< rule files read

  std::size_t errors() const noexcept { return count_diagnostics(diagnostics, severity::error); }
  std::size_t warnings() const noexcept { return count_diagnostics(diagnostics, severity::warning); }
  bool ok() const noexcept { return errors() == 0; }
};

/// Loads every `*.yaml` / `*.yml` under each directory, recursively and in path order (a path that
/// names a file loads that file). Within one directory an id must be unique (duplicate-id). A later
/// directory's rule replaces an earlier one with the same id: that is how `--rules DIR` overrides the
/// bundled pack, and it is not a diagnostic. Finally, a rule named in another rule's `replaces:` is
/// dropped. Only valid rules are kept; invalid files are reported and skipped.
rule_pack load_rule_pack(const std::vector<std::string>& dirs, const rule_load_options& options = {});
/// One rule from text, under a name of the caller's choosing (tests, `rules validate -`).
rule_pack load_rule_text(std::string file, std::string_view text, const rule_load_options& options = {});

}  // namespace flowsleuth
