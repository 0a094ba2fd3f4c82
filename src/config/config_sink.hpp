#pragma once
// What a configuration reader writes into: the one topology every file adds to, the problem list, and
// the name of the file being read. Readers know their format only; merging rules live here.

#include <string>
#include <string_view>

#include "flowsleuth/config_loader.hpp"

namespace flowsleuth::detail {

class config_sink {
 public:
  config_sink(config_load_result& out, std::string file) : out_(out), file_(std::move(file)) {}

  const std::string& file() const noexcept { return file_; }
  /// "file:path", the form every object's `origin` takes.
  std::string origin(std::string_view path) const;
  void problem(std::string path, std::string message);
  /// The file cannot be used at all (syntax error, unreadable, wrong encoding).
  void fatal(std::string path, std::string message);
  /// Records a kind of input once ("security-groups", …), in the order first seen.
  void source(std::string_view kind);
  topology& topo() noexcept { return out_.topo; }

  // The same id from two files is kept once: the later one wins whole.
  void put(vpc v);
  void put(subnet s);
  void put(network_interface e);
  void put(network_acl a);
  void put(security_group g);
  void put(instance i);
  void put(flow_log_config f);
  /// Merges instead: describe-managed-prefix-lists brings the name and owner, `pl-….json` the entries,
  /// and either may come first.
  void put(prefix_list p);

 private:
  config_load_result& out_;
  std::string file_;
};

}  // namespace flowsleuth::detail
