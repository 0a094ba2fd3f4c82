#pragma once
// flowsleuth's own YAML topology format (docs/topology.md): the same model, short enough to write by
// hand for a ticket or a training exercise.

#include <string_view>

#include "config/config_sink.hpp"

namespace flowsleuth::detail {

/// One YAML topology file. Problems are placed as `line:column` (1-based) in their `path`.
void read_topology_yaml(std::string_view content, config_sink& sink);

}  // namespace flowsleuth::detail
