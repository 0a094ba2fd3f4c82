#pragma once
// `aws ec2 describe-*` output (and get-managed-prefix-list-entries), recognised by its top-level keys.

#include <string_view>

#include "config/config_sink.hpp"

namespace flowsleuth::detail {

/// One JSON document; several describe outputs may share it (one top-level key each). Syntax errors are
/// fatal for the file; a bad piece (entry, rule, address) is reported by JSON path and skipped.
void read_describe_json(std::string_view content, config_sink& sink);

}  // namespace flowsleuth::detail
