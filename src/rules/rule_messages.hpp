#pragma once
// Every diagnostic code with its severity, title and description, in one place: docs/rules.md and
// `flowsleuth rules` read them from here, so the wording cannot drift between code and docs.

#include <array>

#include "flowsleuth/rule.hpp"

namespace flowsleuth::detail {

inline constexpr std::array<diag_code_info, static_cast<std::size_t>(diag_code::no_rules) + 1> diag_messages{{
    {diag_code::io_error, "io-error", severity::error, "cannot read",
     "A rule file or directory could not be read (missing, unreadable, or not a file)."},
    {diag_code::yaml_parse, "yaml-parse", severity::error, "not valid YAML",
     "The file is not well-formed YAML; the position is where the parser gave up, which can be after the actual "
     "mistake (an unclosed bracket or quote, a tab used for indentation, a key indented inconsistently)."},
    {diag_code::empty_file, "empty-file", severity::error, "empty rule file",
     "The file holds no YAML document. Each rule file holds exactly one rule."},
    {diag_code::multiple_documents, "multiple-documents", severity::error, "more than one YAML document",
     "The file holds several `---` documents. Each rule file holds exactly one rule: split them into files."},
    {diag_code::duplicate_key, "duplicate-key", severity::error, "key written twice",
     "A mapping repeats a key. YAML forbids it and readers disagree on which value wins; only the first is used."},
    {diag_code::missing_key, "missing-key", severity::error, "required key missing",
     "A required key is absent: id, title, description, when, verdict, blocking, explain and fix at the top; "
     "layer, direction, leg, at, confidence and candidates inside a blocking mapping."},
    {diag_code::wrong_type, "wrong-type", severity::error, "value of the wrong type",
     "A value has the wrong YAML type: a list where a string is expected, a quoted number where an integer is "
     "expected, a mapping where a list is expected, and so on."},
    {diag_code::unknown_key, "unknown-key", severity::warning, "unknown key",
     "A key the schema does not define. It is ignored; it is often a misspelling of a known key."},
    {diag_code::unknown_fact, "unknown-fact", severity::error, "unknown fact",
     "A `when` condition names a fact that is not in the fact vocabulary (docs/rules.md, \"Facts\")."},
    {diag_code::bad_value, "bad-value", severity::error, "value not allowed",
     "A value is outside what the key admits: an unknown verdict or layer, a fact value the fact does not take, "
     "an id that is not a lowercase slug, a title over 120 characters, a reference that is not a URL."},
    {diag_code::bad_condition, "bad-condition", severity::error, "malformed condition",
     "A `when` condition has an unknown operator, an empty list, min/max on a fact that is not a count, "
     "min greater than max, or mixes `not` with min/max."},
    {diag_code::bad_placeholder, "bad-placeholder", severity::error, "bad template placeholder",
     "An explain or fix template uses a `{placeholder}` that is not defined, or has an unbalanced brace. "
     "Write `{{` and `}}` for literal braces."},
    {diag_code::bad_pairing, "bad-pairing", severity::error, "verdict and blocking disagree",
     "The verdict and the blocking mapping contradict the verdict table: ok, late-packets, not-captured and "
     "inconclusive need `blocking: null`; blocked needs a firewall layer; refused and no-response need layer "
     "host; unobserved-peer needs layer routing-or-unlogged with direction null; candidates must include the "
     "layer (both security-group and network-acl for security-group-or-network-acl)."},
    {diag_code::duplicate_id, "duplicate-id", severity::error, "id used twice",
     "Two rules in one pack share an id. Ids are stable and never reused; to override a bundled rule, put the "
     "new rule in a later --rules directory, or give it a new id and `replaces:` the old one."},
    {diag_code::missing_example_file, "missing-example-file", severity::error, "example fixture not found",
     "A path listed under examples.match or examples.no_match does not exist below the repository root."},
    {diag_code::missing_examples, "missing-examples", severity::error, "stable rule without examples",
     "A rule with `status: stable` must list at least one fixture under examples.match, so its behaviour is "
     "pinned by a test before it leaves experimental."},
    {diag_code::id_file_mismatch, "id-file-mismatch", severity::warning, "file name differs from id",
     "Rule files are named after their id (rules/<layer>/<id>.yaml) so a rule can be found from a report."},
    {diag_code::nacl_same_subnet, "nacl-same-subnet", severity::warning, "network ACL blamed within one subnet",
     "The rule requires same_subnet: true yet names network-acl as the layer or a candidate. Network ACLs are "
     "evaluated only when traffic enters or leaves a subnet, never between ENIs of the same subnet."},
    {diag_code::no_rules, "no-rules", severity::warning, "no rule files",
     "A rules directory holds no *.yaml or *.yml file."},
}};

constexpr bool diag_messages_indexed_by_code() {
  for (std::size_t i = 0; i < diag_messages.size(); ++i) {
    if (static_cast<std::size_t>(diag_messages[i].code) != i) return false;
  }
  return true;
}
static_assert(diag_messages_indexed_by_code(), "diag_messages order must follow diag_code");

}  // namespace flowsleuth::detail
