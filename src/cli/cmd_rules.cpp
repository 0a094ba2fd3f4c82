#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

#include "cli/cli_common.hpp"
#include "flowsleuth/rule.hpp"

namespace flowsleuth::cli {

int run_rules(int argc, char** argv) {
  const std::string usage =
      "usage: flowsleuth rules list [--rules DIR]...\n"
      "       flowsleuth rules show ID [--rules DIR]...\n"
      "       flowsleuth rules validate [DIR|FILE]... [--output text|json]\n\n"
      "The diagnosis rules are YAML files (docs/rules.md). `list` and `show` read the shipped pack plus any\n"
      "--rules DIR; `validate` checks the given directories (default: the shipped pack) and reports every\n"
      "problem as file:line:column with a code. validate exits 1 when a rule has an error.";
  std::string action, output = "text";
  std::vector<std::string> args, extra_dirs;
  bool no_color = false;
  po::options_description desc("rules options");
  desc.add_options()("output,o", po::value(&output)->value_name("text|json"), "validate: text (default) or json")
      ("rules", po::value(&extra_dirs)->value_name("DIR"), "list/show: add or override rules from DIR")
      ("no-color", po::bool_switch(&no_color), "plain text on a terminal")("help,h", "show this help");
  po::variables_map vm;
  if (!parse_command_line(argc, argv, desc, usage, "examples:\n  flowsleuth rules list\n  flowsleuth rules show nacl-drops-return-traffic\n  flowsleuth rules validate my-rules/\n", vm)) {
    return exit_ok;
  }
  if (vm.count("input")) args = vm["input"].as<std::vector<std::string>>();
  if (args.empty()) throw usage_error("name an action: list, show ID or validate [DIR]");
  action = args.front();
  args.erase(args.begin());
  const std::string shipped = default_rules_dir(argv[0]);

  if (action == "validate") {
    if (args.empty()) args.push_back(shipped);
    rule_load_options lo;
    lo.base_dir = std::filesystem::path(shipped).parent_path().string();
    const rule_pack pack = load_rule_pack(args, lo);
    if (output == "json") {
      std::fputs(render_diagnostics_json(pack.diagnostics).c_str(), stdout);
    } else {
      std::fputs(render_diagnostics_text(pack.diagnostics, !no_color && ::isatty(1)).c_str(), stdout);
      if (pack.diagnostics.empty()) std::printf("%zu rule files, %zu rules: no problems\n", pack.files, pack.rules.size());
    }
    return pack.ok() ? exit_ok : exit_findings;
  }

  std::vector<std::string> dirs{shipped};
  dirs.insert(dirs.end(), extra_dirs.begin(), extra_dirs.end());
  const rule_pack pack = load_rule_pack(dirs);
  if (!pack.ok()) {
    std::fputs(render_diagnostics_text(pack.diagnostics, false).c_str(), stderr);
    throw usage_error("the rule pack has errors; run `flowsleuth rules validate`");
  }
  if (action == "list") {
    std::printf("%-42s %-16s %-30s %-10s %s\n", "ID", "VERDICT", "LAYER", "CONFIDENCE", "CONDITIONS");
    for (const auto& r : pack.rules) {
      std::printf("%-42s %-16s %-30s %-10s %zu\n", r.id.c_str(), std::string(to_string(r.outcome)).c_str(),
                  r.blocking ? std::string(to_string(r.blocking->layer)).c_str() : "-",
                  r.blocking ? std::string(to_string(r.blocking->confidence)).c_str() : "-", r.specificity());
    }
    return exit_ok;
  }
  if (action == "show") {
    if (args.size() != 1) throw usage_error("rules show takes one rule id");
    const rule* found = nullptr;
    for (const auto& r : pack.rules) {
      if (r.id == args[0]) found = &r;
    }
    if (!found) throw usage_error(fmt::format("no rule '{}' (see `flowsleuth rules list`)", args[0]));
    std::ifstream in(found->file);
    std::stringstream ss;
    ss << in.rdbuf();
    std::printf("# %s (%zu conditions)\n%s", found->file.c_str(), found->specificity(), ss.str().c_str());
    return exit_ok;
  }
  throw usage_error(fmt::format("unknown action '{}': use list, show or validate", action));
}

}  // namespace flowsleuth::cli
