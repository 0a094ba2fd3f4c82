// flowsleuth: thin entry point. Subcommands live in cmd_*.cpp; this maps errors to exit codes.

#include <cstdio>
#include <cstring>
#include <exception>
#include <fmt/format.h>
#include <string_view>

#include "cli/cli_common.hpp"

namespace {

constexpr const char* top_help =
    "flowsleuth — which layer blocked a connection, and why, from AWS VPC Flow Logs\n\n"
    "usage: flowsleuth COMMAND [options] INPUT...\n\n"
    "commands:\n"
    "  diagnose      which layer blocked each connection, and why (the main job)\n"
    "  inspect       what was read: files, layouts, records per action and status, ENIs, gaps, skipped lines\n"
    "  records       normalized records as NDJSON or CSV, for other tools\n"
    "  rules         list, show or validate the YAML rule pack\n"
    "  explain-path  which security group or network ACL check stops one connection, from the\n"
    "                configuration alone (aws ec2 describe-* output or a YAML topology; no logs)\n\n"
    "Run 'flowsleuth COMMAND --help' for a command's options and examples.\n\n"
    "exit codes: 0 success · 1 findings when asked to fail on them, or a path explain-path finds not allowed ·\n"
    "            2 usage or input error\n";

}  // namespace

int main(int argc, char** argv) {
  using namespace flowsleuth::cli;
  if (argc < 2) {
    std::fputs(top_help, stderr);
    return exit_usage;
  }
  const std::string_view cmd = argv[1];
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    std::fputs(top_help, stdout);
    return exit_ok;
  }
  if (cmd == "--version") {
    std::puts("flowsleuth 0.1.0");
    return exit_ok;
  }
  try {
    if (cmd == "diagnose") return run_diagnose(argc - 1, argv + 1);
    if (cmd == "inspect") return run_inspect(argc - 1, argv + 1);
    if (cmd == "rules") return run_rules(argc - 1, argv + 1);
    if (cmd == "records") return run_records(argc - 1, argv + 1);
    if (cmd == "explain-path") return run_explain_path(argc - 1, argv + 1);
    std::fprintf(stderr, "flowsleuth: unknown command '%s'\n\n%s", argv[1], top_help);
    return exit_usage;
  } catch (const usage_error& e) {
    std::fprintf(stderr, "flowsleuth %s: %s\n", argv[1], e.what());
    return exit_usage;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "flowsleuth %s: internal error: %s\n", argv[1], e.what());
    return exit_usage;
  }
}
