#pragma once
/// The network configuration model: what `aws ec2 describe-*` output (or our YAML topology format)
/// says about VPCs, subnets, ENIs, security groups, network ACLs, prefix lists and flow logs.
///
/// The model holds facts only; loading lives in config_loader.hpp and evaluation in policy.hpp.
/// Every object remembers where it was read (`origin`, "file:json.path") so findings can cite it.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "flowsleuth/cidr.hpp"
#include "flowsleuth/ip_address.hpp"

namespace flowsleuth {

/// Protocol as AWS writes it in rules: -1 means all protocols, else an IANA number.
inline constexpr int any_protocol = -1;

struct port_span {
  std::uint16_t from = 0, to = 65535;  ///< inclusive
  bool contains(std::uint16_t p) const noexcept { return p >= from && p <= to; }
  friend bool operator==(const port_span&, const port_span&) = default;
};

/// ICMP type/code as AWS writes them: -1 means any.
struct icmp_match {
  int type = -1, code = -1;
  friend bool operator==(const icmp_match&, const icmp_match&) = default;
};

/// One numbered network ACL entry (`Entries[]` of describe-network-acls).
struct nacl_entry {
  std::optional<int> rule_number;  ///< nullopt for the `*` default rule (AWS stores it as 32767)
  bool egress = false;
  bool allow = false;
  int protocol = any_protocol;
  std::optional<cidr> block;             ///< CidrBlock or Ipv6CidrBlock
  std::optional<port_span> ports;        ///< PortRange, for tcp/udp entries
  std::optional<icmp_match> icmp;        ///< IcmpTypeCode, for icmp/icmpv6 entries
  std::string origin;
};

struct network_acl {
  std::string id, vpc_id, owner;
  bool is_default = false;
  std::vector<std::string> subnets;  ///< associated subnet ids
  std::vector<nacl_entry> entries;   ///< as read; evaluation orders them
  std::map<std::string, std::string> tags;
  std::string origin;
  /// False when an entry could not be read (a config_problem names it): a verdict from this ACL is not certain.
  bool complete = true;
};

/// One security group rule (an IpPermissions[] element, flattened: one rule per permission, all its sources).
struct sg_rule {
  bool egress = false;
  int protocol = any_protocol;
  std::optional<port_span> ports;    ///< tcp/udp FromPort..ToPort; nullopt = all ports
  std::optional<icmp_match> icmp;    ///< icmp/icmpv6: FromPort = type, ToPort = code (-1 = any)
  std::vector<cidr> cidrs;           ///< IpRanges and Ipv6Ranges
  std::vector<std::string> prefix_lists;  ///< PrefixListIds
  std::vector<std::string> groups;        ///< UserIdGroupPairs (referenced security groups)
  std::string origin;
};

struct security_group {
  std::string id, name, vpc_id, owner;
  std::vector<sg_rule> ingress, egress;
  std::map<std::string, std::string> tags;
  std::string origin;
  /// False when a rule or one of its sources could not be read (a config_problem names it).
  bool complete = true;
};

struct prefix_list {
  std::string id, name;
  std::string owner;           ///< OwnerId ("AWS" for AWS-managed lists); empty when not given
  std::string address_family;  ///< "IPv4" / "IPv6" from describe-managed-prefix-lists; empty when not given
  /// From describe-prefix-lists: an AWS service's public ranges (S3, DynamoDB) rather than a managed list.
  bool aws_service = false;
  bool entries_known = false;  ///< false when only describe-managed-prefix-lists was given, without entries
  std::vector<cidr> entries;
  std::string origin;
  bool complete = true;  ///< false when an entry could not be read (a config_problem names it)
};

struct network_interface {
  std::string id, subnet_id, vpc_id, owner;
  std::vector<ip_address> private_addresses;  ///< every private IPv4 (primary first) and every IPv6
  std::vector<ip_address> public_addresses;   ///< Association.PublicIp of each private address
  std::vector<cidr> prefixes;                 ///< Ipv4Prefixes / Ipv6Prefixes delegated to the ENI
  std::vector<std::string> groups;            ///< security group ids
  std::string instance_id;
  std::string interface_type;                 ///< "interface", "nat_gateway", "transit_gateway", …
  bool requester_managed = false;
  std::string description;
  std::map<std::string, std::string> tags;
  std::string origin;
};

struct subnet {
  std::string id, vpc_id, availability_zone, owner;
  std::vector<cidr> cidrs;  ///< IPv4 and IPv6
  std::map<std::string, std::string> tags;
  std::string origin;
};

struct vpc {
  std::string id, owner;
  std::vector<cidr> cidrs;  ///< IPv4 and IPv6
  std::map<std::string, std::string> tags;
  std::string origin;
};

struct instance {
  std::string id, name;  ///< name from the Name tag
  std::vector<std::string> enis;
  std::string origin;
};

/// One flow log (describe-flow-logs): what it captures and how.
struct flow_log_config {
  std::string id, resource_id;  ///< resource: vpc-…, subnet-… or eni-…
  std::string traffic_type;     ///< ACCEPT, REJECT or ALL
  std::string log_format;       ///< `${…}` format string; empty = default
  int max_aggregation_interval = 600;
  std::string destination;
  std::string origin;
};

/// Everything read from configuration. Maps are keyed by id.
struct topology {
  std::map<std::string, vpc> vpcs;
  std::map<std::string, subnet> subnets;
  std::map<std::string, network_interface> enis;
  std::map<std::string, network_acl> nacls;
  std::map<std::string, security_group> security_groups;
  std::map<std::string, prefix_list> prefix_lists;
  std::map<std::string, instance> instances;
  std::map<std::string, flow_log_config> flow_logs;

  /// What kinds of describe output were given ("security-groups", "network-acls", "network-interfaces",
  /// "subnets", "vpcs", "instances", "flow-logs", "prefix-lists" (describe-prefix-lists),
  /// "managed-prefix-lists", "prefix-list-entries", "topology-yaml"). A YAML topology also adds the kind
  /// of each section it holds, so "security-groups" means security groups are known whatever the format.
  std::vector<std::string> sources;
  bool has(std::string_view source) const noexcept;

  // Lookups the diagnosis needs; nullptr when unknown.
  const network_interface* eni_by_id(std::string_view id) const noexcept;
  /// The ENI holding this private address (or a delegated prefix containing it).
  const network_interface* eni_by_address(const ip_address& ip) const noexcept;
  const subnet* subnet_by_id(std::string_view id) const noexcept;
  /// The subnet whose CIDR contains this address (most specific), when the address is in a known VPC.
  const subnet* subnet_by_address(const ip_address& ip) const noexcept;
  /// The network ACL associated with a subnet (explicitly, else the VPC's default ACL).
  const network_acl* nacl_for_subnet(std::string_view subnet_id) const noexcept;
  /// "web-2" from the instance Name tag, else the ENI's own Name tag, else empty.
  std::string display_name(std::string_view eni_id) const;
};

}  // namespace flowsleuth
