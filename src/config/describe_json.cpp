// The describe-* shapes are documented in docs/topology.md. Fields AWS adds over time are ignored;
// fields we use are type-checked, and anything unusable becomes a problem naming its JSON path.

#include "config/describe_json.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "config/rule_values.hpp"
#include "util/json_type_name.hpp"

namespace flowsleuth::detail {
namespace {

namespace dom = simdjson::dom;

std::string key_path(std::string_view parent, std::string_view key) {
  return parent.empty() ? std::string(key) : fmt::format("{}.{}", parent, key);
}

std::string index_path(std::string_view parent, std::size_t i) { return fmt::format("{}[{}]", parent, i); }


/// A field as read: absent, present with the expected type, or present and unusable (already reported).
template <class T>
struct field {
  std::optional<T> value;
  bool bad = false;
  explicit operator bool() const noexcept { return value.has_value(); }
  const T& operator*() const { return *value; }
  const T* operator->() const { return &*value; }
};

/// What happens to the enclosing piece when a field is missing or unusable, for the message.
struct consequence {
  bool required = false;
  std::string_view skipped = "ignored";
};

constexpr consequence optional_field{};

// The top-level keys of describe outputs flowsleuth has no use for yet: named so the problem says
// "not used" rather than "not recognised".
constexpr std::array<std::string_view, 12> k_unused_kinds = {
    "RouteTables",          "InternetGateways", "NatGateways",    "EgressOnlyInternetGateways",
    "TransitGateways",      "VpcEndpoints",     "VpnGateways",    "VpcPeeringConnections",
    "TransitGatewayAttachments", "VpnConnections", "CustomerGateways", "Addresses"};

class describe_reader {
 public:
  explicit describe_reader(config_sink& sink) : sink_(sink) {}
  void read_root(dom::element root);

 private:
  template <class T>
  field<T> get(dom::object obj, const std::string& path, std::string_view key, consequence c = optional_field);
  /// Each element of an array of objects; a non-object element is reported and skipped.
  void each_object(dom::array items, const std::string& path, std::string_view skipped,
                   const std::function<void(dom::object, const std::string&)>& f);
  /// Calls f on the array at `key` when it is there and is an array.
  void each_object_at(dom::object obj, const std::string& path, std::string_view key, std::string_view skipped,
                      const std::function<void(dom::object, const std::string&)>& f);
  std::map<std::string, std::string> tags(dom::object obj, const std::string& path, std::string_view key);
  /// The string at `key` parsed as a CIDR of `family`; false (and a problem) when present but bad.
  bool cidr_at(dom::object obj, const std::string& path, std::string_view key, ip_family family,
               std::string_view skipped, std::optional<cidr>& out);
  bool address_at(dom::object obj, const std::string& path, std::string_view key, std::vector<ip_address>& out);

  void security_groups(dom::array items, const std::string& path);
  bool permission(dom::object perm, const std::string& path, bool egress, security_group& group);
  void network_acls(dom::array items, const std::string& path);
  bool nacl_entry_at(dom::object e, const std::string& path, network_acl& acl);
  void network_interfaces(dom::array items, const std::string& path);
  void subnets(dom::array items, const std::string& path);
  void vpcs(dom::array items, const std::string& path);
  void reservations(dom::array items, const std::string& path);
  void flow_logs(dom::array items, const std::string& path);
  void prefix_lists(dom::array items, const std::string& path);
  void prefix_list_entries(dom::array items, const std::string& path);
  /// CIDR blocks of an association set whose state (when given) is associated or associating.
  void associated_blocks(dom::object obj, const std::string& path, std::string_view set, std::string_view key,
                         std::string_view state_key, ip_family family, std::vector<cidr>& out);

  config_sink& sink_;
};

template <class T>
field<T> describe_reader::get(dom::object obj, const std::string& path, std::string_view key, consequence c) {
  field<T> out;
  dom::element el;
  const auto report = [&](std::string what) {
    sink_.problem(key_path(path, key), fmt::format("{}: {}", what, c.skipped));
    out.bad = true;
  };
  if (obj.at_key(key).get(el) != simdjson::SUCCESS || el.type() == dom::element_type::NULL_VALUE) {
    if (c.required) report("missing");
    return out;
  }
  const auto type = el.type();
  if constexpr (std::is_same_v<T, std::string_view>) {
    if (type == dom::element_type::STRING) {
      out.value = el.get_string().value_unsafe();
      return out;
    }
    report(fmt::format("expected a string, found {}", detail::json_type_name(type)));
  } else if constexpr (std::is_same_v<T, std::int64_t>) {
    if (type == dom::element_type::INT64) {
      out.value = el.get_int64().value_unsafe();
      return out;
    }
    report(fmt::format("expected an integer, found {}", detail::json_type_name(type)));
  } else if constexpr (std::is_same_v<T, bool>) {
    if (type == dom::element_type::BOOL) {
      out.value = el.get_bool().value_unsafe();
      return out;
    }
    report(fmt::format("expected true or false, found {}", detail::json_type_name(type)));
  } else if constexpr (std::is_same_v<T, dom::array>) {
    if (type == dom::element_type::ARRAY) {
      out.value = el.get_array().value_unsafe();
      return out;
    }
    report(fmt::format("expected an array, found {}", detail::json_type_name(type)));
  } else {
    static_assert(std::is_same_v<T, dom::object>);
    if (type == dom::element_type::OBJECT) {
      out.value = el.get_object().value_unsafe();
      return out;
    }
    report(fmt::format("expected an object, found {}", detail::json_type_name(type)));
  }
  return out;
}

void describe_reader::each_object(dom::array items, const std::string& path, std::string_view skipped,
                                  const std::function<void(dom::object, const std::string&)>& f) {
  std::size_t i = 0;
  for (dom::element el : items) {
    const std::string at = index_path(path, i++);
    dom::object obj;
    if (el.get_object().get(obj) != simdjson::SUCCESS) {
      sink_.problem(at, fmt::format("expected an object, found {}: {}", detail::json_type_name(el.type()), skipped));
      continue;
    }
    f(obj, at);
  }
}

void describe_reader::each_object_at(dom::object obj, const std::string& path, std::string_view key,
                                     std::string_view skipped,
                                     const std::function<void(dom::object, const std::string&)>& f) {
  if (auto items = get<dom::array>(obj, path, key)) each_object(*items, key_path(path, key), skipped, f);
}

std::map<std::string, std::string> describe_reader::tags(dom::object obj, const std::string& path,
                                                         std::string_view key) {
  std::map<std::string, std::string> out;
  each_object_at(obj, path, key, "tag ignored", [&](dom::object tag, const std::string& at) {
    auto k = get<std::string_view>(tag, at, "Key", {true, "tag ignored"});
    auto v = get<std::string_view>(tag, at, "Value");
    if (k) out[std::string(*k)] = v ? std::string(*v) : std::string();
  });
  return out;
}

bool describe_reader::cidr_at(dom::object obj, const std::string& path, std::string_view key, ip_family family,
                              std::string_view skipped, std::optional<cidr>& out) {
  auto text = get<std::string_view>(obj, path, key, {false, skipped});
  if (text.bad) return false;
  if (!text) return true;
  std::string error;
  out = parse_cidr_of(*text, family, error);
  if (!out) {
    sink_.problem(key_path(path, key), fmt::format("{}: {}", error, skipped));
    return false;
  }
  return true;
}

bool describe_reader::address_at(dom::object obj, const std::string& path, std::string_view key,
                                 std::vector<ip_address>& out) {
  auto text = get<std::string_view>(obj, path, key, {false, "address ignored"});
  if (!text) return !text.bad;
  auto ip = ip_address::parse(*text);
  if (!ip) {
    sink_.problem(key_path(path, key), fmt::format("'{}' is not an IP address: address ignored", *text));
    return false;
  }
  if (std::find(out.begin(), out.end(), *ip) == out.end()) out.push_back(*ip);
  return true;
}

// --- security groups -------------------------------------------------------------------------------

void describe_reader::security_groups(dom::array items, const std::string& path) {
  sink_.source("security-groups");
  each_object(items, path, "security group skipped", [&](dom::object o, const std::string& at) {
    auto id = get<std::string_view>(o, at, "GroupId", {true, "security group skipped"});
    if (!id) return;
    security_group g;
    g.id = *id;
    if (auto v = get<std::string_view>(o, at, "GroupName")) g.name = *v;
    if (auto v = get<std::string_view>(o, at, "VpcId")) g.vpc_id = *v;
    if (auto v = get<std::string_view>(o, at, "OwnerId")) g.owner = *v;
    g.tags = tags(o, at, "Tags");
    g.origin = sink_.origin(at);
    for (const bool egress : {false, true}) {
      const std::string_view key = egress ? "IpPermissionsEgress" : "IpPermissions";
      auto perms = get<dom::array>(o, at, key, {false, "rules skipped"});
      if (perms.bad) g.complete = false;
      if (!perms) continue;
      each_object(*perms, key_path(at, key), "rule skipped", [&](dom::object perm, const std::string& perm_at) {
        if (!permission(perm, perm_at, egress, g)) g.complete = false;
      });
    }
    sink_.put(std::move(g));
  });
}

bool describe_reader::permission(dom::object perm, const std::string& path, bool egress, security_group& group) {
  constexpr consequence skip_rule{false, "rule skipped"};
  auto proto_text = get<std::string_view>(perm, path, "IpProtocol", {true, "rule skipped"});
  if (!proto_text) return false;
  const auto protocol = parse_rule_protocol(*proto_text);
  if (!protocol) {
    sink_.problem(key_path(path, "IpProtocol"),
                  fmt::format("unknown protocol '{}' (-1, tcp, udp, icmp, icmpv6 or 0-255): rule skipped", *proto_text));
    return false;
  }
  sg_rule rule;
  rule.egress = egress;
  rule.protocol = *protocol;
  rule.origin = sink_.origin(path);
  auto from = get<std::int64_t>(perm, path, "FromPort", skip_rule);
  auto to = get<std::int64_t>(perm, path, "ToPort", skip_rule);
  if (from.bad || to.bad) return false;
  std::string error;
  if (protocol_has_ports(rule.protocol)) {
    const bool all = (!from && !to) || (from && to && *from == -1 && *to == -1);
    if (!all) {
      if (from && to) rule.ports = make_port_span(*from, *to, error);
      else error = fmt::format("{} without {}", from ? "FromPort" : "ToPort", from ? "ToPort" : "FromPort");
      if (!rule.ports) {
        sink_.problem(path, error + ": rule skipped");
        return false;
      }
    }
  } else if (protocol_is_icmp(rule.protocol)) {
    // For ICMP, AWS stores the type in FromPort and the code in ToPort.
    rule.icmp = make_icmp_match(from ? *from : -1, to ? *to : -1, error);
    if (!rule.icmp) {
      sink_.problem(path, error + ": rule skipped");
      return false;
    }
  }

  bool complete = true;
  const auto blocks = [&](std::string_view list, std::string_view key, ip_family family) {
    each_object_at(perm, path, list, "source ignored", [&](dom::object r, const std::string& at) {
      std::optional<cidr> block;
      if (!cidr_at(r, at, key, family, "source ignored", block)) complete = false;
      else if (!block) {
        sink_.problem(key_path(at, key), "missing: source ignored");
        complete = false;
      } else {
        rule.cidrs.push_back(*block);
      }
    });
  };
  blocks("IpRanges", "CidrIp", ip_family::v4);
  blocks("Ipv6Ranges", "CidrIpv6", ip_family::v6);
  each_object_at(perm, path, "PrefixListIds", "source ignored", [&](dom::object r, const std::string& at) {
    auto id = get<std::string_view>(r, at, "PrefixListId", {true, "source ignored"});
    if (id) rule.prefix_lists.emplace_back(*id);
    else complete = false;
  });
  each_object_at(perm, path, "UserIdGroupPairs", "source ignored", [&](dom::object r, const std::string& at) {
    auto id = get<std::string_view>(r, at, "GroupId", {true, "source ignored"});
    if (id) rule.groups.emplace_back(*id);
    else complete = false;
  });
  (egress ? group.egress : group.ingress).push_back(std::move(rule));
  return complete;
}

// --- network ACLs ----------------------------------------------------------------------------------

void describe_reader::network_acls(dom::array items, const std::string& path) {
  sink_.source("network-acls");
  each_object(items, path, "network ACL skipped", [&](dom::object o, const std::string& at) {
    auto id = get<std::string_view>(o, at, "NetworkAclId", {true, "network ACL skipped"});
    if (!id) return;
    network_acl acl;
    acl.id = *id;
    if (auto v = get<std::string_view>(o, at, "VpcId")) acl.vpc_id = *v;
    if (auto v = get<std::string_view>(o, at, "OwnerId")) acl.owner = *v;
    if (auto v = get<bool>(o, at, "IsDefault")) acl.is_default = *v;
    acl.tags = tags(o, at, "Tags");
    acl.origin = sink_.origin(at);
    each_object_at(o, at, "Associations", "association ignored", [&](dom::object a, const std::string& a_at) {
      if (auto s = get<std::string_view>(a, a_at, "SubnetId", {true, "association ignored"})) {
        acl.subnets.emplace_back(*s);
      }
    });
    auto entries = get<dom::array>(o, at, "Entries", {false, "entries skipped"});
    if (entries.bad) acl.complete = false;
    if (entries) {
      each_object(*entries, key_path(at, "Entries"), "entry skipped", [&](dom::object e, const std::string& e_at) {
        if (!nacl_entry_at(e, e_at, acl)) acl.complete = false;
      });
    }
    sink_.put(std::move(acl));
  });
}

bool describe_reader::nacl_entry_at(dom::object e, const std::string& path, network_acl& acl) {
  constexpr consequence required{true, "entry skipped"};
  constexpr consequence skip{false, "entry skipped"};
  auto number = get<std::int64_t>(e, path, "RuleNumber", required);
  auto egress = get<bool>(e, path, "Egress", required);
  auto action = get<std::string_view>(e, path, "RuleAction", required);
  auto proto_text = get<std::string_view>(e, path, "Protocol", required);
  if (!number || !egress || !action || !proto_text) return false;

  nacl_entry entry;
  entry.origin = sink_.origin(path);
  entry.egress = *egress;
  // AWS lists the `*` default entry with the largest rule number.
  if (*number != 32767) {
    if (*number < 1 || *number > 32766) {
      sink_.problem(key_path(path, "RuleNumber"), fmt::format("rule number {} is not 1-32766: entry skipped", *number));
      return false;
    }
    entry.rule_number = static_cast<int>(*number);
  }
  if (*action != "allow" && *action != "deny") {
    sink_.problem(key_path(path, "RuleAction"), fmt::format("'{}' is not allow or deny: entry skipped", *action));
    return false;
  }
  entry.allow = *action == "allow";
  const auto protocol = parse_rule_protocol(*proto_text);
  if (!protocol) {
    sink_.problem(key_path(path, "Protocol"),
                  fmt::format("unknown protocol '{}' (-1 or 0-255): entry skipped", *proto_text));
    return false;
  }
  entry.protocol = *protocol;

  std::optional<cidr> v4, v6;
  if (!cidr_at(e, path, "CidrBlock", ip_family::v4, "entry skipped", v4) ||
      !cidr_at(e, path, "Ipv6CidrBlock", ip_family::v6, "entry skipped", v6)) {
    return false;
  }
  if (!v4 && !v6) {
    sink_.problem(path, "neither CidrBlock nor Ipv6CidrBlock: entry skipped");
    return false;
  }
  entry.block = v4 ? v4 : v6;

  std::string error;
  if (protocol_has_ports(entry.protocol)) {
    auto range = get<dom::object>(e, path, "PortRange", skip);
    if (range.bad) return false;
    if (range) {
      const std::string at = key_path(path, "PortRange");
      auto from = get<std::int64_t>(*range, at, "From", required);
      auto to = get<std::int64_t>(*range, at, "To", required);
      if (!from || !to) return false;
      entry.ports = make_port_span(*from, *to, error);
      if (!entry.ports) {
        sink_.problem(at, error + ": entry skipped");
        return false;
      }
    }
  } else if (protocol_is_icmp(entry.protocol)) {
    auto code = get<dom::object>(e, path, "IcmpTypeCode", skip);
    if (code.bad) return false;
    entry.icmp = icmp_match{};
    if (code) {
      const std::string at = key_path(path, "IcmpTypeCode");
      auto type = get<std::int64_t>(*code, at, "Type", skip);
      auto c = get<std::int64_t>(*code, at, "Code", skip);
      if (type.bad || c.bad) return false;
      entry.icmp = make_icmp_match(type ? *type : -1, c ? *c : -1, error);
      if (!entry.icmp) {
        sink_.problem(at, error + ": entry skipped");
        return false;
      }
    }
  }
  acl.entries.push_back(std::move(entry));
  return true;
}

// --- network interfaces, subnets, VPCs -------------------------------------------------------------

void describe_reader::network_interfaces(dom::array items, const std::string& path) {
  sink_.source("network-interfaces");
  each_object(items, path, "network interface skipped", [&](dom::object o, const std::string& at) {
    auto id = get<std::string_view>(o, at, "NetworkInterfaceId", {true, "network interface skipped"});
    if (!id) return;
    network_interface eni;
    eni.id = *id;
    if (auto v = get<std::string_view>(o, at, "SubnetId")) eni.subnet_id = *v;
    if (auto v = get<std::string_view>(o, at, "VpcId")) eni.vpc_id = *v;
    if (auto v = get<std::string_view>(o, at, "OwnerId")) eni.owner = *v;
    if (auto v = get<std::string_view>(o, at, "InterfaceType")) eni.interface_type = *v;
    if (auto v = get<std::string_view>(o, at, "Description")) eni.description = *v;
    if (auto v = get<bool>(o, at, "RequesterManaged")) eni.requester_managed = *v;
    if (auto a = get<dom::object>(o, at, "Attachment")) {
      if (auto v = get<std::string_view>(*a, key_path(at, "Attachment"), "InstanceId")) eni.instance_id = *v;
    }
    eni.tags = tags(o, at, "TagSet");
    eni.origin = sink_.origin(at);

    // The primary address first: it is the one flow logs show for traffic the ENI originates.
    address_at(o, at, "PrivateIpAddress", eni.private_addresses);
    std::vector<ip_address> secondary;
    each_object_at(o, at, "PrivateIpAddresses", "address ignored", [&](dom::object a, const std::string& a_at) {
      auto primary = get<bool>(a, a_at, "Primary");
      address_at(a, a_at, "PrivateIpAddress", primary && *primary ? eni.private_addresses : secondary);
      if (auto assoc = get<dom::object>(a, a_at, "Association")) {
        address_at(*assoc, key_path(a_at, "Association"), "PublicIp", eni.public_addresses);
      }
    });
    for (const auto& ip : secondary) {
      if (std::find(eni.private_addresses.begin(), eni.private_addresses.end(), ip) == eni.private_addresses.end()) {
        eni.private_addresses.push_back(ip);
      }
    }
    each_object_at(o, at, "Ipv6Addresses", "address ignored", [&](dom::object a, const std::string& a_at) {
      address_at(a, a_at, "Ipv6Address", eni.private_addresses);
    });
    if (auto assoc = get<dom::object>(o, at, "Association")) {
      address_at(*assoc, key_path(at, "Association"), "PublicIp", eni.public_addresses);
    }
    for (const auto& prefixes :
         {std::tuple{"Ipv4Prefixes", "Ipv4Prefix", ip_family::v4}, std::tuple{"Ipv6Prefixes", "Ipv6Prefix", ip_family::v6}}) {
      // Plain locals, not structured bindings: clang 14 (the fuzz build) cannot capture those.
      const char* key = std::get<1>(prefixes);
      const ip_family family = std::get<2>(prefixes);
      each_object_at(o, at, std::get<0>(prefixes), "prefix ignored", [&](dom::object p, const std::string& p_at) {
        std::optional<cidr> block;
        if (cidr_at(p, p_at, key, family, "prefix ignored", block) && block) eni.prefixes.push_back(*block);
      });
    }
    each_object_at(o, at, "Groups", "group ignored", [&](dom::object g, const std::string& g_at) {
      if (auto v = get<std::string_view>(g, g_at, "GroupId", {true, "group ignored"})) eni.groups.emplace_back(*v);
    });
    sink_.put(std::move(eni));
  });
}

void describe_reader::associated_blocks(dom::object obj, const std::string& path, std::string_view set,
                                        std::string_view key, std::string_view state_key, ip_family family,
                                        std::vector<cidr>& out) {
  each_object_at(obj, path, set, "block ignored", [&](dom::object a, const std::string& at) {
    // Disassociated blocks stay listed for a while; they no longer hold addresses.
    if (auto st = get<dom::object>(a, at, state_key)) {
      auto state = get<std::string_view>(*st, key_path(at, state_key), "State");
      if (state && *state != "associated" && *state != "associating") return;
    }
    std::optional<cidr> block;
    if (cidr_at(a, at, key, family, "block ignored", block) && block &&
        std::find(out.begin(), out.end(), *block) == out.end()) {
      out.push_back(*block);
    }
  });
}

void describe_reader::subnets(dom::array items, const std::string& path) {
  sink_.source("subnets");
  each_object(items, path, "subnet skipped", [&](dom::object o, const std::string& at) {
    auto id = get<std::string_view>(o, at, "SubnetId", {true, "subnet skipped"});
    if (!id) return;
    subnet s;
    s.id = *id;
    if (auto v = get<std::string_view>(o, at, "VpcId")) s.vpc_id = *v;
    if (auto v = get<std::string_view>(o, at, "AvailabilityZone")) s.availability_zone = *v;
    if (auto v = get<std::string_view>(o, at, "OwnerId")) s.owner = *v;
    std::optional<cidr> block;
    if (cidr_at(o, at, "CidrBlock", ip_family::v4, "block ignored", block) && block) s.cidrs.push_back(*block);
    associated_blocks(o, at, "Ipv6CidrBlockAssociationSet", "Ipv6CidrBlock", "Ipv6CidrBlockState", ip_family::v6,
                      s.cidrs);
    s.tags = tags(o, at, "Tags");
    s.origin = sink_.origin(at);
    sink_.put(std::move(s));
  });
}

void describe_reader::vpcs(dom::array items, const std::string& path) {
  sink_.source("vpcs");
  each_object(items, path, "VPC skipped", [&](dom::object o, const std::string& at) {
    auto id = get<std::string_view>(o, at, "VpcId", {true, "VPC skipped"});
    if (!id) return;
    vpc v;
    v.id = *id;
    if (auto s = get<std::string_view>(o, at, "OwnerId")) v.owner = *s;
    std::optional<cidr> block;
    if (cidr_at(o, at, "CidrBlock", ip_family::v4, "block ignored", block) && block) v.cidrs.push_back(*block);
    associated_blocks(o, at, "CidrBlockAssociationSet", "CidrBlock", "CidrBlockState", ip_family::v4, v.cidrs);
    associated_blocks(o, at, "Ipv6CidrBlockAssociationSet", "Ipv6CidrBlock", "Ipv6CidrBlockState", ip_family::v6,
                      v.cidrs);
    v.tags = tags(o, at, "Tags");
    v.origin = sink_.origin(at);
    sink_.put(std::move(v));
  });
}

// --- instances, flow logs, prefix lists ------------------------------------------------------------

void describe_reader::reservations(dom::array items, const std::string& path) {
  sink_.source("instances");
  each_object(items, path, "reservation skipped", [&](dom::object r, const std::string& r_at) {
    each_object_at(r, r_at, "Instances", "instance skipped", [&](dom::object o, const std::string& at) {
      auto id = get<std::string_view>(o, at, "InstanceId", {true, "instance skipped"});
      if (!id) return;
      instance i;
      i.id = *id;
      const auto t = tags(o, at, "Tags");
      if (auto name = t.find("Name"); name != t.end()) i.name = name->second;
      each_object_at(o, at, "NetworkInterfaces", "interface ignored", [&](dom::object n, const std::string& n_at) {
        if (auto v = get<std::string_view>(n, n_at, "NetworkInterfaceId", {true, "interface ignored"})) {
          i.enis.emplace_back(*v);
        }
      });
      i.origin = sink_.origin(at);
      sink_.put(std::move(i));
    });
  });
}

void describe_reader::flow_logs(dom::array items, const std::string& path) {
  sink_.source("flow-logs");
  each_object(items, path, "flow log skipped", [&](dom::object o, const std::string& at) {
    auto id = get<std::string_view>(o, at, "FlowLogId", {true, "flow log skipped"});
    if (!id) return;
    flow_log_config f;
    f.id = *id;
    if (auto v = get<std::string_view>(o, at, "ResourceId")) f.resource_id = *v;
    if (auto v = get<std::string_view>(o, at, "TrafficType")) f.traffic_type = *v;
    if (auto v = get<std::string_view>(o, at, "LogFormat")) f.log_format = *v;
    if (auto v = get<std::int64_t>(o, at, "MaxAggregationInterval")) {
      if (*v == 60 || *v == 600) f.max_aggregation_interval = static_cast<int>(*v);
      else sink_.problem(key_path(at, "MaxAggregationInterval"), fmt::format("{} is not 60 or 600: ignored", *v));
    }
    // CloudWatch Logs flow logs created before LogDestination existed only name their log group.
    if (auto v = get<std::string_view>(o, at, "LogDestination")) f.destination = *v;
    else if (auto g = get<std::string_view>(o, at, "LogGroupName")) f.destination = *g;
    f.origin = sink_.origin(at);
    sink_.put(std::move(f));
  });
}

void describe_reader::prefix_lists(dom::array items, const std::string& path) {
  each_object(items, path, "prefix list skipped", [&](dom::object o, const std::string& at) {
    auto id = get<std::string_view>(o, at, "PrefixListId", {true, "prefix list skipped"});
    if (!id) return;
    prefix_list p;
    p.id = *id;
    if (auto v = get<std::string_view>(o, at, "PrefixListName")) p.name = *v;
    if (auto v = get<std::string_view>(o, at, "OwnerId")) p.owner = *v;
    if (auto v = get<std::string_view>(o, at, "AddressFamily")) p.address_family = *v;
    p.origin = sink_.origin(at);
    // describe-prefix-lists (AWS service ranges) carries Cidrs; describe-managed-prefix-lists never does.
    auto cidrs = get<dom::array>(o, at, "Cidrs", {false, "entries skipped"});
    if (cidrs || cidrs.bad) {
      sink_.source("prefix-lists");
      p.aws_service = true;
      p.entries_known = static_cast<bool>(cidrs);
      p.complete = !cidrs.bad;
      std::size_t i = 0;
      if (cidrs) {
        for (dom::element el : *cidrs) {
          const std::string c_at = index_path(key_path(at, "Cidrs"), i++);
          std::string error;
          std::string_view text;
          std::optional<cidr> block;
          if (el.get_string().get(text) != simdjson::SUCCESS) error = fmt::format("expected a string, found {}", detail::json_type_name(el.type()));
          else block = parse_cidr_of(text, ip_family::either, error);
          if (block) {
            p.entries.push_back(*block);
          } else {
            sink_.problem(c_at, error + ": entry ignored");
            p.complete = false;
          }
        }
      }
    } else {
      sink_.source("managed-prefix-lists");
    }
    sink_.put(std::move(p));
  });
}

void describe_reader::prefix_list_entries(dom::array items, const std::string& path) {
  // get-managed-prefix-list-entries prints no id: the file is named after the list.
  const std::string stem = std::filesystem::path(sink_.file()).filename().string();
  const std::string id = stem.substr(0, stem.find('.'));
  const bool named = id.size() > 3 && id.starts_with("pl-") &&
                     std::all_of(id.begin() + 3, id.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
  if (!named) {
    sink_.fatal(path, "get-managed-prefix-list-entries output names no list: save it as pl-<id>.json");
    return;
  }
  sink_.source("prefix-list-entries");
  prefix_list p;
  p.id = id;
  p.entries_known = true;
  p.origin = sink_.origin(path);
  each_object(items, path, "entry ignored", [&](dom::object e, const std::string& at) {
    std::optional<cidr> block;
    const bool ok = cidr_at(e, at, "Cidr", ip_family::either, "entry ignored", block);
    if (ok && !block) sink_.problem(key_path(at, "Cidr"), "missing: entry ignored");
    if (block) p.entries.push_back(*block);
    else p.complete = false;
  });
  sink_.put(std::move(p));
}

void describe_reader::read_root(dom::element root) {
  dom::object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) {
    sink_.problem("", fmt::format("not a recognised describe-* output (the top level is {}, not an object)",
                                  detail::json_type_name(root.type())));
    return;
  }
  using handler = void (describe_reader::*)(dom::array, const std::string&);
  static constexpr std::array<std::pair<std::string_view, handler>, 9> kinds = {{
      {"SecurityGroups", &describe_reader::security_groups},
      {"NetworkAcls", &describe_reader::network_acls},
      {"NetworkInterfaces", &describe_reader::network_interfaces},
      {"Subnets", &describe_reader::subnets},
      {"Vpcs", &describe_reader::vpcs},
      {"Reservations", &describe_reader::reservations},
      {"FlowLogs", &describe_reader::flow_logs},
      {"PrefixLists", &describe_reader::prefix_lists},
      {"Entries", &describe_reader::prefix_list_entries},
  }};
  std::vector<std::string> unknown, unused;
  bool recognised = false;
  for (const auto& [field, value] : obj) {
    const std::string_view key = field;  // a structured binding cannot be captured with clang 14
    const auto kind = std::find_if(kinds.begin(), kinds.end(), [&](const auto& k) { return k.first == key; });
    if (kind != kinds.end()) {
      recognised = true;
      dom::array items;
      if (value.get_array().get(items) != simdjson::SUCCESS) {
        sink_.problem(std::string(key), fmt::format("expected an array, found {}: ignored", detail::json_type_name(value.type())));
        continue;
      }
      (this->*kind->second)(items, std::string(key));
    } else if (key == "NextToken") {
      sink_.problem("NextToken", "this is one page of a longer listing: objects on the other pages are missing "
                                 "(run the command without --max-items, or join the pages)");
    } else if (std::find(k_unused_kinds.begin(), k_unused_kinds.end(), key) != k_unused_kinds.end()) {
      unused.emplace_back(key);
    } else {
      unknown.emplace_back(key);
    }
  }
  if (!recognised) {
    std::vector<std::string> keys = unused;
    keys.insert(keys.end(), unknown.begin(), unknown.end());
    sink_.problem("", fmt::format("not a recognised describe-* output (top-level keys: {}){}",
                                  keys.empty() ? std::string("none") : fmt::format("{}", fmt::join(keys, ", ")),
                                  unused.empty() ? "" : "; routing and gateways are not used yet"));
    return;
  }
  for (const auto& key : unused) sink_.problem(key, "not used yet (routing and gateways are out of scope): ignored");
  for (const auto& key : unknown) sink_.problem(key, "not a describe-* key flowsleuth reads: ignored");
}

}  // namespace

void read_describe_json(std::string_view content, config_sink& sink) {
  dom::parser parser;
  dom::element root;
  const simdjson::padded_string padded(content);
  if (const auto error = parser.parse(padded).get(root); error != simdjson::SUCCESS) {
    sink.fatal("", fmt::format("not valid JSON: {}", simdjson::error_message(error)));
    return;
  }
  describe_reader(sink).read_root(root);
}

}  // namespace flowsleuth::detail
