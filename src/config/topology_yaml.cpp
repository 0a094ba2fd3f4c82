// Objects are maps keyed by their AWS id; whatever can be derived within the file (an ENI's subnet from
// its address, the VPC when there is one, AWS's default egress rule and `*` entries) may be left out.

#include "config/topology_yaml.hpp"

#include <yaml-cpp/yaml.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "config/rule_values.hpp"
#include "rules/text_util.hpp"

namespace flowsleuth::detail {
namespace {

using keys = std::span<const std::string_view>;

constexpr std::array<std::string_view, 10> k_top_keys = {"account",   "region",          "description",
                                                          "vpcs",      "subnets",         "enis",
                                                          "security_groups", "network_acls", "prefix_lists",
                                                          "flow_logs"};
constexpr std::array<std::string_view, 5> k_vpc_keys = {"cidrs", "cidr", "name", "owner", "tags"};
constexpr std::array<std::string_view, 8> k_subnet_keys = {"vpc", "cidrs", "cidr", "az", "name", "owner", "tags",
                                                           "description"};
constexpr std::array<std::string_view, 14> k_eni_keys = {
    "subnet", "vpc",  "addresses", "public",        "prefixes", "groups", "instance",
    "name",   "type", "requester_managed", "description", "owner",    "tags", "address"};
constexpr std::array<std::string_view, 8> k_sg_keys = {"name", "vpc", "owner", "tags", "ingress", "egress",
                                                       "description", "id"};
constexpr std::array<std::string_view, 9> k_acl_keys = {"vpc",     "owner",  "default", "subnets", "tags",
                                                        "name",    "ingress", "egress", "entries"};
constexpr std::array<std::string_view, 6> k_sg_rule_keys = {"proto", "ports", "type", "code", "description", "from"};
constexpr std::array<std::string_view, 6> k_sg_egress_rule_keys = {"proto", "ports", "type", "code", "description",
                                                                   "to"};
constexpr std::array<std::string_view, 8> k_entry_keys = {"rule", "action", "proto", "ports",
                                                          "type", "code",   "cidr",  "egress"};
constexpr std::array<std::string_view, 5> k_list_keys = {"name", "cidrs", "owner", "family", "aws_service"};
constexpr std::array<std::string_view, 5> k_flow_log_keys = {"resource", "traffic", "format", "interval",
                                                             "destination"};
// The top-level keys of describe-* output, to recognise `aws … --output yaml`.
constexpr std::array<std::string_view, 8> k_describe_keys = {"SecurityGroups", "NetworkAcls", "NetworkInterfaces",
                                                             "Subnets",        "Vpcs",        "Reservations",
                                                             "FlowLogs",       "PrefixLists"};

std::optional<std::int64_t> to_integer(std::string_view text) noexcept {
  std::int64_t v = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return v;
}

/// Which list of an ACL an entry was written in: `entries` says the direction per entry.
enum class entry_list { ingress, egress, entries };

/// What protocol, ports and ICMP type/code a rule or entry matches.
struct match_spec {
  int protocol = any_protocol;
  std::vector<std::optional<port_span>> ports{std::nullopt};  // several only for `ports: [80, 443]` in a rule
  std::optional<icmp_match> icmp;
};

class topology_reader {
 public:
  explicit topology_reader(config_sink& sink) : sink_(sink) {}
  void read(const YAML::Node& root);

 private:
  std::string pos(const YAML::Node& n) const {
    return fmt::format("{}:{}", n.Mark().line + 1, n.Mark().column + 1);
  }
  void problem(const YAML::Node& n, std::string message) { sink_.problem(pos(n), std::move(message)); }
  std::string origin(const YAML::Node& n) const { return sink_.origin(pos(n)); }

  bool check_keys(const YAML::Node& map, keys known, std::string_view where);
  std::optional<std::string> text(const YAML::Node& n, std::string_view what);
  std::vector<std::string> texts(const YAML::Node& n, std::string_view what);
  std::optional<bool> flag(const YAML::Node& n, std::string_view what);
  std::vector<cidr> blocks(const YAML::Node& n, std::string_view what, bool& ok);
  std::map<std::string, std::string> tag_map(const YAML::Node& n);
  /// Each `id: {…}` of a section, with the id checked to start with `prefix`.
  template <class F>
  void each_object(const YAML::Node& section, std::string_view name, std::string_view prefix, F f);
  bool read_match(const YAML::Node& rule, bool many_ports, match_spec& out, std::string_view skipped);

  void read_vpcs(const YAML::Node& section);
  void read_subnets(const YAML::Node& section);
  void read_enis(const YAML::Node& section);
  void read_security_groups(const YAML::Node& section);
  bool read_sg_rule(const YAML::Node& rule, bool egress, security_group& g);
  void read_network_acls(const YAML::Node& section);
  bool read_entry(const YAML::Node& e, entry_list list, network_acl& acl);
  void read_prefix_lists(const YAML::Node& section);
  void read_flow_logs(const YAML::Node& section);
  void finish();

  const vpc* find_vpc(const std::string& id) const;
  bool vpc_has_ipv6(const std::string& id) const;

  config_sink& sink_;
  std::string account_;
  // Held until the whole file is read, so that defaults can come from anywhere in it.
  std::vector<vpc> vpcs_;
  std::vector<subnet> subnets_;
  std::vector<network_interface> enis_;
  std::vector<std::string> eni_names_;  // `name` of each ENI: the instance's when it has one
  std::vector<security_group> groups_;
  std::vector<bool> egress_given_;
  std::vector<network_acl> acls_;
  std::vector<prefix_list> lists_;
  std::vector<flow_log_config> flow_logs_;
};

bool topology_reader::check_keys(const YAML::Node& map, keys known, std::string_view where) {
  bool ok = true;
  for (const auto& kv : map) {
    const std::string key = kv.first.Scalar();
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    problem(kv.first, fmt::format("{}: unknown key '{}'{}: ignored", where, key, suggestion(key, known)));
    ok = false;
  }
  return ok;
}

std::optional<std::string> topology_reader::text(const YAML::Node& n, std::string_view what) {
  if (n.IsScalar()) return n.Scalar();
  problem(n, fmt::format("{}: expected a single value", what));
  return std::nullopt;
}

std::vector<std::string> topology_reader::texts(const YAML::Node& n, std::string_view what) {
  std::vector<std::string> out;
  if (n.IsNull()) return out;
  if (n.IsScalar()) {
    out.push_back(n.Scalar());
    return out;
  }
  if (!n.IsSequence()) {
    problem(n, fmt::format("{}: expected a value or a list of values", what));
    return out;
  }
  for (const auto& item : n) {
    if (item.IsScalar()) out.push_back(item.Scalar());
    else problem(item, fmt::format("{}: expected a single value in the list: ignored", what));
  }
  return out;
}

std::optional<bool> topology_reader::flag(const YAML::Node& n, std::string_view what) {
  bool v = false;
  if (n.IsScalar() && YAML::convert<bool>::decode(n, v)) return v;
  problem(n, fmt::format("{}: expected true or false", what));
  return std::nullopt;
}

std::vector<cidr> topology_reader::blocks(const YAML::Node& n, std::string_view what, bool& ok) {
  std::vector<cidr> out;
  std::size_t i = 0;
  for (const auto& t : texts(n, what)) {
    const YAML::Node at = n.IsSequence() ? n[i] : n;
    ++i;
    std::string error;
    if (auto block = parse_cidr_of(t, ip_family::either, error)) {
      out.push_back(*block);
    } else {
      problem(at, fmt::format("{}: {}: ignored", what, error));
      ok = false;
    }
  }
  return out;
}

std::map<std::string, std::string> topology_reader::tag_map(const YAML::Node& n) {
  std::map<std::string, std::string> out;
  if (!n.IsMap()) {
    problem(n, "tags: expected a mapping (Key: Value)");
    return out;
  }
  for (const auto& kv : n) out[kv.first.Scalar()] = kv.second.IsScalar() ? kv.second.Scalar() : std::string();
  return out;
}

template <class F>
void topology_reader::each_object(const YAML::Node& section, std::string_view name, std::string_view prefix, F f) {
  if (section.IsNull()) return;
  if (!section.IsMap()) {
    problem(section, fmt::format("{}: expected a mapping of {}…: {{…}}", name, prefix));
    return;
  }
  for (const auto& kv : section) {
    const std::string id = kv.first.Scalar();
    if (!id.starts_with(prefix)) {
      problem(kv.first, fmt::format("{}: '{}' is not an id starting with {}: skipped", name, id, prefix));
      continue;
    }
    if (!kv.second.IsMap() && !kv.second.IsNull()) {
      problem(kv.second, fmt::format("{} {}: expected a mapping of its properties: skipped", name, id));
      continue;
    }
    f(id, kv.first, kv.second);
  }
}

bool topology_reader::read_match(const YAML::Node& rule, bool many_ports, match_spec& out, std::string_view skipped) {
  const auto fail = [&](const YAML::Node& at, const std::string& message) {
    problem(at, fmt::format("{}: {}", message, skipped));
    return false;
  };
  if (const auto p = rule["proto"]) {
    if (!p.IsScalar()) return fail(p, "proto: expected a single value");
    const auto protocol = parse_rule_protocol(p.Scalar());
    if (!protocol) return fail(p, fmt::format("proto '{}' is not all, -1, tcp, udp, icmp, icmpv6 or 0-255", p.Scalar()));
    out.protocol = *protocol;
  }
  if (const auto ports = rule["ports"]) {
    if (!protocol_has_ports(out.protocol)) {
      return fail(ports, "ports need proto tcp or udp");
    }
    if (ports.IsSequence() && !many_ports) {
      return fail(ports, "ports: one port or range here (a network ACL entry has one)");
    }
    out.ports.clear();
    for (const auto& t : texts(ports, "ports")) {
      std::string error;
      std::optional<port_span> span;
      if (t != "all") {
        const auto dash = t.find('-', 1);
        const auto from = to_integer(std::string_view(t).substr(0, dash));
        const auto to = dash == std::string::npos ? from : to_integer(std::string_view(t).substr(dash + 1));
        if (from && to) span = make_port_span(*from, *to, error);
        else error = fmt::format("'{}' is not a port, a range like 1024-65535, or all", t);
        if (!span) {
          return fail(ports, "ports: " + error);
        }
      }
      out.ports.push_back(span);
    }
    if (out.ports.empty()) {
      return fail(ports, "ports: empty list");
    }
  }
  const auto type = rule["type"];
  const auto code = rule["code"];
  if (type || code) {
    if (!protocol_is_icmp(out.protocol)) {
      return fail(type ? type : code, "type and code need proto icmp or icmpv6");
    }
  }
  if (protocol_is_icmp(out.protocol)) {
    std::optional<std::int64_t> t = -1, c = -1;
    if (type) t = type.IsScalar() ? to_integer(type.Scalar()) : std::nullopt;
    if (code) c = code.IsScalar() ? to_integer(code.Scalar()) : std::nullopt;
    std::string error;
    if (t && c) out.icmp = make_icmp_match(*t, *c, error);
    else error = "ICMP type and code are numbers (-1 = any)";
    if (!out.icmp) {
      return fail(type ? type : code, error);
    }
  }
  return true;
}

// --- sections --------------------------------------------------------------------------------------

void topology_reader::read_vpcs(const YAML::Node& section) {
  each_object(section, "vpcs", "vpc-", [&](const std::string& id, const YAML::Node& key, const YAML::Node& n) {
    vpc v;
    v.id = id;
    v.origin = origin(key);
    check_keys(n, k_vpc_keys, "vpc " + id);
    bool ok = true;
    for (const auto& kv : n) {
      const std::string k = kv.first.Scalar();
      if (k == "cidrs" || k == "cidr") {
        auto b = blocks(kv.second, k, ok);
        v.cidrs.insert(v.cidrs.end(), b.begin(), b.end());
      } else if (k == "name") {
        if (auto t = text(kv.second, k)) v.tags["Name"] = *t;
      } else if (k == "owner") {
        if (auto t = text(kv.second, k)) v.owner = *t;
      } else if (k == "tags") {
        auto t = tag_map(kv.second);
        v.tags.insert(t.begin(), t.end());
      }
    }
    vpcs_.push_back(std::move(v));
  });
}

void topology_reader::read_subnets(const YAML::Node& section) {
  each_object(section, "subnets", "subnet-", [&](const std::string& id, const YAML::Node& key, const YAML::Node& n) {
    subnet s;
    s.id = id;
    s.origin = origin(key);
    check_keys(n, k_subnet_keys, "subnet " + id);
    bool ok = true;
    for (const auto& kv : n) {
      const std::string k = kv.first.Scalar();
      if (k == "cidrs" || k == "cidr") {
        auto b = blocks(kv.second, k, ok);
        s.cidrs.insert(s.cidrs.end(), b.begin(), b.end());
      } else if (k == "name") {
        if (auto t = text(kv.second, k)) s.tags["Name"] = *t;
      } else if (k == "tags") {
        auto t = tag_map(kv.second);
        s.tags.insert(t.begin(), t.end());
      } else if (k == "vpc" || k == "az" || k == "owner") {
        if (auto t = text(kv.second, k)) (k == "vpc" ? s.vpc_id : k == "az" ? s.availability_zone : s.owner) = *t;
      }
    }
    subnets_.push_back(std::move(s));
  });
}

void topology_reader::read_enis(const YAML::Node& section) {
  each_object(section, "enis", "eni-", [&](const std::string& id, const YAML::Node& key, const YAML::Node& n) {
    network_interface e;
    e.id = id;
    e.origin = origin(key);
    e.interface_type = "interface";
    std::string name;
    check_keys(n, k_eni_keys, "eni " + id);
    for (const auto& kv : n) {
      const std::string k = kv.first.Scalar();
      const YAML::Node& v = kv.second;
      if (k == "addresses" || k == "address" || k == "public") {
        std::size_t i = 0;
        for (const auto& t : texts(v, k)) {
          const YAML::Node at = v.IsSequence() ? v[i] : v;
          ++i;
          auto ip = ip_address::parse(t);
          if (!ip) {
            problem(at, fmt::format("{}: '{}' is not an IP address: ignored", k, t));
            continue;
          }
          auto& into = k == "public" ? e.public_addresses : e.private_addresses;
          if (std::find(into.begin(), into.end(), *ip) == into.end()) into.push_back(*ip);
        }
      } else if (k == "prefixes") {
        bool ok = true;
        e.prefixes = blocks(v, k, ok);
      } else if (k == "groups") {
        e.groups = texts(v, k);
      } else if (k == "requester_managed") {
        if (auto b = flag(v, k)) e.requester_managed = *b;
      } else if (k == "tags") {
        auto t = tag_map(v);
        e.tags.insert(t.begin(), t.end());
      } else {
        // The single-valued keys; unknown ones were reported by check_keys.
        std::string* into = k == "subnet"        ? &e.subnet_id
                            : k == "vpc"         ? &e.vpc_id
                            : k == "instance"    ? &e.instance_id
                            : k == "name"        ? &name
                            : k == "type"        ? &e.interface_type
                            : k == "description" ? &e.description
                            : k == "owner"       ? &e.owner
                                                 : nullptr;
        if (into) {
          if (auto t = text(v, k)) *into = *t;
        }
      }
    }
    enis_.push_back(std::move(e));
    eni_names_.push_back(std::move(name));
  });
}

void topology_reader::read_security_groups(const YAML::Node& section) {
  each_object(section, "security_groups", "sg-",
              [&](const std::string& id, const YAML::Node& key, const YAML::Node& n) {
                security_group g;
                g.id = id;
                g.origin = origin(key);
                check_keys(n, k_sg_keys, "security group " + id);
                bool egress_given = false;
                for (const auto& kv : n) {
                  const std::string k = kv.first.Scalar();
                  const YAML::Node& v = kv.second;
                  if (k == "ingress" || k == "egress") {
                    egress_given = egress_given || k == "egress";
                    if (v.IsNull()) continue;
                    if (!v.IsSequence()) {
                      problem(v, fmt::format("{}: expected a list of rules", k));
                      g.complete = false;
                      continue;
                    }
                    for (const auto& rule : v) {
                      if (!read_sg_rule(rule, k == "egress", g)) g.complete = false;
                    }
                  } else if (k == "tags") {
                    auto t = tag_map(v);
                    g.tags.insert(t.begin(), t.end());
                  } else if (k == "name" || k == "vpc" || k == "owner") {
                    if (auto t = text(v, k)) (k == "name" ? g.name : k == "vpc" ? g.vpc_id : g.owner) = *t;
                  }
                }
                groups_.push_back(std::move(g));
                egress_given_.push_back(egress_given);
              });
}

bool topology_reader::read_sg_rule(const YAML::Node& rule, bool egress, security_group& g) {
  if (!rule.IsMap()) {
    problem(rule, "a rule is a mapping like {proto: tcp, ports: 443, from: 0.0.0.0/0}: skipped");
    return false;
  }
  const std::string_view peer_key = egress ? "to" : "from";
  check_keys(rule, egress ? keys(k_sg_egress_rule_keys) : keys(k_sg_rule_keys),
             egress ? "egress rule" : "ingress rule");
  match_spec m;
  if (!read_match(rule, true, m, "rule skipped")) return false;
  const YAML::Node peers = rule[std::string(peer_key)];
  if (!peers) {
    problem(rule, fmt::format("{} rules name their peers with '{}' (CIDRs, sg-…, pl-…): rule skipped",
                              egress ? "egress" : "ingress", peer_key));
    return false;
  }
  sg_rule base;
  base.egress = egress;
  base.protocol = m.protocol;
  base.icmp = m.icmp;
  base.origin = origin(rule);
  bool ok = true;
  std::size_t i = 0;
  for (const auto& t : texts(peers, peer_key)) {
    const YAML::Node at = peers.IsSequence() ? peers[i] : peers;
    ++i;
    if (t.starts_with("sg-")) {
      base.groups.push_back(t);
    } else if (t.starts_with("pl-")) {
      base.prefix_lists.push_back(t);
    } else {
      std::string error;
      if (auto block = parse_cidr_of(t, ip_family::either, error)) {
        base.cidrs.push_back(*block);
      } else {
        problem(at, fmt::format("{}: {} (a peer is a CIDR, sg-… or pl-…): ignored", peer_key, error));
        ok = false;
      }
    }
  }
  for (const auto& span : m.ports) {
    sg_rule r = base;
    r.ports = span;
    (egress ? g.egress : g.ingress).push_back(std::move(r));
  }
  return ok;
}

void topology_reader::read_network_acls(const YAML::Node& section) {
  each_object(section, "network_acls", "acl-", [&](const std::string& id, const YAML::Node& key, const YAML::Node& n) {
    network_acl acl;
    acl.id = id;
    acl.origin = origin(key);
    check_keys(n, k_acl_keys, "network ACL " + id);
    for (const auto& kv : n) {
      const std::string k = kv.first.Scalar();
      const YAML::Node& v = kv.second;
      if (k == "ingress" || k == "egress" || k == "entries") {
        if (v.IsNull()) continue;
        if (!v.IsSequence()) {
          problem(v, fmt::format("{}: expected a list of entries", k));
          acl.complete = false;
          continue;
        }
        const entry_list list = k == "entries" ? entry_list::entries : k == "egress" ? entry_list::egress : entry_list::ingress;
        for (const auto& e : v) {
          if (!read_entry(e, list, acl)) acl.complete = false;
        }
      } else if (k == "subnets") {
        acl.subnets = texts(v, k);
      } else if (k == "default") {
        if (auto b = flag(v, k)) acl.is_default = *b;
      } else if (k == "tags") {
        auto t = tag_map(v);
        acl.tags.insert(t.begin(), t.end());
      } else if (k == "name") {
        if (auto t = text(v, k)) acl.tags["Name"] = *t;
      } else if (k == "vpc" || k == "owner") {
        if (auto t = text(v, k)) (k == "vpc" ? acl.vpc_id : acl.owner) = *t;
      }
    }
    acls_.push_back(std::move(acl));
  });
}

bool topology_reader::read_entry(const YAML::Node& e, entry_list list, network_acl& acl) {
  if (!e.IsMap()) {
    problem(e, "an entry is a mapping like {rule: 100, action: allow, proto: tcp, ports: 443, cidr: 0.0.0.0/0}: skipped");
    return false;
  }
  check_keys(e, k_entry_keys, "network ACL entry");
  nacl_entry entry;
  entry.origin = origin(e);
  const auto fail = [&](const YAML::Node& at, std::string message) {
    problem(at, message + ": entry skipped");
    return false;
  };
  if (const auto in = e["egress"]) {
    if (list != entry_list::entries) return fail(in, "egress: only in 'entries' (this list already says the direction)");
    auto b = flag(in, "egress");
    if (!b) return fail(in, "egress");
    entry.egress = *b;
  } else {
    entry.egress = list == entry_list::egress;
  }
  const auto rule = e["rule"];
  if (!rule || !rule.IsScalar()) return fail(rule ? rule : e, "rule: a number 1-32766, or '*' for the default entry");
  if (rule.Scalar() != "*" && rule.Scalar() != "default") {
    const auto number = to_integer(rule.Scalar());
    if (!number || *number < 1 || *number > 32767) {
      return fail(rule, fmt::format("rule '{}' is not 1-32766 or '*'", rule.Scalar()));
    }
    if (*number != 32767) entry.rule_number = static_cast<int>(*number);
  }
  const auto action = e["action"];
  if (!action || !action.IsScalar() || (action.Scalar() != "allow" && action.Scalar() != "deny")) {
    return fail(action ? action : e, "action: allow or deny");
  }
  entry.allow = action.Scalar() == "allow";
  match_spec m;
  if (!read_match(e, false, m, "entry skipped")) return false;
  entry.protocol = m.protocol;
  entry.ports = m.ports.front();
  entry.icmp = m.icmp;
  const auto block = e["cidr"];
  if (!block) return fail(e, "cidr: every entry needs one (0.0.0.0/0 or ::/0 for anywhere)");
  if (!block.IsScalar()) return fail(block, "cidr: expected a single value");
  std::string error;
  entry.block = parse_cidr_of(block.Scalar(), ip_family::either, error);
  if (!entry.block) return fail(block, "cidr: " + error);
  acl.entries.push_back(std::move(entry));
  return true;
}

void topology_reader::read_prefix_lists(const YAML::Node& section) {
  each_object(section, "prefix_lists", "pl-", [&](const std::string& id, const YAML::Node& key, const YAML::Node& n) {
    prefix_list p;
    p.id = id;
    p.origin = origin(key);
    check_keys(n, k_list_keys, "prefix list " + id);
    for (const auto& kv : n) {
      const std::string k = kv.first.Scalar();
      if (k == "cidrs") {
        bool ok = true;
        p.entries = blocks(kv.second, k, ok);
        p.entries_known = true;
        p.complete = ok;
      } else if (k == "aws_service") {
        if (auto b = flag(kv.second, k)) p.aws_service = *b;
      } else if (k == "name" || k == "owner" || k == "family") {
        if (auto t = text(kv.second, k)) (k == "name" ? p.name : k == "owner" ? p.owner : p.address_family) = *t;
      }
    }
    lists_.push_back(std::move(p));
  });
}

void topology_reader::read_flow_logs(const YAML::Node& section) {
  each_object(section, "flow_logs", "fl-", [&](const std::string& id, const YAML::Node& key, const YAML::Node& n) {
    flow_log_config f;
    f.id = id;
    f.origin = origin(key);
    f.traffic_type = "ALL";
    check_keys(n, k_flow_log_keys, "flow log " + id);
    for (const auto& kv : n) {
      const std::string k = kv.first.Scalar();
      auto t = std::find(k_flow_log_keys.begin(), k_flow_log_keys.end(), k) != k_flow_log_keys.end()
                   ? text(kv.second, k)
                   : std::nullopt;
      if (!t) continue;
      if (k == "resource") {
        f.resource_id = *t;
      } else if (k == "traffic") {
        if (*t != "ALL" && *t != "ACCEPT" && *t != "REJECT") problem(kv.second, "traffic: ALL, ACCEPT or REJECT: ignored");
        else f.traffic_type = *t;
      } else if (k == "format") {
        f.log_format = *t;
      } else if (k == "interval") {
        if (*t != "60" && *t != "600") problem(kv.second, "interval: 60 or 600 (seconds): ignored");
        else f.max_aggregation_interval = *t == "60" ? 60 : 600;
      } else if (k == "destination") {
        f.destination = *t;
      }
    }
    flow_logs_.push_back(std::move(f));
  });
}

// --- defaults and hand-over ------------------------------------------------------------------------

const vpc* topology_reader::find_vpc(const std::string& id) const {
  for (const auto& v : vpcs_) {
    if (v.id == id) return &v;
  }
  const auto it = sink_.topo().vpcs.find(id);
  return it == sink_.topo().vpcs.end() ? nullptr : &it->second;
}

bool topology_reader::vpc_has_ipv6(const std::string& id) const {
  const vpc* v = find_vpc(id);
  return v && std::any_of(v->cidrs.begin(), v->cidrs.end(), [](const cidr& c) { return !c.is_v4(); });
}

void topology_reader::finish() {
  const std::string only_vpc = vpcs_.size() == 1 ? vpcs_.front().id : std::string();
  const auto subnet_vpc = [&](const std::string& subnet_id) -> std::string {
    for (const auto& s : subnets_) {
      if (s.id == subnet_id) return s.vpc_id;
    }
    const auto it = sink_.topo().subnets.find(subnet_id);
    return it == sink_.topo().subnets.end() ? std::string() : it->second.vpc_id;
  };
  const auto fill = [&](std::string& field, const std::string& value) {
    if (field.empty()) field = value;
  };

  for (auto& v : vpcs_) fill(v.owner, account_);
  for (auto& s : subnets_) {
    fill(s.vpc_id, only_vpc);
    fill(s.owner, account_);
  }
  for (auto& e : enis_) {
    if (e.subnet_id.empty() && !e.private_addresses.empty()) {
      // The most specific subnet of this file holding the primary address.
      const subnet* best = nullptr;
      int best_bits = -1;
      for (const auto& s : subnets_) {
        for (const auto& c : s.cidrs) {
          if (c.contains(e.private_addresses.front()) && c.prefix > best_bits) {
            best = &s;
            best_bits = c.prefix;
          }
        }
      }
      if (best) e.subnet_id = best->id;
    }
    fill(e.vpc_id, subnet_vpc(e.subnet_id));
    fill(e.vpc_id, only_vpc);
    fill(e.owner, account_);
  }
  for (std::size_t i = 0; i < groups_.size(); ++i) {
    auto& g = groups_[i];
    fill(g.vpc_id, only_vpc);
    fill(g.owner, account_);
    if (!egress_given_[i]) {
      // What AWS gives a new group: all traffic out, to IPv6 too when the VPC has it.
      sg_rule all;
      all.egress = true;
      all.cidrs.push_back(*cidr::parse("0.0.0.0/0"));
      if (vpc_has_ipv6(g.vpc_id)) all.cidrs.push_back(*cidr::parse("::/0"));
      all.origin = g.origin;
      g.egress.push_back(std::move(all));
    }
  }
  for (auto& acl : acls_) {
    if (!acl.subnets.empty()) fill(acl.vpc_id, subnet_vpc(acl.subnets.front()));
    fill(acl.vpc_id, only_vpc);
    fill(acl.owner, account_);
    // AWS lists the `*` entries of every ACL; add them unless the file wrote its own.
    for (const bool egress : {false, true}) {
      const bool has_star = std::any_of(acl.entries.begin(), acl.entries.end(), [&](const nacl_entry& e) {
        return e.egress == egress && !e.rule_number;
      });
      if (has_star) continue;
      for (const char* block : {"0.0.0.0/0", "::/0"}) {
        if (block[0] == ':' && !vpc_has_ipv6(acl.vpc_id)) continue;
        nacl_entry star;
        star.egress = egress;
        star.block = cidr::parse(block);
        star.origin = acl.origin;
        acl.entries.push_back(std::move(star));
      }
    }
  }
  for (auto& p : lists_) {
    if (!p.aws_service) fill(p.owner, account_);
  }

  sink_.source("topology-yaml");
  if (!vpcs_.empty()) sink_.source("vpcs");
  if (!subnets_.empty()) sink_.source("subnets");
  if (!enis_.empty()) sink_.source("network-interfaces");
  if (!groups_.empty()) sink_.source("security-groups");
  if (!acls_.empty()) sink_.source("network-acls");
  if (!flow_logs_.empty()) sink_.source("flow-logs");
  for (const auto& p : lists_) {
    if (p.aws_service) sink_.source("prefix-lists");
    else sink_.source("managed-prefix-lists");
    if (!p.aws_service && p.entries_known) sink_.source("prefix-list-entries");
  }

  // An ENI's `name` is its instance's Name tag when it has an instance, else its own.
  std::map<std::string, instance> instances;
  for (std::size_t i = 0; i < enis_.size(); ++i) {
    auto& e = enis_[i];
    if (e.instance_id.empty()) {
      if (!eni_names_[i].empty()) e.tags["Name"] = eni_names_[i];
      continue;
    }
    auto& inst = instances[e.instance_id];
    if (inst.id.empty()) {
      inst.id = e.instance_id;
      inst.origin = e.origin;
    }
    if (!eni_names_[i].empty()) inst.name = eni_names_[i];
    inst.enis.push_back(e.id);
  }
  if (!instances.empty()) sink_.source("instances");

  for (auto& v : vpcs_) sink_.put(std::move(v));
  for (auto& s : subnets_) sink_.put(std::move(s));
  for (auto& e : enis_) sink_.put(std::move(e));
  for (auto& [id, inst] : instances) sink_.put(std::move(inst));
  for (auto& g : groups_) sink_.put(std::move(g));
  for (auto& a : acls_) sink_.put(std::move(a));
  for (auto& p : lists_) sink_.put(std::move(p));
  for (auto& f : flow_logs_) sink_.put(std::move(f));
}

void topology_reader::read(const YAML::Node& root) {
  if (!root.IsMap()) {
    sink_.fatal(root.IsDefined() && !root.IsNull() ? pos(root) : "",
                "a topology file is a mapping of vpcs, subnets, enis, security_groups, network_acls, …");
    return;
  }
  bool any = false;
  for (const auto& kv : root) {
    const std::string k = kv.first.Scalar();
    if (std::find(k_describe_keys.begin(), k_describe_keys.end(), k) != k_describe_keys.end()) {
      sink_.fatal(pos(kv.first), fmt::format("'{}' is describe-* output printed as YAML: run the command with "
                                             "--output json and give flowsleuth the JSON",
                                             k));
      return;
    }
  }
  check_keys(root, k_top_keys, "topology");
  for (const auto& kv : root) {
    const std::string k = kv.first.Scalar();
    const YAML::Node& v = kv.second;
    if (k == "account") {
      if (auto t = text(v, k)) account_ = *t;
    } else if (k == "vpcs") {
      read_vpcs(v);
    } else if (k == "subnets") {
      read_subnets(v);
    } else if (k == "enis") {
      read_enis(v);
    } else if (k == "security_groups") {
      read_security_groups(v);
    } else if (k == "network_acls") {
      read_network_acls(v);
    } else if (k == "prefix_lists") {
      read_prefix_lists(v);
    } else if (k == "flow_logs") {
      read_flow_logs(v);
    } else {
      continue;
    }
    any = any || k != "account";
  }
  if (!any) {
    sink_.problem("", "not a topology file: no vpcs, subnets, enis, security_groups, network_acls, prefix_lists "
                      "or flow_logs");
    return;
  }
  finish();
}

}  // namespace

void read_topology_yaml(std::string_view content, config_sink& sink) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(content));
  } catch (const YAML::Exception& e) {
    sink.fatal(fmt::format("{}:{}", e.mark.line + 1, e.mark.column + 1), e.msg);
    return;
  }
  topology_reader(sink).read(root);
}

}  // namespace flowsleuth::detail
