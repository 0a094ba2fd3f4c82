// explain-path: which security-group or network-ACL check stops one connection, from the configuration
// alone (no logs). Parses the endpoint syntax, loads the config, and hands everything else to the library.

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fmt/format.h>
#include <stdexcept>

#include "cli/cli_common.hpp"
#include "flowsleuth/config_loader.hpp"
#include "flowsleuth/correlate.hpp"
#include "flowsleuth/enforcement.hpp"

namespace flowsleuth::cli {
namespace {

/// `--to` split into its parts; the protocol is resolved later, once the address family is known.
struct destination {
  ip_address ip;
  std::optional<std::uint16_t> port;
  std::optional<std::uint8_t> protocol;
};

std::uint16_t port_number(std::string_view text, std::string_view what) {
  if (text.empty() || text.size() > 5 || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    throw usage_error(fmt::format("{}: '{}' is not a port number (0-65535)", what, text));
  }
  const unsigned long v = std::stoul(std::string(text));
  if (v > 65535) throw usage_error(fmt::format("{}: port {} is above 65535", what, v));
  return static_cast<std::uint16_t>(v);
}

destination parse_destination(const std::string& text) {
  const std::string where = fmt::format("--to '{}'", text);
  std::string_view rest = text;
  destination d;
  // The protocol comes last, after the only '/' (an address never holds one; a CIDR is not a destination).
  if (const auto slash = rest.rfind('/'); slash != std::string_view::npos) {
    std::string name(rest.substr(slash + 1));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    d.protocol = parse_protocol(name);
    if (!d.protocol) {
      throw usage_error(fmt::format("{}: '{}' is not a protocol (tcp, udp, icmp, icmpv6 or a number 0-255)", where, name));
    }
    rest = rest.substr(0, slash);
  }
  std::string_view host = rest;
  if (!rest.empty() && rest.front() == '[') {
    // [IPv6]:PORT, the URL convention, because a bare IPv6 address already contains colons.
    const auto close = rest.find(']');
    if (close == std::string_view::npos) throw usage_error(fmt::format("{}: '[' without ']'", where));
    host = rest.substr(1, close - 1);
    const auto after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') throw usage_error(fmt::format("{}: expected ':PORT' after ']'", where));
      d.port = port_number(after.substr(1), where);
    }
  } else if (std::count(rest.begin(), rest.end(), ':') == 1) {
    const auto colon = rest.find(':');
    host = rest.substr(0, colon);
    d.port = port_number(rest.substr(colon + 1), where);
  }
  const auto ip = ip_address::parse(host);
  if (!ip) {
    throw usage_error(fmt::format("{}: '{}' is not an IP address (write IP:PORT/PROTO, [IPv6]:PORT/PROTO or IP/icmp)",
                                  where, host));
  }
  d.ip = *ip;
  return d;
}

template <typename T>
T bounded(int v, int max, std::string_view option) {
  if (v < 0 || v > max) throw usage_error(fmt::format("{} must be 0-{}", option, max));
  return static_cast<T>(v);
}

}  // namespace

int run_explain_path(int argc, char** argv) {
  std::vector<std::string> configs;
  std::string from, to, ephemeral, output = "text";
  int client_port = -1, icmp_type = -1, icmp_code = -1;
  bool no_color = false;
  po::options_description desc("explain-path options");
  desc.add_options()
      ("config", po::value(&configs)->value_name("PATH"),
       "describe-* JSON or YAML topology, a file or a directory (repeatable; required)")
      ("from", po::value(&from)->value_name("IP"), "the client's address (required)")
      ("to", po::value(&to)->value_name("IP:PORT/PROTO"),
       "the server: 10.0.2.7:5432/tcp, 10.0.2.7:5432 (tcp), [2600:1f18::7]:443/tcp, 10.0.2.7:53/udp, "
       "10.0.2.7/icmp (required)")
      ("client-port", po::value(&client_port)->value_name("N"),
       "the client's source port (tcp/udp); without it replies are checked over the whole --ephemeral range")
      ("ephemeral", po::value(&ephemeral)->value_name("RANGE"),
       "the client's port range: all (1024-65535, default; NAT gateways and load balancers), linux "
       "(32768-60999), windows (49152-65535) or FROM-TO; replies are checked over it and a NACL fix opens it")
      ("icmp-type", po::value(&icmp_type)->value_name("T"), "icmp/icmpv6: the request's type (default echo: 8, ICMPv6 128)")
      ("icmp-code", po::value(&icmp_code)->value_name("C"), "icmp/icmpv6: the request's code (default 0)")
      ("output,o", po::value(&output)->value_name("text|json"),
       "text (default) or json: the flowsleuth/explain-path/v1 object (docs/cli.md)")
      ("no-color", po::bool_switch(&no_color), "plain text on a terminal (the text has no colour yet)")
      ("help,h", "show this help");
  const std::string usage =
      "usage: flowsleuth explain-path --config PATH [--config PATH]... --from IP --to IP:PORT/PROTO [options]\n\n"
      "Walks the security-group and network-ACL checks of one connection both ways — request and reply —\n"
      "from the configuration alone (no logs), says which check stops it with the exact NACL entry or the\n"
      "groups missing an allow, and prints the smallest rule that fixes it with its aws ec2 command.\n"
      "ICMP and IPv6 included. Routing (route tables, gateways, Block Public Access) is not evaluated.\n\n"
      "exit codes: 0 allowed both ways · 1 not allowed (a check denies it, admits only some client ports,\n"
      "or cannot be decided for missing configuration) · 2 usage or input error";
  const std::string examples =
      "examples:\n"
      "  flowsleuth explain-path --config fixtures/config/broken-vpc --from 10.20.1.10 --to 10.20.2.12:8080/tcp\n"
      "  flowsleuth explain-path --config vpc.yaml --from 10.20.2.21 --to 10.20.3.10:5432 --ephemeral windows\n"
      "  flowsleuth explain-path --config describe/ --from 198.51.100.23 --to 10.20.2.11/icmp\n"
      "  flowsleuth explain-path --config describe/ --from 2001:db8::5 --to '[2a05:d018:9a4:ee01::10]:443/tcp'\n"
      "  flowsleuth explain-path --config describe/ --from 10.0.1.5 --to 10.0.2.7:5432 --output json | jq .fixes\n"
      "  flowsleuth explain-path --config describe/ --from 10.0.1.5 --to 10.0.2.7:5432 && echo open\n";
  po::variables_map vm;
  if (!parse_command_line(argc, argv, desc, usage, examples, vm)) return exit_ok;
  (void)no_color;  // accepted so scripts can pass it to every command; the text is plain today
  if (vm.count("input")) {
    throw usage_error(fmt::format("unexpected argument '{}' (see --help)",
                                  vm["input"].as<std::vector<std::string>>().front()));
  }
  if (configs.empty()) throw usage_error("--config PATH is required: describe-* JSON or a YAML topology");
  if (from.empty()) throw usage_error("--from IP is required");
  if (to.empty()) throw usage_error("--to IP:PORT/PROTO is required");
  if (output != "text" && output != "json") throw usage_error("--output must be text or json");

  path_query q;
  const auto client = ip_address::parse(from);
  if (!client) throw usage_error(fmt::format("--from '{}': not an IP address (the client port goes in --client-port)", from));
  q.client = *client;
  const destination dst = parse_destination(to);
  q.server = dst.ip;
  // A bare address with a port is tcp, the common case; `/icmp` towards IPv6 means ICMPv6, as AWS
  // rules spell it (protocol 58), since ICMPv4 cannot reach an IPv6 address.
  q.protocol = dst.protocol.value_or(6);
  if (q.protocol == 1 && dst.ip.is_v6()) q.protocol = 58;
  if (q.protocol == 58 && dst.ip.is_v4()) throw usage_error(fmt::format("--to '{}': icmpv6 needs an IPv6 address", to));
  const bool ported = q.protocol == 6 || q.protocol == 17;
  const bool icmp = q.protocol == 1 || q.protocol == 58;
  const std::string proto = protocol_name(q.protocol);
  if (ported && !dst.port) {
    throw usage_error(fmt::format("--to '{}': {} needs a port, as in {}:PORT/{}", to, proto,
                                  dst.ip.is_v6() ? fmt::format("[{}]", dst.ip.to_string()) : dst.ip.to_string(), proto));
  }
  if (!ported && dst.port) throw usage_error(fmt::format("--to '{}': {} has no ports", to, proto));
  q.server_port = dst.port;
  if (vm.count("client-port")) {
    if (!ported) throw usage_error(fmt::format("--client-port applies to tcp and udp, not {}", proto));
    q.client_port = bounded<std::uint16_t>(client_port, 65535, "--client-port");
  }
  if ((vm.count("icmp-type") || vm.count("icmp-code")) && !icmp) {
    throw usage_error(fmt::format("--icmp-type and --icmp-code apply to icmp and icmpv6, not {}", proto));
  }
  if (icmp) {
    q.icmp_type = vm.count("icmp-type") ? bounded<std::uint8_t>(icmp_type, 255, "--icmp-type")
                                        : (q.protocol == 58 ? std::uint8_t{128} : std::uint8_t{8});
    q.icmp_code = vm.count("icmp-code") ? bounded<std::uint8_t>(icmp_code, 255, "--icmp-code") : std::uint8_t{0};
  }
  fix_options fixes;
  if (!ephemeral.empty()) {
    const auto range = parse_ephemeral_range(ephemeral);
    if (!range) throw usage_error(fmt::format("--ephemeral '{}': use all, linux, windows or FROM-TO", ephemeral));
    q.ephemeral = *range;
    fixes.return_ports = *range;
  }

  std::vector<std::string> problems;
  const config_load_result config = load_config_or_fail(configs, &problems);
  const auto& topo = config.topo;
  const bool anything = !topo.vpcs.empty() || !topo.subnets.empty() || !topo.enis.empty() || !topo.nacls.empty() ||
                        !topo.security_groups.empty();
  if (!anything) {
    throw usage_error("--config: no VPC, subnet, ENI, network ACL or security group described: nothing to evaluate");
  }

  path_result result;
  try {
    result = explain_path(topo, q);
  } catch (const std::invalid_argument& e) {
    throw usage_error(fmt::format("--from {} --to {}: {}", from, to, e.what()));
  }
  suggest_fixes(topo, result, fixes);
  const std::string out = output == "json" ? render_path_json(result, problems) : render_path_text(result);
  std::fputs(out.c_str(), stdout);
  std::fflush(stdout);
  return result.outcome == check_outcome::allowed ? exit_ok : exit_findings;
}

}  // namespace flowsleuth::cli
