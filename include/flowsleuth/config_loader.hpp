#pragma once
/// Reading configuration: the JSON the AWS CLI prints for `aws ec2 describe-*` (recognised by content),
/// prefix-list entries (`pl-….json`), and flowsleuth's own YAML topology format (docs/topology.md).

#include <string>
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
config_load_result load_config(const std::vector<std::string>& paths);

}  // namespace flowsleuth
