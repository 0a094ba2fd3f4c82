#include "config/config_sink.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace flowsleuth::detail {

namespace {

template <class T>
void replace(std::map<std::string, T>& into, T value) {
  std::string id = value.id;
  into.insert_or_assign(std::move(id), std::move(value));
}

}  // namespace

std::string config_sink::origin(std::string_view path) const {
  return path.empty() ? file_ : fmt::format("{}:{}", file_, path);
}

void config_sink::problem(std::string path, std::string message) {
  out_.problems.push_back(config_problem{file_, std::move(path), std::move(message), false});
}

void config_sink::fatal(std::string path, std::string message) {
  out_.problems.push_back(config_problem{file_, std::move(path), std::move(message), true});
}

void config_sink::source(std::string_view kind) {
  auto& sources = out_.topo.sources;
  if (std::find(sources.begin(), sources.end(), kind) == sources.end()) sources.emplace_back(kind);
}

void config_sink::put(vpc v) { replace(out_.topo.vpcs, std::move(v)); }
void config_sink::put(subnet s) { replace(out_.topo.subnets, std::move(s)); }
void config_sink::put(network_interface e) { replace(out_.topo.enis, std::move(e)); }
void config_sink::put(network_acl a) { replace(out_.topo.nacls, std::move(a)); }
void config_sink::put(security_group g) { replace(out_.topo.security_groups, std::move(g)); }
void config_sink::put(instance i) { replace(out_.topo.instances, std::move(i)); }
void config_sink::put(flow_log_config f) { replace(out_.topo.flow_logs, std::move(f)); }

void config_sink::put(prefix_list p) {
  auto [it, inserted] = out_.topo.prefix_lists.try_emplace(p.id);
  if (inserted) {
    it->second = std::move(p);
    return;
  }
  prefix_list& have = it->second;
  if (!p.name.empty()) have.name = std::move(p.name);
  if (!p.owner.empty()) have.owner = std::move(p.owner);
  if (!p.address_family.empty()) have.address_family = std::move(p.address_family);
  have.aws_service = have.aws_service || p.aws_service;
  if (p.entries_known) {
    have.entries_known = true;
    have.entries = std::move(p.entries);
    have.complete = p.complete;
  }
  have.origin = std::move(p.origin);
}

}  // namespace flowsleuth::detail
