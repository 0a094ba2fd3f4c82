#include <cstdio>
#include <filesystem>
#include <fmt/format.h>

#include "cli/cli_common.hpp"
#include "util/plural.hpp"
#include "flowsleuth/config_check.hpp"
#include "flowsleuth/config_loader.hpp"
#include "flowsleuth/consumer_pair.hpp"
#include "flowsleuth/correlate.hpp"
#include "flowsleuth/diagnose.hpp"
#include "flowsleuth/report.hpp"

namespace flowsleuth::cli {
int run_diagnose(int argc, char** argv) {
  reading_options o;
  std::string output = "text", fail_on, traffic_type;
  std::vector<std::string> clients, servers, enis, rule_dirs, config_paths;
  std::string ephemeral = "all";
  std::string protocol, suppress_file;
  int port = -1;
  bool all = false, explain = false;
  po::options_description desc("diagnose options");
  desc.add_options()
      ("output,o", po::value(&output)->value_name("text|json|markdown|dot"),
       "text (default), json (the flowsleuth/report/v1 contract), markdown (for a ticket) or dot (Graphviz)")
      ("client", po::value(&clients)->value_name("CIDR"), "only connections whose client is in CIDR (repeatable)")
      ("server", po::value(&servers)->value_name("CIDR"), "only connections whose server is in CIDR (repeatable)")
      ("port", po::value(&port)->value_name("N"), "only connections to server port N")
      ("protocol", po::value(&protocol)->value_name("P"), "tcp, udp, icmp, icmpv6 or a protocol number")
      ("eni", po::value(&enis)->value_name("ENI"), "only connections seen by this ENI (repeatable)")
      ("all", po::bool_switch(&all), "list healthy flows and connections too")
      ("explain", po::bool_switch(&explain), "text: after each listed flow, the rules that matched its facts and why the winner won")
      ("fail-on", po::value(&fail_on)->value_name("blocked|suspicious"),
       "exit with code 1 when a flow is blocked (blocked), or anything but ok/late-packets/not-captured (suspicious)")
      ("traffic-type", po::value(&traffic_type)->value_name("ALL|ACCEPT|REJECT"),
       "what the flow logs capture, when known: ALL lets verdicts that rest on a missing record be certain")
      ("config", po::value(&config_paths)->value_name("PATH"),
       "aws ec2 describe-* JSON or a topology YAML (file or directory, repeatable): name the exact NACL entry or "
       "missing security-group allow, propose the fix, report drift; ENI addresses replace learned ones")
      ("ephemeral", po::value(&ephemeral)->value_name("RANGE"),
       "with --config: client ports a return-traffic fix opens: all (1024-65535, default), linux, windows or FROM-TO")
      ("rules", po::value(&rule_dirs)->value_name("DIR"), "add or override rules from DIR (repeatable)")
      ("suppress", po::value(&suppress_file)->value_name("FILE"),
       "leave out known-benign flows listed in FILE (YAML: - {client, server, port, protocol, verdict, reason})");
  add_reading_options(desc, o);
  po::variables_map vm;
  const std::string usage =
      "usage: flowsleuth diagnose [options] INPUT...\n\n"
      "Pairs both directions of every connection across the ENIs that logged it and says which layer blocked\n"
      "it — security group, network ACL, Block Public Access, the host, or routing / an unlogged peer — with\n"
      "the evidence lines, an honest confidence, and the fix.";
  const std::string examples =
      "examples:\n"
      "  flowsleuth diagnose AWSLogs/123456789012/vpcflowlogs/eu-west-1/2026/11/17/\n"
      "  flowsleuth diagnose --server 10.20.3.0/24 --port 5432 --since 2026-11-17T14:00Z logs/\n"
      "  flowsleuth diagnose --output json --fail-on blocked captured/ > report.json\n"
      "  flowsleuth diagnose --config describe-output/ logs/\n";
  if (!parse_command_line(argc, argv, desc, usage, examples, vm)) return exit_ok;
  if (vm.count("input")) o.inputs = vm["input"].as<std::vector<std::string>>();
  if (output != "text" && output != "json" && output != "markdown" && output != "dot") {
    throw usage_error("--output must be text, json, markdown or dot");
  }
  if (!fail_on.empty() && fail_on != "blocked" && fail_on != "suspicious") {
    throw usage_error("--fail-on must be blocked or suspicious");
  }
  if (!traffic_type.empty() && traffic_type != "ALL" && traffic_type != "ACCEPT" && traffic_type != "REJECT") {
    throw usage_error("--traffic-type must be ALL, ACCEPT or REJECT");
  }
  const auto ephemeral_range = parse_ephemeral_range(ephemeral);
  if (!ephemeral_range) throw usage_error("--ephemeral must be all, linux, windows or FROM-TO (e.g. 32768-60999)");
  diagnose_filters filters;
  for (const auto& c : clients) {
    auto range = cidr::parse(c);
    if (!range) throw usage_error(fmt::format("--client '{}': not an address or CIDR", c));
    filters.client.push_back(*range);
  }
  for (const auto& c : servers) {
    auto range = cidr::parse(c);
    if (!range) throw usage_error(fmt::format("--server '{}': not an address or CIDR", c));
    filters.server.push_back(*range);
  }
  if (vm.count("port")) {
    if (port < 0 || port > 65535) throw usage_error("--port must be 0-65535");
    filters.port = static_cast<std::uint16_t>(port);
  }
  if (!protocol.empty()) {
    filters.protocol = parse_protocol(protocol);
    if (!filters.protocol) {
      throw usage_error(fmt::format("--protocol '{}': use tcp, udp, icmp, icmpv6 or a number", protocol));
    }
  }
  filters.enis = enis;
  if (!suppress_file.empty()) {
    std::vector<std::string> errors;
    filters.suppressions = load_suppressions(suppress_file, errors);
    if (!errors.empty()) {
      std::string all_errors;
      for (const auto& e : errors) all_errors += "\n  " + e;
      throw usage_error("--suppress: the file has problems:" + all_errors);
    }
  }

  std::vector<std::string> dirs{default_rules_dir(argv[0])};
  dirs.insert(dirs.end(), rule_dirs.begin(), rule_dirs.end());
  rule_pack pack = load_rule_pack(dirs);
  if (!pack.ok()) {
    std::fputs(render_diagnostics_text(pack.diagnostics, style_for_stderr(o).color).c_str(), stderr);
    throw usage_error("the rule pack has errors (see above; `flowsleuth rules validate` checks it)");
  }
  const rule_matcher matcher(std::move(pack.rules));

  correlate_options copts;
  copts.traffic_type_all = traffic_type == "ALL";
  // Resolution and rule matching beside the merge: on big inputs they are half of the serial work.
  copts.resolve_in_background = o.threads != 1;
  std::optional<config_load_result> config;
  std::unique_ptr<config_checker> checker;
  if (!config_paths.empty()) {
    config = load_config_or_fail(config_paths);
    checker = std::make_unique<config_checker>(config->topo, *ephemeral_range);
    copts.enis = checker->enis();
    // describe-flow-logs says what the logs capture, unless --traffic-type said it already.
    if (traffic_type.empty() && checker->traffic_type_all().value_or(false)) copts.traffic_type_all = true;
    // CloudWatch Logs events carry no header line: their flow log's LogFormat says what the columns are.
    if (o.log_format.empty()) {
      if (const auto* fl = checker->cloudwatch_log_format()) {
        o.log_format = fl->log_format;
        std::fprintf(stderr, "note: inputs without a header line are read with the LogFormat of %s (%s)\n",
                     fl->id.c_str(), fl->destination.c_str());
      }
    }
  }
  auto prepared = prepare(o);
  // Half-size blocks: a diagnose block in flight also holds its parsed observations, and on 10 M records
  // 2 MB blocks peaked ~15 MB lower than 4 MB ones for at most a few per cent more CPU (inspect keeps
  // 4 MB, where smaller blocks were slower).
  prepared.options.block_bytes = std::size_t{2} << 20;
  inspect_consumer counts;
  // The correlator's pooled connections and the findings are the last big structures alive, freed
  // one small object at a time when this function returns: half a second on big inputs, for a
  // process that ends right after. They are released to the OS at exit instead (see the end).
  auto corr_owner = std::make_unique<correlator>(copts);
  correlator& corr = *corr_owner;
  // Only the JSON report lists connections; the others show flows, so big inputs need not keep them.
  diagnosis_builder builder(matcher, filters, all, output == "json");
  if (checker) builder.use_config(*checker);
  // Flow counters and findings on a thread of their own too: with resolution beside the merge, three
  // stages share the two cores more evenly than two.
  if (copts.resolve_in_background) builder.add_in_background();
  const auto add = [&](connection&& c) { builder.add(std::move(c)); };
  corr.resolve_as_you_go(add, prepared.inputs);
  corr.fill_details_only_for([&](const connection& c) { return builder.needs_detail(c); },
                             [&](const connection_brief& b) { builder.add(b); });
  consumer_pair both(counts, corr);
  const ingest_report report = ingest(prepared.inputs, prepared.options, both);
  const inspect_summary summary = counts.summary();
  corr.finish(add);
  auto d_owner = std::make_unique<const diagnosis>(builder.finish());
  const diagnosis& d = *d_owner;
  report_options ro;
  ro.all = all;
  ro.style = style_for_stdout(o);
  ro.threads = o.threads == 1 ? 1 : 2;  // 0: all cores (two halves are all the text report splits into)
  if (output == "json") {
    write_report_json(stdout, d, report, summary, ro);
  } else if (output == "markdown") {
    write_report_markdown(stdout, d, report, summary, ro);
  } else if (output == "dot") {
    std::fputs(render_report_dot(d, ro).c_str(), stdout);
  } else {
    write_report_text(stdout, d, report, summary, ro);
    if (explain) {
      for (const auto& f : d.flows) {
        if (!all && f.outcome == verdict::ok) continue;
        std::printf("\n--explain %s %s → %s%s\n%s", protocol_name(f.protocol).c_str(), f.client.ip.to_string().c_str(),
                    f.server.ip.to_string().c_str(), f.server.port ? fmt::format(":{}", *f.server.port).c_str() : "",
                    matcher.explain(f.facts ? *f.facts : fact_set{}).to_text().c_str());
      }
    }
  }
  std::fflush(stdout);
  if (corr.late_records() > 0) {
    const auto n = corr.late_records();
    std::fprintf(stderr,
                 "warning: %s older than connections already resolved: the inputs are not in time order, so "
                 "some connections may be split (name files or directories in time order)\n",
                 (detail::counted(n, "record") + (n == 1 ? " was" : " were")).c_str());
  }
  // After the report, beside the reading problems. Read but in no connection: said, so that "no
  // blocked flows" is not taken for a clean bill.
  if (const auto n = corr.records_without_interface()) {
    std::fprintf(stderr,
                 "note: %s no interface (${interface-id}) and %s in no connection: records cannot be placed "
                 "without the ENI that logged them\n",
                 (detail::counted(n, "flow record") + (n == 1 ? " names" : " name")).c_str(), n == 1 ? "is" : "are");
  }
  if (const auto n = corr.records_without_endpoints()) {
    std::string fields;
    for (const auto f : corr.missing_endpoint_fields()) fields += fmt::format("{}${{{}}}", fields.empty() ? "" : ", ", f);
    std::fprintf(stderr,
                 "note: %s no %s and %s in no connection: the log format must include srcaddr, dstaddr and "
                 "protocol for a diagnosis\n",
                 (detail::counted(n, "flow record") + (n == 1 ? " has" : " have")).c_str(), fields.c_str(),
                 n == 1 ? "is" : "are");
  }
  // What reading noticed about a file (`inspect` lists it too): a file no line of which fits the
  // default format needs --log-format, and the report alone would only count skipped lines.
  for (const auto& f : report.files) {
    for (const auto& n : f.notes) std::fprintf(stderr, "%s: note: %s\n", f.path.c_str(), n.c_str());
  }
  report_problems(report, o);
  // Deliberately not freed (see corr_owner): the process ends once this function returns.
  (void)corr_owner.release();
  (void)d_owner.release();
  const int code = ingest_exit_code(report, o);
  if (code != exit_ok) return code;
  if (!fail_on.empty()) {
    for (const auto& f : d.flows) {
      const bool bad = fail_on == "blocked" ? f.outcome == verdict::blocked
                                            : !(f.outcome == verdict::ok || f.outcome == verdict::late_packets ||
                                                f.outcome == verdict::not_captured);
      if (bad) return exit_findings;
    }
  }
  return exit_ok;
}

}  // namespace flowsleuth::cli
