#include <cstdio>
#include <iostream>

#include "cli/cli_common.hpp"
#include "flowsleuth/inspect.hpp"

namespace flowsleuth::cli {

int run_inspect(int argc, char** argv) {
  reading_options o;
  std::string output = "text";
  po::options_description desc("inspect options");
  desc.add_options()("output,o", po::value(&output)->value_name("text|json"),
                     "text (default) or json: the flowsleuth/inspect/v1 contract");
  add_reading_options(desc, o);
  po::variables_map vm;
  const std::string usage =
      "usage: flowsleuth inspect [options] INPUT...\n\n"
      "Shows what was read: files and their layouts, records per action and log-status, ENIs, the time range,\n"
      "NODATA/SKIPDATA windows per ENI, and every skipped line with file, line and field.\n"
      "INPUT: files (.log, .gz, CloudWatch JSON or CSV exports), directories (read recursively), or '-'.";
  const std::string examples =
      "examples:\n"
      "  flowsleuth inspect AWSLogs/123456789012/vpcflowlogs/us-east-1/2024/05/01/\n"
      "  flowsleuth inspect --output json --strict flows.log.gz\n"
      "  flowsleuth inspect --log-format '${version} ${interface-id} ${srcaddr} ${dstaddr} ${action}' export.json\n"
      "  aws logs filter-log-events --log-group-name vpc-flow | flowsleuth inspect -\n";
  if (!parse_command_line(argc, argv, desc, usage, examples, vm)) return exit_ok;
  if (vm.count("input")) o.inputs = vm["input"].as<std::vector<std::string>>();
  if (output != "text" && output != "json") throw usage_error("--output must be text or json");

  auto prepared = prepare(o);
  inspect_consumer consumer;
  const ingest_report report = ingest(prepared.inputs, prepared.options, consumer);
  const inspect_summary summary = consumer.summary();
  if (output == "json") {
    std::fputs(render_inspect_json(report, summary).c_str(), stdout);
    report_problems(report, o);
  } else {
    std::fputs(render_inspect_text(report, summary, style_for_stdout(o)).c_str(), stdout);
  }
  std::fflush(stdout);
  return ingest_exit_code(report, o);
}

}  // namespace flowsleuth::cli
