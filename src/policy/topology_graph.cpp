// The topology as a Boost.Graph. The enforcement chain walks it: an ENI's subnet and groups are its
// out-edges, a subnet's ACL and VPC are the subnet's; group members are a group's in-edges.

#include <boost/graph/adjacency_list.hpp>

#include <algorithm>
#include <map>

#include "flowsleuth/enforcement.hpp"

namespace flowsleuth {
namespace {

struct node {
  topology_graph::node_kind kind{};
  std::string id;
  bool described = false;
};
using graph_t = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, node>;
using vertex_t = graph_t::vertex_descriptor;

}  // namespace

struct topology_graph::impl {
  const topology* topo = nullptr;
  graph_t g;
  std::map<std::string, vertex_t, std::less<>> by_id;
  std::map<ip_address, const network_interface*> by_address;

  vertex_t vertex(node_kind kind, const std::string& id, bool described) {
    if (auto it = by_id.find(id); it != by_id.end()) {
      if (described) g[it->second].described = true;
      return it->second;
    }
    const auto v = boost::add_vertex(node{kind, id, described}, g);
    by_id.emplace(id, v);
    return v;
  }

  void link(vertex_t from, vertex_t to) {
    if (!boost::edge(from, to, g).second) boost::add_edge(from, to, g);
  }

  // The first out-neighbour of a kind: an ENI has one subnet, a subnet one VPC and one ACL.
  std::string neighbour(std::string_view id, node_kind kind) const {
    const auto it = by_id.find(id);
    if (it == by_id.end()) return {};
    for (auto [e, end] = boost::out_edges(it->second, g); e != end; ++e) {
      const auto& n = g[boost::target(*e, g)];
      if (n.kind == kind) return n.id;
    }
    return {};
  }
};

topology_graph::topology_graph(const topology& topo) : impl_(std::make_unique<impl>()) {
  auto& m = *impl_;
  m.topo = &topo;
  for (const auto& [id, v] : topo.vpcs) m.vertex(node_kind::vpc, id, true);
  for (const auto& [id, s] : topo.subnets) {
    const auto sv = m.vertex(node_kind::subnet, id, true);
    if (!s.vpc_id.empty()) m.link(sv, m.vertex(node_kind::vpc, s.vpc_id, false));
  }
  for (const auto& [id, acl] : topo.nacls) m.vertex(node_kind::nacl, id, true);
  for (const auto& [id, sg] : topo.security_groups) m.vertex(node_kind::security_group, id, true);
  for (const auto& [id, eni] : topo.enis) {
    const auto ev = m.vertex(node_kind::eni, id, true);
    if (!eni.subnet_id.empty()) {
      const auto sv = m.vertex(node_kind::subnet, eni.subnet_id, false);
      m.link(ev, sv);
      if (!eni.vpc_id.empty() && !topo.subnets.count(eni.subnet_id)) {
        m.link(sv, m.vertex(node_kind::vpc, eni.vpc_id, false));
      }
    }
    for (const auto& group : eni.groups) m.link(ev, m.vertex(node_kind::security_group, group, false));
    for (const auto& ip : eni.private_addresses) m.by_address.emplace(ip, &eni);
  }
  for (const auto& [id, acl] : topo.nacls) {
    for (const auto& subnet_id : acl.subnets) m.vertex(node_kind::subnet, subnet_id, false);
  }
  // Every subnet vertex (described or only referenced) gets the ACL that applies to it.
  std::vector<std::pair<vertex_t, std::string>> subnets;
  for (auto [v, end] = boost::vertices(m.g); v != end; ++v) {
    if (m.g[*v].kind == node_kind::subnet) subnets.emplace_back(*v, m.g[*v].id);
  }
  for (const auto& [sv, subnet_id] : subnets) {
    if (const auto* acl = topo.nacl_for_subnet(subnet_id)) m.link(sv, m.vertex(node_kind::nacl, acl->id, true));
  }
}

topology_graph::~topology_graph() = default;
topology_graph::topology_graph(topology_graph&&) noexcept = default;
topology_graph& topology_graph::operator=(topology_graph&&) noexcept = default;

const topology& topology_graph::topo() const noexcept { return *impl_->topo; }
std::size_t topology_graph::vertex_count() const noexcept { return boost::num_vertices(impl_->g); }
std::size_t topology_graph::edge_count() const noexcept { return boost::num_edges(impl_->g); }

bool topology_graph::contains(std::string_view id) const noexcept { return impl_->by_id.count(id) > 0; }

bool topology_graph::described(std::string_view id) const noexcept {
  const auto it = impl_->by_id.find(id);
  return it != impl_->by_id.end() && impl_->g[it->second].described;
}

const network_interface* topology_graph::eni_at(const ip_address& ip) const noexcept {
  if (const auto it = impl_->by_address.find(ip); it != impl_->by_address.end()) return it->second;
  return impl_->topo->eni_by_address(ip);  // delegated prefixes
}

std::string topology_graph::subnet_of(std::string_view eni_id) const {
  return impl_->neighbour(eni_id, node_kind::subnet);
}
std::string topology_graph::vpc_of(std::string_view subnet_id) const {
  return impl_->neighbour(subnet_id, node_kind::vpc);
}
std::string topology_graph::nacl_of(std::string_view subnet_id) const {
  return impl_->neighbour(subnet_id, node_kind::nacl);
}

std::vector<std::string> topology_graph::groups_of(std::string_view eni_id) const {
  std::vector<std::string> out;
  const auto it = impl_->by_id.find(eni_id);
  if (it == impl_->by_id.end()) return out;
  const auto& g = impl_->g;
  for (auto [e, end] = boost::out_edges(it->second, g); e != end; ++e) {
    const auto& n = g[boost::target(*e, g)];
    if (n.kind == node_kind::security_group) out.push_back(n.id);
  }
  return out;
}

std::vector<std::string> topology_graph::members_of(std::string_view group_id) const {
  std::vector<std::string> out;
  const auto it = impl_->by_id.find(group_id);
  if (it == impl_->by_id.end()) return out;
  const auto& g = impl_->g;
  for (auto [e, end] = boost::in_edges(it->second, g); e != end; ++e) {
    const auto& n = g[boost::source(*e, g)];
    if (n.kind == node_kind::eni) out.push_back(n.id);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace flowsleuth

