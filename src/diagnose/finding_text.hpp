#pragma once
// Filling a finding's explain/fix templates: from a connection as it is added, or, for a flow, when a
// report reads it, from what the flow kept of its deciding connection.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "flowsleuth/diagnose.hpp"

namespace flowsleuth::detail {

/// What the placeholders of docs/rules.md name, for one connection.
struct template_subject {
  std::uint8_t protocol = 0;
  const endpoint* client = nullptr;  ///< its port is not read: client_port is
  const endpoint* server = nullptr;
  std::optional<std::uint16_t> client_port;
  std::optional<std::int64_t> first_reject;
  std::int64_t first = 0, last = 0;
  bool placed = false;  ///< a blocking layer is placed, so blocking.* have values where these are not empty
  std::string_view blocking_eni, blocking_subnet;
};

template_subject subject_of(const connection& c, const std::optional<rule_blocking>& blocking);

/// A template filled and trimmed (folded YAML blocks end with a newline).
std::string fill(std::string_view templ, const fact_set& facts, const template_subject& s);

/// The explanation of a connection no rule matches: its facts, so a rule can be written for them.
std::string no_rule_text(const fact_set& facts);

}  // namespace flowsleuth::detail
