#pragma once
/// Reading configuration: the JSON the AWS CLI prints for `aws ec2 describe-*` (recognised by content),
/// prefix-list entries (`pl-….json`), and flowsleuth's own YAML topology format (docs/topology.md).

#include <string>
#include <string_view>
#include <vector>

#include "flowsleuth/topology.hpp"

namespace flowsleuth {

/// A problem in a configuration file: `file:path: message` (path is a JSON/YAML path such as
/// `NetworkAcls[2].Entries[0].CidrBlock`).
struct config_problem {
  std::string file, path, message;
  bool fatal = false;  ///< the file could not be used at all
  std::string to_string() const;
};

struct config_load_result {
  topology topo;
  std::vector<config_problem> problems;
  std::vector<std::string> files;  ///< every file read
};

/// Files and directories (recursive; .json, .yaml, .yml). Several accounts and regions may be mixed.
/// Unreadable paths, syntax errors and unrecognised files become problems; never throws for bad input.
/// The same object in two files is kept once: the later file wins (prefix lists merge their
/// describe-managed-prefix-lists metadata with the entries of `pl-….json`).
config_load_result load_config(const std::vector<std::string>& paths);

/// One file's content, as if read from `name` (its extension chooses YAML or JSON, its stem names
/// prefix-list entries). For tests and for callers that already hold the bytes.
config_load_result load_config_text(const std::string& name, std::string_view content);

}  // namespace flowsleuth
