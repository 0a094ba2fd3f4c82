// The lookups declared in topology.hpp. Linear scans: a topology holds hundreds of objects, not millions,
// and topology_graph (enforcement.hpp) keeps an address index for callers that look up per flow.

#include <algorithm>

#include "flowsleuth/policy.hpp"
#include "flowsleuth/topology.hpp"

namespace flowsleuth {
namespace {

template <class Map>
const typename Map::mapped_type* find_by_id(const Map& m, std::string_view id) noexcept {
  const auto it = m.find(std::string(id));
  return it == m.end() ? nullptr : &it->second;
}

}  // namespace

bool topology::has(std::string_view source) const noexcept {
  return std::find(sources.begin(), sources.end(), source) != sources.end();
}

const network_interface* topology::eni_by_id(std::string_view id) const noexcept { return find_by_id(enis, id); }

const network_interface* topology::eni_by_address(const ip_address& ip) const noexcept {
  // An exact address beats a delegated prefix: a prefix is a range the ENI may hand out, while another
  // ENI's primary address inside it (a misconfiguration, but possible in YAML topologies) is a fact.
  for (const auto& [id, eni] : enis) {
    if (std::find(eni.private_addresses.begin(), eni.private_addresses.end(), ip) != eni.private_addresses.end()) {
      return &eni;
    }
  }
  const network_interface* best = nullptr;
  int best_bits = -1;
  for (const auto& [id, eni] : enis) {
    for (const auto& prefix : eni.prefixes) {
      if (prefix.prefix > best_bits && prefix.contains(ip)) {
        best = &eni;
        best_bits = prefix.prefix;
      }
    }
  }
  return best;
}

const subnet* topology::subnet_by_id(std::string_view id) const noexcept { return find_by_id(subnets, id); }

const subnet* topology::subnet_by_address(const ip_address& ip) const noexcept {
  const subnet* best = nullptr;
  int best_bits = -1;
  for (const auto& [id, s] : subnets) {
    for (const auto& block : s.cidrs) {
      if (block.prefix > best_bits && block.contains(ip)) {
        best = &s;
        best_bits = block.prefix;
      }
    }
  }
  return best;
}

const network_acl* topology::nacl_for_subnet(std::string_view subnet_id) const noexcept {
  if (subnet_id.empty()) return nullptr;
  for (const auto& [id, acl] : nacls) {
    if (std::find(acl.subnets.begin(), acl.subnets.end(), subnet_id) != acl.subnets.end()) return &acl;
  }
  // Without an explicit association the VPC's default ACL applies; the VPC comes from the subnet, or from
  // any ENI in it when describe-subnets was not given.
  std::string vpc_id;
  if (const auto* s = subnet_by_id(subnet_id)) {
    vpc_id = s->vpc_id;
  } else {
    for (const auto& [id, eni] : enis) {
      if (eni.subnet_id == subnet_id && !eni.vpc_id.empty()) {
        vpc_id = eni.vpc_id;
        break;
      }
    }
  }
  if (vpc_id.empty()) return nullptr;
  for (const auto& [id, acl] : nacls) {
    if (acl.is_default && acl.vpc_id == vpc_id) return &acl;
  }
  return nullptr;
}

std::string topology::display_name(std::string_view eni_id) const {
  const auto* eni = eni_by_id(eni_id);
  if (eni && !eni->instance_id.empty()) {
    if (const auto* inst = find_by_id(instances, eni->instance_id); inst && !inst->name.empty()) return inst->name;
  }
  for (const auto& [id, inst] : instances) {
    if (!inst.name.empty() && std::find(inst.enis.begin(), inst.enis.end(), eni_id) != inst.enis.end()) {
      return inst.name;
    }
  }
  if (eni) {
    if (const auto it = eni->tags.find("Name"); it != eni->tags.end()) return it->second;
  }
  return {};
}

const network_interface* eni_by_public_address(const topology& topo, const ip_address& ip) noexcept {
  for (const auto& [id, eni] : topo.enis) {
    if (std::find(eni.public_addresses.begin(), eni.public_addresses.end(), ip) != eni.public_addresses.end()) {
      return &eni;
    }
  }
  return nullptr;
}

}  // namespace flowsleuth
