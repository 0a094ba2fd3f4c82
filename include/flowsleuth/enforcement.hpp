#pragma once
/// The enforcement chain of a connection: which security groups and network ACLs a request and its
/// response meet, in order, and what each one decides (../shared/design.md, "Enforcement chain").
///
///   request:  SG egress (client ENI) → NACL egress (client subnet) → NACL ingress (server subnet) → SG ingress (server ENI)
///   response: SG egress (server ENI) → NACL egress (server subnet) → NACL ingress (client subnet) → SG ingress (client ENI)
///
/// Security groups pass tracked replies (stateful); NACLs are stateless and not applied between ENIs of one
/// subnet; an endpoint outside the configuration has no checks on its side. Each leg is evaluated as if the
/// other passed. Routing (route tables, gateways, Block Public Access) is not evaluated.
///
/// Results hold pointers into the topology they were computed from (through nacl_verdict / sg_verdict);
/// a topology_graph refers to its topology: keep the topology alive and unchanged while either is used.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flowsleuth/policy.hpp"
#include "flowsleuth/rule.hpp"
#include "flowsleuth/topology.hpp"

namespace flowsleuth {

/// The topology as a Boost.Graph (adjacency_list): vertices are VPCs, subnets, ENIs, network ACLs and
/// security groups; edges eni→subnet, subnet→vpc, subnet→nacl (explicit association, else the VPC's
/// default ACL), eni→sg. Ids that are referenced but not described (a subnet only named by an ENI, a
/// group only named in an ENI's list) get a vertex marked unknown, so the chain can say what is missing.
class topology_graph {
 public:
  enum class node_kind : std::uint8_t { vpc, subnet, eni, nacl, security_group };

  explicit topology_graph(const topology& topo);
  ~topology_graph();
  topology_graph(topology_graph&&) noexcept;
  topology_graph& operator=(topology_graph&&) noexcept;

  const topology& topo() const noexcept;
  std::size_t vertex_count() const noexcept;
  std::size_t edge_count() const noexcept;
  /// Whether a vertex exists for this id, and whether the configuration described it.
  bool contains(std::string_view id) const noexcept;
  bool described(std::string_view id) const noexcept;

  /// The ENI holding this private address (exact address first, then the most specific delegated prefix).
  const network_interface* eni_at(const ip_address& ip) const noexcept;
  std::string subnet_of(std::string_view eni_id) const;   ///< empty when unknown
  std::string vpc_of(std::string_view subnet_id) const;   ///< empty when unknown
  std::string nacl_of(std::string_view subnet_id) const;  ///< empty when unknown
  std::vector<std::string> groups_of(std::string_view eni_id) const;
  /// ENIs carrying a security group (the members a group reference matches).
  std::vector<std::string> members_of(std::string_view group_id) const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// What one check decided. `partial`: a response-leg check that admits only part of the client port range.
enum class check_outcome : std::uint8_t { allowed, denied, partial, unknown, not_applied };
std::string_view to_string(check_outcome o) noexcept;

/// Part of the client (ephemeral) port range and what a check decided for it.
struct port_outcome {
  port_span ports;
  check_outcome outcome = check_outcome::unknown;
  std::string rule;  ///< the deciding entry or rule, console form; empty when none
};

struct enforcement_step {
  traffic_leg leg = traffic_leg::request;
  blocking_layer layer = blocking_layer::security_group;  ///< security_group or network_acl
  bool egress = false;                                     ///< relative to the ENI (SG) or subnet (NACL)
  endpoint_role side = endpoint_role::client;              ///< whose ENI or subnet enforces it
  std::string eni, subnet, acl;                            ///< ids, empty when unknown
  std::vector<std::string> groups;                         ///< security groups on the ENI (SG steps)
  check_outcome outcome = check_outcome::unknown;
  std::string rule;    ///< the deciding NACL entry or SG rule, console form; empty when none decided
  std::string reason;  ///< one line
  packet pkt;          ///< the packet as checked; dst_port unset when `client_ports` holds a range
  std::optional<nacl_verdict> nacl;  ///< NACL steps that were evaluated on one packet
  std::optional<sg_verdict> sg;      ///< SG steps that were evaluated on one packet
  std::vector<port_outcome> client_ports;  ///< response leg with no client port given: per part of the range
};

struct leg_result {
  traffic_leg leg = traffic_leg::request;
  bool evaluated = true;  ///< false when the leg does not exist (an ICMP type without reply)
  check_outcome outcome = check_outcome::unknown;  ///< allowed, denied, partial or unknown
  std::vector<enforcement_step> steps;             ///< always four when evaluated, in packet order
  std::optional<std::size_t> first_blocking;       ///< index of the first denied or partial step
  std::vector<port_span> admitted_client_ports;    ///< response leg with a port range: what passes every step
};

/// A connection to explain. tcp/udp need server_port; icmp/icmpv6 use icmp_type/code (the response leg
/// uses the matching reply type: echo → echo reply, …).
struct path_query {
  ip_address client, server;
  std::uint8_t protocol = 6;
  std::optional<std::uint16_t> server_port, client_port;
  std::optional<std::uint8_t> icmp_type, icmp_code;
  port_span ephemeral{1024, 65535};  ///< client ports considered when client_port is not given
};

struct policy_fix;  // below, with the other fix types

struct path_endpoint {
  ip_address ip;
  std::string eni, name, subnet, acl;  ///< empty when unknown
  bool outside = false;                 ///< neither an ENI nor a subnet of the configuration
};

struct path_result {
  path_query query;
  path_endpoint client, server;
  bool same_subnet = false;
  std::optional<tracking_verdict> client_tracking, server_tracking;  ///< when the ENI is known
  leg_result request, response;
  check_outcome outcome = check_outcome::unknown;  ///< both legs together
  std::vector<std::string> notes;  ///< always includes that routing was not evaluated
  std::vector<policy_fix> fixes;       ///< filled by suggest_fixes(); render_path_text prints them
};

/// The chain for one connection. Throws std::invalid_argument for tcp/udp without a server port, or when
/// client and server are of different address families. Pure: safe to call from several threads.
path_result explain_path(const topology_graph& graph, const path_query& query);
path_result explain_path(const topology& topo, const path_query& query);
path_result explain_path(const topology& topo, const ip_address& from, const ip_address& to, std::uint8_t protocol,
                         std::optional<std::uint16_t> port, std::optional<std::uint8_t> icmp_type = std::nullopt,
                         std::optional<std::uint8_t> icmp_code = std::nullopt);

/// Plain text for the CLI (src/output/path_render.cpp): the endpoints, both legs step by step, where the
/// connection stops, and the notes.
std::string render_path_text(const path_result& result);
/// The `flowsleuth/explain-path/v1` JSON object (src/output/path_json.cpp, documented in docs/cli.md):
/// the query, both endpoints, both legs with their steps, the outcome, the first blocking step, the fixes
/// and the notes. `config_problems` (`file:path: message` lines) are carried along so a script sees what
/// the verdict could not rest on.
std::string render_path_json(const path_result& result, const std::vector<std::string>& config_problems = {});

// ---------------------------------------------------------------------------------------------------
// Smallest fix

/// Client port ranges to open for return traffic (aws-flow-logs.md §5.1, "Ephemeral ports").
inline constexpr port_span ephemeral_any{1024, 65535};       ///< every client, NAT gateways, load balancers
inline constexpr port_span ephemeral_linux{32768, 60999};
inline constexpr port_span ephemeral_windows{49152, 65535};
/// "all" (1024-65535), "linux", "windows", or "FROM-TO"; nullopt otherwise.
std::optional<port_span> parse_ephemeral_range(std::string_view text) noexcept;

struct fix_options {
  bool return_traffic = false;          ///< the packet is a reply: open the client port range, not its one port
  port_span return_ports = ephemeral_any;
  std::optional<cidr> peer_block;       ///< the peer to admit; default the peer's own address (/32 or /128)
  bool prefer_peer_group = true;        ///< SG fixes: reference the peer ENI's group rather than its address
};

/// One rule to add, with the AWS CLI command that adds it.
struct policy_fix {
  blocking_layer layer = blocking_layer::network_acl;
  std::string target;                ///< acl-… or sg-…
  bool egress = false;
  std::optional<int> rule_number;    ///< NACL: where the allow goes; nullopt when no number is free
  int protocol = any_protocol;
  std::optional<port_span> ports;
  std::optional<icmp_match> icmp;
  std::optional<cidr> peer_block;    ///< the admitted peer as a CIDR …
  std::string peer_group;            ///< … or, for SG fixes, a referenced group
  std::string summary;               ///< the new entry/rule in console form
  std::string command;               ///< `aws ec2 create-network-acl-entry …` / `aws ec2 authorize-security-group-…`
  std::vector<std::string> warnings; ///< e.g. entries the new one would shadow
};

/// An allow entry just before the entry that denied `p` (`v` from evaluate_nacl); nullopt when `v` allowed.
std::optional<policy_fix> propose_nacl_fix(const network_acl& acl, const nacl_verdict& v, const packet& p,
                                           const fix_options& options = {});
/// A rule on the ENI's first security group admitting `p`; nullopt when the ENI has no group.
std::optional<policy_fix> propose_sg_fix(const topology& topo, const network_interface& eni, const packet& p,
                                         bool egress, const fix_options& options = {});
/// The fix for a denied or partial step of explain_path (the response leg opens options.return_ports);
/// nullopt when the step did not block or its policy is not in the topology.
std::optional<policy_fix> propose_fix(const topology& topo, const enforcement_step& step,
                                      const fix_options& options = {});
/// Fills result.fixes: one fix for the first blocking step of each leg (options.return_traffic is set
/// for the response leg).
void suggest_fixes(const topology& topo, path_result& result, const fix_options& options = {});

}  // namespace flowsleuth
