#pragma once
/// What the configuration (describe-* output or a topology file) says about a diagnosed connection:
/// the exact NACL entry or the security groups that stopped it, the smallest fix, or a contradiction
/// between the configuration and what the logs show (drift).
///
/// Logs decide *that* and *where* a packet was rejected; the configuration only names *which* rule, so
/// only the checks the logs point at (the rule's leg, side and direction) are consulted.

#include <optional>
#include <string>
#include <vector>

#include "flowsleuth/correlate.hpp"
#include "flowsleuth/enforcement.hpp"
#include "flowsleuth/rule.hpp"
#include "flowsleuth/topology.hpp"

namespace flowsleuth {

/// `blocking.rule` of the report: `{"kind":"nacl-entry",…}` or `{"kind":"sg-missing-allow",…}`.
struct blocking_rule_ref {
  enum class kind_t : std::uint8_t { nacl_entry, sg_missing_allow } kind = kind_t::nacl_entry;
  std::string acl;                 ///< nacl-entry
  std::optional<int> rule_number;  ///< nacl-entry; nullopt for the `*` default rule
  bool egress = false;
  std::vector<std::string> groups;  ///< sg-missing-allow: the groups on the ENI, none of which allows it
  std::string eni;                  ///< sg-missing-allow: the ENI they are on
  std::string text;                 ///< console form: `acl-… egress #100 DENY tcp 1024-65535 0.0.0.0/0`
};

struct config_fix {
  std::string summary;  ///< the rule to add, console form
  std::string command;  ///< the aws ec2 command that adds it
  std::vector<std::string> warnings;
};

enum class config_status : std::uint8_t {
  confirmed,     ///< a checked rule denies it: the culprit is named
  contradicted,  ///< every checked rule allows what the logs show REJECTed (drift)
  incomplete,    ///< pieces of configuration are missing (see `missing`)
};
std::string_view to_string(config_status s) noexcept;

struct config_assessment {
  config_status status = config_status::incomplete;
  std::optional<blocking_rule_ref> rule;
  std::optional<config_fix> fix;
  blocking_layer layer = blocking_layer::security_group_or_network_acl;
  std::optional<traffic_direction> direction;
  std::vector<std::string> missing;  ///< what was missing, one phrase each
  std::string config_says;           ///< for `contradicted`: what the checked rules decide
};

/// A contradiction between configuration and logs (the report's `drift` array).
struct drift_finding {
  enum class kind_t : std::uint8_t {
    allows_rejected,  ///< config allows what the logs show REJECTed
    denies_accepted,  ///< config denies what the logs show ACCEPTed
  } kind = kind_t::allows_rejected;
  std::uint8_t protocol = 0;
  endpoint client, server;
  std::string logs_say, config_says;
  std::vector<evidence_line> evidence;
  std::string explanation;
};
std::string_view to_string(drift_finding::kind_t k) noexcept;

class config_checker {
 public:
  /// `ephemeral`: the client port range a response fix opens (default 1024-65535).
  explicit config_checker(const topology& topo, port_span ephemeral = ephemeral_any);
  ~config_checker();
  config_checker(const config_checker&) = delete;
  config_checker& operator=(const config_checker&) = delete;

  const topology& topo() const noexcept;
  /// Addresses and subnets of the configured ENIs, for the correlator (direction, client/server).
  std::vector<configured_eni> enis() const;
  /// True when every described flow log captures ACCEPT and REJECT alike (nullopt: none described).
  std::optional<bool> traffic_type_all() const;
  /// The flow log delivering to CloudWatch Logs whose custom LogFormat header-less inputs should be read
  /// with: when every CloudWatch flow log described has one and the same custom format; else nullptr.
  const flow_log_config* cloudwatch_log_format() const;

  /// A connection the rule pack found blocked by a security group and/or network ACL.
  config_assessment assess_block(const connection& c, const rule_blocking& b) const;
  /// A connection whose observation points logged ACCEPTs: the first check the configuration says
  /// denies at a point the logs saw ACCEPT, if any.
  std::optional<drift_finding> check_accepted(const connection& c) const;

 private:
  const topology& topo_;
  topology_graph graph_;
  port_span ephemeral_;
};

}  // namespace flowsleuth
