#include "cli/cli_common.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <cstdlib>
#include <fmt/format.h>
#include <iostream>
#include <set>
#include <thread>
#include <variant>

#include "flowsleuth/time_util.hpp"

namespace flowsleuth::cli {

void add_reading_options(po::options_description& desc, reading_options& o) {
  desc.add_options()
      ("log-format", po::value(&o.log_format)->value_name("FORMAT"),
       "the flow log's format as given to create-flow-logs: '${version} ${interface-id} ...' (underscored names "
       "accepted); used for inputs without a header line (default: the version-2 default format)")
      ("since", po::value(&o.since)->value_name("TIME"),
       "only records whose [start, end] reaches TIME or later (ISO 8601 UTC like 2019-08-26T19:47Z, or Unix "
       "seconds); S3 objects whose key date is earlier are not opened")
      ("until", po::value(&o.until)->value_name("TIME"), "only records that start at TIME or earlier")
      ("threads,j", po::value(&o.threads)->value_name("N"), "threads to use (default: all cores); 1 runs everything on one thread")
      ("strict", po::bool_switch(&o.strict), "exit with code 2 if any line is malformed or any file is damaged")
      ("quiet,q", po::bool_switch(&o.quiet), "no progress line and no skipped-line summary on stderr")
      ("no-color", po::bool_switch(&o.no_color), "plain text even on a terminal (NO_COLOR is honoured too)")
      ("help,h", "show this help");
}

bool parse_command_line(int argc, char** argv, const po::options_description& desc, const std::string& usage,
                        const std::string& examples, po::variables_map& vm) {
  po::options_description hidden;
  hidden.add_options()("input", po::value<std::vector<std::string>>()->composing(), "");
  po::options_description all;
  all.add(desc).add(hidden);
  po::positional_options_description pos;
  pos.add("input", -1);
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), vm);
    if (vm.count("help")) {
      std::cout << usage << "\n\n" << desc << "\n" << examples;
      return false;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw usage_error(fmt::format("{} (see --help)", e.what()));
  }
  return true;
}

prepared_input prepare(const reading_options& o) {
  if (o.inputs.empty()) throw usage_error("no input: name flow-log files or directories, or '-' for standard input");
  prepared_input p;
  if (!o.log_format.empty()) {
    auto parsed = parse_format_string(o.log_format);
    if (auto* err = std::get_if<format_error>(&parsed)) {
      throw usage_error(fmt::format("--log-format, column {}: {}\n  {}\n  {:>{}}", err->column, err->message,
                                    o.log_format, "^", err->column));
    }
    p.options.log_format = std::get<layout>(std::move(parsed));
  }
  auto time_arg = [](const std::string& text, const char* name) -> std::optional<std::int64_t> {
    if (text.empty()) return std::nullopt;
    auto t = parse_time(text);
    if (!t) {
      throw usage_error(fmt::format("--{} '{}': not a time (use 2019-08-26T19:47:55Z, 2019-08-26 or Unix seconds)",
                                    name, text));
    }
    return t;
  };
  p.options.window.since = time_arg(o.since, "since");
  p.options.window.until = time_arg(o.until, "until");
  if (p.options.window.since && p.options.window.until && *p.options.window.until < *p.options.window.since) {
    throw usage_error("--until is earlier than --since");
  }
  p.options.threads = o.threads;
  p.options.progress = !o.quiet && ::isatty(2);
  p.inputs = collect_inputs(o.inputs, p.options.window);
  return p;
}

namespace {
bool color_allowed(const reading_options& o, int fd) {
  const char* no_color = std::getenv("NO_COLOR");
  return !o.no_color && !(no_color && *no_color) && ::isatty(fd);
}
}  // namespace

text_style style_for_stdout(const reading_options& o) { return text_style{color_allowed(o, 1), 5}; }
text_style style_for_stderr(const reading_options& o) { return text_style{color_allowed(o, 2), 5}; }

int ingest_exit_code(const ingest_report& r, const reading_options& o) {
  if (!r.input_problems.empty() || r.has_unsupported()) return exit_usage;
  if (o.strict && (r.skipped > 0 || r.has_fatal())) return exit_usage;
  return exit_ok;
}

std::string default_rules_dir(const char* argv0) {
  // The pack ships in the source tree: <repo>/build/flowsleuth finds <repo>/rules.
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path self = fs::canonical("/proc/self/exe", ec);
  for (fs::path dir = ec ? fs::path(argv0).parent_path() : self.parent_path(); !dir.empty(); dir = dir.parent_path()) {
    if (fs::is_directory(dir / "rules")) return (dir / "rules").string();
    if (dir == dir.parent_path()) break;
  }
  return "rules";
}

void report_problems(const ingest_report& r, const reading_options& o) {
  if (o.quiet) return;
  const std::string text = render_problems_text(r, style_for_stderr(o));
  std::fputs(text.c_str(), stderr);
}

config_load_result load_config_or_fail(const std::vector<std::string>& paths, std::vector<std::string>* problems) {
  config_load_result config = load_config(paths);
  std::set<std::string> unusable;  // files with a fatal problem
  for (const auto& p : config.problems) {
    const std::string line = p.to_string();
    std::fprintf(stderr, "%s\n", line.c_str());
    if (problems) problems->push_back(line);
    if (p.fatal) unusable.insert(p.file);
  }
  if (config.files.empty()) {
    throw usage_error(config.problems.empty() ? "--config: no .json, .yaml or .yml file in the paths given"
                                              : "--config: nothing could be read (see above)");
  }
  if (unusable.size() >= config.files.size()) throw usage_error("--config: no file could be used (see above)");
  return config;
}

}  // namespace flowsleuth::cli
