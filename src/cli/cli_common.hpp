#pragma once
// Options every reading subcommand shares, and the typed errors main() maps to exit codes.

#include <boost/program_options.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "flowsleuth/config_loader.hpp"
#include "flowsleuth/ingest.hpp"
#include "flowsleuth/render.hpp"

namespace flowsleuth::cli {

namespace po = boost::program_options;

/// Documented exit codes (docs/cli.md).
enum exit_code : int { exit_ok = 0, exit_findings = 1, exit_usage = 2 };

/// Bad command line or input: exit code 2 with the message.
struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct reading_options {
  std::vector<std::string> inputs;
  std::string log_format;
  std::string since, until;
  unsigned threads = 0;
  bool strict = false;
  bool quiet = false;
  bool no_color = false;
};

/// Adds --log-format, --since, --until, --threads, --strict, --quiet, --no-color and the inputs.
void add_reading_options(po::options_description& desc, reading_options& o);
/// Parses argv for one subcommand; prints help and returns false when --help was asked.
bool parse_command_line(int argc, char** argv, const po::options_description& desc, const std::string& usage,
                        const std::string& examples, po::variables_map& vm);

struct prepared_input {
  input_list inputs;
  ingest_options options;
};
/// Validates the reading options and lists the input files. Throws usage_error.
prepared_input prepare(const reading_options& o);

/// Colour when stdout is a terminal and NO_COLOR is unset.
text_style style_for_stdout(const reading_options& o);
text_style style_for_stderr(const reading_options& o);
/// Exit code for what ingestion found: 2 for unsupported input or missing paths, and for any
/// skipped line or damaged file under --strict; else 0.
int ingest_exit_code(const ingest_report& r, const reading_options& o);
/// Writes skipped-line summaries and file errors to stderr unless --quiet.
void report_problems(const ingest_report& r, const reading_options& o);

/// Loads --config paths, printing every problem to stderr as `file:path: message` (and collecting the
/// same lines in `problems` when given). Throws usage_error when no file was found or none could be used.
config_load_result load_config_or_fail(const std::vector<std::string>& paths, std::vector<std::string>* problems = nullptr);

int run_inspect(int argc, char** argv);
int run_records(int argc, char** argv);
int run_diagnose(int argc, char** argv);
int run_rules(int argc, char** argv);
int run_explain_path(int argc, char** argv);

/// The shipped rule pack: `rules/` in the source tree the binary was built in.
std::string default_rules_dir(const char* argv0);

}  // namespace flowsleuth::cli
